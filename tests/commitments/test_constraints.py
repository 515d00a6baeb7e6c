"""Every invariant is a named database constraint: the database refuses what forms might miss."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from commitments.models import AnnouncementKind, Citation, Commitment, FundingLine, Status
from tests.commitments.factories import (
    AnnouncementFactory,
    CitationFactory,
    CommitmentFactory,
    CommitmentLinkFactory,
    FundingLineFactory,
)

pytestmark = pytest.mark.django_db


def refused(constraint_name_or_word):
    return pytest.raises(IntegrityError, match=constraint_name_or_word)


def test_amount_cannot_be_negative():
    with refused("amount_not_negative"):
        FundingLineFactory(amount=-1)


def test_zero_is_a_valid_amount():
    line = FundingLineFactory(amount=0)  # the database accepts it (no IntegrityError) ...
    line.refresh_from_db()
    line.full_clean()  # ... and so does model validation, which the admin runs


def test_a_citation_targets_exactly_one_claim():
    announcement = AnnouncementFactory()
    funding = FundingLineFactory(commitment=announcement.commitment)
    with refused("citation_targets_one_claim"):
        CitationFactory(
            commitment=announcement.commitment, announcement=announcement, funding_line=funding
        )


def test_a_citation_needs_a_quote():
    citation = CitationFactory()
    with refused("quote_not_empty"):
        Citation.objects.filter(pk=citation.pk).update(quote="")


def test_slugs_are_unique():
    CommitmentFactory(slug="casey-audit")
    with refused(r"(?i)unique"):
        CommitmentFactory(slug="casey-audit")


def test_a_commitment_is_not_its_own_parent():
    commitment = CommitmentFactory()
    with refused("not_own_parent"):
        Commitment.objects.filter(pk=commitment.pk).update(parent=commitment)


def test_a_funding_line_is_not_its_own_parent_or_alternative():
    line = FundingLineFactory()
    with transaction.atomic(), refused("fundingline_not_own_parent"):
        FundingLine.objects.filter(pk=line.pk).update(parent=line)
    with refused("not_own_alternative"):
        FundingLine.objects.filter(pk=line.pk).update(same_money_as=line)


def test_links_are_unique_and_never_to_self():
    link = CommitmentLinkFactory()
    with transaction.atomic(), refused(r"(?i)unique"):
        CommitmentLinkFactory(
            from_commitment=link.from_commitment, to_commitment=link.to_commitment
        )
    with refused("link_not_to_self"):
        CommitmentLinkFactory(
            from_commitment=link.from_commitment, to_commitment=link.from_commitment
        )


def test_deadline_wording_needs_a_deadline_date():
    with refused("wording_needs_deadline"):
        AnnouncementFactory(deadline_wording="by Easter")


def test_deadline_events_must_give_the_deadline():
    with transaction.atomic(), refused("deadline_kind_sets_deadline"):
        AnnouncementFactory(kind=AnnouncementKind.DEADLINE_REVISED)
    AnnouncementFactory(
        kind=AnnouncementKind.DEADLINE_SET, new_deadline=datetime.date(2025, 5, 31)
    )


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (AnnouncementKind.DELIVERED, Status.IN_PROGRESS),
        (AnnouncementKind.SUPERSEDED, ""),
        (AnnouncementKind.DROPPED, Status.STALLED),
    ],
)
def test_closing_events_must_set_the_matching_status(kind, status):
    with refused("kind_matches_status"):
        AnnouncementFactory(kind=kind, new_status=status)


def test_constraint_messages_reach_full_clean():
    """Model validation (and so every admin form) reports the constraint in plain words."""
    from django.core.exceptions import ValidationError

    line = FundingLineFactory.build(commitment=CommitmentFactory(), amount=-5)
    with pytest.raises(ValidationError, match="An amount cannot be negative"):
        line.full_clean()


def test_factories_build_valid_objects():
    citation = CitationFactory()
    citation.full_clean()  # the quote verifies against the factory source's text
    assert citation.claim == citation.commitment
    assert citation.claim_kind == "pledge"
    assert Commitment.objects.get(pk=citation.commitment_id).is_public  # cache kept by signals

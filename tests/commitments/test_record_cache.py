"""The cached publication rule (Commitment.is_public, on_record_from) always equals the rule,
and the cached state (status, deadline, firmness, claim...) the state the timeline gives today."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from commitments.models import Announcement, Citation, Commitment, Status
from tests.commitments.factories import AnnouncementFactory, CitationFactory, CommitmentFactory

D = datetime.date


def rule(commitment: Commitment) -> tuple[bool, datetime.date | None]:
    """The rule worked out from scratch, without the cache."""
    public = Citation.objects.of_pledges().filter(commitment=commitment).exists()
    evidenced = Citation.objects.filter(announcement=OuterRef("pk"))
    dates = (
        Announcement.objects.filter(Exists(evidenced), commitment=commitment)
        .exclude(new_status="")
        .values_list("date", flat=True)
    )
    return public, min(dates, default=None)


STATE = ["status", "status_since", "deadline", "deadline_wording", "last_evidence_on",
         "firmness", "claimed_status", "claimed_on", "is_overdue", "deadline_met",
         "claims_more"]  # fmt: skip


def state_today(commitment: Commitment, *, derived: bool) -> dict:
    """The commitment's state today: read from the row, or worked out from its timeline."""
    today = datetime.date.today()
    return (
        Commitment.objects.filter(pk=commitment.pk)
        .as_of(today, derived=derived or None)  # None: as the pages decide
        .values(*STATE)
        .get()
    )


def cached(commitment: Commitment) -> tuple[bool, datetime.date | None]:
    row = Commitment.objects.values_list("is_public", "on_record_from").get(pk=commitment.pk)
    return row[0], row[1]


operations = st.lists(
    st.tuples(
        st.sampled_from(
            ["pledge", "event", "ahead", "cite", "uncite", "move", "unset", "delete", "save"]
        ),
        st.integers(0, 30),
    ),
    max_size=12,
)


class TestRecordCache(TestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(operations)
    def test_cache_matches_the_rule_after_any_edits(self, ops):
        commitment = CommitmentFactory()
        stale = Commitment.objects.get(pk=commitment.pk)  # an instance loaded before the edits
        for op, n in ops:
            events = list(commitment.announcements.order_by("pk"))
            citations = list(commitment.citations.order_by("pk"))
            if op == "pledge":
                CitationFactory(commitment=commitment)
            elif op == "event":
                AnnouncementFactory(
                    commitment=commitment, date=D(2025, 1, 1) + datetime.timedelta(days=n),
                    new_status=[Status.ANNOUNCED, "", Status.DELIVERED, Status.IN_PROGRESS][n % 4],
                    new_deadline=D(2025, 3, 1) + datetime.timedelta(3 * n) if n % 5 == 1 else None,
                    deadline_wording="by spring" if n % 10 == 1 else "",
                    new_firmness="accepted_in_full" if n % 7 == 2 else "",
                    claimed_status=Status.DELIVERED if n % 6 == 3 else "",
                )  # fmt: skip
            elif op == "ahead":  # recorded ahead of its day
                AnnouncementFactory(
                    commitment=commitment,
                    date=datetime.date.today() + datetime.timedelta(days=n + 1),
                    new_status=Status.DELIVERED,
                )
            elif op == "cite" and events:
                CitationFactory(commitment=commitment, announcement=events[n % len(events)])
            elif op == "uncite" and citations:
                citation = citations[n % len(citations)]
                if citation.is_of_pledge and Citation.unpublishing_message(
                    commitment.pk, leaving={citation.pk}
                ):  # the last pledge citation of a public commitment: refused
                    with pytest.raises(ValidationError), transaction.atomic():
                        citation.delete()
                else:
                    citation.delete()
            elif op == "move" and events:
                event = events[n % len(events)]
                event.date = D(2024, 6, 1) + datetime.timedelta(days=n)
                event.save()
            elif op == "unset" and events:
                event = events[n % len(events)]
                event.new_status = ""
                event.save()
            elif op == "delete" and events:
                events[n % len(events)].delete()
            elif op == "save":
                stale.refresh_from_db(fields=["version"])
                stale.summary = f"edit {n}"
                stale.save()  # must not write back its stale cached fields
            assert cached(commitment) == rule(commitment), (op, n)
            # The state kept on the row is the state the timeline gives today.
            assert state_today(commitment, derived=False) == state_today(
                commitment, derived=True
            ), (op, n)


@pytest.mark.django_db
def test_refresh_record_cache_repairs_rows_written_without_signals():
    commitment = CommitmentFactory()
    CitationFactory(commitment=commitment)
    Commitment.objects.filter(pk=commitment.pk).update(is_public=False)
    assert Commitment.objects.published().count() == 0
    assert Commitment.objects.all().refresh_record_cache() == 1
    assert Commitment.objects.published().get() == commitment


@pytest.mark.django_db
def test_an_event_dated_ahead_is_not_shown_before_its_day():
    """An editor may record an event ahead of its day; until then the state today is the
    timeline's up to today, not the row's state after every event."""
    from tests.commitments.factories import event, published_commitment

    today = datetime.date.today()
    commitment = published_commitment()
    event(commitment, D(2025, 1, 1), new_status=Status.ANNOUNCED)
    event(commitment, today + datetime.timedelta(days=3), new_status=Status.DELIVERED)
    assert (
        Commitment.objects.values_list("cached_status", flat=True).get(pk=commitment.pk)
        == "delivered"
    )
    assert state_today(commitment, derived=False)["status"] == Status.ANNOUNCED
    assert state_today(commitment, derived=False) == state_today(commitment, derived=True)

"""The cached publication rule (Commitment.is_public, on_record_from) always equals the rule."""

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


def cached(commitment: Commitment) -> tuple[bool, datetime.date | None]:
    row = Commitment.objects.values_list("is_public", "on_record_from").get(pk=commitment.pk)
    return row[0], row[1]


operations = st.lists(
    st.tuples(
        st.sampled_from(["pledge", "event", "cite", "uncite", "move", "unset", "delete", "save"]),
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
                    new_status=Status.ANNOUNCED if n % 3 else "",
                )  # fmt: skip
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


@pytest.mark.django_db
def test_refresh_record_cache_repairs_rows_written_without_signals():
    commitment = CommitmentFactory()
    CitationFactory(commitment=commitment)
    Commitment.objects.filter(pk=commitment.pk).update(is_public=False)
    assert Commitment.objects.published().count() == 0
    assert Commitment.objects.all().refresh_record_cache() == 1
    assert Commitment.objects.published().get() == commitment

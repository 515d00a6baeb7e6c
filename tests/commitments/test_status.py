"""The status rule: status, since, deadline and overdue on any date come from the timeline."""

import contextlib
import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitments.models import AnnouncementKind, Commitment, Firmness, Status
from tests.commitments.factories import AnnouncementFactory, CommitmentFactory, event

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def audit():
    """Announced 16 Jan with a May deadline, delayed in June, delivered 16 Jun 2025."""
    commitment = CommitmentFactory(title="Casey audit")
    event(commitment, D(2025, 1, 16), kind=AnnouncementKind.FIRST_ANNOUNCED,
          new_status=Status.ANNOUNCED)  # fmt: skip
    event(commitment, D(2025, 2, 20), kind=AnnouncementKind.PROGRESS,
          new_status=Status.IN_PROGRESS)  # fmt: skip
    event(commitment, D(2025, 4, 28), kind=AnnouncementKind.DEADLINE_SET,
          new_deadline=D(2025, 5, 31), deadline_wording="in May")  # fmt: skip
    event(commitment, D(2025, 6, 2), kind=AnnouncementKind.DELAYED)
    event(commitment, D(2025, 6, 16), kind=AnnouncementKind.DELIVERED,
          new_status=Status.DELIVERED)  # fmt: skip
    return commitment


def state_both_ways(commitment, on):
    """The state from the QuerySet annotation and from the model method; they must agree."""
    annotated = Commitment.objects.as_of(on).get(pk=commitment.pk).state
    direct = commitment.state_on(on)
    assert annotated == direct
    return direct


def test_before_the_first_announcement_there_is_no_status(audit):
    state = state_both_ways(audit, D(2025, 1, 15))
    assert state.status is None
    assert not state.exists
    assert state.get_status_display() == "Not yet announced"
    assert not state.is_overdue
    assert state.last_evidence_on is None


def test_on_the_day_of_an_announcement_its_status_applies(audit):
    state = state_both_ways(audit, D(2025, 1, 16))
    assert (state.status, state.status_since) == (Status.ANNOUNCED, D(2025, 1, 16))


def test_between_announcements_the_latest_status_holds(audit):
    state = state_both_ways(audit, D(2025, 5, 1))
    assert state.status == Status.IN_PROGRESS
    assert state.status_since == D(2025, 2, 20)
    assert state.deadline == D(2025, 5, 31)
    assert state.deadline_wording == "in May"
    assert state.last_evidence_on == D(2025, 4, 28)
    assert not state.is_overdue


def test_overdue_the_day_after_the_deadline_until_delivered(audit):
    assert not state_both_ways(audit, D(2025, 5, 31)).is_overdue
    state = state_both_ways(audit, D(2025, 6, 1))
    assert state.is_overdue
    assert state.days_overdue == 1
    assert state_both_ways(audit, D(2025, 6, 15)).days_overdue == 15


def test_after_delivery_it_is_delivered_and_not_overdue(audit):
    state = state_both_ways(audit, D(2026, 11, 21))
    assert state.status == Status.DELIVERED
    assert state.status_since == D(2025, 6, 16)
    assert state.deadline == D(2025, 5, 31)
    assert not state.is_overdue
    assert state.days_overdue is None


@pytest.mark.parametrize("closed", [Status.PARTLY_DELIVERED, Status.SUPERSEDED, Status.DROPPED])
def test_closed_statuses_are_never_overdue(closed):
    commitment = CommitmentFactory()
    event(commitment, D(2025, 1, 1), new_status=Status.ANNOUNCED, new_deadline=D(2025, 2, 1))
    event(commitment, D(2025, 3, 1), new_status=closed)
    assert not state_both_ways(commitment, D(2025, 4, 1)).is_overdue


def test_a_revised_deadline_replaces_the_old_one():
    commitment = CommitmentFactory()
    event(commitment, D(2025, 1, 1), new_status=Status.ANNOUNCED, new_deadline=D(2025, 4, 20),
          deadline_wording="by Easter")  # fmt: skip
    event(commitment, D(2025, 4, 1), kind=AnnouncementKind.DEADLINE_REVISED,
          new_deadline=D(2025, 5, 31), deadline_wording="later in May")  # fmt: skip
    assert state_both_ways(commitment, D(2025, 3, 1)).deadline == D(2025, 4, 20)
    state = state_both_ways(commitment, D(2025, 4, 25))
    assert (state.deadline, state.deadline_wording, state.is_overdue) == (
        D(2025, 5, 31), "later in May", False)  # fmt: skip


def test_reaffirming_the_same_status_keeps_the_original_since_date():
    commitment = CommitmentFactory()
    event(commitment, D(2025, 1, 1), new_status=Status.ANNOUNCED)
    event(commitment, D(2025, 2, 1), new_status=Status.IN_PROGRESS)
    event(commitment, D(2025, 3, 1), new_status=Status.IN_PROGRESS)
    assert state_both_ways(commitment, D(2025, 4, 1)).status_since == D(2025, 2, 1)


def test_same_day_events_count_in_the_order_they_were_entered():
    """Found by the property test below: a same-day change must not be skipped."""
    commitment = CommitmentFactory()
    event(commitment, D(2025, 1, 1), new_status=Status.IN_PROGRESS)
    event(commitment, D(2025, 1, 2), new_status=Status.ANNOUNCED)
    event(commitment, D(2025, 1, 1), new_status=Status.ANNOUNCED)  # entered later, same day
    state = state_both_ways(commitment, D(2025, 1, 2))
    assert (state.status, state.status_since) == (Status.ANNOUNCED, D(2025, 1, 1))


def test_unsourced_announcements_change_nothing_public():
    commitment = CommitmentFactory()
    event(commitment, D(2025, 1, 1), new_status=Status.ANNOUNCED)
    AnnouncementFactory(
        commitment=commitment,
        date=D(2025, 2, 1),
        new_status=Status.DROPPED,
        kind=AnnouncementKind.DROPPED,
    )  # fmt: skip  (no citation)
    state = state_both_ways(commitment, D(2025, 3, 1))
    assert state.status == Status.ANNOUNCED
    assert state.last_evidence_on == D(2025, 1, 1)


def test_as_of_annotates_a_whole_list_in_one_query(django_assert_num_queries, audit):
    other = CommitmentFactory()
    event(other, D(2025, 1, 1), new_status=Status.ANNOUNCED)
    with django_assert_num_queries(1):
        rows = {c.pk: c.state for c in Commitment.objects.as_of(D(2025, 6, 1))}
    assert rows[audit.pk].is_overdue
    assert rows[other.pk].status == Status.ANNOUNCED
    assert list(Commitment.objects.as_of(D(2025, 6, 1)).filter(is_overdue=True)) == [audit]


class _Rollback(Exception):
    pass


timelines = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=40),  # day offset
        st.sampled_from(["", *Status.values]),  # new status, or none
        st.one_of(st.none(), st.integers(min_value=0, max_value=60)),  # deadline offset
        st.booleans(),  # cited?
        st.sampled_from(["", *Firmness.values]),  # new firmness, or none
        st.sampled_from(["", *Status.values]),  # the government's claim, or none
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timeline=timelines, probe=st.integers(min_value=-1, max_value=45))
def test_queryset_and_model_method_agree_on_any_timeline(timeline, probe):
    start = D(2025, 1, 1)
    with contextlib.suppress(_Rollback), transaction.atomic():
        commitment = CommitmentFactory()
        for offset, status, deadline, cited, firmness, claim in timeline:
            values = {
                "date": start + datetime.timedelta(days=offset),
                "new_status": status,
                "new_firmness": firmness,
                "claimed_status": claim,
                "new_deadline": start + datetime.timedelta(days=deadline)
                if deadline is not None
                else None,
            }
            if status in (Status.SUPERSEDED, Status.DROPPED):
                values["kind"] = status
            if cited:
                event(commitment, **values)
            else:
                AnnouncementFactory(commitment=commitment, **values)
        on = start + datetime.timedelta(days=probe)
        state = state_both_ways(commitment, on)
        row = Commitment.objects.as_of(on).get(pk=commitment.pk)
        assert row.claims_more == state.claims_more  # the SQL rank and the Python one agree
        assert row.deadline_met == state.deadline_met  # lateness, in SQL and in Python
        raise _Rollback

"""Lateness that stays after delivery: deadline met or not, days late, a missed-deadline
filter, on the pages, in the CSV and the API (the Casey audit: due 31 May 2025 after its
revision, delivered 16 June 2025)."""

import csv
import datetime
import io

import pytest

from commitments.models import Commitment

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_audit_was_delivered_16_days_late_and_it_stays_visible(curated, client):
    audit = Commitment.objects.as_of(D(2026, 11, 21)).get(slug="casey-national-audit")
    assert (audit.state.deadline_met, audit.state.late_by_days) == (False, 16)
    assert audit.deadline_met is False  # the SQL annotation agrees
    assert audit.state.missed_deadline
    page = client.get("/commitments/casey-national-audit/").content.decode()
    status = page.index('id="status"')
    assert page.index("delivered 16 days late") > status
    assert page.index("delivered 16 days late") < page.index('id="pledge"')  # verdict first
    listed = client.get("/commitments/", {"q": "Casey's rapid national audit"}).content.decode()
    assert "closed 16 days late" in listed


def test_a_deadline_met_says_so(curated):
    iicsa = Commitment.objects.as_of(D(2026, 11, 21)).get(slug="iicsa-timetable-by-easter")
    assert (iicsa.state.deadline_met, iicsa.state.late_by_days) == (True, None)
    assert not iicsa.state.missed_deadline


def test_the_missed_deadline_filter_keeps_the_late_and_the_overdue(curated, client):
    response = client.get("/commitments/", {"missed_deadline": "true"})
    missed = {c.slug for c in response.context["commitments"]}
    assert {"casey-national-audit", "national-statutory-inquiry"} <= missed
    assert "iicsa-timetable-by-easter" not in missed
    kept = {
        c.slug
        for c in client.get("/commitments/", {"missed_deadline": "false"}).context["commitments"]
    }
    assert missed.isdisjoint(kept)
    assert len(missed | kept) == Commitment.objects.published().count()
    for commitment in response.context["commitments"]:
        assert commitment.state.missed_deadline
    assert client.get("/commitments/", {"missed_deadline": "soon"}).status_code == 400


def test_the_csv_and_the_api_carry_deadline_met_and_days_late(curated, client):
    response = client.get("/export/commitments.csv", {"missed_deadline": "true"})
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(raw))}
    assert (
        rows["casey-national-audit"]["deadline_met"],
        rows["casey-national-audit"]["delivered_late_by_days"],
    ) == ("false", "16")
    inquiry = rows["national-statutory-inquiry"]
    assert (inquiry["deadline_met"], inquiry["delivered_late_by_days"], inquiry["is_overdue"]) == (
        "",
        "",
        "true",
    )
    data = client.get("/api/commitments/casey-national-audit/").json()
    assert (data["deadline_met"], data["delivered_late_by_days"]) == (False, 16)
    # Before delivery, it was simply overdue.
    before = client.get("/api/commitments/casey-national-audit/", {"as_of": "2025-06-10"}).json()
    assert (before["is_overdue"], before["days_overdue"], before["deadline_met"]) == (
        True,
        10,
        None,
    )

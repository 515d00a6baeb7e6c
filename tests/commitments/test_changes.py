"""/changes/?from=&to=: what changed between two dates, as a page, a CSV and JSON, derived from
the timelines and the corrections log."""

import csv
import datetime
import io

import pytest

from commitments.changes import changes

pytestmark = pytest.mark.django_db
D = datetime.date
JUNE = {"from": "2025-06-01", "to": "2025-06-30"}


def test_june_2025_has_the_audit_delivered_and_the_national_inquiry_announced(curated):
    rows = changes(D(2025, 6, 1), D(2025, 6, 30))
    found = {(c.date, c.kind, c.commitment.slug, c.before, c.after) for c in rows}
    assert (
        D(2025, 6, 16),
        "status_changed",
        "casey-national-audit",
        "In progress",
        "Delivered",
    ) in found
    assert (
        D(2025, 6, 14),
        "new_commitment",
        "national-statutory-inquiry",
        "",
        "Announced",
    ) in found
    assert (
        D(2025, 6, 2),
        "deadline_changed",
        "casey-national-audit",
        "2025-04-16",
        "2025-05-31",
    ) in found
    assert all(D(2025, 6, 1) <= c.date <= D(2025, 6, 30) for c in rows)
    assert [c.date for c in rows] == sorted(c.date for c in rows)
    for change in rows:  # every change rests on a quote that its source holds
        assert change.citation.source.contains_quote(change.citation.quote)
    # A reaffirmation that sets no new status or deadline is not a change.
    assert not any(c.kind == "status_changed" and c.before == c.after for c in rows)


def test_money_and_corrections_in_a_range(curated):
    january = changes(D(2025, 1, 16), D(2025, 1, 16))
    money = [c for c in january if c.kind == "new_money"]
    assert any(c.after.startswith("£10,000,000 announced") for c in money)
    assert any(
        "another source's figure" in c.after or "may overlap" in c.after
        for c in changes(D(2025, 1, 17), D(2025, 1, 17))
    )


def test_the_page_the_csv_and_the_json_hold_the_same_rows(client, curated):
    page = client.get("/changes/", JUNE)
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        "Baroness Casey&#x27;s rapid national audit" in text
        or "Baroness Casey's rapid national audit" in text
    )
    assert "In progress → <strong>Delivered</strong>" in text
    exported = client.get("/export/changes.csv", JUNE)
    assert exported["Content-Disposition"].endswith('changes_2025-06-01_2025-06-30.csv"')
    raw = b"".join(exported.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    data = client.get("/api/changes/", JUNE).json()
    assert data["count"] == len(rows) == len(changes(D(2025, 6, 1), D(2025, 6, 30)))
    assert [r["commitment_slug"] for r in rows] == [r["commitment_slug"] for r in data["results"]]
    audit = next(
        r
        for r in rows
        if r["change"] == "status_changed" and r["commitment_slug"] == "casey-national-audit"
    )
    assert (audit["date"], audit["before"], audit["after"]) == (
        "2025-06-16",
        "In progress",
        "Delivered",
    )
    assert audit["source_url"].startswith("http")
    assert audit["page_url"].startswith(
        "http://testserver/commitments/casey-national-audit/#event-"
    )
    assert f"<strong>{len(rows)}</strong> changes from 1 June 2025 to 30 June 2025" in text


def test_bad_dates_are_a_400_in_every_format(client, curated):
    for params in (
        {"from": "2025-07-01", "to": "2025-06-30"},
        {"from": "yesterday"},
        {"to": "2999-01-01"},
    ):
        assert client.get("/changes/", params).status_code == 400
        assert client.get("/export/changes.csv", params).status_code == 400
        bad = client.get("/api/changes/", params)
        assert bad.status_code == 400
        assert "could not be read" in bad.json()["error"]


def test_the_default_range_is_the_last_30_days(client, curated):
    data = client.get("/api/changes/").json()
    today = datetime.date.today()
    assert data["to"] == today.isoformat()
    assert data["from"] == (today - datetime.timedelta(days=30)).isoformat()
    assert client.get("/changes/").status_code == 200

"""CSV exports, read the way a journalist's tools read them."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.exports import DATASETS, cell, neutralise
from commitments.models import Announcement, Status
from tests.commitments.factories import (
    AnnouncementFactory,
    CitationFactory,
    FundingLineFactory,
    bulk_published,
    event,
    published_commitment,
)
from tests.sources.factories import SourceDocumentFactory

pytestmark = pytest.mark.django_db
PAYLOADS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", '=HYPERLINK("http://x","y")', "\r=2"]


@pytest.fixture
def curated():
    call_command("load_curated", verbosity=0)


def download(client, dataset, params=None):
    response = client.get(f"/export/{dataset}.csv", params or {})
    assert response.status_code == 200, response.content
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return response, list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_header_is_the_declaration(client, curated, dataset):
    response, rows = download(client, dataset)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows
    assert list(rows[0]) == DATASETS[dataset].header


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": ["delivered", "superseded"]},
        {"theme": "inquiries", "as_of": "2025-07-01"},
        {"q": "Beaconport"},
        {"overdue": "true", "as_of": "2025-06-01"},
    ],
)
def test_commitments_csv_has_the_rows_the_list_shows(client, curated, params):
    page = client.get("/commitments/", params)
    _, rows = download(client, "commitments", params)
    assert len(rows) == page.context["paginator"].count
    assert {r["slug"] for r in rows} == {c.slug for c in page.context["commitments"]}


def test_sources_csv_has_the_rows_the_list_shows(client, curated):
    params = {"kind": "written_answer", "published_after": "2025-06-01"}
    page = client.get("/sources/", params)
    _, rows = download(client, "sources", params)
    assert len(rows) == page.context["paginator"].count
    assert all(r["kind"] == "written_answer" for r in rows)


def test_funding_csv_has_every_line_of_the_funding_page(client, curated):
    page = client.get("/funding/")
    _, rows = download(client, "funding")
    assert len(rows) == page.context["line_count"] == 14
    two = next(r for r in rows if r["amount"] == "2000000")
    assert two["disagrees"] == "true"
    assert two["counted_in_totals"] == "false"
    plan = next(r for r in rows if r["amount"] == "10000000")
    assert plan["children_total"] == "10000000"
    assert plan["children_add_up"] == "true"


def test_as_of_is_honoured(client, curated):
    _, rows = download(client, "commitments", {"as_of": "2025-03-01"})
    casey = next(r for r in rows if r["slug"] == "casey-national-audit")
    assert casey["status"] == "in_progress"
    assert casey["as_of"] == "2025-03-01"
    assert "national-statutory-inquiry" not in {r["slug"] for r in rows}
    _, events = download(client, "announcements", {"as_of": "2025-03-01"})
    assert max(r["date"] for r in events) <= "2025-03-01"


def test_announcements_csv_is_the_full_history_with_status_before_and_after(client, curated):
    _, rows = download(client, "announcements")
    assert len(rows) == Announcement.objects.evidenced().count()
    casey = [r for r in rows if r["commitment_slug"] == "casey-national-audit"]
    assert [(r["date"], r["status_before"], r["status_after"]) for r in casey][:3] == [
        ("2025-01-16", "", "announced"),
        ("2025-02-20", "announced", "in_progress"),
        ("2025-04-28", "in_progress", "in_progress"),
    ]
    delivered = next(r for r in casey if r["date"] == "2025-06-16")
    assert (delivered["status_before"], delivered["status_after"]) == ("in_progress", "delivered")
    quotes = delivered["quotes"].split(" | ")
    urls = delivered["source_urls"].split(" | ")
    assert len(quotes) == len(urls) == 3
    for quote, url in zip(quotes, urls, strict=True):  # each quote beside its own source
        if quote.startswith("We will therefore accept"):
            assert "gov.uk" in url
        if quote.startswith("On 16 June"):
            assert "/question/62612/" in url
    slipped = [r for r in rows if r["commitment_slug"] == "local-inquiries-fund"]
    revised = next(r for r in slipped if r["date"] == "2025-04-09")
    assert (revised["deadline_before"], revised["deadline_after"]) == ("2025-04-20", "2025-05-31")


def test_citations_csv_points_at_the_passage(client, curated):
    _, rows = download(client, "citations")
    assert rows
    row = rows[0]
    assert row["passage_url"].startswith("http://testserver/sources/")
    assert f"#citation-{row['id']}" in row["passage_url"]


def test_formula_payloads_are_neutralised_and_numbers_are_not(client):
    commitment = published_commitment(title=PAYLOADS[0], slug="payload")
    source = SourceDocumentFactory(text="Prefix. " + " ".join(PAYLOADS) + " Suffix.")
    happening = AnnouncementFactory(commitment=commitment, date=datetime.date(2025, 1, 1),
                                    new_status=Status.ANNOUNCED, summary=PAYLOADS[1],
                                    note=PAYLOADS[2])  # fmt: skip
    CitationFactory(commitment=commitment, announcement=happening, source=source, quote="=1+1")
    line = FundingLineFactory(commitment=commitment, amount=1500, recipient=PAYLOADS[3],
                              purpose=PAYLOADS[5], stated_on=datetime.date(2025, 1, 2),
                              )  # fmt: skip
    CitationFactory(commitment=commitment, funding_line=line, source=source, quote="@cmd")

    _, commitments = download(client, "commitments")
    assert commitments[0]["title"] == "'=1+1"
    _, events = download(client, "announcements")
    assert events[0]["summary"] == "'+SUM(A1)"
    assert events[0]["note"] == "'-2+3"
    assert events[0]["quotes"] == "'=1+1"
    _, lines = download(client, "funding")
    assert lines[0]["recipient"] == "'@cmd"
    assert lines[0]["purpose"] == '\'=HYPERLINK("http://x","y")'
    assert lines[0]["amount"] == "1500"
    _, citations = download(client, "citations")
    assert {c["quote"] for c in citations} >= {"'=1+1", "'@cmd"}
    for payload in PAYLOADS:
        assert neutralise(payload).startswith("'")
    assert cell(Decimal("-2.5"), "number") == "-2.5"
    assert cell(-3, "integer") == "-3"
    assert cell(Decimal("2500000.00"), "number") == "2500000"


def test_non_ascii_text_round_trips(client):
    title = "£5m for Zoë’s “review” – naïve café"
    commitment = published_commitment(title=title, slug="unicode")
    event(commitment, datetime.date(2025, 1, 1), new_status=Status.ANNOUNCED, summary=title)
    _, rows = download(client, "commitments")
    assert [r["title"] for r in rows] == [title]
    _, events = download(client, "announcements")
    assert events[0]["summary"] == title


def test_filename_names_the_dataset_the_filters_and_the_date(client, curated):
    response, _ = download(client, "commitments", {"status": "delivered", "theme": "inquiries"})
    disposition = response["Content-Disposition"]
    today = datetime.date.today().isoformat()
    assert disposition == (
        f'attachment; filename="commitments_status-delivered_theme-inquiries_{today}.csv"'
    )


def test_bad_filters_and_unknown_datasets(client, curated):
    response = client.get("/export/commitments.csv", {"status": "bogus"})
    assert response.status_code == 400
    assert b"bogus is not one of the available choices" in response.content
    assert client.get("/export/commitments.csv", {"as_of": "2025-02-30"}).status_code == 400
    assert client.get("/export/people.csv").status_code == 404


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_query_count_does_not_grow_with_rows(client, dataset):
    def queries_for(n):
        bulk_published(n, money=True, on=datetime.date(2025, 1, 1), prefix=f"n{n}")
        with CaptureQueriesContext(connection) as captured:
            download(client, dataset)
        return len(captured.captured_queries)

    few = queries_for(10)
    many = queries_for(300)
    assert few == many


def test_postgresql_writes_the_same_funding_csv_as_python(client, curated, rf):
    if connection.vendor != "postgresql":
        pytest.skip("the SQL path runs on PostgreSQL only")
    from commitments.exports import funding_sql, make_filterset, sql_stream, stream
    from commitments.models import Commitment

    casey = Commitment.objects.get(slug="casey-national-audit")
    odd = FundingLineFactory(
        commitment=casey, amount=Decimal("1500.50"), purpose="=cmd|' /C calc'!A0",
        recipient="-5", note="Zoë’s £ “quote”\nsecond line", stated_on=None,
    )  # fmt: skip
    source = SourceDocumentFactory(text="@SUM(1) and more.")
    CitationFactory(commitment=casey, funding_line=odd, source=source, quote="@SUM(1)")
    request = rf.get("/export/funding.csv")
    request.as_of = request.today = datetime.date.today()
    filterset = make_filterset(DATASETS["funding"], request)
    assert filterset.is_valid()
    by_copy = "".join(sql_stream(DATASETS["funding"].header, *funding_sql(filterset)))
    rows = DATASETS["funding"].rows(filterset, request)
    by_python = "".join(stream(DATASETS["funding"], rows))

    def parse(text):
        return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))

    assert parse(by_copy) == parse(by_python)
    assert len(parse(by_copy)) == 15
    row = next(r for r in parse(by_copy) if r["amount"] == "1500.50")
    assert row["purpose"].startswith("'=")
    assert row["recipient"] == "'-5"
    assert row["quotes"] == "'@SUM(1)"
    assert row["note"] == "Zoë’s £ “quote”\nsecond line"
    served = b"".join(client.get("/export/funding.csv").streaming_content).decode("utf-8-sig")
    assert parse(served) == parse(by_copy)

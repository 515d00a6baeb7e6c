"""CSV exports, read the way a journalist's tools read them."""

import csv
import datetime
import io
import random
import sys
import unicodedata
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from commitments.exports import DATASETS, Column, Dataset, cell_writer, neutralise, stream
from commitments.models import (
    Announcement,
    Citation,
    Commitment,
    Correction,
    FundingLine,
    Status,
)
from sources.models import SourceDocument
from tests.commitments.factories import (
    AnnouncementFactory,
    CitationFactory,
    CommitmentFactory,
    FundingLineFactory,
    bulk_published,
    event,
    published_commitment,
)
from tests.sources.factories import SourceDocumentFactory

pytestmark = pytest.mark.django_db
PAYLOADS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", '=HYPERLINK("http://x","y")', "\r=2"]


def cell(value, kind: str) -> str:
    """One value written as the file has it."""
    return cell_writer(kind)(value)


def download(client, dataset, params=None):
    response = client.get(f"/export/{dataset}.csv", params or {})
    assert response.status_code == 200, response.content
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return response, list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_every_row_has_one_cell_per_column(client, curated, dataset):
    casey = Commitment.objects.get(slug="casey-national-audit")
    correct(casey, "A test correction, not in the curated dataset.")  # it has none
    response = client.get(f"/export/{dataset}.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert rows
    assert len(set(header)) == len(header)
    assert {len(row) for row in rows} == {len(header)}  # DictReader would hide a stray cell


CASEY_ON_2025_12_31 = {
    "slug": "casey-national-audit",
    "title": "Baroness Casey's rapid national audit of group-based child sexual exploitation",
    "status": "delivered",
    "status_label": "Delivered",
    "status_since": "2025-06-16",
    "deadline": "2025-05-31",
    "deadline_wording": "due for publication in May",  # revised on 2 June 2025 (review E7)
    "is_overdue": "false",
    "days_overdue": "",
    "deadline_met": "false",  # delivered on 16 June 2025, due by 31 May
    "delivered_late_by_days": "16",
    "last_evidence_on": "2025-10-22",
    "sources_searched_on": "",  # 2 December 2026 is after the row's date
    "firmness": "",
    "firmness_label": "",
    "government_claim": "",
    "government_claim_label": "",
    "government_claim_on": "",
    "claims_more_than_evidence": "false",
    "theme": "inquiries",
    "theme_label": "Inquiries, audits and reviews",
    "lead_department": "home_office",
    "lead_department_label": "Home Office",
    "parent_slug": "ten-million-action-plan",
    "money_total": "2500000",
    "money_disagrees": "false",
    "pledge_text": "First, we want a rapid audit that fills the gaps that were left by the "
    "independent inquiry, such as on the scale and characteristics of child sexual exploitation "
    "across the country. That work will rightly be done by Baroness Casey.",
    "pledge_source_url": "https://parallelparliament.co.uk/mp/jo-white/debate/2025-01-16/commons/commons-chamber/child-sexual-exploitation-and-abuse",
    "bills": "",  # no bill carries the audit
    "bill_stages": "",
    "bill_stages_on": "",
    "bill_next_stages": "",
    "as_of": "2025-12-31",
    "page_url": "http://testserver/commitments/casey-national-audit/",
}


def test_a_known_commitment_row_cell_by_cell(client, curated):
    _, rows = download(client, "commitments", {"as_of": "2025-12-31"})
    casey = next(row for row in rows if row["slug"] == "casey-national-audit")
    assert casey == CASEY_ON_2025_12_31


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
    assert len(rows) == page.context["line_count"] == 17
    two = next(r for r in rows if r["amount"] == "2000000")
    assert (two["disagrees"], two["may_overlap"]) == ("false", "true")
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
    assert len(quotes) == len(urls) == 4
    for quote, url in zip(quotes, urls, strict=True):  # each quote beside its own source
        if quote.startswith("We will therefore accept"):
            assert "gov.uk" in url
        if quote.startswith("On 16 June"):
            assert "/question/62612/" in url
    slipped = [r for r in rows if r["commitment_slug"] == "local-inquiries-fund"]
    revised = next(r for r in slipped if r["date"] == "2025-04-09")
    assert (revised["deadline_before"], revised["deadline_after"]) == ("2025-04-20", "2025-05-31")


def test_history_csv_has_one_row_per_citation_in_date_order(client, curated):
    """The history a journalist reads: each quote on its own row beside its own source's title,
    publisher, date and provenance, the rows in date order, lateness on the closing event."""
    _, rows = download(client, "history")
    on = datetime.date.today()
    cited = Citation.objects.public(on).filter(announcement__isnull=False)
    assert len(rows) == cited.count()
    assert {int(r["citation_id"]) for r in rows} == set(cited.values_list("pk", flat=True))
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    for row in rows:  # each quote is verbatim in the source named beside it
        citation = cited.select_related("source").get(pk=row["citation_id"])
        assert row["quote"] == citation.quote
        assert row["source_title"] == citation.source.title
        assert row["source_url"] == citation.source.url
        assert row["event_url"].endswith(
            f"/commitments/{row['commitment_slug']}/#event-{row['event_id']}"
        )
        assert row["passage_url"].endswith(f"#citation-{row['citation_id']}")
    delivered = [
        r
        for r in rows
        if r["commitment_slug"] == "casey-national-audit" and r["date"] == "2025-06-16"
    ]
    assert len(delivered) == 4  # the event rests on four quotes: four rows
    assert {r["event_id"] for r in delivered} == {delivered[0]["event_id"]}
    for row in delivered:
        assert (row["status_before_label"], row["status_after_label"]) == (
            "In progress",
            "Delivered",
        )
        assert (row["deadline_after"], row["deadline_met"], row["days_late"]) == (
            "2025-05-31",
            "false",
            "16",
        )
    by_source = {r["source_publisher"]: r for r in delivered}
    assert by_source["GOV.UK"]["quote"].startswith("We will therefore accept")
    assert by_source["GOV.UK"]["source_provenance_label"].startswith("Primary")
    # Lateness is told only on the event that closes a commitment: not on the audit's earlier
    # events, nor on a later one that finds it still delivered.
    others = [
        r
        for r in rows
        if r["commitment_slug"] == "casey-national-audit" and r["date"] != "2025-06-16"
    ]
    assert others
    assert all(r["deadline_met"] == r["days_late"] == "" for r in others)
    # IICSA's timeline was published on 9 April 2025, before its Easter (20 April) deadline.
    published = ("iicsa-timetable-by-easter", "2025-04-09")
    iicsa = {(r["deadline_met"], r["days_late"]) for r in rows
             if (r["commitment_slug"], r["date"]) == published}  # fmt: skip
    assert iicsa == {("true", "")}
    # The same filters and date as the pages.
    _, early = download(client, "history", {"as_of": "2025-03-01", "q": "audit"})
    assert early
    assert max(r["date"] for r in early) <= "2025-03-01"


def test_joined_quotes_follow_the_citations_order_not_the_alphabet(client):
    """Quotes and source addresses are joined in citation order, on both databases, so the
    n-th quote is always beside the n-th address."""
    commitment = published_commitment()
    announcement = event(commitment, datetime.date(2025, 3, 1), new_status=Status.IN_PROGRESS)
    words = ["zebra crossing", "apple orchard", "mango grove", "banana split"]
    for word in words:
        source = SourceDocumentFactory(
            text=f"The words {word} are here.", url=f"https://x.test/{word[0]}"
        )
        CitationFactory(
            commitment=commitment, announcement=announcement, source=source, quote=word
        )
    _, rows = download(client, "announcements")
    row = next(r for r in rows if r["date"] == "2025-03-01")
    assert row["quotes"].split(" | ")[-4:] == words
    assert row["source_urls"].split(" | ")[-4:] == [f"https://x.test/{w[0]}" for w in words]


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


@pytest.fixture
def odd_funding(curated):
    """The curated data, plus funding lines and a source holding every formula payload."""
    from commitments.models import Commitment

    casey = Commitment.objects.get(slug="casey-national-audit")
    odd = FundingLineFactory(
        commitment=casey, amount=Decimal("1500.50"), purpose="=cmd|' /C calc'!A0",
        recipient="-5", note="Zoë’s £ “quote”\nsecond line", stated_on=None,
    )  # fmt: skip
    source = SourceDocumentFactory(text="@SUM(1) and more. " + " ".join(SNEAKY + INSIDE))
    CitationFactory(commitment=casey, funding_line=odd, source=source, quote="@SUM(1)")
    for payload in SNEAKY + INSIDE:  # every text cell of the SQL path, every rule
        line = FundingLineFactory(commitment=casey, purpose=payload, recipient=payload,
                                  period=payload[:50], note=payload)  # fmt: skip
        CitationFactory(commitment=casey, funding_line=line, source=source, quote=payload)
        correct(casey, payload)
    for commitment in Commitment.objects.published():  # a correction on every filtered set
        correct(commitment, "Zoë’s £ “quote”\nsecond line")


def both_paths(dataset, params=None, on=None):
    """The dataset's CSV written by PostgreSQL and by Python, from the page's filters."""
    from django.test import RequestFactory

    from commitments.exports import make_filterset, sql_stream

    request = RequestFactory().get(f"/export/{dataset.name}.csv", params or {})
    request.as_of = request.today = on or datetime.date.today()
    filterset = make_filterset(dataset, request)
    assert filterset.is_valid()
    arguments = (filterset.qs, request.as_of, "http://testserver")
    by_sql = "".join(sql_stream(dataset.header, *dataset.sql(*arguments)))
    by_python = "".join(stream(dataset, dataset.rows(*arguments)))
    return by_sql, by_python


def parse(text):
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_postgresql_writes_the_same_funding_csv_as_python(client, odd_funding):
    if connection.vendor != "postgresql":
        pytest.skip("the SQL path runs on PostgreSQL only")
    by_sql, by_python = both_paths(DATASETS["funding"])
    assert by_sql == by_python  # byte for byte
    # every cited line: the curated ones and the fixture's (one each for SNEAKY and INSIDE)
    assert len(parse(by_sql)) == FundingLine.objects.evidenced().count() > len(SNEAKY + INSIDE)
    row = next(r for r in parse(by_sql) if r["amount"] == "1500.50")
    assert row["purpose"].startswith("'=")
    assert row["recipient"] == "'-5"
    assert row["quotes"] == "'@SUM(1)"
    assert row["note"] == "Zoë’s £ “quote”\nsecond line"
    served = b"".join(client.get("/export/funding.csv").streaming_content).decode("utf-8")
    assert served == by_sql


@pytest.mark.parametrize("dataset", sorted(DATASETS))
@pytest.mark.parametrize(
    ("params", "on"),
    [
        ({}, None),
        ({}, datetime.date(2025, 3, 1)),
        ({"overdue": "true"}, datetime.date(2025, 9, 1)),
    ],
)
def test_postgresql_writes_every_dataset_as_python_does(odd_funding, dataset, params, on):
    """Both ways of writing each file are built from the one declaration: the same bytes."""
    if connection.vendor != "postgresql":
        pytest.skip("the SQL path runs on PostgreSQL only")
    by_sql, by_python = both_paths(DATASETS[dataset], params, on)
    assert by_sql == by_python  # byte for byte
    assert len(parse(by_sql)) > 0


# -- formulas hidden behind invisible characters, lookalikes and separators ---------------------
#
# What a reader may skip before it looks for a formula, and what it takes for one, written here
# from Unicode's own tables rather than from the exports module, so the two are checked against
# each other.


INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}
LOOKALIKES = "=+-@\u2212\u2010"  # what a formula character becomes under NFKC


def invisible(char: str) -> bool:
    return char.isspace() or char == '"' or unicodedata.category(char) in INVISIBLE_CATEGORIES


def starts_a_formula(cell_text: str) -> bool:
    visible = cell_text.lstrip("".join(c for c in cell_text if invisible(c)))
    first = visible[:1]
    return bool(first) and (
        unicodedata.normalize("NFKC", first) in LOOKALIKES or first in "\u2795\u2796"
    )


SNEAKY = [
    "=1+1", " =1+1", "  =1+1", "\u00a0=1+1", "\u200b=1+1", "\u200c=1+1", "\u200d=1+1",
    "\u2060=1+1", "\ufeff=1+1", "\u3000=1+1", "\u202f=1+1", "\u00ad=1+1", "\u2028=1+1",
    "\t=1+1", "\r=1+1", "\n=1+1", " \u200b\ufeff\u00a0 =1+1", '"=1+1"', ' "=1+1',
    "\uff1d1+1", "\uff0b1+1", "\uff0d1+1", "\uff20SUM(1,1)", "\u22121+1", "\u2212 1+1",
    "\ufe661+1", "\ufe621+1", "\ufe631+1", "\ufe6bSUM(1,1)", "\u207c1", "\u208a1", "\u2796 1",
    "+1+1", "-1+1", "@SUM(1,1)", '=HYPERLINK("http://example.invalid","x")',
]  # fmt: skip
# A cell that starts harmlessly but holds a formula where a ";"-, tab- or line-separated reader
# starts a new cell.
INSIDE = [
    "x;=1+1", "x; =1+1", "x;\u00a0=1+1", "x;\u200b=1+1", 'x;"=1+1"', "x;\uff1d1+1", "x;;=1+1",
    '"";=1+1', "x\n=1+1", "x\r\n-1+1", "x\r@SUM(1,1)", "x\n\n=1+1", "x\t=1+1", "x\t\t+1",
]  # fmt: skip
HARMLESS = [
    "Local inquiries", "£5m for councils", "2025-26", "Zoë’s “review”", "a - b", "a = b",
    "x,=1+1", "a; b", "line one\nline two", "e-mail", "(=1)", "– an en dash", "'=1+1", "",
]  # fmt: skip


@pytest.mark.parametrize("payload", SNEAKY)
def test_a_formula_behind_invisible_characters_or_a_lookalike_is_neutralised(payload):
    assert starts_a_formula(payload)
    written = neutralise(payload)
    assert written.startswith("'")
    assert not starts_a_formula(written)


@pytest.mark.parametrize("payload", INSIDE)
def test_a_formula_after_a_semicolon_tab_or_line_break_is_neutralised(payload):
    written = neutralise(payload)
    for separator in (";", "\t", "\n"):
        pieces = written.replace("\r\n", "\n").replace("\r", "\n").split(separator)
        assert not any(starts_a_formula(piece) for piece in pieces), (separator, written)


@pytest.mark.parametrize("payload", HARMLESS)
def test_harmless_text_is_left_alone(payload):
    assert neutralise(payload) == payload


def test_every_invisible_and_blank_character_is_looked_past():
    """Every control, format character, separator and whitespace character, alone or twice
    (and the double quote): the formula behind it is caught."""
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if code < 0xD800 or code > 0xDFFF
        if invisible(char := chr(code))
        if not neutralise(char + "=1").startswith("'")
        or not neutralise(f"x;{char}{char}=1").startswith("x;'")
    ]
    assert missed == []


def test_every_formula_lookalike_is_caught():
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if code < 0xD800 or code > 0xDFFF
        if starts_a_formula(char := chr(code))
        if not neutralise(char + "1").startswith("'")
    ]
    assert missed == []


def tuples(*columns) -> Dataset:
    """A dataset whose rows are tuples of values, one column per (name, kind)."""
    declared = tuple(Column(name, kind, "", "", F(name)) for name, kind in columns)
    return Dataset("test", "Test", "rows", declared)


def test_a_semicolon_reader_cannot_split_a_formula_out_of_a_line():
    """A comma line opened with ";" (or tab) as the separator, as a spreadsheet in a
    semicolon locale does, whatever the quoting: no piece starts a formula."""
    line = "".join(
        stream(
            tuples(("id", "integer"), ("text", "text"), ("amount", "number"), ("more", "text")),
            [(12, payload, Decimal("-2.5"), payload) for payload in SNEAKY + INSIDE],
        )
    ).removeprefix("\ufeff")
    for delimiter in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(line, newline=""), delimiter=delimiter):
            assert not any(starts_a_formula(cell) for cell in row if cell != "-2.5"), row


def test_text_cells_are_quoted_and_number_cells_are_not():
    assert cell("Local inquiries", "text") == '"Local inquiries"'
    assert cell('say "no"; -5', "text") == '"say ""no"";\' -5"'
    assert cell("", "text") == cell(None, "text") == ""
    assert cell("https://x.example/?a=1,2", "url") == '"https://x.example/?a=1,2"'
    assert cell(Decimal("-2.50"), "number") == "-2.50"
    assert cell(Decimal("-2.00"), "number") == "-2"
    assert cell(-7, "integer") == "-7"
    assert cell(datetime.date(2025, 1, 2), "date") == "2025-01-02"
    assert cell(False, "boolean") == "false"
    text = "".join(
        stream(
            tuples(("n", "number"), ("t", "text"), ("d", "date")),
            [(Decimal("-2.5"), "=1+1", datetime.date(2025, 1, 2)), (-3, "", None)],
        )
    )
    assert text == '\ufeffn,t,d\r\n-2.5,"\'=1+1",2025-01-02\r\n-3,,\r\n'


E2E_PAYLOADS = SNEAKY + INSIDE + ["x,=1+1", '""=1+1""']


@pytest.fixture
def payload_records():
    """One public commitment per payload, with the payload in every text field it has and in
    its announcement, funding line, citations and source."""
    for i, payload in enumerate(E2E_PAYLOADS):
        source = SourceDocumentFactory(
            title=payload, publisher=payload, department=payload, uin=payload[:30],
            answered_by=payload, url=f"{payload}#{i}", text=f"Text {i}. {payload} End.",
        )  # fmt: skip
        commitment = CommitmentFactory(slug=f"payload-{i}", title=payload, pledge_text=payload)
        CitationFactory(commitment=commitment, source=source, quote=payload, locator=payload)
        happening = AnnouncementFactory(
            commitment=commitment, date=datetime.date(2025, 1, 1), new_status=Status.ANNOUNCED,
            new_deadline=datetime.date(2025, 6, 1), deadline_wording=payload, summary=payload,
            note=payload,
        )  # fmt: skip
        CitationFactory(
            commitment=commitment, announcement=happening, source=source, quote=payload,
            locator=payload,
        )  # fmt: skip
        line = FundingLineFactory(
            commitment=commitment, amount=Decimal("1500.50"), recipient=payload, purpose=payload,
            period=payload[:50], note=payload,
        )  # fmt: skip
        CitationFactory(
            commitment=commitment, funding_line=line, source=source, quote=payload,
            locator=payload,
        )  # fmt: skip
        correct(commitment, payload)


def correct(commitment, text: str) -> Correction:
    """A published correction of the commitment's title, with `text` in every text field."""
    return Correction.objects.create(
        commitment=commitment, change=Correction.objects.count() + 1,
        corrected_on=datetime.date(2025, 2, 1),
        record=text, record_url=commitment.get_absolute_url(), field=text, before=text,
        after=text, reason=text,
    )  # fmt: skip


# A column of each export that holds a payload, and the stored texts it shows.
PAYLOAD_COLUMN = {
    "commitments": ("title", Commitment.objects.all),
    "announcements": ("summary", Announcement.objects.all),
    "history": ("quote", Citation.objects.filter(announcement__isnull=False).all),
    "funding": ("purpose", FundingLine.objects.all),
    "sources": ("title", SourceDocument.objects.all),
    "citations": ("quote", Citation.objects.all),
    "corrections": ("reason", Correction.objects.all),
}


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_no_export_cell_starts_a_formula_read_with_commas_semicolons_or_tabs(
    client, payload_records, dataset
):
    """Every payload in every text field, every export, read the way a user's tools read it:
    Python's csv module with the file's comma, and with ";" or tab as the separator."""
    response = client.get(f"/export/{dataset}.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) > len(E2E_PAYLOADS)  # the header and at least a row per payload
    for delimiter in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            assert not any(starts_a_formula(cell) for cell in row), (delimiter, row)
    # Read with commas, a text cell is the stored text and its apostrophes, nothing else.
    column, stored = PAYLOAD_COLUMN[dataset]
    header, *body = rows
    read = {row[header.index(column)] for row in body}
    assert read == {neutralise(text) for text in stored().values_list(column, flat=True)}


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_postgresql_writes_every_payload_as_python_does(payload_records, dataset):
    """Every payload in every text field of every export: the SQL and Python paths agree."""
    if connection.vendor != "postgresql":
        pytest.skip("the SQL path runs on PostgreSQL only")
    by_sql, by_python = both_paths(DATASETS[dataset])
    assert by_sql == by_python  # byte for byte
    assert len(parse(by_sql)) >= len(E2E_PAYLOADS)


def test_postgresql_writes_every_text_cell_as_python_does():
    if connection.vendor != "postgresql":
        pytest.skip("the SQL path runs on PostgreSQL only")
    from commitments.exports import SQL_TEXT

    rng = random.Random(10)  # noqa: S311 (not cryptography: reproducible strings)
    alphabet = [*"ab1 ;\t\r\n\"'=+-@,", "\u00a0", "\u200b", "\ufeff", "\uff1d", "\u2212",
                "\u3164", "é", "\U000e0020", "\u2028", "\x01", "\u2796"]  # fmt: skip
    texts = [*SNEAKY, *INSIDE, *HARMLESS]
    texts += ["".join(rng.choices(alphabet, k=rng.randint(0, 8))) for _ in range(3000)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE({SQL_TEXT.format('t.v')}, '') "  # noqa: S608
            "FROM unnest(%s::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n",
            [texts],
        )
        by_sql = [written for (written,) in cursor.fetchall()]
    assert by_sql == [cell(text, "text") for text in texts]


def test_every_code_column_has_its_words_beside_it(client, curated):
    """A journalist reads the CSV without the dictionary: each code has a label column, and the
    citations carry their source's publisher, date and provenance and the claim's address."""
    _, rows = download(client, "commitments")
    for row in rows:
        for code in ("status", "theme", "lead_department"):
            assert row[f"{code}_label"], (row["slug"], code)
    iicsa = next(r for r in rows if r["slug"] == "iicsa-timetable-by-easter")
    assert (iicsa["status_label"], iicsa["government_claim_label"]) == (
        "Partly delivered",
        "Delivered",
    )
    _, events = download(client, "announcements")
    assert {r["kind_label"] for r in events} >= {"First announced", "Delivered"}
    _, citations = download(client, "citations")
    event = next(c for c in citations if c["claim"] == "announcement")
    assert event["claim_url"].startswith("http://testserver/commitments/")
    assert "#event-" in event["claim_url"]
    assert {c["source_provenance_label"] for c in citations} >= {
        "Primary (the official publication)", "Secondary (news, commentary, aggregator)"
    }  # fmt: skip
    dated = [c for c in citations if c["source_published_on"]]
    assert dated
    assert all(len(c["source_published_on"]) == 10 for c in dated)
    page = client.get(
        next(c for c in citations if c["claim"] == "pledge")["claim_url"].removeprefix(
            "http://testserver"
        )
    )
    assert page.status_code == 200

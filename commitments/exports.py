"""CSV exports: each dataset's columns are declared once, here.

The declaration drives the CSV header, every cell and the data dictionary on /methodology/, so
they cannot drift apart. Rows come from the same FilterSets as the pages (CommitmentFilter for
commitments and everything hanging off them, SourceFilter for sources), so a download holds
exactly what the page shows. Rows are streamed as they are produced, from a database cursor in
chunks, so memory stays flat at any size and the number of queries does not grow with rows.

Cells: dates are ISO 8601, amounts plain numbers in pounds, booleans `true`/`false`, and text
that a spreadsheet would run as a formula (starting with =, +, -, @, tab, carriage return or
line feed) is prefixed with an apostrophe. Numeric columns are never altered, so -2 stays -2.
The file starts with a UTF-8 byte-order mark so Excel opens "£" intact.
"""

import csv
import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Aggregate, CharField, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.text import slugify

from sources.filters import source_filterset

from .filters import commitment_filterset
from .models import (
    Announcement,
    Citation,
    FundingLine,
    Status,
)

CHUNK = 2000
FORMULA_FIRST = frozenset("=+-@\t\r\n")
SEPARATOR = " | "


UNIT, RECORD = "\x1f", "\x1e"


class GroupConcat(Aggregate):
    """Strings of a group joined by RECORD: STRING_AGG on PostgreSQL, GROUP_CONCAT elsewhere."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def __init__(self, expression, **extra):
        super().__init__(expression, Value(RECORD), **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="STRING_AGG", **extra)


def cited_passages(claim_field: str) -> Subquery:
    """For each row, its citations' quotes and source addresses, packed in one string (one
    scan, so quote and address stay paired); `unpack` splits them."""
    citations = (
        Citation.objects.filter(**{claim_field: OuterRef("pk")})
        .order_by()
        .values(claim_field)
        .annotate(
            packed=GroupConcat(
                Concat(
                    "quote",
                    Value(UNIT),
                    Coalesce("source__url", Value("")),
                    output_field=CharField(),
                )
            )
        )
        .values("packed")
    )
    return Subquery(citations)


def unpack(packed: str | None) -> tuple[str, str]:
    """(quotes joined with " | ", addresses joined with " | "), in the same order."""
    pairs = [item.partition(UNIT) for item in (packed or "").split(RECORD) if item]
    return SEPARATOR.join(q for q, _, _ in pairs), SEPARATOR.join(u for _, _, u in pairs)


def neutralise(text: str) -> str:
    """Text a spreadsheet will show, never run: a leading formula character is escaped."""
    return "'" + text if text[:1] in FORMULA_FIRST else text


def _number(value) -> str:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value)


# How each kind of column is written; numbers are never touched by the formula rule.
FORMATTERS = {
    "text": lambda value: neutralise(str(value)),
    "url": lambda value: neutralise(str(value)),
    "date": lambda value: value.isoformat(),
    "boolean": lambda value: "true" if value else "false",
    "number": _number,
    "integer": _number,
}


def cell(value, kind: str) -> str:
    return "" if value is None else FORMATTERS[kind](value)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, date, number, integer, boolean, url
    meaning: str
    example: str
    get: Callable


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    row_meaning: str
    columns: tuple[Column, ...]
    filterset: Callable  # (request) -> the page's FilterSet, bound to the request
    rows: Callable  # (filterset, request) -> iterable of row objects
    sql: Callable | None = None  # (filterset) -> (sql, params): PostgreSQL writes the cells

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    def cells(self, rows: Iterable) -> Iterator[list]:
        plan = [(column.get, FORMATTERS[column.kind]) for column in self.columns]
        for row in rows:
            yield ["" if (value := get(row)) is None else write(value) for get, write in plan]


def _site(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


# -- commitments ---------------------------------------------------------------------------


def commitment_rows(filterset, request):
    on = filterset.as_of_date
    pledges = Citation.objects.of_pledges().select_related("source").order_by("pk")
    queryset = filterset.qs.prefetch_related(
        Prefetch("citations", queryset=pledges, to_attr="pledge_quotes")
    )
    site = _site(request)
    for commitment in queryset.iterator(chunk_size=CHUNK):
        commitment.site = site
        commitment.on = on
        yield commitment


def _first_pledge(commitment, attribute):
    quotes = commitment.pledge_quotes
    if not quotes:
        return None
    return attribute(quotes[0])


COMMITMENT_COLUMNS = (
    Column("slug", "text", "Permanent identifier of the commitment; its page is /commitments/<slug>/.", "casey-national-audit", lambda c: c.slug),
    Column("title", "text", "Short neutral name of the pledge.", "Baroness Casey's rapid national audit…", lambda c: c.title),
    Column("status", "text", "Status on the as_of date, derived from the timeline: " + ", ".join(s.value for s in Status) + ".", "delivered", lambda c: c.status),
    Column("status_since", "date", "Date the current status began.", "2025-06-16", lambda c: c.status_since),
    Column("deadline", "date", "Deadline on the as_of date (the last day a period or season allows), if any.", "2025-05-31", lambda c: c.deadline),
    Column("deadline_wording", "text", "The source's own words for the deadline.", "begin soon and last three months", lambda c: c.deadline_wording),
    Column("is_overdue", "boolean", "Deadline passed and not delivered, partly delivered, superseded or dropped.", "false", lambda c: c.is_overdue),
    Column("days_overdue", "integer", "Days from the deadline to the as_of date, when overdue.", "235", lambda c: c.state.days_overdue),
    Column("last_evidence_on", "date", "Date of the latest cited announcement on record.", "2025-10-22", lambda c: c.last_evidence_on),
    Column("theme", "text", "Theme.", "inquiries", lambda c: c.theme),
    Column("lead_department", "text", "Lead department.", "home_office", lambda c: c.lead_department),
    Column("parent_slug", "text", "The package this commitment belongs to, if any.", "ten-million-action-plan", lambda c: c.parent.slug if c.parent_id else None),
    Column("money_total", "number", "Total cited amounts in pounds, each sum counted once.", "2500000", lambda c: c.money),
    Column("money_disagrees", "boolean", "Sources give different figures for some of its money.", "false", lambda c: c.money_disagrees),
    Column("pledge_text", "text", "The pledge in the government's words.", "Ms Cooper has commissioned this audit…", lambda c: c.pledge_text),
    Column("pledge_source_url", "url", "Original address of the source of the pledge's first citation.", "https://policeprofessional.com/?p=141680", lambda c: _first_pledge(c, lambda q: q.source.url)),
    Column("as_of", "date", "The date the row describes.", "2026-11-21", lambda c: c.on),
    Column("page_url", "url", "The commitment's page on this site.", "https://…/commitments/casey-national-audit/", lambda c: c.site + c.get_absolute_url()),
)  # fmt: skip


# -- announcements: the full history ----------------------------------------------------------


def announcement_rows(filterset, request):
    """One row per cited event of the filtered commitments, up to as_of, with the status and
    deadline before and after it (worked out as the rows stream, in timeline order)."""
    on = filterset.as_of_date
    commitments = filterset.qs.order_by().values("pk")
    queryset = (
        Announcement.objects.evidenced()
        .filter(commitment__in=commitments, date__lte=on)
        .select_related("commitment")
        .annotate(packed=cited_passages("announcement"))
        .order_by("commitment__slug", "commitment_id", "date", "pk")
    )
    current, status, deadline = None, None, None
    for event in queryset.iterator(chunk_size=CHUNK):
        if event.commitment_id != current:
            current, status, deadline = event.commitment_id, None, None
        event.status_before, event.deadline_before = status, deadline
        status = event.new_status or status
        deadline = event.new_deadline or deadline
        event.status_after, event.deadline_after = status, deadline
        event.quotes, event.source_urls = unpack(event.packed)
        yield event


ANNOUNCEMENT_COLUMNS = (
    Column("commitment_slug", "text", "The commitment the event belongs to.", "casey-national-audit", lambda a: a.commitment.slug),
    Column("commitment_title", "text", "Its title.", "Baroness Casey's rapid national audit…", lambda a: a.commitment.title),
    Column("date", "date", "Date of the event.", "2025-06-16", lambda a: a.date),
    Column("kind", "text", "Kind of event.", "delivered", lambda a: a.kind),
    Column("summary", "text", "What happened, in one or two neutral sentences.", "The Home Secretary reports the audit…", lambda a: a.summary),
    Column("status_before", "text", "Status before this event (empty before the first).", "in_progress", lambda a: a.status_before),
    Column("status_after", "text", "Status after it.", "delivered", lambda a: a.status_after),
    Column("deadline_before", "date", "Deadline before this event.", "2025-05-31", lambda a: a.deadline_before),
    Column("deadline_after", "date", "Deadline after it.", "2025-05-31", lambda a: a.deadline_after),
    Column("deadline_wording", "text", "The source's words for a deadline this event sets.", "by Easter this year", lambda a: a.deadline_wording),
    Column("note", "text", "Caveats: uncertain dates, secondary sources, disagreements.", "Secondary source (GB News).", lambda a: a.note),
    Column("quotes", "text", "Every quote the event rests on, joined with ' | '.", "With permission, I will update the House…", lambda a: a.quotes),
    Column("source_urls", "text", "The original address of each quote's source, in the same order, joined with ' | '.", "https://parallelparliament.co.uk/…", lambda a: a.source_urls),
)  # fmt: skip


# -- funding ---------------------------------------------------------------------------------


def funding_lines(filterset):
    on = filterset.as_of_date
    return (
        FundingLine.objects.evidenced()
        .with_flags()
        .filter(
            Q(stated_on__lte=on) | Q(stated_on__isnull=True),
            commitment__in=filterset.qs.order_by().values("pk"),
        )
        .annotate(
            slug=Coalesce("commitment__slug", Value("")), packed=cited_passages("funding_line")
        )
        .order_by("commitment__slug", "stated_on", "pk")
    )


def funding_rows(filterset, request):
    for line in funding_lines(filterset).iterator(chunk_size=CHUNK):
        line.quotes, line.source_urls = unpack(line.packed)
        yield line


# SQL that writes a cell the way FORMATTERS does (PostgreSQL).
SQL_TEXT = (
    "NULLIF(CASE WHEN left({0}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r', E'\\n') "
    "THEN '''' || {0} ELSE {0} END, '')"
)
SQL_NUMBER = "CASE WHEN {0} = trunc({0}) THEN trunc({0})::bigint::text ELSE {0}::text END"
SQL_BOOLEAN = "CASE WHEN {0} THEN 'true' WHEN NOT {0} THEN 'false' END"


def funding_sql(filterset) -> tuple[str, tuple]:
    """On PostgreSQL: the funding export as one SELECT whose every cell is already written the
    way FORMATTERS writes it (see sql_stream; `COPY (this) TO STDOUT` gives the same cells).
    Column for column the same as FUNDING_COLUMNS; a test compares the two paths row by row."""
    from django.contrib.postgres.aggregates import StringAgg

    citations = (
        Citation.objects.filter(funding_line=OuterRef("pk")).order_by().values("funding_line")
    )

    def joined(field):
        agg = StringAgg(Coalesce(field, Value("")), SEPARATOR, order_by=("pk",))
        return Subquery(citations.annotate(all=agg).values("all"))

    fields = ["pk", "slug", "amount", "stage", "stated_on", "purpose", "recipient", "period",
              "parent_id", "children_total", "same_money_as_id", "disagrees", "note"]  # fmt: skip
    # Every selected column gets an alias of ours (f_<name>), so the outer SELECT can name it.
    rows = funding_lines(filterset).values(
        **{f"f_{name}": F(name) for name in fields},
        f_quote_list=joined("quote"),
        f_url_list=joined("source__url"),
    )
    sql, params = rows.query.sql_with_params()
    text, number, boolean = SQL_TEXT.format, SQL_NUMBER.format, SQL_BOOLEAN.format
    cells = {
        "id": "f.f_pk::text",
        "commitment_slug": text("f.f_slug"),
        "amount": number("f.f_amount"),
        "stage": text("f.f_stage"),
        "stated_on": "to_char(f.f_stated_on, 'YYYY-MM-DD')",
        "purpose": text("f.f_purpose"),
        "recipient": text("f.f_recipient"),
        "period": text("f.f_period"),
        "parent_id": "f.f_parent_id::text",
        "children_total": number("f.f_children_total"),
        "children_add_up": boolean("(f.f_children_total = f.f_amount)"),
        "same_money_as_id": "f.f_same_money_as_id::text",
        "disagrees": boolean("f.f_disagrees"),
        "counted_in_totals": boolean("(f.f_same_money_as_id IS NULL AND f.f_parent_id IS NULL)"),
        "note": text("f.f_note"),
        "quotes": text("f.f_quote_list"),
        "source_urls": text("f.f_url_list"),
    }
    if list(cells) != [column.name for column in FUNDING_COLUMNS]:
        raise AssertionError("funding_sql is out of step with FUNDING_COLUMNS")
    select = ", ".join(f'{expression} AS "{name}"' for name, expression in cells.items())
    # Only fixed SQL around Django's own query; its parameters stay separate.
    return f"SELECT {select} FROM ({sql}) AS f", params  # noqa: S608


def sql_stream(header: list[str], sql: str, params: tuple) -> Iterator[str]:
    """Stream the rows of a SELECT whose cells are already written (see funding_sql) as CSV,
    from a server-side cursor in chunks: Python only joins the cells."""
    from django.db import connection

    writer = csv.writer(_Echo())
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        yield "\ufeff" + writer.writerow(header)
        while rows := cursor.fetchmany(CHUNK):
            yield "".join([writer.writerow(row) for row in rows])


FUNDING_COLUMNS = (
    Column("id", "integer", "Identifier of the funding line.", "12", lambda f: f.pk),
    Column("commitment_slug", "text", "The commitment the money belongs to.", "local-inquiries-fund", lambda f: f.slug),
    Column("amount", "number", "Amount in pounds.", "5000000", lambda f: f.amount),
    Column("stage", "text", "announced, allocated or spent.", "announced", lambda f: f.stage),
    Column("stated_on", "date", "Date of the source that states the amount (empty when the source shows none).", "2025-01-16", lambda f: f.stated_on),
    Column("purpose", "text", "What the money is for, in brief.", "locally-led inquiries", lambda f: f.purpose),
    Column("recipient", "text", "Who gets it, if stated.", "local authorities", lambda f: f.recipient),
    Column("period", "text", "Financial period, if stated.", "2025-26", lambda f: f.period),
    Column("parent_id", "integer", "The larger line this amount is part of.", "3", lambda f: f.parent_id),
    Column("children_total", "number", "Sum of the lines that are parts of this one.", "10000000", lambda f: f.children_total),
    Column("children_add_up", "boolean", "Whether the parts add up to this amount (empty without parts).", "true", lambda f: None if f.children_total is None else f.children_total == f.amount),
    Column("same_money_as_id", "integer", "Another source's line for the same money.", "7", lambda f: f.same_money_as_id),
    Column("disagrees", "boolean", "Another source gives a different figure for the same money.", "true", lambda f: f.disagrees),
    Column("counted_in_totals", "boolean", "Counted in totals: not another figure for the same money, not part of a larger sum.", "true", lambda f: f.same_money_as_id is None and f.parent_id is None),
    Column("note", "text", "Caveats.", "PQ 24742's answer date is not in the capture…", lambda f: f.note),
    Column("quotes", "text", "Every quote the amount rests on, joined with ' | '.", "backed by £5 million of funding", lambda f: f.quotes),
    Column("source_urls", "text", "The original address of each quote's source, joined with ' | '.", "https://policeprofessional.com/?p=141680", lambda f: f.source_urls),
)  # fmt: skip


# -- sources ---------------------------------------------------------------------------------


def source_rows(filterset, request):
    site = _site(request)
    for source in filterset.qs.defer("text", "question_text", "answer_text").iterator(
        chunk_size=CHUNK
    ):
        source.site = site
        yield source


SOURCE_COLUMNS = (
    Column("id", "integer", "Identifier; the source's page is /sources/<id>/.", "5", lambda s: s.pk),
    Column("title", "text", "The document's title or heading.", "Offences against Children", lambda s: s.title),
    Column("kind", "text", "Kind of document.", "written_answer", lambda s: s.kind),
    Column("publisher", "text", "Who published the page.", "Parallel Parliament", lambda s: s.publisher),
    Column("department", "text", "Government department.", "Home Office", lambda s: s.department),
    Column("provenance", "text", "primary, primary_mirror or secondary.", "primary_mirror", lambda s: s.provenance),
    Column("published_on", "date", "Publication date (empty when the document shows none).", "2025-07-02", lambda s: s.published_on),
    Column("uin", "text", "Parliamentary question number.", "62612", lambda s: s.uin),
    Column("asked_on", "date", "Date a question was asked.", "2025-06-25", lambda s: s.asked_on),
    Column("answered_on", "date", "Date it was answered.", "2025-07-02", lambda s: s.answered_on),
    Column("answered_by", "text", "Answering minister (name only).", "Jess Phillips", lambda s: s.answered_by),
    Column("url", "url", "Original address.", "https://parallelparliament.co.uk/question/62612/…", lambda s: s.url),
    Column("is_excerpt", "boolean", "The stored text is only part of the document.", "false", lambda s: s.is_excerpt),
    Column("sha256", "text", "SHA-256 of the stored text.", "f533a968…", lambda s: s.sha256),
    Column("page_url", "url", "The source's page on this site, with its stored text.", "https://…/sources/5/", lambda s: s.site + s.get_absolute_url()),
)  # fmt: skip


# -- citations -------------------------------------------------------------------------------


def citation_rows(filterset, request):
    from .source_views import citations_on_record

    site = _site(request)
    queryset = (
        citations_on_record(filterset.as_of_date)
        .filter(commitment__in=filterset.qs.order_by().values("pk"))
        .select_related("commitment", "announcement", "source")
        .order_by("commitment__slug", "pk")
    )
    for citation in queryset.iterator(chunk_size=CHUNK):
        citation.site = site
        yield citation


CITATION_COLUMNS = (
    Column("id", "integer", "Identifier of the citation.", "61", lambda c: c.pk),
    Column("commitment_slug", "text", "The commitment whose claim it supports.", "casey-national-audit", lambda c: c.commitment.slug),
    Column("claim", "text", "pledge, announcement or funding line.", "announcement", lambda c: c.claim_kind),
    Column("announcement_date", "date", "Date of the announcement it supports, if any.", "2025-06-16", lambda c: c.announcement.date if c.announcement_id else None),
    Column("funding_line_id", "integer", "The funding line it supports, if any.", "12", lambda c: c.funding_line_id),
    Column("quote", "text", "The passage, verbatim from the source's stored text.", "On 16 June the Government accepted…", lambda c: c.quote),
    Column("locator", "text", "Where in the source, if noted.", "undated page", lambda c: c.locator),
    Column("source_id", "integer", "The source (see the sources export).", "5", lambda c: c.source_id),
    Column("source_title", "text", "Its title.", "Offences against Children", lambda c: c.source.title),
    Column("source_url", "url", "Its original address.", "https://parallelparliament.co.uk/…", lambda c: c.source.url),
    Column("passage_url", "url", "The passage, highlighted, on this site.", "https://…/sources/5/#citation-61", lambda c: c.site + c.get_absolute_url()),
)  # fmt: skip


DATASETS = {
    dataset.name: dataset
    for dataset in (
        Dataset("commitments", "Commitments", "one row per commitment on record", COMMITMENT_COLUMNS, commitment_filterset, commitment_rows),
        Dataset("announcements", "Announcements (the full history)", "one row per cited event, in timeline order", ANNOUNCEMENT_COLUMNS, commitment_filterset, announcement_rows),
        Dataset("funding", "Funding", "one row per cited amount", FUNDING_COLUMNS, commitment_filterset, funding_rows, funding_sql),
        Dataset("sources", "Sources", "one row per source", SOURCE_COLUMNS, source_filterset, source_rows),
        Dataset("citations", "Citations", "one row per citation of a claim on record", CITATION_COLUMNS, commitment_filterset, citation_rows),
    )
}  # fmt: skip


def make_filterset(dataset: Dataset, request):
    """The FilterSet of `request` for `dataset`: the same one its page uses."""
    return dataset.filterset(request)


def filename(dataset: Dataset, request, today: datetime.date) -> str:
    """e.g. commitments_status-delivered_theme-inquiries_2026-11-21.csv"""
    parts = [dataset.name]
    for key in sorted(request.GET):
        if key == "page":
            continue
        for value in request.GET.getlist(key):
            if value:
                parts.append(slugify(f"{key}-{value}")[:40])
    parts.append(today.isoformat())
    return "_".join(parts)[:180] + ".csv"


class _Echo:
    def write(self, value):
        return value


ROWS_PER_CHUNK = 500


def stream(dataset: Dataset, rows: Iterable) -> Iterator[str]:
    """The CSV text, a few hundred rows at a time (one network write per chunk, not per row)."""
    writer = csv.writer(_Echo())
    chunk = ["\ufeff" + writer.writerow(dataset.header)]
    for values in dataset.cells(rows):
        chunk.append(writer.writerow(values))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)

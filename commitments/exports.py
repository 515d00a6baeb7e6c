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

from django.db.models import Aggregate, CharField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.text import slugify

from sources.filters import SourceFilter
from sources.models import SourceDocument

from .filters import CommitmentFilter
from .models import (
    Announcement,
    Citation,
    Commitment,
    FundingLine,
    Status,
)

CHUNK = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
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
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value, kind: str):
    if value is None:
        return ""
    if kind == "date":
        return value.isoformat()
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("number", "integer"):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f") if value == value.to_integral() else str(value)
        return str(value)
    return neutralise(str(value))


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
    filterset: type
    rows: Callable  # (filterset, request) -> iterable of row objects

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    def cells(self, rows: Iterable) -> Iterator[list]:
        for row in rows:
            yield [cell(column.get(row), column.kind) for column in self.columns]


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


def funding_rows(filterset, request):
    on = filterset.as_of_date
    lines = (
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
    for line in lines.iterator(chunk_size=CHUNK):
        line.quotes, line.source_urls = unpack(line.packed)
        yield line


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


def source_filterset(data, request):
    from .source_views import sources_on_record

    base = sources_on_record(request.as_of).order_by("-published_on", "title", "pk")
    departments = SourceDocument.objects.exclude(department="").values_list(
        "department", flat=True
    )
    return SourceFilter(data, queryset=base, request=request, departments=set(departments))


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
        Dataset("commitments", "Commitments", "one row per commitment on record", COMMITMENT_COLUMNS, CommitmentFilter, commitment_rows),
        Dataset("announcements", "Announcements (the full history)", "one row per cited event, in timeline order", ANNOUNCEMENT_COLUMNS, CommitmentFilter, announcement_rows),
        Dataset("funding", "Funding", "one row per cited amount", FUNDING_COLUMNS, CommitmentFilter, funding_rows),
        Dataset("sources", "Sources", "one row per source", SOURCE_COLUMNS, SourceFilter, source_rows),
        Dataset("citations", "Citations", "one row per citation of a claim on record", CITATION_COLUMNS, CommitmentFilter, citation_rows),
    )
}  # fmt: skip


def make_filterset(dataset: Dataset, request):
    if dataset.filterset is SourceFilter:
        return source_filterset(request.GET, request)
    return CommitmentFilter(request.GET, queryset=Commitment.objects.published(), request=request)


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


def stream(dataset: Dataset, rows: Iterable) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(dataset.header)
    for values in dataset.cells(rows):
        yield writer.writerow(values)

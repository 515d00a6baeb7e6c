"""CSV exports: each dataset's columns are declared once, here.

The declaration drives the CSV header, every cell and the data dictionary on /methodology/, so
they cannot drift apart. Rows come from the same FilterSets as the pages (CommitmentFilter for
commitments and everything hanging off them, SourceFilter for sources), so a download holds
exactly what the page shows. Rows are streamed as they are produced, from a database cursor in
chunks, so memory stays flat at any size and the number of queries does not grow with rows.

Cells: dates are ISO 8601, amounts plain numbers in pounds, booleans `true`/`false`; every
non-empty text cell is wrapped in double quotes, and text that a spreadsheet could run as a
formula gets an apostrophe (see `neutralise`). Numeric columns are never quoted or altered, so
-2 stays -2. The file starts with a UTF-8 byte-order mark so Excel opens "£" intact.
"""

import datetime
import re
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Aggregate, CharField, F, OuterRef, Prefetch, Subquery, Value
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


# -- formulas ----------------------------------------------------------------------------------
#
# A spreadsheet runs a cell whose text starts with a formula character, often after trimming
# what precedes it, and readers trim different things. So the first character is looked for
# past any run of characters nobody sees: whitespace, controls (Cc), format characters (Cf:
# zero-width space, joiners, word joiner, byte-order mark…), separators (Zs, Zl, Zp), the other
# default-ignorable code points, the braille blank, and double quotes (a reader may take one
# for the start of a quoted field). The formula characters are = + - @ and the forms that look
# like them (fullwidth, small, superscript, subscript, heavy, Hebrew alternative plus; U+2212
# minus; hyphens U+2010-2012).
#
# Cells also start inside our text. A comma-separated file opened with ";" as the separator (the
# default in many European locales) or with tabs is split at every ";" or tab in a text cell,
# quotes or not (LibreOffice 7.4 does so unless the quoted cell happens to be a whole field), and
# a reader that loses track of the quotes starts a new row at a line break inside a cell. So the
# same test runs after every ";", tab, CR and LF of the text, and the apostrophe goes in right
# after that character: `x;=1+1` is written `x;'=1+1`.
#
# The rule is one regular expression that Python's `re` and PostgreSQL's regexp_replace read
# alike (funding_sql runs it in the database), so both paths write the same bytes.


# Characters a reader may skip before it looks for a formula, as (first, last) code points.
INVISIBLE = (
    (0x0000, 0x0020), (0x0022, 0x0022), (0x007F, 0x00A0), (0x00AD, 0x00AD), (0x034F, 0x034F),
    (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891),
    (0x08E2, 0x08E2), (0x115F, 0x1160), (0x1680, 0x1680), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x2000, 0x200F), (0x2028, 0x202F), (0x205F, 0x206F), (0x2800, 0x2800), (0x3000, 0x3000),
    (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFFB),
    (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)  # fmt: skip
# = + - @; fullwidth, small, superscript and subscript forms; minus sign; heavy plus and minus;
# hyphen, non-breaking hyphen, figure dash; Hebrew alternative plus sign.
FORMULA_CHARACTERS = "=+-@＝＋－＠﹦﹢﹣﹫⁼⁺⁻₌₊₋−➕➖‐‑‒\ufb29"
# Inside the text, a reader may start a cell right after each of these (after CR only when no
# LF follows, so that CRLF counts once).
CELL_BREAKS = ";\t\n\r"


def _escape(code: int) -> str:
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _bracket(ranges) -> str:
    """A bracket expression of (first, last) code-point ranges, each character escaped: `re` and
    PostgreSQL both read \\uXXXX and \\UXXXXXXXX, inside brackets too."""
    return "[" + "".join(_escape(a) + ("-" + _escape(b) if b > a else "") for a, b in ranges) + "]"


def _of(characters: str) -> str:
    return _bracket((ord(c), ord(c)) for c in characters)


_FORMULA = f"{_bracket(INVISIBLE)}*{_of(FORMULA_CHARACTERS)}"
# Where an apostrophe goes (an empty match, so `sub` inserts it): at the start before a tab, CR,
# LF or a formula; right after a cell break before a formula.
FORMULA_AT = (
    f"^(?={_of(chr(9) + chr(10) + chr(13))}|{_FORMULA})"
    f"|(?:(?<={_of(CELL_BREAKS.replace(chr(13), ''))})|(?<={_escape(13)})(?!{_escape(10)}))"
    f"(?={_FORMULA})"
)
_formula_at = re.compile(FORMULA_AT)
_PLAIN_FIRST = frozenset(string.ascii_letters + string.digits)


def neutralise(text: str) -> str:
    """Text a spreadsheet will show, never run: an apostrophe goes before a formula character
    (past invisible characters) at the start and after every ";", tab and line break."""
    if _plain(text):
        return text
    return _formula_at.sub("'", text)


def _plain(text: str) -> bool:
    """The common case, told apart cheaply: a letter or digit first and no CELL_BREAKS."""
    return (
        text[:1] in _PLAIN_FIRST
        and ";" not in text
        and "\n" not in text
        and "\t" not in text
        and "\r" not in text
    )


def _text(value) -> str:
    """A text cell as the file has it: neutralised, in double quotes (inner ones doubled), so a
    reader never splits it at a comma; empty text is an empty cell."""
    text = value if isinstance(value, str) else str(value)
    if not _plain(text):
        if not text:
            return ""
        text = _formula_at.sub("'", text)
    if '"' in text:
        text = text.replace('"', '""')
    return f'"{text}"'


def _number(value) -> str:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value)


# How each kind of column is written, exactly as the file has it; numbers, dates and booleans
# are never quoted or touched by the formula rule.
FORMATTERS = {
    "text": _text,
    "url": _text,
    "date": lambda value: value.isoformat(),
    "boolean": lambda value: "true" if value else "false",
    "number": _number,
    "integer": _number,
}


def cell(value, kind: str) -> str:
    """One cell as the file has it."""
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
        .stated_by(on)
        .with_flags()
        .filter(commitment__in=filterset.qs.order_by().values("pk"))
        .annotate(
            slug=Coalesce("commitment__slug", Value("")), packed=cited_passages("funding_line")
        )
        .order_by("commitment__slug", "stated_on", "pk")
    )


def funding_rows(filterset, request):
    for line in funding_lines(filterset).iterator(chunk_size=CHUNK):
        line.quotes, line.source_urls = unpack(line.packed)
        yield line


# SQL that writes a cell the way FORMATTERS does (PostgreSQL); NULL is an empty cell. Text takes
# neutralise's shortcut and regular expression (dollar-quoted, so no setting changes how the
# backslashes are read), then _text's quotes.
SQL_NOT_PLAIN = "^[^A-Za-z0-9]|[" + CELL_BREAKS.encode("unicode_escape").decode() + "]"
SQL_TEXT = (
    "CASE WHEN {0} <> '' THEN '\"' || replace("
    "CASE WHEN {0} !~ $re$" + SQL_NOT_PLAIN + "$re$ THEN {0} "
    "ELSE regexp_replace({0}, $re$" + FORMULA_AT + "$re$, '''', 'g') END, "
    "'\"', '\"\"') || '\"' END"
)
SQL_NUMBER = "CASE WHEN {0} = trunc({0}) THEN trunc({0})::bigint::text ELSE {0}::text END"
SQL_BOOLEAN = "CASE WHEN {0} THEN 'true' WHEN NOT {0} THEN 'false' END"


def funding_sql(filterset) -> tuple[str, tuple]:
    """On PostgreSQL: the funding export as one SELECT whose every cell is already written the
    way FORMATTERS writes it, quotes and all, empty cells as '' (sql_stream only joins them).
    Column for column the same as FUNDING_COLUMNS; a test compares the two paths byte for byte."""
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
    select = ", ".join(
        f"COALESCE({expression}, '') AS \"{name}\"" for name, expression in cells.items()
    )
    # Only fixed SQL around Django's own query; its parameters stay separate.
    return f"SELECT {select} FROM ({sql}) AS f", params  # noqa: S608


def sql_stream(header: list[str], sql: str, params: tuple) -> Iterator[str]:
    """Stream the rows of a SELECT whose cells are already written (see funding_sql) as CSV,
    from a server-side cursor in chunks: Python only joins the cells."""
    from django.db import connection

    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        yield "\ufeff" + _line(header)
        while rows := cursor.fetchmany(CHUNK):
            yield "".join([",".join(row) + "\r\n" for row in rows])


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
    Column("children_add_up", "boolean", "Whether the parts add up to this amount (empty without parts).", "true", lambda f: f.parts_add_up),
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
    site = _site(request)
    queryset = (
        Citation.objects.public(filterset.as_of_date)
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


def _line(cells: list[str]) -> str:
    """One CSV line of cells already written: FORMATTERS quote every text cell (the header's
    names are plain identifiers), so this only joins them; lines end CRLF, as RFC 4180 has it."""
    return ",".join(cells) + "\r\n"


ROWS_PER_CHUNK = 500


def stream(dataset: Dataset, rows: Iterable) -> Iterator[str]:
    """The CSV text, a few hundred rows at a time (one network write per chunk, not per row)."""
    chunk = ["\ufeff" + _line(dataset.header)]
    for values in dataset.cells(rows):
        chunk.append(_line(values))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)

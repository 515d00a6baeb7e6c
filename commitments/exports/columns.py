"""A column is declared once, as an ORM expression; a dataset is its columns and the query
they are read from. Both ways of writing a file are built from that one declaration:

- Python: the rows' values (`Dataset.rows`, a `values_list` over the columns' expressions), each
  written by FORMATTERS; the JSON API reads the same values, typed.
- PostgreSQL: one SELECT (`Dataset.sql`) that wraps the same query and writes every cell with
  SQL_WRITERS, so Python only joins the cells.

A row query knows the date it describes and the site's origin (for addresses on this site) as
the annotations ON and SITE, set from the arguments, never from a request.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import (
    CharField,
    DateField,
    Expression,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse

from .cells import SQL_WRITERS, cell_writer

CHUNK = 2000
SEPARATOR = " | "
ON, SITE = "export_on", "export_site"  # the row query's date and site origin
ALIAS = "column_{}"  # the row query's name for the value of the column at an index


class Joined(Subquery):
    """The `field` of every row of `queryset` (correlated to the outer row), in primary-key
    order, joined with " | " (NULL for none); two of these over the same rows stay paired."""

    separator = SEPARATOR.replace("'", "''")

    def __init__(self, queryset: QuerySet, field):
        values = queryset.order_by("pk").values(
            v=Coalesce(field, Value(""), output_field=CharField()), n=F("pk")
        )
        super().__init__(values, output_field=CharField())

    def as_sql(self, compiler, connection, template=None, **extra):
        # SQLite before 3.44 has no GROUP_CONCAT(... ORDER BY), and the order of a subquery's
        # rows is not kept by an aggregate over it. As a window function over the whole frame,
        # GROUP_CONCAT takes the rows in the window's ORDER BY: every row carries the full
        # string, and the first is kept.
        template = (
            f"(SELECT GROUP_CONCAT(j.v, '{self.separator}') OVER ("  # noqa: S608
            "ORDER BY j.n ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) "
            "FROM (%(subquery)s) AS j LIMIT 1)"
        )
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = (
            f"(SELECT STRING_AGG(j.v, '{self.separator}' ORDER BY j.n) FROM (%(subquery)s) AS j)"  # noqa: S608
        )
        return super().as_sql(compiler, connection, template=template, **extra)


class DaysBetween(Func):
    """Whole days from the date `start` to the date `end`."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def __init__(self, start, end):
        super().__init__(end, start)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


class SiteUrl(Expression):
    """The address on this site of the page `viewname` gives for the row's `field` (SITE, then
    the path `reverse` writes around the field), followed by `more` expressions."""

    output_field = CharField()
    MARKER = "1234567890"  # passes any path converter; cut out of the reversed path

    def __init__(self, viewname: str, field: str | None, *more):
        super().__init__()
        self.viewname, self.row_field, self.more = viewname, field, more

    def resolve_expression(self, *args, **kwargs):
        if self.row_field is None:  # a page with no parameter
            path = [Value(reverse(self.viewname))]
        else:
            before, after = reverse(self.viewname, args=[self.MARKER]).split(self.MARKER)
            path = [Value(before), Cast(self.row_field, CharField()), Value(after)]
        url = Concat(F(SITE), *path, *self.more, output_field=CharField())
        return url.resolve_expression(*args, **kwargs)


def earlier(
    queryset: QuerySet, *, inclusive: bool, date: str = "date", pk: str = "pk"
) -> QuerySet:
    """The rows of `queryset` of the outer row's commitment that come before it in timeline
    order (date, then entry), latest first; with the outer row itself when `inclusive`. The
    outer row's event is itself, or (`date`, `pk` naming its fields) the event it cites."""
    same_day = {"pk__lte" if inclusive else "pk__lt": OuterRef(pk)}
    return (
        queryset.filter(commitment=OuterRef("commitment"))
        .filter(Q(date__lt=OuterRef(date)) | Q(date=OuterRef(date), **same_day))
        .order_by("-date", "-pk")
    )


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, date, number, integer, boolean, url
    meaning: str
    example: str
    expression: object  # an ORM expression, read on the dataset's rows (see Dataset.select)


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    row_meaning: str
    columns: tuple[Column, ...]
    filterset: Callable | None = None  # (request) -> the page's FilterSet, bound to the request
    select: Callable | None = None  # (the page's queryset, date) -> the dataset's rows

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    def values(self, rows: QuerySet, on: datetime.date, site: str, extra=()) -> QuerySet:
        """`rows` (already the dataset's rows) as tuples of the columns' values, then the
        fields in `extra`."""
        aliases = {ALIAS.format(i): column.expression for i, column in enumerate(self.columns)}
        return (
            rows.annotate(**{ON: Value(on, output_field=DateField()), SITE: Value(site)})
            .annotate(**aliases)
            .values_list(*aliases, *extra)
        )

    def rows(self, queryset: QuerySet, on: datetime.date, site: str, extra=()) -> QuerySet:
        """The values of the rows the page of `queryset` shows on `on`."""
        return self.values(self.select(queryset, on), on, site, extra)

    def sql(self, queryset: QuerySet, on: datetime.date, site: str) -> tuple[str, tuple]:
        """On PostgreSQL: `rows` as one SELECT whose every cell is already written the way
        FORMATTERS writes it, empty cells as '' (sql_stream only joins them)."""
        sql, params = self.rows(queryset, on, site).query.sql_with_params()
        cells = ", ".join(
            f"COALESCE({SQL_WRITERS[column.kind].format('r.' + ALIAS.format(i))}, '')"
            for i, column in enumerate(self.columns)
        )
        # Only fixed SQL around Django's own query; its parameters stay separate.
        return f"SELECT {cells} FROM ({sql}) AS r", params  # noqa: S608

    def cells(self, rows: Iterable) -> Iterator[list]:
        """Each row of values as the file's cells (a QuerySet's read from a cursor in chunks)."""
        writers = [cell_writer(column.kind) for column in self.columns]
        if isinstance(rows, QuerySet):
            rows = rows.iterator(chunk_size=CHUNK)
        for row in rows:
            yield [write(value) for value, write in zip(row, writers, strict=True)]

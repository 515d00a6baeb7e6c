"""Writing a dataset out: the file's name, and its text streamed a chunk at a time, from a
database cursor in chunks, so memory stays flat at any size and the number of queries does not
grow with rows. The file starts with a UTF-8 byte-order mark so Excel opens "£" intact."""

import datetime
from collections.abc import Iterable, Iterator

from django.utils.text import slugify

from .columns import CHUNK, Dataset

ROWS_PER_CHUNK = 500


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


def site_origin(request) -> str:
    """ "https://host" of a request: what the page_url columns and the API's links start with."""
    return f"{request.scheme}://{request.get_host()}"


def _line(cells: list[str]) -> str:
    """One CSV line of cells already written: FORMATTERS quote every text cell (the header's
    names are plain identifiers), so this only joins them; lines end CRLF, as RFC 4180 has it."""
    return ",".join(cells) + "\r\n"


def stream(dataset: Dataset, rows: Iterable) -> Iterator[str]:
    """The CSV text of rows of values (see Dataset.rows), a few hundred rows at a time (one
    network write per chunk, not per row)."""
    chunk = ["\ufeff" + _line(dataset.header)]
    for values in dataset.cells(rows):
        chunk.append(_line(values))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def sql_stream(header: list[str], sql: str, params: tuple) -> Iterator[str]:
    """Stream the rows of a SELECT whose cells are already written (see Dataset.sql) as CSV,
    from a server-side cursor in chunks: Python only joins the cells."""
    from django.db import connection

    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        yield "\ufeff" + _line(header)
        while rows := cursor.fetchmany(CHUNK):
            yield "".join([",".join(row) + "\r\n" for row in rows])

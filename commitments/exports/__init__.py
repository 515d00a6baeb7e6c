"""CSV exports (and the JSON API's fields): each dataset's columns are declared once, in
`datasets`, as ORM expressions; `columns` builds the Python and the PostgreSQL way of writing a
file from them, `cells` writes each kind of cell, `stream` writes the file."""

from .cells import FORMATTERS, FORMULA_AT, SQL_TEXT, SQL_WRITERS, cell_writer, neutralise
from .columns import CHUNK, SEPARATOR, Column, Dataset
from .datasets import (
    ANNOUNCEMENT_COLUMNS,
    CITATION_COLUMNS,
    COMMITMENT_COLUMNS,
    DATASETS,
    FUNDING_COLUMNS,
    SOURCE_COLUMNS,
    make_filterset,
)
from .stream import filename, site_origin, sql_stream, stream

__all__ = [
    "ANNOUNCEMENT_COLUMNS",
    "CHUNK",
    "CITATION_COLUMNS",
    "COMMITMENT_COLUMNS",
    "DATASETS",
    "FORMATTERS",
    "FORMULA_AT",
    "FUNDING_COLUMNS",
    "SEPARATOR",
    "SOURCE_COLUMNS",
    "SQL_TEXT",
    "SQL_WRITERS",
    "Column",
    "Dataset",
    "cell_writer",
    "filename",
    "make_filterset",
    "neutralise",
    "site_origin",
    "sql_stream",
    "stream",
]

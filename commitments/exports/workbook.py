"""The same datasets as Excel workbooks: one sheet, the CSV's columns and rows, written with
openpyxl's write-only mode (rows go to disk as they come, so memory stays flat). Dates are dates,
numbers numbers, yes/no booleans; every text cell is typed as text, so nothing in it is ever run
as a formula, and it carries the same apostrophe the CSV does, so the two match cell for cell.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .cells import neutralise
from .columns import CHUNK, Dataset

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"


def workbook(dataset: Dataset, rows: Iterable) -> tempfile.SpooledTemporaryFile:
    """The .xlsx of rows of values (see Dataset.rows), in a temporary file, rewound."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(dataset.name[:31])
    bold = Font(bold=True)
    header = []
    for name in dataset.header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    kinds = [column.kind for column in dataset.columns]
    if hasattr(rows, "iterator"):
        rows = rows.iterator(chunk_size=CHUNK)
    for values in rows:
        sheet.append(
            [_cell(sheet, value, kind) for value, kind in zip(values, kinds, strict=True)]
        )
    # Returned open: the response streams it and closes it.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    book.save(out)
    out.seek(0)
    return out


def _cell(sheet, value, kind: str):
    if value is None or value == "":
        return None
    if kind in ("text", "url"):
        cell = WriteOnlyCell(sheet, value=neutralise(str(value)))
        cell.data_type = "s"  # text, whatever it starts with: never a formula
        return cell
    if kind == "date":
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if kind == "boolean":
        return bool(value)
    return value  # numbers stay numbers

"""Every CSV export as an .xlsx: the same columns and rows, cell for cell, with the page's
filters; dates as dates, numbers as numbers, and no text cell ever a formula."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from commitments.exports import DATASETS
from commitments.exports.cells import cell_writer

pytestmark = pytest.mark.django_db


def as_csv_text(value) -> str:
    """An .xlsx cell's value written as the CSV writes it (without the CSV's quotes)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, (int, float)):
        return cell_writer("number")(Decimal(str(value)))
    return str(value)


def both(client, path, params):
    response = client.get(f"{path}.csv", params)
    assert response.status_code == 200
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    book = client.get(f"{path}.xlsx", params)
    assert book.status_code == 200
    assert book["Content-Type"].startswith("application/vnd.openxmlformats")
    assert book["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(book.streaming_content)), read_only=False).active
    return rows, sheet


@pytest.mark.parametrize("dataset", [*sorted(DATASETS), "changes"])
def test_the_workbook_matches_the_csv_cell_for_cell(client, curated, dataset):
    params = (
        {"from": "2025-01-01", "to": "2025-12-31"}
        if dataset == "changes"
        else {"as_of": "2026-01-31"}
    )
    rows, sheet = both(client, f"/export/{dataset}", params)
    cells = [[as_csv_text(cell.value) for cell in row] for row in sheet.iter_rows()]
    cells = [row + [""] * (len(rows[0]) - len(row)) for row in cells]
    assert cells == rows
    assert len(rows) > 1 or dataset == "corrections"  # the curated data has no correction


def test_dates_are_dates_and_no_text_is_a_formula(client, curated):
    from commitments.models import Commitment
    from tests.commitments.factories import CitationFactory, FundingLineFactory
    from tests.sources.factories import SourceDocumentFactory

    casey = Commitment.objects.get(slug="casey-national-audit")
    line = FundingLineFactory(
        commitment=casey, purpose='=HYPERLINK("http://x","y")', stated_on=datetime.date(2025, 2, 1)
    )
    source = SourceDocumentFactory(text="=1+1 is here.")
    CitationFactory(commitment=casey, funding_line=line, source=source, quote="=1+1")
    _rows, sheet = both(client, "/export/funding", {})
    header = [cell.value for cell in next(sheet.iter_rows())]
    for row in sheet.iter_rows(min_row=2):
        record = dict(zip(header, row, strict=False))
        assert all(cell.data_type != "f" for cell in row)  # nothing runs
        if record["purpose"].value and "HYPERLINK" in record["purpose"].value:
            assert record["purpose"].value.startswith("'=")
            assert record["purpose"].data_type == "s"
            assert record["stated_on"].is_date
            assert record["amount"].data_type == "n"


def test_filters_apply_and_a_bad_filter_is_a_400(client, curated):
    rows, sheet = both(client, "/export/commitments", {"status": "delivered"})
    assert sheet.max_row == len(rows) == 3  # header and the two delivered
    assert client.get("/export/commitments.xlsx", {"status": "bogus"}).status_code == 400
    assert client.get("/export/nothing.xlsx").status_code == 404

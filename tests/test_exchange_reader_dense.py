"""A sheet whose cells span a rectangle larger than calamine should allocate is streamed
instead, found by a quick search of its XML when no reference goes past column Z or row
299,999 (`StreamingWorkbook.spans_more_than`), by every reference otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from pairaid.exchange.readers import DENSE_CELLS, open_source


def sheet_with(path: Path, far_row: int, far_column: int) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.cell(row=1, column=1, value="金额（元）")
    sheet.cell(row=far_row, column=far_column, value=1)
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("far_row", "far_column"),
    [
        (299_999, 26),  # the largest rectangle the quick search clears
        (300_000, 26),
        (300_000, 27),
        (310_000, 26),
        (2, 16_384),
        (40_000, 200),
        (1_048_576, 8),
        (12, 3),
    ],
)
def test_it_streams_exactly_the_sheets_spanning_more_than_the_dense_limit(
    tmp_path, settings, far_row, far_column
):
    settings.PAIRAID_IMPORT_MAX_ROWS = 2_000_000
    settings.PAIRAID_IMPORT_MAX_COLUMNS = 20_000
    source = open_source(sheet_with(tmp_path / "far.xlsx", far_row, far_column))
    sheet = source.sheets[0]
    assert (sheet in source.streamed) == (far_row * far_column > DENSE_CELLS)

"""The streaming reader of large workbooks (`exchange/xlsxstream.py`) reads what calamine reads
(hypothesis over any sheet a spreadsheet program saves): text of any script with blanks and
XML's special characters, whole and fractional numbers, yes/no, days and moments (in the 1900
and the 1904 calendars), gaps between cells and between rows — the same values in the same
places, row by row; a sheet's extent and last filled row are those of its cells; a column's
letters and its index are each other's inverse.

An import switches to the streaming reader above a size (`stream_above`); an office must not
get other values because its file was large. No records, no database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import exchange_files as files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from pairaid.exchange.readers import open_source
from pairaid.exchange.xlsxstream import StreamingWorkbook, column_index, column_letters

# Each example saves a file of its own name under tmp_path.
EXAMPLES = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
SHEET = "台账"

text = st.text(
    alphabet=st.characters(
        codec="utf-8",
        categories=["L", "N", "P", "S", "Zs"],
        include_characters="<>&\"'",
    ),
    min_size=1,
    max_size=20,
)
numbers = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2).map(float),
)
days = st.dates(min_value=dt.date(1905, 1, 1), max_value=dt.date(2100, 12, 31))
moments = st.datetimes(min_value=dt.datetime(1905, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(  # noqa: DTZ001
    lambda moment: moment.replace(microsecond=0)
)
cells = st.one_of(st.none(), text, numbers, st.booleans(), days, moments)
sheets = st.lists(st.lists(cells, max_size=8), min_size=1, max_size=12)


def saved(path: Path, rows: list[list[Any]], mac: bool) -> Path:
    book = Workbook()
    if mac:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = SHEET
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                cell = sheet.cell(number, column, value)
                if isinstance(value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    book.save(path)
    return path


def trimmed(row: list[Any]) -> list[Any]:
    row = list(row)
    while row and row[-1] in ("", None):
        row.pop()
    return row


def read(path: Path, stream_above: int | None) -> dict[int, list[Any]]:
    """The rows `exchange.readers.open_source` gives (the import's only door to a file):
    streamed (stream_above=0) or read by calamine (None: a small file), with the blank
    columns left of every cell dropped (where a sheet's table starts is not a value)."""
    source = open_source(path, stream_above=stream_above)
    found = {number: trimmed(cells) for number, cells in source.rows(SHEET)}
    found = {number: cells for number, cells in found.items() if cells}
    blank = min((len(c) - len(trimmed_left(c)) for c in found.values()), default=0)
    return {number: cells[blank:] for number, cells in found.items()}


def trimmed_left(row: list[Any]) -> list[Any]:
    row = list(row)
    while row and row[0] in ("", None):
        row.pop(0)
    return row


def streamed(path: Path) -> dict[int, list[Any]]:
    book = StreamingWorkbook(path)
    try:
        return {number: trimmed(row) for number, row in book.iter_rows(SHEET) if trimmed(row)}
    finally:
        book.close()


def as_read(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def expected(rows: list[list[Any]]) -> dict[int, list[Any]]:
    """What the sheet holds, as a reader gives it back: gaps as "", numbers as numbers, a
    moment at midnight as its day (what the ledger keeps of it)."""
    found = {}
    for number, row in enumerate(rows, start=1):
        cells = trimmed([as_read(value) for value in row])
        if cells:
            found[number] = cells
    return found


_serial = iter(range(10**9))


@EXAMPLES
@given(rows=sheets, mac=st.booleans())
def test_it_reads_every_cell_in_its_row_as_calamine_does(tmp_path, rows, mac):
    path = saved(tmp_path / f"sheet-{next(_serial)}.xlsx", rows, mac)

    assert read(path, stream_above=0) == read(path, stream_above=None)


@EXAMPLES
@given(rows=sheets, mac=st.booleans())
def test_it_reads_back_the_values_that_were_saved(tmp_path, rows, mac):
    path = saved(tmp_path / f"sheet-{next(_serial)}.xlsx", rows, mac)

    assert streamed(path) == expected(rows)


@EXAMPLES
@given(rows=sheets)
def test_it_knows_the_extent_and_the_last_filled_row(tmp_path, rows):
    path = saved(tmp_path / f"sheet-{next(_serial)}.xlsx", rows, False)
    filled = expected(rows)
    book = StreamingWorkbook(path)
    try:
        last_row, last_column = book.extent(SHEET)
        last_filled = book.last_filled_row(SHEET)
    finally:
        book.close()

    assert last_filled == max(filled, default=0)
    if filled:
        assert last_row >= max(filled)
        assert last_column >= max(len(row) for row in filled.values())


@EXAMPLES
@given(index=st.integers(min_value=0, max_value=16383))
def test_it_turns_a_column_index_into_its_letters_and_back(index):
    letters = column_letters(index)

    assert letters.isalpha() and letters.isupper() and 1 <= len(letters) <= 3
    assert column_index(letters) == index
    assert column_index(f"{letters}{index + 1}") == index  # a cell's reference


def test_it_names_the_columns_as_spreadsheets_do():
    assert [column_letters(i) for i in (0, 25, 26, 701, 702, 16383)] == [
        "A",
        "Z",
        "AA",
        "ZZ",
        "AAA",
        "XFD",
    ]


def test_it_names_the_spreadsheets_row_when_the_table_starts_lower_down(build, tmp_path):
    """An office's sheet often starts with blank rows (a title row cleared): a refusal names
    the row the spreadsheet shows, whichever reader read the file (calamine's `to_python`
    would start at the first filled row; its `iter_rows`, which the reader uses, does not)."""
    pairing = build.pairing("行号甲区", "行号乙县")
    book = Workbook()
    sheet = book.active
    sheet.title = "资金"
    header = ["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "凭证或文号"]
    good = [str(pairing), "拨付", 2022, "2022-06-01", "100.00", "财政援助资金", "行号-1"]
    bad = [*good[:4], "1.234", *good[5:6], "行号-2"]
    for row, values in ((3, header), (4, bad), (6, good)):
        for column, value in enumerate(values, start=2):  # column A left blank too
            sheet.cell(row, column, value)
    path = tmp_path / "lower.xlsx"
    book.save(path)

    table = files.refused(path)

    lines = [line.split("\t") for line in table.splitlines() if line.count("\t") == 3]
    refused = [cells for cells in lines if cells[1].isdigit()]  # not the table's header
    assert [(cells[1], cells[2]) for cells in refused] == [("4", "金额（元）")], table
    for stream_above in (0, None):
        source = open_source(path, stream_above=stream_above)
        assert [number for number, _cells in source.rows(source.sheets[0])] == [3, 4, 6]


def test_it_reads_every_hour_of_a_day_as_the_hour_it_is(tmp_path):
    """A serial of days is a float a hair under the hour (01:00 is 0.0416666…): the stream
    read 01:00:00 as 00:59:59 while calamine read 01:00:00 — a large file got other moments
    than a small one."""
    hours = [[dt.datetime(2000, 1, 1, hour, 0)] for hour in range(1, 24)]  # noqa: DTZ001
    path = saved(tmp_path / "hours.xlsx", hours, False)

    assert read(path, stream_above=0) == read(path, stream_above=None) == expected(hours)

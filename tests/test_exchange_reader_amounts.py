"""Amounts typed as numbers in a spreadsheet arrive as floats from both readers (calamine,
which reads every sheet up to the row limit, and the stream kept for larger sheets): the
same float for the same cell, and every amount of up to 15 significant digits — every fen
up to 9,999,999,999,999.99 元, all that Excel itself keeps of a number — comes back exact
to the fen (a double holds 15 decimal digits: DBL_DIG)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from pairaid.exchange.cells import parse_money
from pairaid.exchange.readers import open_source

EXCEL_EXACT = Decimal("9999999999999.99")  # 15 significant digits
amounts = st.decimals(min_value=Decimal("0.01"), max_value=EXCEL_EXACT, places=2)
edges = [
    Decimal("0.01"),
    Decimal("0.1"),
    Decimal("0.29"),
    Decimal("1.15"),
    Decimal("4.35"),
    Decimal("14654.73"),
    Decimal("146547300.00"),
    Decimal("999999999999.99"),
    EXCEL_EXACT,
]


def workbook(path: Path, values: list[Decimal]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["金额（元）", "日期"])
    for value in values:
        # a number cell, as Excel keeps a typed amount
        sheet.append([float(value), dt.date(2022, 12, 1)])
    book.save(path)
    return path


def read(path: Path, stream_above: int | None) -> list[list[object]]:
    source = open_source(path, stream_above=stream_above)
    rows = list(source.rows(source.sheets[0]))
    assert [number for number, _cells in rows] == list(range(1, len(rows) + 1))
    return [cells[:2] for _number, cells in rows[1:]]


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(amounts, min_size=1, max_size=40))
def test_it_reads_every_amount_exact_to_the_fen_with_either_reader(tmp_path_factory, values):
    path = workbook(tmp_path_factory.mktemp("amounts") / "amounts.xlsx", [*edges, *values])
    calamine, streamed = read(path, None), read(path, 0)
    assert calamine == streamed
    assert [parse_money(cells[0]) for cells in calamine] == [*edges, *values]
    assert {cells[1] for cells in calamine} == {dt.date(2022, 12, 1)}

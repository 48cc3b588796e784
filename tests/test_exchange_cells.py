"""Cells as people type them: money, numbers, dates, choices (exchange.cells)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairaid.exchange import cells
from pairaid.exchange.cells import CellError
from pairaid.ledger.models import FundFlow
from pairaid.lib.text import xml_safe

FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")
WAN = Decimal(10000)

money = st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2)
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))


def grouped(value: Decimal) -> str:
    return f"{value:,.2f}"


@given(money)
def test_it_reads_money_with_thousands_separators(value):
    assert cells.parse_money(grouped(value)) == value


@given(money)
def test_it_reads_money_in_full_width_digits(value):
    assert cells.parse_money(grouped(value).translate(FULL_WIDTH)) == value


@given(money)
def test_it_reads_money_given_as_a_spreadsheet_number(value):
    assert cells.parse_money(float(value)) == value


@given(st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2))
def test_it_scales_wan_yuan_from_the_header(wan):
    assert cells.parse_money(str(wan), unit=WAN) == (wan * WAN).quantize(Decimal("0.01"))


@given(money)
def test_it_takes_a_unit_written_in_the_cell(value):
    assert cells.parse_money(f"{value}元", unit=WAN) == value


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2))
def test_it_refuses_negative_money(value):
    with pytest.raises(CellError, match="不能为负数"):
        cells.parse_money(f"-{value}")


@given(st.text())
def test_it_never_crashes_on_any_text(text):
    for parse in (cells.parse_money, cells.parse_int, cells.parse_date, cells.parse_year):
        try:
            parse(text)
        except CellError as exc:
            assert str(exc)  # a Chinese reason, never an empty one


@given(days)
def test_it_reads_dates_in_every_written_form(day):
    forms = [
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}/{day.month:02d}/{day.day:02d}",
        day.isoformat(),
        f"{day:%Y%m%d}",
        f"{day.year}年{day.month}月{day.day}日".translate(FULL_WIDTH),
        f"{day.isoformat()} 00:00:00",
    ]
    for form in forms:
        assert cells.parse_date(form) == day, form


@given(days)
def test_it_reads_excel_serial_dates(day):
    serial = (day - dt.date(1899, 12, 30)).days
    assert cells.parse_date(serial) == day
    assert cells.parse_date(float(serial)) == day
    assert cells.parse_date(str(serial)) == day


def test_it_knows_the_founding_days_serial():
    assert cells.parse_date(44896) == dt.date(2022, 12, 1)


def test_it_refuses_days_that_do_not_exist():
    with pytest.raises(CellError, match="没有这一天"):
        cells.parse_date("2022年2月30日")


@given(st.integers(min_value=0, max_value=10**9))
def test_it_reads_whole_numbers_as_typed(number):
    assert cells.parse_int(f"{number:,}") == number
    assert cells.parse_int(str(number).translate(FULL_WIDTH)) == number
    assert cells.parse_int(float(number)) == number


def test_it_refuses_a_fraction_where_a_whole_number_belongs():
    with pytest.raises(CellError, match="整数"):
        cells.parse_int("12.5")


@given(st.integers(min_value=1, max_value=10**14))
def test_it_keeps_codes_typed_as_numbers_as_text(number):
    assert cells.parse_code(float(number)) == str(number)


def test_it_reads_choices_by_label_or_value():
    assert cells.parse_choice("拨付", FundFlow.Kind) == "transfer"
    assert cells.parse_choice("TRANSFER", FundFlow.Kind) == "transfer"
    with pytest.raises(CellError, match="可选"):
        cells.parse_choice("划拨", FundFlow.Kind)


@given(st.sampled_from("=+-@"), st.text())
def test_it_neutralises_formulas_and_reads_them_back(start, rest):
    text = start + rest
    safe = cells.neutralise(text)
    assert safe.startswith("'")
    # What XML cannot carry (a stray control character) is dropped on the way out.
    assert cells.parse_text(safe) == xml_safe(text).strip()


def test_it_keeps_numbers_as_numbers_when_neutralising():
    assert cells.neutralise(Decimal("-5.00")) == Decimal("-5.00")

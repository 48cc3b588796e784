"""Numbers as published texts write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairaid.bulletin.numbers import NotANumber, parse_number, render_chinese, significant_step


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("一百五十四", 154),
        ("两千", 2000),
        ("一万二千", 12000),
        ("一万二", 12000),
        ("三百五", 350),
        ("三百零五", 305),
        ("十二", 12),
        ("二十", 20),
        ("二〇二二", 2022),
        ("壹佰", 100),
        ("一千三百五十", 1350),
        ("一亿二千万", 120_000_000),
        ("14654.73", Decimal("14654.73")),
        ("3,200", 3200),
        ("1.2万", 12000),
        ("21.51万", 215100),
        ("三点五", Decimal("3.5")),
    ],
)
def test_it_reads_a_number(written: str, value: int | Decimal):
    assert parse_number(written) == Decimal(value)


@pytest.mark.parametrize("written", ["", "万", "一二三四万", "abc", "十十"])
def test_it_refuses_what_is_not_a_number(written: str):
    with pytest.raises(NotANumber):
        parse_number(written)


@pytest.mark.parametrize(
    ("written", "step"),
    [("9500", 100), ("320", 10), ("300", 100), ("1.2", "0.1"), ("1.2万", 1000), ("三千", 1000)],
)
def test_it_knows_the_last_significant_place(written: str, step: int | str):
    assert significant_step(written) == Decimal(step)


@given(st.integers(min_value=0, max_value=10**16))
def test_chinese_numerals_read_back(value: int):
    assert parse_number(render_chinese(value)) == value


@given(st.integers(min_value=0, max_value=10**12))
def test_arabic_numerals_with_separators_read_back(value: int):
    assert parse_number(f"{value:,}") == value


@given(
    st.integers(min_value=1, max_value=99_999_999),
    st.integers(min_value=0, max_value=99),
)
def test_decimals_read_exactly(whole: int, cents: int):
    assert parse_number(f"{whole}.{cents:02d}") == Decimal(f"{whole}.{cents:02d}")

"""Money helpers: one rounding rule, display in 万元, the published round figure."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairaid.ledger.money import format_published_wan, format_wan, published_wan, round_money

fen = st.integers(min_value=1, max_value=10**14).map(lambda n: Decimal(n) / 100)


def test_it_formats_the_article_figure():
    assert format_wan(Decimal("146547300.00")) == "14654.73万元"


def test_it_rounds_half_up_at_display():
    assert format_wan(Decimal("50.00")) == "0.01万元"
    assert format_wan(Decimal("49.99")) == "0.00万元"
    assert round_money("2.345") == Decimal("2.35")


def test_it_refuses_floats():
    with pytest.raises(TypeError):
        round_money(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("yuan", "written"),
    [
        ("95371234.56", "9500余万元"),
        ("95000000.00", "9500万元"),
        ("146547300.00", "14600余万元"),
        ("870000.00", "87万元"),
        ("875000.00", "87余万元"),
    ],
)
def test_it_writes_published_figures(yuan: str, written: str):
    assert format_published_wan(Decimal(yuan)) == written


@given(fen)
def test_published_figure_never_overstates_and_is_within_one_step(yuan: Decimal):
    shown, more = published_wan(yuan)
    wan = yuan / 10000
    assert shown <= wan
    assert more == (wan > shown)
    # the next round figure is above the true one: "9500余" means [9500, 9600)
    step = 100 if wan >= 1000 else 10 if wan >= 100 else 1
    assert wan < shown + step
    assert shown % step == 0

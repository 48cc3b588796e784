"""Money to the fen, for any amount: the one rounding rule, 万元 and 亿元 at display, whole fen
in the database and back, and sums that the database adds as integers. Expected values come
from an independent computation in whole numbers here, never from the helpers under test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import services
from pairaid.ledger.models import FundFlow, Project, Target
from pairaid.ledger.money import (
    MAX_AMOUNT,
    format_wan,
    from_fen,
    round_money,
    round_step,
    to_fen,
    to_wan,
    to_yi,
)
from pairaid.ledger.moneyfield import MoneyField, MoneySum

MAX_FEN = int(MAX_AMOUNT * 100)
any_fen = st.integers(min_value=-MAX_FEN, max_value=MAX_FEN)
positive_fen = st.integers(min_value=1, max_value=MAX_FEN)


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in whole numbers."""
    sign = -1 if numerator < 0 else 1
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return sign * quotient


# --- the rounding rule and the display units ------------------------------------------------


@given(st.integers(min_value=-(10**20), max_value=10**20), st.integers(min_value=0, max_value=6))
def test_it_rounds_any_amount_half_up_to_the_fen(units, places):
    value = Decimal(units).scaleb(-places)

    rounded = round_money(value)

    assert rounded == Decimal(half_up(units * 100, 10**places)).scaleb(-2)
    assert rounded.as_tuple().exponent == -2


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_it_rounds_text_and_whole_numbers_as_it_rounds_decimals(units):
    value = Decimal(units).scaleb(-3)
    assert round_money(str(value)) == round_money(value)
    assert round_money(units) == Decimal(units).quantize(Decimal("0.01"))


@pytest.mark.parametrize("text", ["", "一百", "12,30", "1.2.3", "元"])
def test_it_says_what_is_not_an_amount(text):
    with pytest.raises(ValueError, match="not an amount"):
        round_money(text)


@given(any_fen)
def test_it_shows_any_amount_in_wan_and_yi_rounded_half_up(fen):
    yuan = from_fen(fen)

    assert to_wan(yuan) == Decimal(half_up(fen, 10_000)).scaleb(-2)
    assert to_yi(yuan) == Decimal(half_up(fen, 100_000_000)).scaleb(-2)
    shown = Decimal(half_up(fen, 10_000)).scaleb(-2)
    assert format_wan(yuan) == f"{shown}万元"  # 0.00万元, never -0.00万元
    assert not format_wan(yuan).startswith("-0.00")


@pytest.mark.parametrize("yuan", ["-0.01", "-49.99"])
def test_it_shows_a_net_reversal_below_half_a_wan_fen_as_zero_not_minus_zero(yuan):
    """A pairing whose corrections net a few yuan below zero (a difference in a
    reconciliation) shows 0.00万元: "-0.00万元" is no amount a clerk writes."""
    assert format_wan(Decimal(yuan)) == "0.00万元"
    assert str(to_wan(Decimal(yuan))) == "0.00"
    assert str(to_yi(Decimal(yuan) * 10_000)) == "0.00"


@pytest.mark.parametrize(
    ("wan", "step"),
    [
        ("0", 1),
        ("99.99", 1),
        ("100", 10),
        ("999.99", 10),
        ("1000", 100),
        ("-1000", 100),
        ("-99.99", 1),
    ],
)
def test_it_steps_round_figures_by_the_size_of_the_amount(wan, step):
    assert round_step(Decimal(wan)) == step


# --- whole fen ------------------------------------------------------------------------------


@given(any_fen)
def test_it_turns_fen_into_yuan_and_back_exactly(fen):
    yuan = from_fen(fen)

    assert to_fen(yuan) == fen
    assert yuan.as_tuple().exponent == -2
    assert yuan * 100 == fen


@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(min_value=3, max_value=6))
def test_it_refuses_a_fraction_of_a_fen_rather_than_rounding_it(units, places):
    value = Decimal(units).scaleb(-places)
    whole = value * 100 == (value * 100).to_integral_value()

    if whole:
        assert to_fen(value) == int(value * 100)
    else:
        with pytest.raises(ValueError, match="not a whole number of fen"):
            to_fen(value)


def test_it_refuses_floats_in_every_helper():
    for helper in (round_money, to_fen):
        with pytest.raises(TypeError, match="float"):
            helper(0.1)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        MoneyField().to_python(0.1)


# --- the money column -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["abc", "1e", "", "１２"])
def test_it_refuses_text_that_is_no_amount_in_the_column(text):
    field = MoneyField(name="amount")
    if text == "１２":  # full-width digits are digits to Decimal: taken, as 12
        assert field.to_python(text) == Decimal("12")
        return
    with pytest.raises(ValidationError) as caught:
        field.to_python(text)
    assert caught.value.messages == [f"“{text}”不是有效的金额"]


def test_it_reads_surrounding_spaces_as_nothing():
    assert MoneyField(name="amount").to_python(" 12.30 ") == Decimal("12.30")


def test_it_names_the_column_that_cannot_store_a_fraction_of_a_fen():
    with pytest.raises(ValueError, match="Field 'amount' cannot store"):
        MoneyField(name="amount").get_prep_value(Decimal("0.001"))


def test_it_offers_forms_the_ledgers_limits():
    form_field = MoneyField(name="amount").formfield()
    assert (form_field.max_value, form_field.min_value) == (MAX_AMOUNT, -MAX_AMOUNT)
    assert (form_field.max_digits, form_field.decimal_places) == (16, 2)


def project_with_budget(build, pairing, yuan: Decimal) -> Project:
    return build.project(pairing, planned_budget=yuan)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fen=st.integers(min_value=0, max_value=MAX_FEN))
def test_it_stores_any_budget_and_reads_back_every_fen(build, fen):
    pairing = build.pairing()
    yuan = from_fen(fen)

    project = project_with_budget(build, pairing, yuan)

    stored = Project.objects.get(pk=project.pk)
    assert stored.planned_budget == yuan
    assert Project.objects.filter(pk=project.pk, planned_budget=yuan).exists()
    assert Project.objects.filter(pk=project.pk, planned_budget__gte=yuan).exists()
    assert not Project.objects.filter(pk=project.pk, planned_budget__gt=yuan).exists()


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(positive_fen, min_size=0, max_size=8))
def test_it_sums_any_money_in_the_database_as_python_adds_it(build, values):
    pairing = build.pairing()
    for index, fen in enumerate(values):
        services.create_record(
            Target,
            acting_user=None,
            via="test",
            pairing=pairing,
            year=2000 + index,
            indicator=Target.Indicator.FUNDS_TRANSFERRED,
            value=from_fen(fen),
        )

    total = Target.objects.filter(pairing=pairing).aggregate(total=MoneySum("value"))["total"]

    expected = sum((from_fen(fen) for fen in values), Decimal("0.00"))
    assert total == expected
    assert isinstance(total, Decimal) and total.as_tuple().exponent == -2


def test_it_sums_nothing_to_zero_yuan_with_two_places(build):
    pairing = build.pairing()

    total = FundFlow.objects.filter(pairing=pairing).aggregate(total=MoneySum("amount"))["total"]

    assert total == Decimal("0.00") and str(total) == "0.00"


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(
        st.integers(min_value=1, max_value=10**11), min_size=1, max_size=5, unique=True
    ),
    pivot=st.integers(min_value=0, max_value=4),
)
def test_it_compares_money_in_the_database_in_yuan(build, values, pivot):
    pairing = build.pairing()
    for fen in values:
        build.flow(pairing, str(from_fen(fen)), day=dt.date(2021, 6, 1))
    limit = from_fen(values[pivot % len(values)])

    found = FundFlow.objects.filter(pairing=pairing, amount__lt=limit).aggregate(
        total=MoneySum("amount")
    )["total"]

    assert found == sum((from_fen(fen) for fen in values if from_fen(fen) < limit), Decimal("0.00"))

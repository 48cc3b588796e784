"""The demo's small builders (ledger/demo/base.py, calendar.py, funds.py): money split in whole
fen so the article's totals hold to the fen for any random seed, transfers dated in their fund
year (the 2022 hand-over on 12-01), plans near the year's transfers, and spending within its
allocation and its project's dates, each payment under a voucher of its own. Pure functions of
a seed (no database, no demo load), and the demo the test run loaded once."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairaid.ledger.demo import calendar, funds
from pairaid.ledger.demo.base import jittered, split_exact
from pairaid.ledger.demo.sides import SIDES, Side
from pairaid.ledger.models import FundFlow, Project

QUICK = settings(deadline=None, max_examples=40)
seeds = st.integers(0, 2**32 - 1)
S = FundFlow.Source


# --- splitting exactly ---------------------------------------------------------------------


@QUICK
@given(
    total=st.integers(1, 10**13),
    weights=st.lists(st.floats(0.01, 100, allow_nan=False), min_size=1, max_size=8),
    step=st.sampled_from([1, 100, funds.WAN]),
)
def test_it_splits_a_total_into_positive_parts_that_add_up_exactly_or_refuses(total, weights, step):
    try:
        parts = split_exact(total, weights, step)
    except ValueError as error:
        assert "cannot split" in str(error)
        return
    assert sum(parts) == total
    assert len(parts) == len(weights)
    assert all(part > 0 for part in parts)
    assert all(part % step == 0 for part in parts[:-1])


@QUICK
@given(seed=seeds, weights=st.lists(st.floats(0.1, 10), min_size=1, max_size=8))
def test_it_jitters_each_weight_within_its_spread(seed, weights):
    moved = jittered(random.Random(seed), weights, 0.2)
    assert len(moved) == len(weights)
    for before, after in zip(weights, moved, strict=True):
        assert before * 0.8 - 1e-9 <= after <= before * 1.2 + 1e-9


@QUICK
@given(seed=seeds, start=st.dates(), span=st.integers(-30, 400))
def test_it_picks_a_day_between_two_days_or_the_end_when_they_cross(seed, start, span):
    try:
        end = start + dt.timedelta(days=span)
    except OverflowError:
        return
    day = calendar.day_in(random.Random(seed), start, end)
    if span <= 0:
        assert day == end
    else:
        assert start <= day <= end


def test_it_dates_office_work_at_ten_in_the_offices_time_zone():
    made = calendar.at_ten(dt.date(2022, 12, 1))
    assert (made.hour, made.minute) == (10, 0)
    assert made.utcoffset() == dt.timedelta(hours=8)
    with pytest.raises(ValueError, match="missing"):
        calendar.known(None)


# --- the article's money, year by year and source by source -------------------------------


@settings(deadline=None, max_examples=25)
@given(seed=seeds, side=st.sampled_from(SIDES))
def test_it_splits_each_sides_funds_to_the_fen_for_any_seed(seed, side):
    money = funds.plan_money(side, random.Random(seed))

    assert sum(year.total for year in money) == funds.fen(side.funds)
    assert [year.year for year in money] == list(calendar.YEARS)
    for year in money:
        assert all(part % funds.WAN == 0 for part in year.fiscal)
        assert all(part % funds.YUAN == 0 for part in year.social)
        assert all(part > 0 for part in year.fiscal + year.social + year.in_kind)
        assert len(year.fiscal) == 3 if year.year == 2022 else len(year.fiscal) in (2, 3)


def rows_of(side: Side, seed: int):
    rng = random.Random(seed)
    money = funds.plan_money(side, rng)
    return money, funds.transfers(side, None, money, rng)


@settings(deadline=None, max_examples=25)
@given(seed=seeds, side=st.sampled_from(SIDES))
def test_it_dates_each_transfer_in_its_fund_year_and_the_last_of_2022_at_the_hand_over(seed, side):
    money, found = rows_of(side, seed)
    rows = [t.row for t in found]

    assert sum((row["amount"] for row in rows), Decimal("0.00")) == side.funds
    assert len({row["voucher"] for row in rows}) == len(rows)
    assert sum(1 for t in found if t.story) == 1
    for row in rows:
        assert row["kind"] == FundFlow.Kind.TRANSFER
        assert row["date"].year == row["fund_year"]
        assert row["date"] <= calendar.LAST_DAY or row["date"] == calendar.HANDOVER
        assert row["amount"] > 0
        assert row["amount"].as_tuple().exponent >= -2
        pending = row["date"] == calendar.HANDOVER or (
            row["fund_year"] == 2022 and row["source"] == S.IN_KIND
        )
        if pending:
            assert row["confirmation"] == FundFlow.Confirmation.UNCONFIRMED
            assert row["confirmed_at"] is None
        else:
            assert row["confirmation"] == FundFlow.Confirmation.CONFIRMED
            assert row["confirmed_at"] == calendar.at_ten(row["date"] + dt.timedelta(days=7))
    handed = [r for r in rows if r["date"] == calendar.HANDOVER]
    assert {r["source"] for r in handed} == {S.FISCAL, S.SOCIAL_CASH}
    assert all("交付2022年对口帮扶资金" in r["note"] for r in handed)
    for year in money:
        of_year = [r for r in rows if r["fund_year"] == year.year]
        assert sum(funds.fen(r["amount"]) for r in of_year) == year.total


@settings(deadline=None, max_examples=25)
@given(seed=seeds, side=st.sampled_from(SIDES))
def test_it_plans_each_year_near_what_was_then_transferred(seed, side):
    money, _found = rows_of(side, seed)

    rows = funds.plan_rows(side, None, money, random.Random(seed))

    assert len(rows) == 2 * len(money)
    for year in money:
        mine = [r for r in rows if r["fund_year"] == year.year]
        planned = sum(funds.fen(r["amount"]) for r in mine)
        assert planned % (10 * funds.WAN) == 0
        assert year.total * 0.96 - 10 * funds.WAN <= planned <= year.total * 1.04
        assert {r["source"] for r in mine} == {S.FISCAL, S.SOCIAL_CASH}
        assert all(r["kind"] == FundFlow.Kind.PLAN for r in mine)
        assert all(r["date"].year == year.year and r["date"].month == 3 for r in mine)


# --- allocations and spending -----------------------------------------------------------------


@dataclass
class Spec:
    allocations: list[tuple[str, int]]


projects_drawn = st.tuples(
    st.dates(dt.date(2016, 1, 1), dt.date(2022, 6, 30)),  # start
    st.one_of(st.none(), st.integers(30, 900)),  # finished this many days later
    st.integers(0, 100),  # progress
    st.lists(
        st.tuples(st.sampled_from([S.FISCAL, S.SOCIAL_CASH]), st.integers(1, 5 * 10**9)),
        min_size=1,
        max_size=3,
    ),
)


@settings(deadline=None, max_examples=40)
@given(seed=seeds, drawn=projects_drawn)
def test_it_spends_within_each_allocation_and_the_projects_dates(seed, drawn):
    start, days, progress, allocations = drawn
    end = start + dt.timedelta(days=days) if days else None
    project = Project(code="JY-T-001", name="测试项目", start_date=start, end_date=end)
    project.progress = 100 if end else progress
    rng = random.Random(seed)

    rows = funds.project_flow_rows(SIDES[0], None, [(project, Spec(allocations))], rng)

    allocated = [r for r in rows if r["kind"] == FundFlow.Kind.ALLOCATE]
    spent = [r for r in rows if r["kind"] == FundFlow.Kind.SPEND]
    assert [funds.fen(r["amount"]) for r in allocated] == [amount for _s, amount in allocations]
    for source in {s for s, _amount in allocations}:
        given_ = sum(funds.fen(r["amount"]) for r in allocated if r["source"] == source)
        paid = sum(funds.fen(r["amount"]) for r in spent if r["source"] == source)
        assert 0 <= paid <= given_
    last = min(end + dt.timedelta(days=60), calendar.LAST_DAY) if end else calendar.LAST_DAY
    for row in allocated:
        assert row["date"] >= dt.date(start.year, 3, 31)
        assert row["date"] <= max(start, dt.date(start.year, 3, 31))
    for row in rows:
        assert row["project"] is project
        assert row["fund_year"] == start.year
        crosses = abs(row["date"].year - start.year) > FundFlow.CROSS_YEAR_TOLERANCE
        assert bool(row["cross_year_reason"]) == crosses
        assert row["confirmation"] == FundFlow.Confirmation.CONFIRMED
    for row in spent:
        assert row["date"] <= max(last, start)
        assert row["amount"] > 0
        assert funds.fen(row["amount"]) % funds.YUAN == 0
    assert len({r["voucher"] for r in rows}) == len(rows)


def test_it_gives_every_payment_of_the_demo_a_voucher_of_its_own(db):
    spending = FundFlow.objects.filter(kind=FundFlow.Kind.SPEND, is_demo=True)
    vouchers = list(spending.values_list("voucher", flat=True))

    assert vouchers
    assert len(set(vouchers)) == len(vouchers)


def test_it_refuses_money_for_a_project_that_never_started():
    with pytest.raises(ValueError, match="no start date"):
        funds.started(Project(code="JY-T-002", start_date=None))


@QUICK
@given(amount=st.integers(0, 10**16))
def test_it_turns_fen_into_yuan_and_back_exactly(amount):
    assert funds.fen(funds.yuan(amount)) == amount
    assert funds.yuan(amount) * 100 == amount

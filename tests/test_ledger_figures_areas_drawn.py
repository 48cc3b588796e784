"""The assessment areas' figures over drawn records (ledger/figures_cooperation.py and
ledger/figures_assets.py): consumption assistance by direction, parks, enterprises and their
agreed and arrived investment, assets formed, handed over, in use and needing attention, and
their income — each equal to the records the test drew, summed here in Python, for windows of
years and as-of dates, and each figure's per-pairing twin (`figure_specs`) equal to it."""

from __future__ import annotations

import datetime as dt
import itertools

from assets_records import asset, check, finished_project, handed
from consumption_records import consumption, investment, park
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import figure_specs, figures, figures_assets, figures_cooperation
from pairaid.ledger.models import AssetCheck, ConsumptionRecord
from pairaid.ledger.money import ZERO, from_fen

PROPERTY = settings(
    deadline=None,
    max_examples=8,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TODAY = timezone.localdate()
Direction = ConsumptionRecord.Direction
STATES = list(AssetCheck.State.values)
_serial = itertools.count(1)


def fresh(build):
    n = next(_serial)
    return build.pairing(f"领域甲区{n}", f"领域乙县{n}", valid_from=dt.date(2019, 1, 1))


def window(pairing, from_year, to_year, as_of):
    return figures.window_for(pairing, from_year=from_year, to_year=to_year, as_of=as_of)


windows_drawn = st.lists(
    st.tuples(
        st.integers(2019, 2025),
        st.integers(0, 2),
        st.one_of(st.just(TODAY), st.dates(dt.date(2019, 6, 1), dt.date(2025, 12, 31))),
    ),
    min_size=1,
    max_size=3,
)


def additive(key, w):
    """The value of a figure counted for many pairings at once, for the window's one."""
    spec = figure_specs.FIGURES[key]
    assert spec.additive is not None, key
    return spec.additive(w).get(w.pairing_ids[0], spec.zero)


# --- consumption, parks and investment -----------------------------------------------------


@PROPERTY
@given(
    purchases=st.lists(
        st.tuples(
            st.sampled_from(list(Direction.values)),
            st.integers(1, 10**11),
            st.dates(dt.date(2019, 1, 1), dt.date(2025, 12, 31)),
        ),
        max_size=6,
    ),
    parks=st.lists(st.dates(dt.date(2019, 1, 1), dt.date(2025, 12, 31)), max_size=3),
    investments=st.lists(
        st.tuples(
            st.integers(0, 2),  # one of three enterprises
            st.integers(2019, 2025),
            st.integers(1, 12),
            st.integers(1, 10**11),
            st.one_of(st.none(), st.integers(1, 10**11)),
        ),
        max_size=6,
    ),
    asked=windows_drawn,
)
def test_it_counts_consumption_parks_and_investment_as_the_records_drawn(
    build, purchases, parks, investments, asked
):
    pairing = fresh(build)
    bought = [
        consumption(pairing, str(from_fen(fen)), direction=direction, date=day)
        for direction, fen, day in purchases
    ]
    built = [park(pairing, established=day) for day in parks]
    n = next(_serial)
    landed = [
        investment(
            pairing,
            str(from_fen(fen)),
            enterprise=f"企业{n}-{which}",
            year=year,
            date=dt.date(year, month, 1),
            agreed_amount=None if agreed is None else from_fen(agreed),
        )
        for which, year, month, fen, agreed in investments
    ]
    for from_year, span, as_of in asked:
        w = window(pairing, from_year, from_year + span, as_of)
        dated = [r for r in bought if w.start <= r.date <= w.end]
        for key, (direction, _label) in figures_cooperation.CONSUMPTION.items():
            mine = [r for r in dated if direction is None or r.direction == direction]
            total = sum((r.amount for r in mine), ZERO)
            assert figures_cooperation.consumption(w, direction).value == total
            assert additive(key, w) == total
        assert figures_cooperation.parks(w).value == sum(
            1 for p in built if w.start <= p.established <= w.end
        )
        assert additive("parks", w) == figures_cooperation.parks(w).value

        counted = [i for i in landed if w.from_year <= i.year <= w.to_year and i.date <= w.as_of]
        arrived = sum((i.amount for i in counted), ZERO)
        agreed = sum((i.agreed_amount for i in counted if i.agreed_amount is not None), ZERO)
        assert figures_cooperation.investment_arrived(w).value == arrived
        assert figures_cooperation.investment_agreed(w).value == agreed
        assert figures_cooperation.enterprises_landed(w).value == len(
            {i.enterprise for i in counted}
        )
        assert additive("investment_arrived", w) == arrived
        assert additive("investment_agreed", w) == agreed
        assert additive("enterprises_landed", w) == len({i.enterprise for i in counted})


# --- assets -------------------------------------------------------------------------------


def latest_state(made_checks, one, year):
    mine = [c for c in made_checks if c.asset_id == one.pk and c.year <= year]
    return max(mine, key=lambda c: c.year).state if mine else None


@PROPERTY
@given(
    drawn=st.lists(
        st.tuples(
            st.dates(dt.date(2020, 12, 1), dt.date(2025, 6, 30)),  # formed
            st.integers(1, 10**11),  # value in fen
            st.one_of(st.none(), st.integers(0, 700)),  # handed over: days after forming
            st.lists(
                st.tuples(st.integers(0, 3), st.sampled_from(STATES), st.integers(0, 10**9)),
                max_size=3,
                unique_by=lambda c: c[0],
            ),  # yearly checks: years after forming, state, income in fen
        ),
        min_size=1,
        max_size=4,
    ),
    asked=windows_drawn,
)
def test_it_counts_assets_and_their_income_as_the_records_drawn(build, drawn, asked):
    pairing = fresh(build)
    project = finished_project(build, pairing)
    made, made_checks = [], []
    for formed, fen, handed_after, checks in drawn:
        fields = {"formed_on": formed, "value": from_fen(fen)}
        if handed_after is not None and formed + dt.timedelta(days=handed_after) <= TODAY:
            fields.update(handed(formed + dt.timedelta(days=handed_after)))
        one = asset(project, **fields)
        made.append(one)
        for after, state, income in checks:
            if formed.year + after <= TODAY.year:
                made_checks.append(check(one, formed.year + after, state, income=from_fen(income)))
    for from_year, span, as_of in asked:
        w = window(pairing, from_year, from_year + span, as_of)
        end = w.end
        formed_in = [a for a in made if w.start <= a.formed_on <= end]
        handed_in = [a for a in made if a.handed_over_on and w.start <= a.handed_over_on <= end]
        held = [a for a in made if a.formed_on <= end]
        states = {a.pk: latest_state(made_checks, a, end.year) for a in held}
        due = figures_assets.handover_due(end)
        attention = [
            a
            for a in held
            if states[a.pk] in ("idle", "damaged")
            or (
                a.formed_on < due
                and (a.handed_over_on is None or a.handed_over_on > end)
                and states[a.pk] != "disposed"
            )
        ]
        income = sum((c.income for c in made_checks if w.from_year <= c.year <= end.year), ZERO)

        assert figures_assets.assets_formed(w).value == sum((a.value for a in formed_in), ZERO)
        assert figures_assets.assets_formed_count(w).value == len(formed_in)
        assert figures_assets.assets_handed_over(w).value == sum((a.value for a in handed_in), ZERO)
        assert figures_assets.assets_in_use(w).value == sum(
            1 for a in held if states[a.pk] == "in_use"
        )
        assert set(figures_assets.needing_attention(w)) == set(attention)
        assert figures_assets.assets_attention(w).value == len(attention)
        assert figures_assets.asset_income(w).value == income
        for key in ("assets_formed", "assets_handed_over", "asset_income", "assets_in_use"):
            spec = figure_specs.FIGURES.get(key)
            if spec is not None and spec.additive is not None:
                assert additive(key, w) == spec.make(w, None).value


# --- one scene per test --------------------------------------------------------------------


def test_it_counts_a_purchase_dated_on_the_as_of_day_and_not_the_day_after(build):
    pairing = fresh(build)
    consumption(pairing, "10.00", date=dt.date(2022, 5, 1))
    consumption(pairing, "20.00", date=dt.date(2022, 5, 2), direction=Direction.SOLD_HELPED)

    on_the_day = window(pairing, 2022, 2022, dt.date(2022, 5, 1))
    later = window(pairing, 2022, 2022, dt.date(2022, 5, 2))

    assert figures_cooperation.consumption(on_the_day).value == from_fen(1000)
    assert figures_cooperation.consumption(later).value == from_fen(3000)
    helped = figures_cooperation.consumption(later, Direction.SOLD_HELPED)
    assert helped.value == from_fen(2000)
    assert str(Direction.SOLD_HELPED.label) in helped.rule
    assert "不计入帮扶资金" in figures_cooperation.consumption(later).rule


def test_it_counts_investment_of_a_year_only_once_its_date_has_come(build):
    pairing = fresh(build)
    investment(pairing, "100.00", year=2022, date=dt.date(2022, 11, 30))

    before = window(pairing, 2022, 2022, dt.date(2022, 11, 29))
    after = window(pairing, 2022, 2022, dt.date(2022, 11, 30))

    assert figures_cooperation.investment_arrived(before).value == ZERO
    assert figures_cooperation.enterprises_landed(before).value == 0
    assert figures_cooperation.investment_arrived(after).value == from_fen(10000)
    assert figures_cooperation.enterprises_landed(after).value == 1
    assert figures_cooperation.investment_agreed(after).value == ZERO

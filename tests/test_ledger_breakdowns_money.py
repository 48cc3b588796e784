"""The money breakdowns (ledger/breakdowns.py): stages, sources, sectors, per-project money,
rates and the transfers still waiting for the recipient's answer. Every part adds up to the
figure it breaks down, and every figure equals the records the test made, summed here in
Python over drawn records (reversals, confirmations, windows, as-of dates)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import breakdowns, figures, services
from pairaid.ledger.models import Confirmation, FundFlow, Project
from pairaid.ledger.money import ZERO, from_fen

PROPERTY = settings(
    deadline=None,
    max_examples=8,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KINDS = [k.value for k in FundFlow.Kind]
SOURCES = [s.value for s in FundFlow.Source]
SECTORS = [Project.Sector.INDUSTRY, Project.Sector.EDUCATION, Project.Sector.HEALTH]
FIRST, LAST = 2019, 2023
_serial = itertools.count(1)


def fresh(build):
    """A pairing of its own, with one project in each of three sectors."""
    n = next(_serial)
    pairing = build.pairing(f"分项甲区{n}", f"分项乙县{n}", valid_from=dt.date(FIRST, 1, 1))
    projects = [build.project(pairing, sector=s, start=dt.date(FIRST, 2, 1)) for s in SECTORS]
    return pairing, projects


def window(pairing, **options):
    options.setdefault("as_of", dt.date(LAST, 12, 31))
    return figures.window_for(pairing, **options)


def expected(flows, w, *, kind, source=None, sector="any", project=None):
    """The money of the window summed here from the records made, in Python."""
    total = ZERO
    for flow in flows:
        flow.refresh_from_db()
        if flow.kind != kind or not (w.from_year <= flow.fund_year <= w.to_year):
            continue
        if flow.date > w.as_of:
            continue
        if w.confirmed_only and flow.confirmation != Confirmation.CONFIRMED:
            continue
        if source is not None and flow.source != source:
            continue
        if project is not None and flow.project_id != project.pk:
            continue
        if sector != "any":
            mine = flow.project.sector if flow.project_id else None
            if mine != sector:
                continue
        total += flow.amount
    return total


# --- drawn records -------------------------------------------------------------------------

entries = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.sampled_from(SOURCES),
        st.integers(FIRST, LAST - 1),  # fund year
        st.integers(0, 1),  # dated in the fund year or the next
        st.integers(1, 12),
        st.integers(1, 28),
        st.integers(1, 10**11),  # fen
        st.integers(-1, 2),  # project: none (only plans and transfers may), or one of three
        st.sampled_from(["keep", "reverse", "confirm", "dispute"]),
    ),
    min_size=1,
    max_size=9,
)
asked = st.tuples(
    st.integers(FIRST, LAST),  # from year
    st.integers(0, 3),  # further years
    st.dates(dt.date(FIRST, 1, 1), dt.date(LAST + 1, 6, 30)),
    st.booleans(),  # confirmed only
)


def record(pairing, projects, drawn):
    kind, source, year, later, month, day, fen, which, then = drawn
    project = None
    if kind in FundFlow.NEEDS_PROJECT or which >= 0:
        project = projects[max(which, 0)]
    flow = services.record_fund_flow(
        acting_user=None,
        via="test",
        pairing=pairing,
        kind=kind,
        source=source,
        fund_year=year,
        date=dt.date(year + later, month, day),
        amount=from_fen(fen),
        project=project,
    )
    made = [flow]
    if then == "reverse":
        on = flow.date + dt.timedelta(days=fen % 200)  # before or after the as-of dates asked
        made.append(
            services.reverse_fund_flow(flow, acting_user=None, via="test", reason="冲销", on=on)
        )
    elif then in ("confirm", "dispute"):
        accept = then == "confirm"
        services.confirm_record(flow, acting_user=None, via="test", accept=accept, note="核对")
    return made


@PROPERTY
@given(drawn=entries, windows=st.lists(asked, min_size=1, max_size=2))
def test_it_breaks_each_stage_down_into_parts_that_add_up_to_the_records(build, drawn, windows):
    pairing, projects = fresh(build)
    flows = [flow for one in drawn for flow in record(pairing, projects, one)]
    for from_year, span, as_of, confirmed_only in windows:
        w = window(
            pairing,
            from_year=from_year,
            to_year=from_year + span,
            as_of=as_of,
            confirmed_only=confirmed_only,
        )
        stages = breakdowns.stages(w)
        assert list(stages) == list(breakdowns.STAGES)
        for kind, figure in stages.items():
            total = expected(flows, w, kind=kind)
            assert figure.value == total
            assert figures.sum_amount(figure.records) == total

            by_source = breakdowns.funds_by_source(w, kind)
            assert set(by_source) == set(SOURCES)
            assert sum((f.value for f in by_source.values()), ZERO) == total
            for source, part in by_source.items():
                assert part.value == expected(flows, w, kind=kind, source=source)

            by_sector = breakdowns.funds_by_sector(w, kind)
            assert sum((f.value for f in by_sector.values()), ZERO) == total
            for sector in SECTORS:
                assert by_sector[sector].value == expected(flows, w, kind=kind, sector=sector)
            assert by_sector[breakdowns.NO_PROJECT].value == expected(
                flows, w, kind=kind, sector=None
            )


@PROPERTY
@given(drawn=entries, as_of=st.dates(dt.date(FIRST, 1, 1), dt.date(LAST + 1, 6, 30)))
def test_it_gives_each_projects_money_and_columns_that_equal_the_stage_figures(build, drawn, as_of):
    pairing, projects = fresh(build)
    flows = [flow for one in drawn for flow in record(pairing, projects, one)]
    w = window(pairing, as_of=as_of)

    rows = breakdowns.project_money(w)

    allocated = figures.funds(w, FundFlow.Kind.ALLOCATE).value
    spent = figures.funds(w, FundFlow.Kind.SPEND).value
    assert sum((row.allocated for row in rows), ZERO) == allocated
    assert sum((row.spent for row in rows), ZERO) == spent
    for row in rows:
        mine_allocated = expected(flows, w, kind=FundFlow.Kind.ALLOCATE, project=row.project)
        mine_spent = expected(flows, w, kind=FundFlow.Kind.SPEND, project=row.project)
        assert (row.allocated, row.spent) == (mine_allocated, mine_spent)
        assert row.balance == mine_allocated - mine_spent
        assert row.allocated.as_tuple().exponent == -2


@PROPERTY
@given(drawn=entries)
def test_it_splits_a_span_of_years_into_year_windows_that_add_up_to_it(build, drawn):
    pairing, projects = fresh(build)
    for one in drawn:
        record(pairing, projects, one)
    w = window(pairing, from_year=FIRST, to_year=LAST)
    for kind in breakdowns.STAGES:
        years = [
            figures.funds(breakdowns.year_window(w, year), kind).value
            for year in range(FIRST, LAST + 1)
        ]
        assert sum(years, ZERO) == figures.funds(w, kind).value


# --- one scene per test ------------------------------------------------------------------


def test_it_keeps_a_year_windows_pairings_and_as_of_date(build):
    pairing, _projects = fresh(build)
    w = window(pairing, from_year=2019, to_year=2023, as_of=dt.date(2023, 5, 1))

    one = breakdowns.year_window(w, 2021)

    assert (one.from_year, one.to_year) == (2021, 2021)
    assert one.pairing_ids == w.pairing_ids
    assert one.as_of == w.as_of
    assert one.confirmed_only == w.confirmed_only


def test_it_gives_a_project_listed_without_money_zeros(build):
    pairing, projects = fresh(build)
    build.flow(pairing, "12.34", kind=FundFlow.Kind.ALLOCATE, project=projects[0])
    w = window(pairing)

    rows = breakdowns.project_money(w, Project.objects.filter(pairing=pairing))

    by_project = {row.project.pk: row for row in rows}
    assert set(by_project) == {p.pk for p in projects}
    assert by_project[projects[0].pk].allocated == Decimal("12.34")
    for idle in projects[1:]:
        assert (by_project[idle.pk].allocated, by_project[idle.pk].spent) == (ZERO, ZERO)
        assert by_project[idle.pk].balance == ZERO


def test_it_shows_spending_beyond_the_allocation_as_a_negative_balance(build):
    pairing, projects = fresh(build)
    build.flow(pairing, "100.00", kind=FundFlow.Kind.ALLOCATE, project=projects[1])
    build.flow(pairing, "100.01", kind=FundFlow.Kind.SPEND, project=projects[1])

    (row,) = breakdowns.project_money(window(pairing))

    assert row.project == projects[1]
    assert row.balance == Decimal("100.00") - Decimal("100.01")
    assert row.balance < 0


def test_it_rounds_a_rate_half_up_to_two_places(build):
    pairing, _projects = fresh(build)
    build.flow(pairing, "3.00", kind=FundFlow.Kind.PLAN)
    build.flow(pairing, "2.00")
    w = window(pairing)

    rate = figures.transfer_rate(w)

    independent = (Decimal("2.00") * 100 / Decimal("3.00")).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    assert rate.percent == independent
    assert rate.numerator.value == Decimal("2.00")
    assert rate.denominator.value == Decimal("3.00")
    assert rate.label == "拨付率"


def test_it_gives_no_rate_when_the_plan_was_reversed_to_nothing(build):
    pairing, _projects = fresh(build)
    plan = build.flow(pairing, "500.00", kind=FundFlow.Kind.PLAN)
    build.flow(pairing, "100.00")
    services.reverse_fund_flow(
        plan, acting_user=None, via="test", reason="计划撤销", on=dt.date(2021, 7, 1)
    )

    rate = figures.transfer_rate(window(pairing))

    assert rate.denominator.value == ZERO
    assert rate.percent is None


def test_it_counts_a_transfer_beyond_its_plan_above_a_hundred_percent(build):
    pairing, projects = fresh(build)
    build.flow(pairing, "100.00", kind=FundFlow.Kind.PLAN)
    build.flow(pairing, "150.00")
    build.flow(pairing, "80.00", kind=FundFlow.Kind.ALLOCATE, project=projects[0])
    build.flow(pairing, "100.00", kind=FundFlow.Kind.SPEND, project=projects[0])
    w = window(pairing)

    assert figures.transfer_rate(w).percent == Decimal("150.00")
    assert figures.usage_rate(w).percent == Decimal("125.00")
    assert figures.usage_rate(w).label == "使用率"


def test_it_makes_a_rate_of_two_figures_already_counted(build):
    pairing, _projects = fresh(build)
    build.flow(pairing, "7.00", kind=FundFlow.Kind.PLAN)
    build.flow(pairing, "1.00")
    w = window(pairing)
    stages = breakdowns.stages(w)

    made = figures.rate("transfer_rate", stages[FundFlow.Kind.TRANSFER], stages[FundFlow.Kind.PLAN])

    assert made.percent == figures.transfer_rate(w).percent
    assert made.rule == figures.transfer_rate(w).rule


def test_it_lists_only_the_transfers_waiting_for_an_answer(build):
    pairing, projects = fresh(build)
    waiting = build.flow(pairing, "1.00", day=dt.date(2021, 3, 1))
    disputed = build.flow(pairing, "2.00", day=dt.date(2021, 2, 1))
    services.confirm_record(disputed, acting_user=None, via="test", accept=False, note="未到账")
    confirmed = build.flow(pairing, "4.00")
    services.confirm_record(confirmed, acting_user=None, via="test", accept=True)
    cancelled = build.flow(pairing, "8.00")
    reversal = services.reverse_fund_flow(cancelled, acting_user=None, via="test", reason="重复")
    build.flow(pairing, "16.00", kind=FundFlow.Kind.PLAN)
    build.flow(pairing, "32.00", kind=FundFlow.Kind.ALLOCATE, project=projects[0])

    listed = list(breakdowns.unconfirmed_transfers(window(pairing)))

    assert listed == [disputed, waiting]  # by date
    assert cancelled not in listed and reversal not in listed


def test_it_leaves_a_transfer_dated_after_the_as_of_date_off_the_waiting_list(build):
    pairing, _projects = fresh(build)
    early = build.flow(pairing, "1.00", year=2021, day=dt.date(2021, 6, 1))
    build.flow(pairing, "2.00", year=2021, day=dt.date(2021, 9, 1))

    listed = list(breakdowns.unconfirmed_transfers(window(pairing, as_of=dt.date(2021, 7, 1))))

    assert listed == [early]


def test_it_names_each_sector_and_the_money_without_a_project(build):
    pairing, _projects = fresh(build)
    w = window(pairing, confirmed_only=True)

    by_sector = breakdowns.funds_by_sector(w, FundFlow.Kind.SPEND)

    assert set(by_sector) == {*Project.Sector.values, breakdowns.NO_PROJECT}
    assert by_sector[Project.Sector.EDUCATION].label == str(Project.Sector.EDUCATION.label)
    assert by_sector[breakdowns.NO_PROJECT].label == breakdowns.NO_PROJECT_LABEL
    for figure in by_sector.values():
        assert figure.value == ZERO
        assert figure.unit == "元"
        assert "仅已确认记录" in figure.rule
        assert "项目支出" in figure.rule


def test_it_names_a_source_part_after_its_source_never_as_all_sources(build):
    pairing, _projects = fresh(build)
    build.flow(pairing, "5.00", source=FundFlow.Source.SOCIAL_CASH)
    w = window(pairing)

    parts = breakdowns.funds_by_source(w, FundFlow.Kind.TRANSFER)

    social = parts[FundFlow.Source.SOCIAL_CASH]
    assert social.value == Decimal("5.00")
    assert str(FundFlow.Source.SOCIAL_CASH.label) in social.label
    assert "各类" not in social.label
    assert social.key == f"funds_transfer_{FundFlow.Source.SOCIAL_CASH}"
    assert len({part.key for part in parts.values()}) == len(parts)


@pytest.mark.parametrize("kind", breakdowns.STAGES)
def test_it_never_mixes_one_stage_into_another(build, kind):
    pairing, projects = fresh(build)
    build.flow(pairing, "9.99", kind=kind, project=projects[2])
    w = window(pairing)

    stages = breakdowns.stages(w)

    for other, figure in stages.items():
        assert figure.value == (Decimal("9.99") if other == kind else ZERO)
    assert stages[kind].records.get().amount == Decimal("9.99")


def test_it_keeps_the_window_of_a_breakdown_as_given(build):
    pairing, _projects = fresh(build)
    w = window(pairing, from_year=2020, to_year=2021, as_of=dt.date(2022, 1, 31))

    for figure in breakdowns.funds_by_source(w, FundFlow.Kind.PLAN).values():
        assert figure.window == w
        assert figure.as_of == dt.date(2022, 1, 31)
        assert "2020—2021" in figure.rule
    assert dataclasses.asdict(w)["confirmed_only"] is False

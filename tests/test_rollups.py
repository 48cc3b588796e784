"""Money rollups (ledger/rollups.py, `pairaid rollups rebuild [--check]`): kept in step with
every fund-flow write, and money totals read from them equal summing the records."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import rollups, services
from pairaid.ledger.models import Confirmation, FundFlow, FundRollup
from pairaid.ledger.money import ZERO, from_fen
from pairaid.ledger.moneyfield import MoneySum

PROPERTY = settings(
    deadline=None,
    max_examples=20,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_serial = itertools.count(1)
KINDS = [k.value for k in FundFlow.Kind]
SOURCES = [s.value for s in FundFlow.Source]
YEARS = (2019, 2022)
TODAY = timezone.localdate()


def check() -> str:
    out = StringIO()
    call_command("rollups", "rebuild", "--check", stdout=out, stderr=out)
    return out.getvalue()


def by_records(ids, *, kind, from_year, to_year, as_of, sources=None, confirmed_only=False):
    """What money_by_pairing must answer: the records summed, pairing by pairing."""
    totals = {}
    for pk in ids:
        flows = FundFlow.objects.filter(
            pairing_id=pk,
            kind=kind,
            fund_year__gte=from_year,
            fund_year__lte=to_year,
            date__lte=as_of,
        )
        if sources:
            flows = flows.filter(source__in=sources)
        if confirmed_only:
            flows = flows.filter(confirmation=Confirmation.CONFIRMED)
        totals[pk] = flows.aggregate(total=MoneySum("amount"))["total"]
    return totals


def fresh(build):
    n = next(_serial)
    pairing = build.pairing(f"汇总甲区{n}", f"汇总乙县{n}")
    return pairing, build.project(pairing, start=dt.date(2019, 1, 1))


def test_it_finds_the_demo_in_step_with_its_records(db):
    assert FundRollup.objects.exists()
    assert "一致" in check()


def test_it_keeps_totals_through_every_fund_flow_write(build):
    pairing, project = fresh(build)
    kept = build.flow(pairing, "1000.00", day=dt.date(2021, 3, 5))
    mistyped = build.flow(pairing, "99999.99", day=dt.date(2021, 3, 20))
    build.flow(pairing, "300.00", kind="spend", project=project, day=dt.date(2021, 4, 2))
    services.confirm_record(kept, acting_user=None, via="test", accept=True)
    services.confirm_record(mistyped, acting_user=None, via="test", accept=False, note="未到账")
    services.reopen_confirmation(mistyped, None, "重新核对")
    services.correct_fund_flow(
        mistyped, acting_user=None, via="test", reason="多录", on=dt.date(2021, 4, 1), amount=999
    )
    ids = [pairing.pk]
    for as_of in (dt.date(2021, 3, 19), dt.date(2021, 3, 31), dt.date(2021, 4, 1), TODAY):
        for confirmed_only in (False, True):
            window = {"from_year": 2021, "to_year": 2021, "as_of": as_of}
            got = rollups.money_by_pairing(
                ids, kind="transfer", confirmed_only=confirmed_only, **window
            )
            want = by_records(ids, kind="transfer", confirmed_only=confirmed_only, **window)
            assert got == want
    everything = rollups.money_by_pairing(
        ids, kind="transfer", from_year=2021, to_year=2021, as_of=TODAY
    )
    assert everything == {pairing.pk: Decimal("1000.00") + Decimal("999.00")}
    confirmed = rollups.money_by_pairing(
        ids, kind="transfer", from_year=2021, to_year=2021, as_of=TODAY, confirmed_only=1
    )
    assert confirmed == {pairing.pk: kept.amount}
    assert "一致" in check()


def test_it_answers_zero_for_a_pairing_without_money(build):
    pairing, _project = fresh(build)
    assert rollups.money_by_pairing(
        [pairing.pk], kind="plan", from_year=2016, to_year=2030, as_of=TODAY
    ) == {pairing.pk: ZERO}


# --- random sequences of writes ----------------------------------------------------------------

writes = st.lists(
    st.one_of(
        st.tuples(
            st.just("record"),
            st.integers(0, 1),  # which pairing
            st.sampled_from(KINDS),
            st.sampled_from(SOURCES),
            st.integers(*YEARS),
            st.integers(0, 1),  # dated in the fund year or the next
            st.integers(1, 12),
            st.integers(1, 28),
            st.integers(1, 10**9),  # fen
        ),
        st.tuples(st.just("reverse"), st.integers(0, 50), st.integers(0, 40)),
        st.tuples(st.just("confirm"), st.integers(0, 50), st.booleans()),
        st.tuples(st.just("reopen"), st.integers(0, 50)),
        st.tuples(st.just("correct"), st.integers(0, 50), st.integers(1, 10**9)),
    ),
    min_size=1,
    max_size=14,
)

windows = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(YEARS[0], YEARS[1] + 1),  # from year
        st.integers(0, 3),  # years in the window after the first
        st.dates(dt.date(YEARS[0], 1, 1), dt.date(YEARS[1] + 2, 12, 31)),
        st.one_of(st.none(), st.lists(st.sampled_from(SOURCES), min_size=1, max_size=3)),
        st.booleans(),
    ),
    min_size=1,
    max_size=6,
)


def apply(write, pairs, flows) -> None:
    op, *args = write
    if op == "record":
        which, kind, source, year, later, month, day, fen = args
        pairing, project = pairs[which]
        flows.append(
            services.record_fund_flow(
                acting_user=None,
                via="test",
                pairing=pairing,
                kind=kind,
                source=source,
                fund_year=year,
                date=dt.date(year + later, month, day),
                amount=from_fen(fen),
                project=project if kind in FundFlow.NEEDS_PROJECT else None,
            )
        )
        return
    if not flows:
        return
    flow = FundFlow.objects.get(pk=flows[args[0] % len(flows)].pk)
    open_ = not flow.is_reversal and not FundFlow.objects.filter(reverses=flow).exists()
    if op == "reverse" and open_:
        on = min(flow.date + dt.timedelta(days=args[1]), TODAY)
        flows.append(
            services.reverse_fund_flow(flow, acting_user=None, via="test", reason="冲销", on=on)
        )
    elif op == "correct" and open_:
        flows.extend(
            services.correct_fund_flow(
                flow, acting_user=None, via="test", reason="更正", amount=from_fen(args[1])
            )
        )
    elif op == "confirm" and flow.confirmation == Confirmation.UNCONFIRMED:
        services.confirm_record(flow, acting_user=None, via="test", accept=args[1], note="核对")
    elif op == "reopen" and flow.confirmation != Confirmation.UNCONFIRMED:
        services.reopen_confirmation(flow, None, "重新核对")


@PROPERTY
@given(sequence=writes, asked=windows)
def test_it_sums_what_the_records_sum_after_any_writes(build, sequence, asked):
    pairs = [fresh(build), fresh(build)]
    flows: list[FundFlow] = []
    for write in sequence:
        apply(write, pairs, flows)
    ids = [pairing.pk for pairing, _project in pairs]
    for kind, from_year, span, as_of, sources, confirmed_only in asked:
        window = {
            "kind": kind,
            "from_year": from_year,
            "to_year": from_year + span,
            "as_of": as_of,
            "sources": sources,
            "confirmed_only": confirmed_only,
        }
        assert rollups.money_by_pairing(ids, **window) == by_records(ids, **window)
    assert rollups.differences() == (0, [])


# --- the command ------------------------------------------------------------------------------


def test_it_reports_a_row_changed_behind_the_services_back(build):
    pairing, _project = fresh(build)
    flow = build.flow(pairing, "500.00", day=dt.date(2021, 5, 5))
    row = FundRollup.objects.get(pairing=pairing)
    assert (row.amount, row.flow_count, row.month) == (flow.amount, 1, dt.date(2021, 5, 1))
    FundRollup.objects.filter(pk=row.pk).update(amount=row.amount + Decimal("0.01"))

    with pytest.raises(CommandError, match="1 处不一致"):
        check()
    count, found = rollups.differences()
    assert count == 1
    assert found[0].key[0] == pairing.pk
    assert (found[0].table_amount, found[0].records_amount) == (
        flow.amount + Decimal("0.01"),
        flow.amount,
    )

    out = StringIO()
    call_command("rollups", "rebuild", stdout=out, stderr=out)
    assert "发现 1 处不一致" in out.getvalue()
    assert "一致" in check()
    assert FundRollup.objects.get(pairing=pairing).amount == flow.amount


def test_it_reports_a_missing_row_and_a_record_written_around_the_services(build):
    pairing, _project = fresh(build)
    flow = build.flow(pairing, "500.00", day=dt.date(2021, 5, 5))
    FundRollup.objects.filter(pairing=pairing).delete()
    FundFlow.objects.bulk_create(
        [
            FundFlow(
                pairing=pairing,
                kind="plan",
                fund_year=2021,
                date=dt.date(2021, 1, 2),
                amount=Decimal("7.00"),
                source="fiscal",
            )
        ]
    )
    with pytest.raises(CommandError, match="2 处不一致"):
        check()
    call_command("rollups", "rebuild", stdout=StringIO(), stderr=StringIO())
    assert "一致" in check()
    assert rollups.money_by_pairing(
        [pairing.pk], kind="transfer", from_year=2021, to_year=2021, as_of=TODAY
    ) == {pairing.pk: flow.amount}


def test_it_stays_in_step_through_an_import_and_its_rollback(build, tmp_path):
    from openpyxl import Workbook

    from pairaid.exchange import services as exchange

    pairing, _project = fresh(build)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "资金记录"
    sheet.append(["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "凭证或文号"])
    sheet.append([str(pairing), "拨付", 2021, "2021年6月1日", "1234.56", "财政援助资金", "R-1"])
    sheet.append([str(pairing), "计划", 2021, "2021年1月5日", "5000", "社会帮扶资金", "R-2"])
    workbook.save(tmp_path / "funds.xlsx")

    batch, report = exchange.import_file(tmp_path / "funds.xlsx")
    assert report.counts()["added"] == 2
    assert "一致" in check()
    assert rollups.money_by_pairing(
        [pairing.pk], kind="transfer", from_year=2021, to_year=2021, as_of=TODAY
    ) == {pairing.pk: Decimal("1234.56")}

    exchange.rollback_batch(batch)
    assert "一致" in check()
    assert rollups.money_by_pairing(
        [pairing.pk], kind="plan", from_year=2021, to_year=2021, as_of=TODAY
    ) == {pairing.pk: ZERO}

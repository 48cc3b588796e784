"""`pairaid rollups` (ledger/management/commands/rollups.py) through `call_command`: what it
says when everything is in step, how it lists each difference it finds (money, project counts)
and how many more there are past the first twenty, which difference it refuses on first when
only checking, and what `compact` reports. The rows are damaged by hand, as a restore from an
old backup or a write around the services would leave them."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from pairaid.ledger import figures, rollups
from pairaid.ledger.management.commands.rollups import SHOWN
from pairaid.ledger.models import FundFlow, FundRollup, Project, ProjectRollup

_serial = itertools.count(1)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("rollups", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fresh(build):
    n = next(_serial)
    return build.pairing(f"汇总命令甲区{n}", f"汇总命令乙县{n}", valid_from=dt.date(2019, 1, 1))


def test_it_says_every_table_is_in_step_when_only_checking(db):
    out, err = run("rebuild", "--check")

    assert "项目汇总与项目记录一致" in out
    assert "结对关系层级和下级汇总与记录一致" in out
    assert "资金汇总与资金记录一致" in out
    assert err == ""


def test_it_rebuilds_tables_in_step_and_says_how_many_rows_it_wrote(db):
    out, _err = run("rebuild")

    fund_rows = re.search(r"资金汇总与资金记录一致，已重建（(\d+) 行）", out)
    project_rows = re.search(r"项目汇总与项目记录一致，已重建（(\d+) 行）", out)
    assert fund_rows and int(fund_rows[1]) == FundRollup.objects.count()
    assert project_rows and int(project_rows[1]) == ProjectRollup.objects.count()
    assert "结对关系层级和下级汇总：发现 0 处不一致" in out
    assert "一致" in run("rebuild", "--check")[0]


def test_it_lists_each_money_difference_with_both_sides(build):
    pairing = fresh(build)
    flow = build.flow(pairing, "500.00", year=2021, day=dt.date(2021, 5, 5))
    row = FundRollup.objects.get(pairing=pairing)
    FundRollup.objects.filter(pk=row.pk).update(
        amount=row.amount + Decimal("0.01"), flow_count=row.flow_count + 1
    )

    with pytest.raises(CommandError, match="资金汇总与资金记录有 1 处不一致"):
        run("rebuild", "--check")

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("rollups", "rebuild", "--check", stdout=out, stderr=err)
    line = err.getvalue().strip()
    assert line.startswith(f"结对关系#{pairing.pk} transfer fiscal 2021年度 2021-05 ")
    assert f"汇总 {flow.amount + Decimal('0.01')}元/2条" in line
    assert f"记录 {flow.amount}元/1条" in line


def test_it_counts_the_differences_past_the_ones_it_shows(build):
    pairing = fresh(build)
    for month in range(1, 13):
        build.flow(pairing, "1.00", year=2021, day=dt.date(2021, month, 3))
        build.flow(pairing, "2.00", year=2022, day=dt.date(2022, month, 3))
    damaged = FundRollup.objects.filter(pairing=pairing).update(amount=F("amount") + 1)
    assert damaged == 24 > SHOWN

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=f"有 {damaged} 处不一致"):
        call_command("rollups", "rebuild", "--check", stdout=out, stderr=err)

    lines = err.getvalue().splitlines()
    assert len(lines) == SHOWN + 1
    assert lines[-1] == f"……另有 {damaged - SHOWN} 处不一致"
    assert all(line.startswith(f"结对关系#{pairing.pk} ") for line in lines[:-1])


def test_it_mends_the_money_a_figure_reads_when_it_rebuilds(build):
    pairing = fresh(build)
    build.flow(pairing, "10.00", year=2021, day=dt.date(2021, 5, 5))
    build.flow(pairing, "20.00", year=2021, day=dt.date(2021, 6, 5))
    window = figures.window_for(pairing, as_of=dt.date(2023, 1, 1))
    FundRollup.objects.filter(pairing=pairing).delete()
    assert figures.funds_invested(window).value == Decimal("0.00")  # read from the rollups

    out, _err = run("rebuild")

    assert "发现 2 处不一致，已按资金记录重建资金汇总" in out
    assert figures.funds_invested(window).value == Decimal("30.00")
    assert figures.sum_amount(figures.funds_invested(window).records) == Decimal("30.00")


def test_it_refuses_on_project_counts_when_only_the_projects_differ(build):
    pairing = fresh(build)
    build.project(pairing, start=dt.date(2021, 5, 5))
    ProjectRollup.objects.filter(pairing=pairing).update(project_count=F("project_count") + 1)

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="项目汇总与项目记录有 1 处不一致"):
        call_command("rollups", "rebuild", "--check", stdout=out, stderr=err)

    assert "资金汇总与资金记录一致" in out.getvalue()
    status = Project.Status.IN_PROGRESS
    assert err.getvalue().strip() == (
        f"结对关系#{pairing.pk} {status} 开工月份2021-05：项目汇总 2 个，记录 1 个"
    )
    assert rollups.project_differences()[0] == 1


def test_it_refuses_on_money_before_project_counts_when_both_differ(build):
    pairing = fresh(build)
    build.project(pairing, start=dt.date(2021, 5, 5))
    build.flow(pairing, "3.00", year=2021)
    ProjectRollup.objects.filter(pairing=pairing).update(project_count=F("project_count") + 1)
    FundRollup.objects.filter(pairing=pairing).update(amount=F("amount") + 1)

    with pytest.raises(CommandError, match="资金汇总"):
        run("rebuild", "--check")
    out, _err = run("rebuild")

    assert "已按资金记录重建资金汇总" in out
    assert "已按项目记录重建项目汇总" in out
    assert rollups.differences()[0] == 0
    assert rollups.project_differences()[0] == 0


def test_it_reports_what_compact_folded(build):
    parent = fresh(build)
    child = build.pairing("汇总命令下级区", "汇总命令下级县", parent=parent)
    build.flow(child, "4.00", year=2021)

    first, _err = run("compact")
    again, _err = run("compact")

    folded = re.fullmatch(
        r"下级汇总：已合并 (\d+) 条增量；(\d+) 个上级结对关系正由其他进程合并，跳过\n", first
    )
    assert folded and folded[2] == "0"
    assert again == "下级汇总：已合并 0 条增量；0 个上级结对关系正由其他进程合并，跳过\n"
    whole = figures.window_for(parent, include_children=True, as_of=dt.date(2023, 1, 1))
    assert figures.funds_invested(whole).value == Decimal("4.00")


def test_it_refuses_an_unknown_action(db):
    with pytest.raises(CommandError, match="invalid choice"):
        run("repair")


def test_it_keeps_counting_a_flow_written_around_the_services_after_a_rebuild(build):
    pairing = fresh(build)
    FundFlow.objects.bulk_create(
        [
            FundFlow(
                pairing=pairing,
                kind=FundFlow.Kind.TRANSFER,
                fund_year=2021,
                date=dt.date(2021, 2, 2),
                amount=Decimal("8.88"),
                source=FundFlow.Source.SOCIAL_CASH,
            )
        ]
    )
    window = figures.window_for(pairing, as_of=dt.date(2023, 1, 1))
    by_records = figures.sum_amount(figures.funds_invested(window).records)

    with pytest.raises(CommandError, match="1 处不一致"):
        run("rebuild", "--check")
    run("rebuild")

    assert figures.funds_invested(window).value == by_records == Decimal("8.88")

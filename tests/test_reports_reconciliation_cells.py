"""The reconciliation workbook, cell by cell, against fund flows the test made: for any set of
plans, transfers, allocations and spending over the sources and two projects of different
sectors (hypothesis draws them, reversals included), `pairaid report reconciliation` writes

- 四环节按来源: one row per source (every source, in the ledger's order), the four stages,
  未分配结余 and 已分配未支出 in yuan, 拨付率 and 使用率 as percentages, and a 合计 row;
- 四环节按领域: a row per sector that has money, the rest (no project) apart, a 合计 row;
- 项目结余: each project's allocation, spending and balance (a project without any is not
  listed), and their total;
- 未确认拨付: every transfer the recipient has not confirmed, by number and amount, without
  reversed entries or the reversals themselves.

Expected values are summed here from the amounts the test drew, never read from the
figures module; money cells are numbers in yuan, exact to the fen."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from pairaid.ledger import services
from pairaid.ledger.models import FundFlow, Project

EXAMPLES = settings(
    max_examples=6,
    derandomize=True,
    deadline=None,
    # each example writes records and files: a failure is reported as drawn, not shrunk
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
YEAR = 2022
STAGES = ("plan", "transfer", "allocate", "spend")
_serial = itertools.count(1)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)
flows = st.lists(
    st.tuples(
        st.sampled_from(STAGES),
        st.sampled_from([value for value, _label in FundFlow.Source.choices]),
        amounts,
        st.sampled_from([0, 1]),  # which project, for allocations and spending
        st.booleans(),  # reversed afterwards
    ),
    min_size=1,
    max_size=10,
)


def yuan(cell: Any) -> Decimal:
    """A money cell as the fen it holds (openpyxl reads numbers back as floats; amounts of
    twelve digits and fewer survive the trip through repr)."""
    assert isinstance(cell, int | float), cell
    return Decimal(repr(cell)).quantize(Decimal("0.01"))


def percent(part: Decimal, whole: Decimal) -> float | None:
    if not whole:
        return None
    rate = (part * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(rate / 100)


def report(pairing_name: str, path: Path) -> Any:
    call_command(
        "report",
        "reconciliation",
        "--pairing",
        pairing_name,
        "--year",
        str(YEAR),
        "-o",
        str(path),
        stdout=io.StringIO(),
    )
    return load_workbook(path)


def rows_of(sheet: Any) -> dict[str, list[Any]]:
    """The data rows under the title and the header, by their first cell."""
    found = {}
    for row in sheet.iter_rows(min_row=3, values_only=True):
        if row and row[0] not in (None, ""):
            found[str(row[0])] = list(row)
    return found


def header_of(sheet: Any) -> list[str]:
    return [str(cell) for cell in next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))]


class Ledger:
    """A fresh pairing with two projects of different sectors and the drawn flows."""

    def __init__(self, build: Any, drawn: list[tuple[str, str, Decimal, int, bool]]) -> None:
        n = next(_serial)
        self.helper = f"对账格{n}甲区"
        self.pairing = build.pairing(self.helper, f"对账格{n}乙县")
        self.projects = [
            build.project(self.pairing, code=f"REC-{n}-1", name="对账产业项目", progress=30),
            build.project(
                self.pairing,
                code=f"REC-{n}-2",
                name="对账教育项目",
                sector=Project.Sector.EDUCATION,
                progress=0,
            ),
        ]
        self.by_source: dict[str, dict[str, Decimal]] = defaultdict(
            lambda: dict.fromkeys(STAGES, Decimal("0.00"))
        )
        self.by_project: dict[int, dict[str, Decimal]] = defaultdict(
            lambda: dict.fromkeys(STAGES, Decimal("0.00"))
        )
        self.unconfirmed: dict[int, Decimal] = {}
        for number, (kind, source, amount, which, undone) in enumerate(drawn, start=1):
            project = self.projects[which] if kind in ("allocate", "spend") else None
            flow = build.flow(
                self.pairing,
                str(amount),
                kind=kind,
                year=YEAR,
                day=dt.date(YEAR, 3, number),
                source=source,
                project=project,
                voucher=f"REC-V-{number}",
            )
            if undone:
                services.reverse_fund_flow(
                    flow, acting_user=None, via="test", reason="录错", on=dt.date(YEAR, 11, 1)
                )
                continue
            self.by_source[source][kind] += amount
            if project is not None:
                self.by_project[project.pk][kind] += amount
            if kind == "transfer":
                self.unconfirmed[flow.pk] = amount

    def total(self, kind: str) -> Decimal:
        return sum((stage[kind] for stage in self.by_source.values()), Decimal("0.00"))


def check_stage_row(row: list[Any], header: list[str], stage: dict[str, Decimal]) -> None:
    plan, transfer, allocate, spend = (stage[kind] for kind in STAGES)
    assert [yuan(cell) for cell in row[1:5]] == [plan, transfer, allocate, spend]
    cells = dict(zip(header, row, strict=True))
    if "未分配结余（元）" in cells:
        assert yuan(cells["未分配结余（元）"]) == transfer - allocate
    assert yuan(cells["已分配未支出（元）"]) == allocate - spend
    for name, expected in (
        ("拨付率", percent(transfer, plan)),
        ("使用率", percent(spend, allocate)),
    ):
        shown = cells[name]
        if expected is None:
            assert shown is None
        else:
            assert abs(shown - expected) < 1e-9, (name, shown, expected)


@EXAMPLES
@given(drawn=flows)
def test_it_writes_each_stage_by_source_to_the_fen(build, tmp_path, drawn):
    ledger = Ledger(build, drawn)
    book = report(ledger.helper, tmp_path / f"{ledger.helper}.xlsx")

    sheet = book["四环节按来源"]
    header, rows = header_of(sheet), rows_of(sheet)
    assert header[:5] == [
        "资金来源",
        "计划（元）",
        "拨付（元）",
        "分配到项目（元）",
        "项目支出（元）",
    ]
    labels = [str(label) for _value, label in FundFlow.Source.choices]
    assert list(rows) == [*labels, "合计"]
    for value, label in FundFlow.Source.choices:
        check_stage_row(rows[str(label)], header, ledger.by_source[value])
    totals = {kind: ledger.total(kind) for kind in STAGES}
    check_stage_row(rows["合计"], header, totals)


@EXAMPLES
@given(drawn=flows)
def test_it_writes_each_stage_by_sector_and_each_projects_balance(build, tmp_path, drawn):
    ledger = Ledger(build, drawn)
    book = report(ledger.helper, tmp_path / f"{ledger.helper}.xlsx")

    sheet = book["四环节按领域"]
    header, rows = header_of(sheet), rows_of(sheet)
    totals = {kind: ledger.total(kind) for kind in STAGES}
    check_stage_row(rows.pop("合计"), header, totals)
    for project in ledger.projects:
        stage = ledger.by_project[project.pk]
        label = project.get_sector_display()
        if any(stage.values()):
            check_stage_row(rows.pop(label), header, stage)
        else:
            assert label not in rows
    # what is left is the money of no project: plans and transfers
    apart = {kind: totals[kind] - sum_of(ledger, kind) for kind in STAGES}
    if any(apart.values()):
        assert len(rows) == 1
        check_stage_row(next(iter(rows.values())), header, apart)
    else:
        assert rows == {}

    balances = rows_of(book["项目结余"])
    for project in ledger.projects:
        stage = ledger.by_project[project.pk]
        if project.code not in balances:  # a project with no money of the year
            assert not (stage["allocate"] or stage["spend"])
            continue
        row = balances[project.code]
        assert row[1:4] == [project.name, project.get_status_display(), project.progress]
        assert [yuan(c) for c in row[4:7]] == [
            stage["allocate"],
            stage["spend"],
            stage["allocate"] - stage["spend"],
        ]
    total = balances["合计"]
    assert [yuan(c) for c in total[4:7]] == [
        totals["allocate"],
        totals["spend"],
        totals["allocate"] - totals["spend"],
    ]


def sum_of(ledger: Ledger, kind: str) -> Decimal:
    return sum((stage[kind] for stage in ledger.by_project.values()), Decimal("0.00"))


@EXAMPLES
@given(drawn=flows)
def test_it_lists_every_unconfirmed_transfer_but_no_reversed_one(build, tmp_path, drawn):
    ledger = Ledger(build, drawn)
    book = report(ledger.helper, tmp_path / f"{ledger.helper}.xlsx")

    sheet = book["未确认拨付"]
    header = header_of(sheet)
    listed = {
        row[0]: row
        for row in sheet.iter_rows(min_row=3, values_only=True)
        if isinstance(row[0], int)
    }
    assert set(listed) == set(ledger.unconfirmed)
    amount = header.index("金额（元）")
    for number, row in listed.items():
        assert yuan(row[amount]) == ledger.unconfirmed[number]
        assert row[header.index("资金年度")] == YEAR
        assert row[header.index("类型")] == FundFlow.Kind.TRANSFER.label
        flow = FundFlow.objects.get(pk=number)
        assert row[header.index("凭证或文号")] == flow.voucher
        assert row[header.index("来源")] == flow.get_source_display()


def test_it_refuses_a_pairing_it_cannot_find(db, tmp_path):
    with pytest.raises(CommandError, match="无此帮扶方对账区"):
        report("无此帮扶方对账区", tmp_path / "none.xlsx")
    assert not (tmp_path / "none.xlsx").exists()

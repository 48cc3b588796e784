"""`pairaid report reconciliation`: the four stages side by side, balances, and the lists
an office must clear — unconfirmed transfers, funded projects with no progress, postings
past their planned end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from openpyxl import load_workbook

from pairaid.ledger import figures, services
from pairaid.ledger.models import FundFlow, Pairing, Posting

AS_OF = "2022-12-31"


def reconcile(tmp_path: Path, helper: str = "江阳区") -> dict[str, list[tuple]]:
    path = tmp_path / "reconciliation.xlsx"
    call_command(
        "report",
        "reconciliation",
        "--pairing",
        helper,
        "--year",
        "2022",
        "--as-of",
        AS_OF,
        "--format",
        "xlsx",
        "-o",
        str(path),
        stdout=StringIO(),
    )
    workbook = load_workbook(path)
    sheets = {sheet.title: table_rows(sheet) for sheet in workbook.worksheets}
    sheets["概况"] = list(workbook["概况"].iter_rows(values_only=True))
    return sheets


def table_rows(sheet) -> list[tuple]:
    """The rows under a sheet's title and header, up to the note below the table."""
    rows = []
    for row in sheet.iter_rows(min_row=3, values_only=True):
        if all(value is None for value in row):
            break
        rows.append(row)
    return rows


def jiangyang() -> Pairing:
    return Pairing.objects.get(helper_region__name="江阳区")


def window() -> figures.Window:
    return figures.window_for(
        jiangyang(), as_of=dt.date.fromisoformat(AS_OF), from_year=2022, to_year=2022
    )


def money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_it_sets_the_four_stages_and_balances_side_by_side(db, tmp_path):
    sheets = reconcile(tmp_path)

    total = next(row for row in sheets["四环节按来源"] if row[0] == "合计")
    plan, transfer, allocate, spend = (
        figures.funds(window(), kind).value for kind in ("plan", "transfer", "allocate", "spend")
    )
    assert [money(v) for v in total[1:7]] == [
        plan,
        transfer,
        allocate,
        spend,
        transfer - allocate,
        allocate - spend,
    ]
    balances = sheets["项目结余"]
    assert money(balances[-1][4]) == allocate
    assert sum(money(row[4]) for row in balances[:-1]) == allocate
    assert sum(money(row[5]) for row in balances[:-1]) == spend


def test_it_lists_the_transfers_the_recipient_has_not_confirmed(db, tmp_path):
    sheets = reconcile(tmp_path)

    listed = {row[0] for row in sheets["未确认拨付"] if row[0]}
    unconfirmed = (
        figures.funds(window())
        .records.exclude(confirmation=FundFlow.Confirmation.CONFIRMED)
        .filter(reverses=None, reversed_by=None)
    )
    assert listed == set(unconfirmed.values_list("pk", flat=True))
    assert listed, "the demo's 2022 hand-over is still waiting for confirmation"
    flow = FundFlow.objects.get(pk=min(listed))
    services.confirm_record(flow, acting_user=None, via="test", accept=True)

    again = {row[0] for row in reconcile(tmp_path)["未确认拨付"] if row[0]}
    assert again == listed - {flow.pk}


def report(project, date: dt.date, progress: int) -> None:
    services.record_progress_update(
        project, date=date, progress=progress, text="进展", acting_user=None, via="test"
    )


def test_it_lists_funded_projects_without_progress_and_overdue_postings(db, tmp_path, build):
    pairing = jiangyang()
    idle = build.project(pairing, start=dt.date(2022, 3, 1), name="有钱没进展的项目")
    build.flow(pairing, "5000.00", kind="allocate", year=2022, project=idle)
    moving = build.project(pairing, start=dt.date(2022, 3, 1), progress=30)
    build.flow(pairing, "7000.00", kind="allocate", year=2022, project=moving)
    reported = build.project(pairing, start=dt.date(2022, 3, 1))
    build.flow(pairing, "3000.00", kind="allocate", year=2022, project=reported)
    report(reported, dt.date(2022, 10, 1), 40)
    stalled = build.project(pairing, start=dt.date(2021, 3, 1))
    build.flow(pairing, "2000.00", kind="allocate", year=2022, project=stalled)
    report(stalled, dt.date(2021, 6, 1), 20)  # reported on once, more than a year before
    late = build.posting(
        build.person("超期未归"), pairing, dt.date(2021, 1, 1), planned_end=dt.date(2022, 6, 30)
    )
    extended = build.posting(
        build.person("已办延期"),
        pairing,
        dt.date(2021, 1, 1),
        planned_end=dt.date(2022, 6, 30),
        status=Posting.Status.EXTENDED,
    )

    sheets = reconcile(tmp_path)

    idle_ids = {row[0] for row in sheets["有资金无进展"] if row[0]}
    assert idle.pk in idle_ids and moving.pk not in idle_ids
    assert stalled.pk in idle_ids and reported.pk not in idle_ids
    overdue = {row[0]: row for row in sheets["超期选派"] if row[0]}
    assert late.pk in overdue and extended.pk not in overdue
    assert overdue[late.pk][1] == "超期未归"
    balances = {row[0]: row for row in sheets["项目结余"]}
    assert money(balances[idle.code][4]) == Decimal("5000.00")


def test_it_flags_a_project_that_spent_more_than_it_was_allocated(db, tmp_path, build):
    pairing = jiangyang()
    project = build.project(pairing, start=dt.date(2022, 3, 1), progress=50)
    build.flow(pairing, "100.00", kind="allocate", year=2022, project=project)
    build.flow(pairing, "150.50", kind="spend", year=2022, project=project)

    sheets = reconcile(tmp_path)

    row = next(row for row in sheets["项目结余"] if row[0] == project.code)
    assert money(row[6]) == Decimal("-50.50")
    overview = [row[0] for row in sheets["概况"]]
    assert any("支出超过分配的项目1个" in str(line) for line in overview)

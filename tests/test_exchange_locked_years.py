"""An import never writes into a year the coordinating office has approved (locked): every kind's
rows of a locked year are refused, each naming its row and the pairing's column and the year,
and nothing of the file is written; once the year is reopened the same file imports whole.

A change to a record of a locked year (a project's new name, a fund flow's new amount, which
would be corrected by reversal) is refused the same way, while a project's ongoing fields
(progress) may still change through the file, as on the pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import exchange_files as files
import pytest

from pairaid.exchange.models import ImportBatch
from pairaid.exchange.specs import IMPORTERS, KINDS
from pairaid.ledger import locks, services
from pairaid.ledger.models import AuditEntry, FundFlow, Pairing, Person

LOCKED = "已审核锁定"


def years_of(kind: str, pairing: Pairing) -> set[int]:
    """The years the kind's records of `pairing` are locked by (the rule of ledger/locks)."""
    records = IMPORTERS[kind].base_queryset().filter(pairing=pairing)
    found = (locks.locked_year(record) for record in records)
    return {year for year in (f[1] for f in found if f) if year}


def approve(pairing: Pairing, years: set[int]) -> None:
    for year in sorted(years):
        for step in ("submitted", "approved"):
            services.move_year(pairing, year, step, acting_user=None, via="test")


def reopen(pairing: Pairing, years: set[int]) -> None:
    for year in sorted(years):
        services.move_year(pairing, year, "reopened", acting_user=None, via="test", comment="更正")


def error_lines(table: str) -> list[tuple[int, str, str]]:
    found = []
    for line in table.splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[1].isdigit():
            found.append((int(parts[1]), parts[2], parts[3]))
    return found


def moved_file(kind: str, source: Pairing, target: Pairing, folder: Path) -> Path:
    exported = files.export(kind, folder / f"{kind}-source.xlsx", "--pairing", str(source))
    return files.moved_to(exported, folder / f"{kind}-moved.xlsx", target)


# Kinds whose records lie in a year of their pairing (persons belong to no pairing).
LOCKED_KINDS = [kind for kind in KINDS if IMPORTERS[kind].model is not Person]


@pytest.mark.parametrize("kind", LOCKED_KINDS)
def test_it_refuses_every_row_of_an_approved_year_and_writes_nothing(kind, build, tmp_path):
    source = build.pairing(f"锁年{kind}甲区", f"锁年{kind}乙县")
    files.fill(kind, source, build)
    target = files.fresh_pairing(build, source, f"锁年{kind}丙区")
    for needed in files.dependencies(kind):
        files.move(needed, source, target, tmp_path, "xlsx")
    years = years_of(kind, source)
    assert years, f"{kind}: the filled records have no year"
    locked_rows = sum(
        1
        for record in IMPORTERS[kind].base_queryset().filter(pairing=source)
        if locks.locked_year(record)
    )
    path = moved_file(kind, source, target, tmp_path)
    _sheet, rows = files.read_rows(path)
    approve(target, years)
    audit, batches = AuditEntry.objects.count(), ImportBatch.objects.count()

    errors = error_lines(files.refused(path))

    assert len(errors) == locked_rows
    assert {row for row, _c, _m in errors} <= set(range(2, len(rows) + 1))
    for _row, column, message in errors:
        assert column == "结对关系"
        assert LOCKED in message and any(str(year) in message for year in years), message
    assert IMPORTERS[kind].base_queryset().filter(pairing=target).count() == 0
    assert AuditEntry.objects.count() == audit
    assert ImportBatch.objects.count() == batches

    reopen(target, years)
    files.import_(path)

    assert files.stored(kind, target) == files.stored(kind, source)


def test_it_refuses_a_changed_project_of_a_locked_year_but_lets_its_progress_move(build, tmp_path):
    pairing = build.pairing("锁年改项目甲区", "锁年改项目乙县")
    project = build.project(pairing, name="锁年前的名称", progress=40, start=dt.date(2021, 3, 1))
    exported = files.export("projects", tmp_path / "projects.xlsx", "--pairing", str(pairing))
    approve(pairing, {2021})
    sheet, rows = files.read_rows(exported)

    renamed = files.replace_column(rows, "项目名称", lambda _name: "锁年后的新名称")
    errors = error_lines(files.refused(files.write_rows(tmp_path / "renamed.xlsx", renamed, sheet)))

    assert [(row, column) for row, column, _m in errors] == [(2, "结对关系")]
    assert LOCKED in errors[0][2] and "2021" in errors[0][2]
    project.refresh_from_db()
    assert project.name == "锁年前的名称"

    header = [str(cell) for cell in rows[0]]
    progress = next(text for text in header if text.startswith("进度"))
    advanced = files.replace_column(rows, progress, lambda _p: 90)
    summary = files.import_(files.write_rows(tmp_path / "progress.xlsx", advanced, sheet))

    assert files.counts(summary)["changed"] == 1
    project.refresh_from_db()
    assert project.progress == 90
    assert project.name == "锁年前的名称"


def test_it_refuses_to_correct_a_fund_flow_of_a_locked_year(build, tmp_path):
    pairing = build.pairing("锁年改资金甲区", "锁年改资金乙县")
    flow = build.flow(pairing, "1000.00", year=2021, voucher="LOCK-1")
    other = build.flow(pairing, "2000.00", year=2022, voucher="LOCK-2")
    exported = files.export("funds", tmp_path / "funds.xlsx", "--pairing", str(pairing))
    approve(pairing, {2021})
    sheet, rows = files.read_rows(exported)
    header = [str(cell) for cell in rows[0]]
    amount = next(text for text in header if text.startswith("金额"))
    voucher = files.column_of(header, "凭证或文号")
    year = files.column_of(header, "资金年度")
    changed = [rows[0]] + [
        [*row[: header.index(amount)], "1111.11", *row[header.index(amount) + 1 :]]
        for row in rows[1:]
    ]
    by_voucher = {row[voucher]: number for number, row in enumerate(changed[1:], start=2)}
    before = FundFlow.objects.filter(pairing=pairing).count()

    errors = error_lines(files.refused(files.write_rows(tmp_path / "more.xlsx", changed, sheet)))

    assert [(row, column) for row, column, _m in errors] == [(by_voucher["LOCK-1"], "结对关系")]
    assert "2021" in errors[0][2] and LOCKED in errors[0][2]
    assert all(int(row[year]) in (2021, 2022) for row in changed[1:])
    assert FundFlow.objects.filter(pairing=pairing).count() == before
    assert not FundFlow.objects.filter(reverses__in=[flow, other]).exists()

"""An import at the speed of the database: each row validated once, written and rolled back
in bulk (one audit entry per record, the chain and the rollups right), with a number of
queries that does not grow with the rows."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from pairaid.exchange import services
from pairaid.exchange.models import ImportBatch
from pairaid.ledger import services as ledger
from pairaid.ledger.models import AuditEntry, FundFlow, Pairing, Project

FUND_HEADER = [
    "结对关系",
    "类型",
    "资金年度",
    "日期",
    "金额（元）",
    "资金来源",
    "项目编号",
    "凭证或文号",
]
PROJECT_HEADER = ["结对关系", "项目编号", "项目名称", "领域", "帮扶方式"]


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def fund_file(path: Path, pairing: Pairing, rows: int, prefix: str = "B") -> Path:
    return xlsx(
        path,
        [FUND_HEADER]
        + [
            [
                str(pairing),
                "拨付",
                2021,
                "2021年6月1日",
                f"{i + 1}.25",
                "财政援助资金",
                "",
                f"{prefix}-{i}",
            ]
            for i in range(rows)
        ],
    )


def project_file(path: Path, pairing: Pairing, rows: int, prefix: str = "PB") -> Path:
    return xlsx(
        path,
        [PROJECT_HEADER]
        + [[str(pairing), f"{prefix}-{i}", "批量项目", "产业", "造血"] for i in range(rows)],
    )


def command(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def counting(model: type) -> mock._patch:
    """Count the calls of a model's `clean` (its own rules, which `full_clean` runs, or the
    batch validation in its stead), which still runs."""
    return mock.patch.object(model, "clean", autospec=True, side_effect=model.clean)


# --- validated once ---------------------------------------------------------------------------


def test_it_validates_each_fund_flow_once(build, tmp_path):
    pairing = build.pairing("一次甲区", "一次乙县")
    with counting(FundFlow) as clean:
        _batch, report = services.import_file(fund_file(tmp_path / "f.xlsx", pairing, 30))
    assert report.added == 30
    assert clean.call_count == 30
    total = sum(FundFlow.objects.filter(pairing=pairing).values_list("amount", flat=True))
    assert total == sum(Decimal(f"{i + 1}.25") for i in range(30))


def test_it_validates_each_new_project_once(build, tmp_path):
    pairing = build.pairing("一次丙区", "一次丁县")
    with counting(Project) as clean:
        _batch, report = services.import_file(project_file(tmp_path / "p.xlsx", pairing, 12))
    assert report.added == 12
    assert clean.call_count == 12
    assert Project.objects.filter(pairing=pairing, code__startswith="PB-").count() == 12


def test_it_writes_one_audit_entry_per_record_with_the_records_values(build, tmp_path):
    pairing = build.pairing("审计甲区", "审计乙县")
    services.import_file(fund_file(tmp_path / "f.xlsx", pairing, 5))
    flows = FundFlow.objects.filter(pairing=pairing).order_by("pk")
    entries = AuditEntry.objects.filter(action="fundflow.recorded", pairing=pairing).order_by("pk")
    assert [e.record_id for e in entries] == [str(f.pk) for f in flows]
    for entry, flow in zip(entries, flows, strict=True):
        assert entry.record_repr == str(flow)
        assert entry.changes == ledger.record_values(flow)
        assert entry.actor == "import"
    assert "哈希链完整" in command("audit", "verify")


def test_it_refuses_a_row_whose_record_was_made_after_the_check(build, tmp_path):
    """Between the check and the writing someone records the same voucher: the import is
    refused and leaves nothing behind, instead of recording it twice."""
    pairing = build.pairing("之后甲区", "之后乙县")
    path = fund_file(tmp_path / "f.xlsx", pairing, 3, prefix="AFTER")

    def meanwhile(stage: str, done: int, total: int) -> None:
        if stage == "validate" and done == total and not FundFlow.objects.filter(voucher="AFTER-2"):
            build.flow(pairing, "9.00", voucher="AFTER-2", day=None, year=2021)

    with pytest.raises(services.ValidationError, match="已有变化"):
        services.import_file(path, progress=meanwhile)
    assert list(FundFlow.objects.filter(pairing=pairing).values_list("voucher", "amount")) == [
        ("AFTER-2", Decimal("9.00"))
    ]


# --- rolled back in bulk ----------------------------------------------------------------------


def test_it_rolls_back_projects_in_bulk_with_an_entry_each(build, tmp_path):
    pairing = build.pairing("撤批甲区", "撤批乙县")
    kept = build.project(pairing, code="KEEP-1")
    batch, _r = services.import_file(project_file(tmp_path / "p.xlsx", pairing, 25))
    created = list(
        Project.objects.filter(pairing=pairing, code__startswith="PB-").values_list("pk", flat=True)
    )

    services.rollback_batch(batch)

    assert list(Project.objects.filter(pairing=pairing)) == [kept]
    deleted = AuditEntry.objects.filter(action="project.deleted", pairing=pairing)
    assert sorted(int(pk) for pk in deleted.values_list("record_id", flat=True)) == sorted(created)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.ROLLED_BACK
    assert "哈希链完整" in command("audit", "verify")


def test_it_rolls_back_fund_flows_leaving_rollups_and_chain_right(build, tmp_path):
    pairing = build.pairing("撤资甲区", "撤资乙县")
    build.flow(pairing, "700.00", voucher="BEFORE")
    batch, _r = services.import_file(fund_file(tmp_path / "f.xlsx", pairing, 40))
    assert FundFlow.objects.filter(pairing=pairing).count() == 41

    services.rollback_batch(batch)

    live = FundFlow.objects.filter(pairing=pairing)
    assert sum(live.values_list("amount", flat=True)) == Decimal("700.00")
    reversed_ = AuditEntry.objects.filter(action="fundflow.reversed", pairing=pairing)
    assert reversed_.count() == 40
    assert "资金汇总与资金记录一致" in command("rollups", "rebuild", "--check")
    assert "哈希链完整" in command("audit", "verify")


def test_it_refuses_to_roll_back_a_project_a_later_record_refers_to(build, tmp_path):
    pairing = build.pairing("依赖甲区", "依赖乙县")
    batch, _r = services.import_file(project_file(tmp_path / "p.xlsx", pairing, 6))
    project = Project.objects.get(pairing=pairing, code="PB-3")
    build.flow(pairing, "50.00", kind=FundFlow.Kind.ALLOCATE, project=project, voucher="DEP")

    with pytest.raises(services.ValidationError, match="仍被其他记录引用"):
        services.rollback_batch(batch)

    # Refused before anything was undone.
    assert Project.objects.filter(pairing=pairing, code__startswith="PB-").count() == 6
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert not AuditEntry.objects.filter(action="project.deleted", pairing=pairing).exists()


# --- queries: a constant per batch, not per row -----------------------------------------------


def queries(work) -> int:
    with CaptureQueriesContext(connection) as captured:
        work()
    return len(captured.captured_queries)


@pytest.mark.parametrize("kind", ["funds", "projects"])
def test_it_imports_and_rolls_back_in_queries_that_do_not_grow_with_rows(build, tmp_path, kind):
    made = {"funds": fund_file, "projects": project_file}[kind]
    counts = []
    for size in (4, 40):
        pairing = build.pairing(f"查询{kind}{size}区", f"查询{kind}{size}县")
        path = made(tmp_path / f"{kind}-{size}.xlsx", pairing, size)
        made_batches: list[ImportBatch] = []

        def run_import(path=path, made_batches=made_batches) -> None:
            made_batches.append(services.import_file(path)[0])

        imported = queries(run_import)
        rolled_back = queries(
            lambda made_batches=made_batches: services.rollback_batch(made_batches[0])
        )
        counts.append((imported, rolled_back))
    assert counts[0] == counts[1]

"""pairaid import / export / template / rollback-import (exchange management commands)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from pairaid.exchange.models import ImportBatch
from pairaid.ledger.models import FundFlow, Project

HEADER = ["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "凭证或文号"]


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fund_file(path, pairing, *rows):
    workbook = Workbook()
    workbook.active.append(HEADER)
    for voucher, amount in rows:
        workbook.active.append(
            [str(pairing), "拨付", 2021, "2021-06-01", amount, "财政援助资金", voucher]
        )
    workbook.save(path)
    return path


def test_it_exports_and_reads_back_projects_unchanged(db, tmp_path):
    path = tmp_path / "projects.csv"
    out, _err = run("export_records", "projects", "--format", "csv", "-o", str(path))
    assert f"已导出 {Project.objects.count()} 条帮扶项目" in out
    assert path.read_bytes().startswith("\ufeff结对关系".encode())

    out, _err = run("import_records", str(path), "--no-progress")
    assert f"新增 0 条，修改 0 条，未变 {Project.objects.count()} 条，拒绝 0 行" in out


def test_it_exports_one_pairing_with_filters(db, tmp_path):
    path = tmp_path / "funds.xlsx"
    run("export_records", "funds", "-o", str(path), "--pairing", "江阳区", "--year", "2022")
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    expected = FundFlow.objects.filter(pairing__helper_region__name="江阳区", fund_year=2022)
    assert len(rows) - 1 == expected.count()
    assert {row[0] for row in rows[1:]} == {"江阳区→盐源县"}
    assert isinstance(rows[1][4], int | float)  # amounts stay numbers


def test_it_dry_runs_without_writing(build, tmp_path):
    pairing = build.pairing("命令甲区", "命令乙县")
    path = fund_file(tmp_path / "f.xlsx", pairing, ("C-1", 100))
    out, err = run("import_records", str(path), "--dry-run")
    assert "新增 1 条" in out and "试运行" in out
    assert "校验" in err  # the progress bar
    assert not FundFlow.objects.filter(pairing=pairing).exists()
    assert not ImportBatch.objects.exists()


def test_it_fails_with_the_error_table(build, tmp_path):
    pairing = build.pairing("命令错误甲区", "命令错误乙县")
    path = fund_file(tmp_path / "f.xlsx", pairing, ("C-1", 100), ("C-2", "-5"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_records", str(path), "--no-progress", stdout=io.StringIO(), stderr=err)
    assert "Sheet\t3\t金额（元）\t金额不能为负数" in err.getvalue()
    assert not FundFlow.objects.filter(pairing=pairing).exists()


def test_it_imports_valid_rows_and_rolls_back(build, tmp_path):
    pairing = build.pairing("命令撤销甲区", "命令撤销乙县")
    path = fund_file(tmp_path / "f.xlsx", pairing, ("C-1", 100), ("C-2", "x"))
    rejected = tmp_path / "rejected.xlsx"
    out, _err = run(
        "import_records",
        str(path),
        "--valid-only",
        "--rejected-out",
        str(rejected),
        "--no-progress",
    )
    batch = ImportBatch.objects.get()
    assert f"导入批次 #{batch.pk}" in out and rejected.exists()
    assert FundFlow.objects.get(pairing=pairing).amount == Decimal("100.00")

    out, _err = run("rollback_import", str(batch.pk))
    assert "已撤销" in out
    total = sum(FundFlow.objects.filter(pairing=pairing).values_list("amount", flat=True))
    assert total == Decimal("0.00")
    with pytest.raises(CommandError, match="只有已导入的批次"):
        run("rollback_import", str(batch.pk))


def test_it_writes_a_template_with_dropdowns(db, tmp_path):
    path = tmp_path / "template.xlsx"
    run("template", "funds", "-o", str(path))
    workbook = load_workbook(path)
    sheet = workbook["资金记录"]
    assert [c.value for c in sheet[1]][:3] == ["结对关系", "类型", "资金年度"]
    assert sheet["A2"].value.startswith("【说明】") and sheet["A3"].value.startswith("【示例】")
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert '"计划,拨付,分配到项目,支出"' in formulas
    assert any("江阳区→盐源县" in f for f in formulas)  # the user's pairings

    run("template", "projects", "-o", str(path))
    workbook = load_workbook(path)
    formulas = {v.formula1 for v in workbook["帮扶项目"].data_validations.dataValidation}
    assert any("选项" in f for f in formulas)  # long lists (organisations) on a hidden sheet
    assert workbook["选项"].sheet_state == "hidden"


def test_it_acts_within_a_users_scope(personas, tmp_path):
    path = tmp_path / "funds.csv"
    run("export_records", "funds", "-o", str(path), "--user", "longmatan")
    text = path.read_text(encoding="utf-8-sig")
    assert "龙马潭区→普格县" in text and "江阳区→盐源县" not in text

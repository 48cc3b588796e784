"""`pairaid import` refusals, exit codes, re-imports, the rejected rows' file and the
progress bar, through call_command."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from pairaid.exchange.models import ImportBatch
from pairaid.ledger.models import FundFlow

HEADER = ["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "凭证或文号"]


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_records", *args, stdout=out, stderr=err)
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


def test_it_refuses_a_file_that_is_not_there_in_chinese(db, tmp_path):
    with pytest.raises(CommandError, match="找不到文件") as refused:
        run(str(tmp_path / "没有.xlsx"), "--no-progress")

    assert refused.value.returncode == 1
    assert not ImportBatch.objects.exists()


def test_it_refuses_an_unknown_user_before_reading(build, tmp_path):
    pairing = build.pairing("导入用户甲区", "导入用户乙县")
    path = fund_file(tmp_path / "f.xlsx", pairing, ("U-1", 100))

    with pytest.raises(CommandError, match="没有用户“无此人”"):
        run(str(path), "--user", "无此人", "--no-progress")

    assert not FundFlow.objects.filter(pairing=pairing).exists()


def test_it_says_in_one_line_why_a_damaged_file_cannot_be_read_with_exit_code_2(db, tmp_path):
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")

    with pytest.raises(CommandError) as refused:
        run(str(path), "--no-progress")

    assert refused.value.returncode == 2
    assert "无法导入 坏文件.xlsx" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert not ImportBatch.objects.exists()


def test_it_refuses_rows_of_a_pairing_outside_the_users_scope(build, personas, tmp_path):
    pairing = build.pairing("导入范围甲区", "导入范围乙县")
    path = fund_file(tmp_path / "f.xlsx", pairing, ("S-1", 100), ("S-2", 200))
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 处错误，未写入任何数据"):
        call_command(
            "import_records",
            str(path),
            "--user",
            "jiangyang",
            "--no-progress",
            stdout=io.StringIO(),
            stderr=err,
        )

    assert err.getvalue().startswith("工作表\t行\t列\t原因")
    assert not FundFlow.objects.filter(pairing=pairing).exists()
    assert not ImportBatch.objects.exists()


def test_it_reads_the_same_file_twice_without_recording_twice(build, tmp_path):
    pairing = build.pairing("导入重复甲区", "导入重复乙县")
    path = fund_file(tmp_path / "f.xlsx", pairing, ("R-1", "100.10"), ("R-2", "0.01"))

    first, _err = run(str(path), "--no-progress")
    second, _err = run(str(path), "--no-progress")

    assert "新增 2 条，修改 0 条，未变 0 条，拒绝 0 行" in first
    assert "新增 0 条，修改 0 条，未变 2 条，拒绝 0 行" in second
    amounts = FundFlow.objects.filter(pairing=pairing).values_list("amount", flat=True)
    assert sorted(amounts) == [Decimal("0.01"), Decimal("100.10")]


def test_it_changes_a_records_amount_when_the_file_says_another(build, tmp_path):
    pairing = build.pairing("导入修改甲区", "导入修改乙县")
    run(str(fund_file(tmp_path / "a.xlsx", pairing, ("M-1", "100"))), "--no-progress")

    out, _err = run(str(fund_file(tmp_path / "b.xlsx", pairing, ("M-1", "250.5"))), "--no-progress")

    assert "新增 0 条，修改 1 条" in out
    live = FundFlow.objects.filter(pairing=pairing, reverses__isnull=True, reversed_by__isnull=True)
    assert [flow.amount for flow in live] == [Decimal("250.50")]


def test_it_writes_the_rejected_rows_with_their_reasons(build, tmp_path):
    pairing = build.pairing("导入拒绝甲区", "导入拒绝乙县")
    path = fund_file(tmp_path / "f.xlsx", pairing, ("J-1", 100), ("J-2", "-5"), ("J-3", "abc"))
    rejected = tmp_path / "rejected.xlsx"

    out, _err = run(str(path), "--valid-only", "--rejected-out", str(rejected), "--no-progress")

    assert "新增 1 条" in out and "拒绝 2 行" in out
    assert f"有错误的行已写入 {rejected}" in out
    rows = [
        [str(value) if value is not None else "" for value in row]
        for row in load_workbook(rejected).active.iter_rows(values_only=True)
    ]
    rejected_lines = [row for row in rows if "J-2" in row or "J-3" in row]
    assert len(rejected_lines) == 2
    assert not any("J-1" in row for row in rows)
    assert any("金额不能为负数" in cell for cell in rejected_lines[0] + rejected_lines[1])
    assert [flow.voucher for flow in FundFlow.objects.filter(pairing=pairing)] == ["J-1"]


def test_it_draws_the_progress_of_both_stages_to_the_end(build, tmp_path):
    pairing = build.pairing("导入进度甲区", "导入进度乙县")
    path = fund_file(tmp_path / "f.xlsx", pairing, ("B-1", 1), ("B-2", 2), ("B-3", 3))

    _out, err = run(str(path))

    assert "校验 [" in err and "写入 [" in err
    assert "100%  3/3 行" in err
    assert err.endswith("\n")


def test_it_draws_no_bar_when_asked_not_to(build, tmp_path):
    pairing = build.pairing("导入无进度甲区", "导入无进度乙县")
    path = fund_file(tmp_path / "f.xlsx", pairing, ("N-1", 1))

    _out, err = run(str(path), "--no-progress")

    assert err == ""


def test_it_names_the_batch_and_how_to_undo_it(build, tmp_path):
    pairing = build.pairing("导入批次甲区", "导入批次乙县")
    path = fund_file(tmp_path / "f.xlsx", pairing, ("P-1", "12.34"))

    out, _err = run(str(path), "--no-progress")

    batch = ImportBatch.objects.get()
    assert f"导入批次 #{batch.pk}；撤销：pairaid rollback-import {batch.pk}" in out

"""A formula cell saved without its computed value (a workbook written by a program and never
opened in Excel) is refused by `pairaid import`, naming its row, column and cell, instead of
being read as blank; a formula saved with its value imports as that value."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import exchange_files as files
from openpyxl import Workbook

from pairaid.exchange.models import ImportBatch
from pairaid.ledger.models import AuditEntry, FundFlow, Pairing

HEADER = ["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "凭证或文号", "摘要"]


def row(pairing: Pairing, voucher: str, amount: object) -> list[object]:
    return [str(pairing), "拨付", 2021, "2021-06-01", amount, "财政援助资金", voucher, "公式测试"]


def workbook(path: Path, rows: list[list[object]]) -> Path:
    """Rows as openpyxl writes them: a cell starting with = is a formula, saved with no
    computed value."""
    book = Workbook()
    book.active.title = "资金记录"
    for cells in rows:
        book.active.append(cells)
    book.save(path)
    return path


def with_cached_values(path: Path, value: str) -> Path:
    """The same workbook as Excel saves it after calculating: each formula with its value."""
    target = path.with_name("calculated.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(
                    rb"(</f>)<v\s*/?>(</v>)?", rb"\1<v>" + value.encode() + rb"</v>", data
                )
            out.writestr(item, data)
    return target


def test_it_refuses_a_formula_without_its_value_naming_row_column_and_cell(build, tmp_path):
    pairing = build.pairing("公式甲区", "公式乙县")
    path = workbook(
        tmp_path / "funds.xlsx",
        [HEADER, row(pairing, "F-1", "1000.00"), row(pairing, "F-2", "=E2*2")],
    )
    audit, batches = AuditEntry.objects.count(), ImportBatch.objects.count()

    table = files.refused(path, "--kind", "funds")

    lines = [line.split("\t") for line in table.splitlines() if line.count("\t") >= 3]
    assert len(lines) == 2  # the table's header, and the one error
    _sheet, number, column, message = lines[1][:4]
    assert number.strip() == "3"
    assert column.strip() == "金额（元）"
    assert "E3" in message and "=E2*2" in message
    assert "公式" in message and "没有它的计算结果" in message and "重新计算" in message
    assert not FundFlow.objects.filter(pairing=pairing).exists()
    assert AuditEntry.objects.count() == audit
    assert ImportBatch.objects.count() == batches


def test_it_imports_a_formula_saved_with_its_value(build, tmp_path):
    pairing = build.pairing("算好甲区", "算好乙县")
    plain = workbook(tmp_path / "funds.xlsx", [HEADER, row(pairing, "F-1", "=1000+234.5")])

    summary = files.import_(with_cached_values(plain, "1234.5"), "--kind", "funds")

    assert files.counts(summary)["added"] == 1
    flow = FundFlow.objects.get(pairing=pairing)
    assert flow.amount == Decimal("1234.50")

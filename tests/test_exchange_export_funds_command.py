"""`pairaid export funds`: every column of the fund ledger, cell by cell, in csv and xlsx,
against records the test made; filters, scope, empty exports and refusals in Chinese."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest
from builders import Builder
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from shared_records import for_the_module

from pairaid.ledger import services
from pairaid.ledger.models import FundFlow

HEADER_START = ["结对关系", "类型", "资金年度", "日期"]
_vouchers = itertools.count(1)

pytestmark = pytest.mark.django_db


def scene_records() -> SimpleNamespace:
    build = Builder()
    pairing = build.pairing("导出资金甲区", "导出资金乙县")
    empty = build.pairing("导出空白甲区", "导出空白乙县")
    project = build.project(pairing, code="EXP-P-1", name="导出项目")
    big = build.flow(pairing, "1234567.89", voucher="EXP-F-1", note="=SUM(A1:A9)")
    fen = build.flow(
        pairing,
        "0.01",
        kind=FundFlow.Kind.ALLOCATE,
        year=2022,
        day=dt.date(2022, 12, 31),
        voucher="EXP-F-2",
        project=project,
        note="年末最后一笔",
    )
    gone = build.flow(pairing, "500.00", voucher="EXP-F-3")
    services.reverse_fund_flow(gone, acting_user=None, via="test", reason="录入错误")
    return SimpleNamespace(pairing=pairing, empty=empty, project=project, live=[big, fen])


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):
    yield from for_the_module(django_db_blocker, scene_records)


def export(path, *args: str) -> str:
    out = io.StringIO()
    call_command("export_records", "funds", "-o", str(path), *args, stdout=out)
    return out.getvalue()


def csv_table(path) -> tuple[list[str], list[dict[str, str]]]:
    header, *rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def xlsx_table(path) -> tuple[list[str], list[dict[str, object]]]:
    header, *rows = list(load_workbook(path).active.iter_rows(values_only=True))
    return list(header), [dict(zip(header, row, strict=True)) for row in rows]


def by_voucher(rows: list[dict]) -> dict[str, dict]:
    return {row["凭证或文号"]: row for row in rows}


def amount_header(header: list[str]) -> str:
    return next(name for name in header if name.startswith("金额"))


def test_it_writes_every_column_of_each_live_fund_as_text_in_csv(scene, tmp_path):
    path = tmp_path / "funds.csv"

    out = export(path, "--pairing", str(scene.pairing))

    header, rows = csv_table(path)
    assert header[:4] == HEADER_START
    recorded = FundFlow.objects.filter(pairing=scene.pairing)
    assert f"已导出 {recorded.count()} 条资金记录" in out
    assert len(rows) == recorded.count()
    exported = by_voucher(rows)
    for flow in scene.live:
        row = exported[flow.voucher]
        assert row["结对关系"] == str(scene.pairing)
        assert row["类型"] == str(flow.get_kind_display())
        assert row["资金年度"] == str(flow.fund_year)
        assert row["日期"] == flow.date.isoformat()
        assert Decimal(row[amount_header(header)]) == flow.amount
        assert row["资金来源"] == str(flow.get_source_display())
        assert row["项目编号"] == (flow.project.code if flow.project_id else "")
        assert row["受援方确认"] == str(flow.get_confirmation_display())
        assert row["记录状态"] == "有效"


def test_it_writes_amounts_to_the_fen_as_formatted_numbers_and_dates_as_dates_in_xlsx(
    scene, tmp_path
):
    path = tmp_path / "funds.xlsx"

    export(path, "--pairing", str(scene.pairing))

    header, rows = xlsx_table(path)
    exported = by_voucher(rows)
    amount = amount_header(header)
    sheet = load_workbook(path).active
    amount_letter = sheet.cell(row=1, column=header.index(amount) + 1).column_letter
    for flow in scene.live:
        row = exported[flow.voucher]
        assert isinstance(row[amount], int | float)
        assert Decimal(str(row[amount])).quantize(Decimal("0.01")) == flow.amount
        assert row["日期"].date() == flow.date
        assert row["资金年度"] == flow.fund_year
    formats = {sheet[f"{amount_letter}{n}"].number_format for n in range(2, len(rows) + 2)}
    assert formats == {"#,##0.00"}
    assert sheet.freeze_panes == "A2"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_quotes_a_note_a_spreadsheet_would_run_as_a_formula(scene, tmp_path, fmt):
    path = tmp_path / f"funds.{fmt}"

    export(path, "--pairing", str(scene.pairing))

    _header, rows = csv_table(path) if fmt == "csv" else xlsx_table(path)
    exported = by_voucher(rows)
    assert exported["EXP-F-1"]["摘要"] == "'=SUM(A1:A9)"
    assert exported["EXP-F-2"]["摘要"] == "年末最后一笔"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_writes_a_reversed_fund_and_its_reversal_as_history_that_nets_to_zero(
    scene, tmp_path, fmt
):
    path = tmp_path / f"funds.{fmt}"

    export(path, "--pairing", str(scene.pairing))

    header, rows = csv_table(path) if fmt == "csv" else xlsx_table(path)
    history = [row for row in rows if row["凭证或文号"] == "EXP-F-3"]
    recorded = FundFlow.objects.filter(pairing=scene.pairing, voucher="EXP-F-3")
    assert sorted(row["记录状态"] for row in history) == sorted(["已冲销", "冲销记录"])
    amounts = [Decimal(str(row[amount_header(header)])) for row in history]
    assert sorted(amounts) == sorted(flow.amount for flow in recorded)
    assert sum(amounts) == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_writes_only_the_header_for_a_pairing_without_funds(scene, tmp_path, fmt):
    path = tmp_path / f"empty.{fmt}"

    out = export(path, "--pairing", str(scene.empty))

    header, rows = csv_table(path) if fmt == "csv" else xlsx_table(path)
    assert "已导出 0 条资金记录" in out
    assert header[:4] == HEADER_START
    assert rows == []


def test_it_filters_by_fund_year_and_by_searched_text(scene, tmp_path):
    by_year, by_text = tmp_path / "year.csv", tmp_path / "text.csv"

    export(by_year, "--pairing", str(scene.pairing), "--year", "2022")
    export(by_text, "--pairing", str(scene.pairing), "--q", "EXP-F-1")

    wanted_year = {flow.voucher for flow in scene.live if flow.fund_year == 2022}
    assert set(by_voucher(csv_table(by_year)[1])) == wanted_year
    assert set(by_voucher(csv_table(by_text)[1])) == {"EXP-F-1"}


def test_it_ignores_a_year_that_is_not_a_number_as_the_lists_do(scene, tmp_path):
    path = tmp_path / "funds.csv"

    export(path, "--pairing", str(scene.pairing), "--year", "二〇二二")

    everything = FundFlow.objects.filter(pairing=scene.pairing)
    assert len(csv_table(path)[1]) == everything.count()


def test_it_filters_by_type_given_as_its_chinese_label(scene, tmp_path):
    path = tmp_path / "funds.csv"
    label = str(FundFlow.Kind.ALLOCATE.label)

    export(path, "--pairing", str(scene.pairing), "--type", label)

    wanted = {flow.voucher for flow in scene.live if flow.kind == FundFlow.Kind.ALLOCATE}
    assert set(by_voucher(csv_table(path)[1])) == wanted


def test_it_refuses_a_file_that_is_neither_xlsx_nor_csv(scene, tmp_path):
    path = tmp_path / "funds.txt"

    with pytest.raises(CommandError, match="格式应为 xlsx 或 csv"):
        export(path)

    assert not path.exists()


def test_it_refuses_an_unknown_user_by_name(scene, tmp_path):
    path = tmp_path / "funds.csv"

    with pytest.raises(CommandError, match="没有用户“没有这个人”"):
        export(path, "--user", "没有这个人")

    assert not path.exists()


def test_it_refuses_an_unknown_pairing_in_chinese(scene, tmp_path):
    path = tmp_path / "funds.csv"

    with pytest.raises(CommandError) as refused:
        export(path, "--pairing", "不存在的甲区→不存在的乙县")

    assert "不存在的甲区" in str(refused.value)
    assert not path.exists()


def test_it_keeps_a_pairing_outside_the_users_scope_out(scene, personas, tmp_path):
    path = tmp_path / "funds.csv"

    with pytest.raises(CommandError) as refused:
        export(path, "--user", "jiangyang", "--pairing", str(scene.pairing))

    assert str(scene.pairing) in str(refused.value)
    assert not path.exists()


def test_it_exports_everything_an_operator_asks_for_without_a_user(scene, tmp_path):
    path = tmp_path / "funds.csv"

    export(path)

    _header, rows = csv_table(path)
    assert len(rows) == FundFlow.objects.count()
    assert {flow.voucher for flow in scene.live} <= set(by_voucher(rows))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    amount=st.decimals(
        min_value=Decimal("0.01"),
        max_value=Decimal("999999999999.99"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_it_exports_any_amount_to_the_fen_in_both_formats(scene, tmp_path, amount):
    voucher = f"EXP-H-{next(_vouchers):05d}"
    Builder().flow(scene.empty, format(amount, "f"), voucher=voucher)
    csv_path, xlsx_path = tmp_path / f"{voucher}.csv", tmp_path / f"{voucher}.xlsx"

    export(csv_path, "--pairing", str(scene.empty), "--q", voucher)
    export(xlsx_path, "--pairing", str(scene.empty), "--q", voucher)

    header, (row,) = csv_table(csv_path)
    assert Decimal(row[amount_header(header)]) == amount
    header, (cell,) = xlsx_table(xlsx_path)
    value = cell[amount_header(header)]
    assert Decimal(str(value)).quantize(Decimal("0.01")) == amount

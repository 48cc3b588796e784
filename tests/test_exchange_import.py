"""Importing files: round trips, re-imports, bad files, valid rows only, rollback."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from pairaid.exchange import services
from pairaid.exchange.exporters import Exporter, filtered
from pairaid.exchange.models import ImportBatch
from pairaid.exchange.readers import open_source
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
    "摘要",
]


def xlsx(path: Path, rows: list[list[object]], sheet: str = "资金记录") -> Path:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def export(tmp_path: Path, kind: str, fmt: str = "xlsx") -> Path:
    path = tmp_path / f"{kind}.{fmt}"
    Exporter(kind).write(path, fmt, filtered(kind, {}, None))
    return path


def snapshot(model) -> list[tuple]:
    return sorted(model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]))


def flow_row(pairing: Pairing, voucher: str, amount: object = "1000.00", **cells) -> list:
    row = {
        "pairing": str(pairing),
        "kind": "拨付",
        "year": 2021,
        "date": "2021年6月1日",
        "amount": amount,
        "source": "财政援助资金",
        "project": "",
        "voucher": voucher,
        "note": "导入测试",
        **cells,
    }
    return list(row.values())


@pytest.mark.parametrize("kind", ["projects", "funds", "persons", "postings", "agreements"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_round_trips_the_demo_without_changing_anything(db, tmp_path, kind, fmt):
    path = export(tmp_path, kind, fmt)
    model = services.IMPORTERS[kind].model
    before, audit = snapshot(model), AuditEntry.objects.count()

    batch, report = services.import_file(path)

    assert report.kind == kind
    assert report.added == report.changed == report.rejected == 0
    assert report.unchanged == model.objects.count() - report.history
    assert snapshot(model) == before
    assert AuditEntry.objects.count() == audit
    assert batch is not None and batch.status == ImportBatch.Status.IMPORTED


def test_it_skips_reversals_of_an_exported_fund_ledger_as_history(db, tmp_path):
    report = services.check_file(export(tmp_path, "funds"))
    reversals = FundFlow.objects.filter(reverses__isnull=False).count()
    assert report.history == 2 * reversals
    assert report.valid


def test_it_imports_new_rows_then_reimports_idempotently(build, tmp_path):
    pairing = build.pairing("导入甲区", "导入乙县")
    project = build.project(pairing, code="P-IMP-1")
    rows = [
        FUND_HEADER,
        flow_row(pairing, "V-1", "1,234.50"),
        flow_row(pairing, "V-2", "１２３４．５", year="2021年", date=44896),
        flow_row(pairing, "V-3", 99.5, kind="支出", project="P-IMP-1", date="2021.7.1"),
    ]
    path = xlsx(tmp_path / "funds.xlsx", rows)

    _batch, report = services.import_file(path)
    assert report.counts() == {"added": 3, "changed": 0, "unchanged": 0, "rejected": 0}
    flows = FundFlow.objects.filter(pairing=pairing).order_by("voucher")
    assert [f.amount for f in flows] == [Decimal("1234.50"), Decimal("1234.50"), Decimal("99.50")]
    assert flows[1].date == dt.date(2022, 12, 1)
    assert flows[2].project == project and flows[2].kind == "spend"
    assert AuditEntry.objects.filter(action="fundflow.recorded", pairing=pairing).count() == 3

    _again, report = services.import_file(path)
    assert report.counts() == {"added": 0, "changed": 0, "unchanged": 3, "rejected": 0}
    assert FundFlow.objects.filter(pairing=pairing).count() == 3


def test_it_corrects_a_changed_fund_flow_by_reversal(build, tmp_path):
    pairing = build.pairing("更正甲区", "更正乙县")
    path = xlsx(tmp_path / "a.xlsx", [FUND_HEADER, flow_row(pairing, "V-1", "1000")])
    services.import_file(path)
    edited = xlsx(tmp_path / "b.xlsx", [FUND_HEADER, flow_row(pairing, "V-1", "1500")])

    _batch, report = services.import_file(edited)

    assert report.counts() == {"added": 0, "changed": 1, "unchanged": 0, "rejected": 0}
    amounts = sorted(FundFlow.objects.filter(pairing=pairing).values_list("amount", flat=True))
    assert amounts == [Decimal("-1000.00"), Decimal("1000.00"), Decimal("1500.00")]


def test_it_updates_a_project_by_its_code(build, tmp_path):
    pairing = build.pairing("项目甲区", "项目乙县")
    build.project(pairing, code="P-UPD-1", name="旧名称")
    path = xlsx(
        tmp_path / "p.xlsx",
        [
            [
                "结对关系",
                "项目编号",
                "项目名称",
                "领域",
                "帮扶方式",
                "计划投资（万元）",
                "开工日期",
                "状态",
            ],
            [str(pairing), "P-UPD-1", "新名称", "教育", "输血", "12.5", "2021-03-01", "实施中"],
            [str(pairing), "P-UPD-2", "新项目", "产业", "造血", "3", "", "计划"],
        ],
        sheet="项目",
    )
    _batch, report = services.import_file(path)
    assert report.counts() == {"added": 1, "changed": 1, "unchanged": 0, "rejected": 0}
    project = Project.objects.get(pairing=pairing, code="P-UPD-1")
    assert (project.name, project.sector, project.planned_budget) == (
        "新名称",
        "education",
        Decimal("125000.00"),
    )
    assert Project.objects.get(pairing=pairing, code="P-UPD-2").planned_budget == Decimal(
        "30000.00"
    )


def test_it_rolls_back_a_batch_as_a_whole(build, tmp_path):
    pairing = build.pairing("撤销甲区", "撤销乙县")
    build.project(pairing, code="P-RB-1", name="原名称")
    services.import_file(xlsx(tmp_path / "f0.xlsx", [FUND_HEADER, flow_row(pairing, "V-0", "700")]))
    projects = xlsx(
        tmp_path / "p.xlsx",
        [
            ["结对关系", "项目编号", "项目名称", "领域", "帮扶方式"],
            [str(pairing), "P-RB-1", "改后名称", "产业", "造血"],
            [str(pairing), "P-RB-2", "新增项目", "产业", "造血"],
        ],
    )
    funds = xlsx(
        tmp_path / "f.xlsx",
        [FUND_HEADER, flow_row(pairing, "V-0", "800"), flow_row(pairing, "V-9", "50")],
    )
    project_batch, _r = services.import_file(projects)
    fund_batch, _r = services.import_file(funds)
    assert sum(FundFlow.objects.filter(pairing=pairing).values_list("amount", flat=True)) == 850

    services.rollback_batch(fund_batch)
    services.rollback_batch(project_batch)

    live = FundFlow.objects.filter(pairing=pairing)
    assert sum(live.values_list("amount", flat=True)) == Decimal("700.00")
    assert list(Project.objects.filter(pairing=pairing).values_list("code", "name")) == [
        ("P-RB-1", "原名称")
    ]
    fund_batch.refresh_from_db()
    assert fund_batch.status == ImportBatch.Status.ROLLED_BACK
    with pytest.raises(services.ValidationError):
        services.rollback_batch(fund_batch)


def test_it_will_not_roll_back_over_a_later_change(build, tmp_path):
    from pairaid.ledger import services as ledger

    pairing = build.pairing("冲突甲区", "冲突乙县")
    project = build.project(pairing, code="P-C-1", name="甲")
    batch, _r = services.import_file(
        xlsx(
            tmp_path / "p.xlsx",
            [
                ["结对关系", "项目编号", "项目名称", "领域", "帮扶方式"],
                [str(pairing), "P-C-1", "乙", "产业", "造血"],
            ],
        )
    )
    ledger.update_record(
        Project.objects.get(pk=project.pk), acting_user=None, via="test", name="丙"
    )
    with pytest.raises(services.ValidationError, match="又被修改"):
        services.rollback_batch(batch)
    assert Project.objects.get(pk=project.pk).name == "丙"


# --- bad files: each rejected with row and column, nothing written ----------------------------


def bad_files(tmp_path: Path, pairing: Pairing) -> dict[str, tuple[Path, int, str, str]]:
    """name → (file, row, column, words of the message)."""
    good = flow_row(pairing, "B-1")
    truncated = xlsx(tmp_path / "whole.xlsx", [FUND_HEADER, good])
    data = truncated.read_bytes()
    (tmp_path / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    gb = write_csv(
        tmp_path / "gb.csv",
        [FUND_HEADER, good, flow_row(pairing, "B-2", "一千元")],
        encoding="gb18030",
    )
    return {
        "wrong type": (
            xlsx(
                tmp_path / "type.xlsx", [FUND_HEADER, good, flow_row(pairing, "B-2", year="去年")]
            ),
            3,
            "资金年度",
            "年份",
        ),
        "missing column": (
            xlsx(
                tmp_path / "missing.xlsx", [FUND_HEADER[:4] + FUND_HEADER[5:], good[:4] + good[5:]]
            ),
            1,
            "金额（元）",
            "缺少必填列",
        ),
        "unknown region": (
            xlsx(
                tmp_path / "region.xlsx",
                [
                    ["结对关系", "项目编号", "项目名称", "领域", "帮扶方式", "实施地点"],
                    [str(pairing), "X-1", "项目", "产业", "造血", "火星镇"],
                ],
                sheet="项目",
            ),
            2,
            "实施地点",
            "未找到行政区划",
        ),
        "negative amount": (
            xlsx(tmp_path / "negative.xlsx", [FUND_HEADER, flow_row(pairing, "B-3", "-100")]),
            2,
            "金额（元）",
            "不能为负数",
        ),
        "duplicate keys": (
            xlsx(tmp_path / "dup.xlsx", [FUND_HEADER, good, flow_row(pairing, "B-1", "5")]),
            3,
            "凭证或文号",
            "与第2行是同一条记录",
        ),
        "truncated xlsx": (tmp_path / "truncated.xlsx", 0, "", "损坏"),
        "gb18030 bad row": (gb, 3, "金额（元）", "应为金额"),
        "empty file": (write_csv(tmp_path / "empty.csv", []), 0, "", "空"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "wrong type",
        "missing column",
        "unknown region",
        "negative amount",
        "duplicate keys",
        "truncated xlsx",
        "gb18030 bad row",
        "empty file",
    ],
)
def test_it_rejects_a_bad_file_with_row_and_column_and_writes_nothing(build, tmp_path, case):
    pairing = build.pairing("坏文件甲区", "坏文件乙县")
    path, row, column, words = bad_files(tmp_path, pairing)[case]
    flows, projects, audit = (
        FundFlow.objects.count(),
        Project.objects.count(),
        AuditEntry.objects.count(),
    )

    with pytest.raises(services.ImportRefused) as refused:
        services.import_file(path)

    errors = refused.value.report.errors
    assert any(e.row == row and e.column == column and words in e.message for e in errors), [
        str(e) for e in errors
    ]
    assert (FundFlow.objects.count(), Project.objects.count()) == (flows, projects)
    assert AuditEntry.objects.count() == audit
    assert not ImportBatch.objects.exists()


def test_it_names_sheet_row_and_column_in_chinese(build, tmp_path):
    pairing = build.pairing("消息甲区", "消息乙县")
    path = xlsx(tmp_path / "x.xlsx", [FUND_HEADER, flow_row(pairing, "M-1", year="去年")])
    report = services.check_file(path)
    assert str(report.errors[0]).startswith("工作表“资金记录”第2行“资金年度”列：应为年份")


def test_it_imports_valid_rows_only_when_asked_and_writes_the_rejected_ones(build, tmp_path):
    pairing = build.pairing("有效甲区", "有效乙县")
    path = xlsx(
        tmp_path / "mixed.xlsx",
        [
            FUND_HEADER,
            flow_row(pairing, "OK-1"),
            flow_row(pairing, "BAD-1", "abc"),
            flow_row(pairing, "OK-2"),
        ],
    )
    rejected = tmp_path / "rejected.xlsx"

    batch, report = services.import_file(path, valid_only=True, rejected_out=rejected)

    assert report.counts() == {"added": 2, "changed": 0, "unchanged": 0, "rejected": 1}
    assert set(FundFlow.objects.filter(pairing=pairing).values_list("voucher", flat=True)) == {
        "OK-1",
        "OK-2",
    }
    sheet = load_workbook(rejected).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "错误原因" and rows[1][7] == "BAD-1" and "金额" in rows[1][-1]
    assert batch.rejected == 1


def test_it_refuses_rows_outside_the_users_scope(personas, tmp_path):
    jiangyang = Pairing.objects.get(helper_region__name="江阳区")
    longmatan = Pairing.objects.get(helper_region__name="龙马潭区")
    path = xlsx(
        tmp_path / "scope.xlsx",
        [FUND_HEADER, flow_row(jiangyang, "S-1"), flow_row(longmatan, "S-2")],
    )
    report = services.check_file(path, user=personas.jiangyang)
    assert [(e.row, e.column) for e in report.errors] == [(3, "结对关系")]
    assert "未找到结对关系" in report.errors[0].message

    report = services.check_file(path, user=personas.yanyuan)  # the recipient side
    assert any("无权" in e.message for e in report.errors)


def test_it_reads_gb18030_and_english_headers(build, tmp_path):
    pairing = build.pairing("编码甲区", "编码乙县")
    header = [
        "pairing",
        "kind",
        "fund year",
        "date",
        "amount (10k yuan)",
        "source",
        "project code",
        "voucher",
        "note",
    ]
    path = write_csv(
        tmp_path / "en.csv", [header, flow_row(pairing, "E-1", "1.5", kind="transfer")], "gb18030"
    )
    _batch, report = services.import_file(path)
    assert report.added == 1
    assert FundFlow.objects.get(pairing=pairing, voucher="E-1").amount == Decimal("15000.00")


def test_it_imports_two_thousand_rows(build, tmp_path):
    pairing = build.pairing("批量甲区", "批量乙县")
    rows = [FUND_HEADER] + [flow_row(pairing, f"N-{i:05d}", f"{i + 1}.25") for i in range(2000)]
    _batch, report = services.import_file(xlsx(tmp_path / "many.xlsx", rows))
    assert report.added == 2000
    total = sum(FundFlow.objects.filter(pairing=pairing).values_list("amount", flat=True))
    assert total == sum(Decimal(f"{i + 1}.25") for i in range(2000))


@pytest.mark.parametrize("stream_above", [0, None])
def test_it_reads_the_same_values_streaming_or_not(tmp_path, stream_above):
    path = xlsx(
        tmp_path / "values.xlsx",
        [
            ["文本", "数字", "日期"],
            ["甲", 1.5, dt.date(2022, 12, 1)],
            [None, 7, None],
            [],
            ["x", None, "乙"],
        ],
    )
    source = open_source(path, stream_above=stream_above)

    def trimmed(cells: list) -> list:
        while cells and cells[-1] == "":
            cells = cells[:-1]
        return cells

    rows = [(number, trimmed(cells)) for number, cells in source.rows(source.sheets[0])]
    assert rows == [
        (1, ["文本", "数字", "日期"]),
        (2, ["甲", 1.5, dt.date(2022, 12, 1)]),
        (3, ["", 7.0]),
        (5, ["x", "", "乙"]),
    ]


def test_it_skips_the_templates_notes_and_example_rows(db, tmp_path):
    from pairaid.exchange.template_files import write_template

    path = tmp_path / "template.xlsx"
    write_template("funds", path)
    report = services.check_file(path)
    assert report.kind == "funds"
    assert [e.message for e in report.errors] == ["文件中没有数据行"]

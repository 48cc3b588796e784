"""`pairaid report annual` on the demo data: Word, Excel and PDF hold the figures module's
figures — amounts as numbers in Excel, Chinese text in the PDF with its fonts embedded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from pairaid.ledger import figures, services
from pairaid.ledger.models import Agreement, FundFlow, Obligation, Pairing, Project, Task
from pairaid.ledger.money import format_wan, to_wan

AS_OF = dt.date(2022, 12, 4)
STAGES = ("plan", "transfer", "allocate", "spend")


def report(tmp_path: Path, *args: str) -> Path:
    fmt = args[args.index("--format") + 1]
    path = tmp_path / f"annual.{fmt}"
    call_command("report", "annual", *args, "-o", str(path), stdout=StringIO())
    return path


def pairing(helper: str) -> Pairing:
    return Pairing.objects.get(helper_region__name=helper)


def year_window(pairing: Pairing, year: int = 2022, **options) -> figures.Window:
    return figures.window_for(pairing, as_of=AS_OF, from_year=year, to_year=year, **options)


def money(value: object) -> Decimal:
    """An Excel number back as exact yuan."""
    assert isinstance(value, int | float), value
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_it_puts_each_stage_by_source_in_excel_as_numbers(db, tmp_path):
    path = report(
        tmp_path,
        "--pairing",
        "江阳区",
        "--year",
        "2022",
        "--as-of",
        "2022-12-04",
        "--format",
        "xlsx",
    )
    window = year_window(pairing("江阳区"))

    sheet = load_workbook(path)["资金按来源"]
    header, *rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert header[:5] == (
        "资金来源",
        "计划（元）",
        "拨付（元）",
        "分配到项目（元）",
        "项目支出（元）",
    )
    by_label = {row[0]: row for row in rows if row[0]}
    for column, kind in enumerate(STAGES, start=1):
        assert money(by_label["合计"][column]) == figures.funds(window, kind).value
        for source, label in FundFlow.Source.choices:
            expected = figures.funds(window, kind, sources=[source]).value
            assert money(by_label[str(label)][column]) == expected
    transferred = figures.funds(window, FundFlow.Kind.TRANSFER).value
    assert transferred > 0
    total_cell = sheet.cell(row=2 + len(FundFlow.Source.values) + 1, column=3)
    assert money(total_cell.value) == transferred
    assert total_cell.number_format == "#,##0.00"
    rate = figures.transfer_rate(window).percent
    assert Decimal(str(by_label["合计"][5])).quantize(Decimal("0.0001")) == rate / 100


def test_it_counts_projects_people_and_targets_as_the_figures_module_does(db, tmp_path):
    path = report(
        tmp_path,
        "--pairing",
        "江阳区",
        "--year",
        "2022",
        "--as-of",
        "2022-12-04",
        "--format",
        "xlsx",
    )
    jiangyang = pairing("江阳区")
    window = year_window(jiangyang)
    since_start = figures.window_for(jiangyang, as_of=AS_OF, to_year=2022)
    workbook = load_workbook(path)

    projects = {
        row[0]: row for row in workbook["项目按领域状态"].iter_rows(min_row=3, values_only=True)
    }
    assert projects["合计"][-2:] == (
        figures.projects_implemented(since_start).value,
        figures.projects_implemented(window).value,
    )
    assert projects["合计"][-2] == 154
    for sector, label in Project.Sector.choices:
        if str(label) in projects:
            assert projects[str(label)][-2] == (
                figures.started_projects(since_start).filter(sector=sector).count()
            )
    people = {row[0]: row for row in workbook["干部人才"].iter_rows(min_row=3, values_only=True)}
    assert people["合计"][1:] == (
        figures.persons_dispatched(window).value,
        figures.persons_dispatched(since_start).value,
    )
    assert people["党政干部"][2] == figures.persons_dispatched(since_start, category="cadre").value
    targets = list(workbook["目标完成"].iter_rows(min_row=3, values_only=True))
    funds_target = next(row for row in targets if row[1] == "拨付资金（元）")
    assert money(funds_target[3]) == figures.funds(window).value


def test_it_writes_a_word_document_with_the_sentence_and_the_tables(db, tmp_path):
    path = report(
        tmp_path,
        "--pairing",
        "江阳区",
        "--year",
        "2022",
        "--as-of",
        "2022-12-04",
        "--format",
        "docx",
    )
    window = year_window(pairing("江阳区"))

    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "江阳区累计投入各类帮扶资金14654.73万元，实施帮扶项目154个，选派干部人才320人" in text
    assert f"拨付{format_wan(figures.funds(window).value)}" in text
    source_table = next(t for t in document.tables if t.rows[0].cells[0].text == "资金来源")
    total = [cell.text for cell in source_table.rows[-1].cells]
    assert total[0] == "合计"
    assert total[2] == f"{to_wan(figures.funds(window).value):,.2f}"
    assert document.inline_shapes, "the charts are pictures in the document"


def test_it_writes_a_pdf_whose_text_is_chinese(db, tmp_path):
    path = report(
        tmp_path,
        "--pairing",
        "江阳区",
        "--year",
        "2022",
        "--as-of",
        "2022-12-04",
        "--format",
        "pdf",
    )

    reader = PdfReader(str(path))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert "14654.73万元" in text
    assert "二、帮扶资金" in text and "拨付率" in text
    fonts = {
        font.get_object()["/BaseFont"]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("CJK" in name for name in fonts), fonts  # embedded subsets, e.g. ABCDEF+Noto…


def test_it_adds_up_a_coordinating_office_from_its_pairings(db, tmp_path):
    path = report(
        tmp_path,
        "--pairing",
        "泸州市",
        "--year",
        "2022",
        "--as-of",
        "2022-12-04",
        "--format",
        "xlsx",
    )
    city = pairing("泸州市")

    rows = list(load_workbook(path)["各结对关系"].iter_rows(min_row=3, values_only=True))
    names = [row[0] for row in rows]
    assert names == ["江阳区→盐源县", "龙马潭区→普格县", "泸州市→凉山彝族自治州本级", "合计"]
    whole = year_window(city, include_children=True)
    assert money(rows[-1][2]) == figures.funds(whole).value
    assert sum(money(row[2]) for row in rows[:-1]) == figures.funds(whole).value
    assert (
        sum(row[5] for row in rows[:-1]) == rows[-1][5] == figures.projects_implemented(whole).value
    )


def test_it_reports_the_task_list_and_overdue_obligations(db, tmp_path):
    jiangyang = pairing("江阳区")
    agreement = Agreement.objects.filter(pairing=jiangyang).first()
    late = services.create_record(
        Obligation,
        acting_user=None,
        via="test",
        agreement=agreement,
        deliverable="报送年度履约情况",
        due_date=dt.date(2022, 11, 30),
    )
    services.create_record(
        Task,
        acting_user=None,
        via="test",
        pairing=jiangyang,
        title="年度计划内已完成事项",
        plan_year=2022,
        status="done",
    )
    services.create_record(
        Task,
        acting_user=None,
        via="test",
        pairing=jiangyang,
        title="已撤销的事项",
        plan_year=2022,
        status="cancelled",
    )

    path = report(
        tmp_path,
        "--pairing",
        "江阳区",
        "--year",
        "2022",
        "--as-of",
        "2022-12-04",
        "--format",
        "xlsx",
    )

    workbook = load_workbook(path)
    overdue = [row[1] for row in workbook["逾期履约"].iter_rows(min_row=3, values_only=True)]
    assert late.deliverable in overdue
    tasks = [row for row in workbook["任务清单"].iter_rows(min_row=3, values_only=True) if row[0]]
    titles = [row[0] for row in tasks]
    assert "年度计划内已完成事项" in titles and "已撤销的事项" in titles
    counted = [row for row in tasks if row[3] != "已撤销"]
    done = [row for row in counted if row[3] == "已完成"]
    rate = (Decimal(len(done)) * 100 / len(counted)).quantize(Decimal("0.01"))
    overview = "\n".join(str(row[0]) for row in workbook["概况"].iter_rows(values_only=True))
    assert f"清单事项{len(counted)}项，已完成{len(done)}项，完成率{rate}%" in overview
    assert workbook["图-资金环节"]._charts, "Excel draws the chart from the numbers"

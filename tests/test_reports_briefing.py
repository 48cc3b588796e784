"""`pairaid report briefing` on the demo data: the article's sentences, each figure with its
rule and the records behind it, equal to the figures module's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from pairaid.ledger import figures
from pairaid.ledger.models import FundFlow, Pairing, Person

AS_OF = dt.date(2022, 12, 4)  # the article's publication date
JIANGYANG = "江阳区累计投入各类帮扶资金14654.73万元，实施帮扶项目154个，选派干部人才320人"
LONGMATAN = "龙马潭区累计投入各类帮扶资金9500余万元，实施帮扶项目123个，选派干部人才268人"


def report(tmp_path: Path, *args: str, name: str = "out") -> Path:
    fmt = args[args.index("--format") + 1]
    path = tmp_path / f"{name}.{fmt}"
    call_command("report", *args, "-o", str(path), stdout=StringIO())
    return path


def sheet_rows(path: Path, title: str) -> list[tuple]:
    workbook = load_workbook(path)
    return list(workbook[title].iter_rows(values_only=True))


def docx_text(path: Path) -> str:
    document = Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def jiangyang() -> Pairing:
    return Pairing.objects.get(helper_region__name="江阳区")


def test_it_writes_the_article_sentence_with_each_figure_of_the_figures_module(db, tmp_path):
    path = report(
        tmp_path, "briefing", "--pairing", "江阳区", "--as-of", "2022-12-04", "--format", "xlsx"
    )

    overview = [row[0] for row in sheet_rows(path, "概况")]
    assert JIANGYANG + "。" in overview
    window = figures.window_for(jiangyang(), as_of=AS_OF)
    expected = [
        figures.funds_invested(window),
        *[
            figures.funds(window, FundFlow.Kind.TRANSFER, sources=[source])
            for source in FundFlow.Source.values
        ],
        figures.projects_implemented(window),
        figures.persons_dispatched(window),
        figures.persons_dispatched(window, category=Person.Category.CADRE),
        figures.persons_dispatched(window, category=Person.Category.PROFESSIONAL),
    ]
    header, *rows = sheet_rows(path, "口径")[1:]
    assert header == ("帮扶方", "指标", "数值", "单位", "口径", "截至日期", "记录条数")
    assert len(rows) == len(expected)
    labels = [
        "累计投入各类帮扶资金",
        "其中：财政援助资金",
        "其中：社会帮扶资金",
        "其中：捐物折价",
        "其中：其他",
        "实施帮扶项目",
        "选派干部人才",
        "选派党政干部",
        "选派专业技术人才",
    ]
    for row, figure, expected_label in zip(rows, expected, labels, strict=True):
        helper, label, value, unit, rule, as_of, count = row
        assert (helper, label) == ("江阳区", expected_label)
        assert (unit, rule) == (figure.unit, figure.rule)
        assert Decimal(str(value)).quantize(Decimal("0.01")) == Decimal(figure.value)
        assert as_of.date() == AS_OF
        assert count == figure.records.count()


def test_it_lists_the_records_behind_each_figure(db, tmp_path):
    path = report(
        tmp_path, "briefing", "--pairing", "盐源县", "--as-of", "2022-12-04", "--format", "xlsx"
    )
    window = figures.window_for(jiangyang(), as_of=AS_OF)

    flows = sheet_rows(path, "资金记录")[2:]
    projects = sheet_rows(path, "项目记录")[2:]
    postings = sheet_rows(path, "选派记录")[2:]

    assert {row[0] for row in flows} == set(
        figures.funds_invested(window).records.values_list("pk", flat=True)
    )
    assert sum(Decimal(str(row[5])) for row in flows) == Decimal("146547300.00")
    assert {row[0] for row in projects} == set(
        figures.projects_implemented(window).records.values_list("pk", flat=True)
    )
    assert len(projects) == 154
    assert {row[0] for row in postings} == set(
        figures.persons_dispatched(window).records.values_list("pk", flat=True)
    )


def test_it_speaks_for_the_pairings_under_a_coordinating_office(db, tmp_path):
    path = report(
        tmp_path,
        "briefing",
        "--pairing",
        "泸州市",
        "--as-of",
        "2022-12-04",
        "--style",
        "published",
        "--format",
        "docx",
    )

    text = docx_text(path)
    city = Pairing.objects.get(helper_region__name="泸州市")
    whole = figures.pairing_summary(
        city, figures.window_for(city, as_of=AS_OF, include_children=True)
    )
    assert whole.sentence("published") + "。" in text
    assert JIANGYANG.replace("14654.73万元", "14600余万元") + "。" in text
    assert LONGMATAN + "。" in text
    assert "江阳区\t累计投入各类帮扶资金" in text
    records = next(t for t in Document(str(path)).tables if t.rows[0].cells[0].text == "编号")
    assert [cell.text for cell in records.rows[0].cells[:2]] == ["编号", "帮扶方"]


def test_it_refuses_an_unknown_pairing_and_a_year_after_the_as_of_date(db, tmp_path):
    with pytest.raises(CommandError, match="找不到结对关系"):
        report(tmp_path, "briefing", "--pairing", "不存在县", "--format", "xlsx")
    with pytest.raises(CommandError, match="晚于截至日期"):
        report(
            tmp_path,
            "annual",
            "--pairing",
            "江阳区",
            "--year",
            "2023",
            "--as-of",
            "2022-12-04",
            "--format",
            "xlsx",
        )

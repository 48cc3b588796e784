"""The assessment areas in `pairaid report annual` (a section with a table per area, in Word,
Excel and PDF) and `pairaid report briefing` (a paragraph per area): the figures declared
under each area, computed from records the test made (`reports/areas.py`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from area_figures import declare, task
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from pairaid.ledger import figure_specs, figures, record_types
from pairaid.ledger.models import FundFlow
from pairaid.ledger.money import format_wan

AS_OF = "2022-12-31"
CONSUMPTION = str(record_types.AREAS["consumption"])


@pytest.fixture
def declared(monkeypatch):
    found = declare(monkeypatch)
    for key, spec in list(figure_specs.FIGURES.items()):
        if spec.area == "labour":  # an area with no figures is left out
            monkeypatch.delitem(figure_specs.FIGURES, key)
    return found


@pytest.fixture
def made(build):
    """Tasks done: two due in 2021, one in 2022; 500 元 planned for 2021."""
    pairing = build.pairing("报告甲区", "报告乙县")
    task(build, pairing, dt.date(2021, 3, 1))
    task(build, pairing, dt.date(2021, 9, 1))
    task(build, pairing, dt.date(2022, 5, 1))
    build.flow(pairing, "500.00", kind=FundFlow.Kind.PLAN, year=2021, day=dt.date(2021, 2, 1))
    return pairing


def report(tmp_path: Path, kind: str, pairing, fmt: str, *args: str) -> Path:
    path = tmp_path / f"{kind}.{fmt}"
    code = pairing.helper_region.code
    options = ("--pairing", code, "--as-of", AS_OF, "--format", fmt, "-o", str(path))
    call_command("report", kind, *options, *args, stdout=StringIO())
    return path


def docx_text(path: Path) -> list[str]:
    return [paragraph.text for paragraph in Document(str(path)).paragraphs]


def test_it_gives_the_annual_report_a_section_per_area_in_word(declared, made, tmp_path):
    text = docx_text(report(tmp_path, "annual", made, "docx", "--year", "2021"))

    assert "八、协作考核" in text
    assert f"（一）{CONSUMPTION}" in text
    planned = figures.funds(figures.window_for(made, from_year=2021, to_year=2021), "plan")
    assert planned.value == Decimal("500.00")
    assert f"{CONSUMPTION}方面，已完成事项2件，{planned.label}{format_wan(planned.value)}。" in text
    assert not any("劳务协作" in line for line in text)
    assert any("资产管护" in line for line in text)  # the overdue tasks' area
    assert text.index("八、协作考核") < text.index("附：口径说明")


def test_it_puts_each_areas_figures_in_excel_with_unit_and_rule(declared, made, tmp_path):
    book = load_workbook(report(tmp_path, "annual", made, "xlsx", "--year", "2021"))

    rows = list(book[CONSUMPTION].iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("指标", "数值", "单位", "口径")
    done, planned = rows[1], rows[2]
    assert done[:3] == ("已完成事项", 2, "件")
    assert done[3] == "2021—2021年完成时限内已完成的清单事项"
    assert Decimal(str(planned[1])).quantize(Decimal("0.01")) == Decimal("500.00")
    assert planned[2] == "元" and planned[3]
    assert "劳务协作" not in book.sheetnames


def test_it_writes_the_areas_into_the_pdf(declared, made, tmp_path):
    reader = PdfReader(str(report(tmp_path, "annual", made, "pdf", "--year", "2021")))

    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert "八、协作考核" in text
    assert f"{CONSUMPTION}方面，已完成事项2件" in text


def test_it_gives_the_briefing_a_paragraph_per_area(declared, made, tmp_path):
    text = docx_text(report(tmp_path, "briefing", made, "docx"))

    assert "协作考核" in text
    consumption = [line for line in text if line.startswith(f"{CONSUMPTION}方面，")]
    label = figures.funds(figures.window_for(made), "plan").label
    assert consumption == [
        f"{CONSUMPTION}方面，已完成事项3件，{label}{format_wan(Decimal('500.00'))}。"
    ]
    assert any(line.startswith("资产管护方面，") for line in text)
    assert not any(line.startswith("劳务协作方面") for line in text)


def test_it_shows_zeros_for_an_area_without_records(declared, build, tmp_path):
    empty = build.pairing("报告丙区", "报告丁县")

    text = docx_text(report(tmp_path, "briefing", empty, "docx"))

    label = figures.funds(figures.window_for(empty), "plan").label
    assert f"{CONSUMPTION}方面，已完成事项0件，{label}{format_wan(Decimal('0.00'))}。" in text

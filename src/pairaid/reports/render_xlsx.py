"""A report as an Excel workbook: an overview sheet, then one sheet per table and one per
chart. Amounts are numbers in yuan (format #,##0.00), never text, so offices can add them
up again; rates are percentages, dates are dates."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pairaid.lib.text import FORMULA_START, xml_safe
from pairaid.reports.content import (
    COUNT,
    DATE,
    MONEY,
    PERCENT,
    YUAN,
    Chart,
    Column,
    Paragraph,
    Report,
    Table,
    Value,
)

MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00%"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
TITLE_FONT = Font(bold=True, size=14)
MAX_WIDTH = 60
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    overview = workbook.active
    assert isinstance(overview, Worksheet)  # a new workbook opens on its one worksheet
    names: set[str] = set()
    overview.title = sheet_name(_("概况"), names)
    write_overview(overview, report)
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, Table):
                write_table(
                    workbook.create_sheet(sheet_name(block.sheet or block.title, names)), block
                )
            elif isinstance(block, Chart):
                write_chart(
                    workbook.create_sheet(sheet_name(block.sheet or block.title, names)), block
                )
    workbook.properties.title = xml_safe(report.title)
    workbook.properties.creator = "pairaid"
    make_safe(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def append(sheet: Worksheet, values: list[object]) -> None:
    """A row, its text without the characters XML cannot carry (openpyxl refuses them)."""
    sheet.append([xml_safe(value) for value in values])


def make_safe(workbook: Workbook) -> None:
    """Every text cell as text: what XML cannot carry dropped, and text that starts like a
    formula (= + - @ tab CR) stored as a string, never run (a project named
    =HYPERLINK(...) stays a name)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if not isinstance(value, str):
                    continue
                safe = xml_safe(value)
                if safe != value:
                    cell.value = safe
                if safe.startswith(FORMULA_START):
                    cell.data_type = "s"


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A tab name Excel accepts (31 characters, none of []:*?/\\), unique in the book."""
    base = FORBIDDEN.sub("-", xml_safe(wanted)).strip("'")[:31] or "表"
    name, serial = base, 2
    while name.lower() in taken:
        suffix = f"({serial})"
        name, serial = base[: 31 - len(suffix)] + suffix, serial + 1
    taken.add(name.lower())
    return name


def text_width(text: str) -> int:
    """Columns a text needs: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_overview(sheet: Worksheet, report: Report) -> None:
    append(sheet, [report.title])
    sheet["A1"].font = TITLE_FONT
    if report.subtitle:
        append(sheet, [report.subtitle])
    for label, value in report.meta:
        append(sheet, [label, value])
    for section in report.sections:
        paragraphs = [block for block in section.blocks if isinstance(block, Paragraph)]
        if not paragraphs:
            continue
        append(sheet, [])
        append(sheet, [section.title])
        sheet.cell(sheet.max_row, 1).font = HEADER_FONT
        for paragraph in paragraphs:
            append(sheet, [paragraph.text])
            sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 100
    sheet.column_dimensions["B"].width = 60


def write_table(sheet: Worksheet, table: Table) -> None:
    append(sheet, [table.title])
    sheet["A1"].font = TITLE_FONT
    header_row = 2
    append(
        sheet, [column.header(YUAN if column.kind == MONEY else None) for column in table.columns]
    )
    for cell in sheet[header_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in table.rows:
        append(
            sheet,
            [cell_value(value, column) for value, column in zip(row, table.columns, strict=True)],
        )
        for index, column in enumerate(table.columns, start=1):
            cell = sheet.cell(sheet.max_row, index)
            cell.number_format = number_format(row[index - 1], column)
    if table.has_total and table.rows:
        for cell in sheet[sheet.max_row]:
            cell.font = HEADER_FONT
    if table.note:
        append(sheet, [])
        append(sheet, [table.note])
    sheet.freeze_panes = sheet.cell(header_row + 1, 1).coordinate
    fit_columns(sheet, table)


def header(column: Column) -> str:
    """Excel holds money in yuan whatever unit Word shows."""
    return column.header(YUAN if column.kind == MONEY else None)


def cell_value(value: Value, column: Column) -> object:
    if value is None:
        return None
    if column.kind == PERCENT and isinstance(value, Decimal):
        return value / 100
    return value


def number_format(value: Value, column: Column) -> str:
    if isinstance(value, dt.date):
        return DATE_FORMAT
    if column.kind == PERCENT:
        return PERCENT_FORMAT
    if isinstance(value, Decimal):
        return MONEY_FORMAT
    if isinstance(value, int) and column.kind != COUNT:
        return COUNT_FORMAT
    return "General"


def fit_columns(sheet: Worksheet, table: Table) -> None:
    for index, column in enumerate(table.columns, start=1):
        widest = text_width(header(column))
        for row in table.rows:
            value = row[index - 1]
            shown = f"{value:,.2f}" if isinstance(value, Decimal) else str(value or "")
            widest = max(widest, text_width(shown))
        if column.kind == DATE:
            widest = max(widest, 10)
        sheet.column_dimensions[get_column_letter(index)].width = min(widest + 2, MAX_WIDTH)


def write_chart(sheet: Worksheet, chart: Chart) -> None:
    """The chart's data as a small table, and an Excel bar chart drawn from it."""
    append(sheet, [chart.title])
    sheet["A1"].font = TITLE_FONT
    unit = f"（{chart.unit}）" if chart.unit else ""
    append(sheet, [unit, *[s.name for s in chart.series]])
    for cell in sheet[2]:
        cell.font = HEADER_FONT
    for index, category in enumerate(chart.categories):
        append(sheet, [category, *[chart.shown(s.values[index]) for s in chart.series]])
        for cell in sheet[sheet.max_row][1:]:
            cell.number_format = MONEY_FORMAT if chart.money else COUNT_FORMAT
    sheet.column_dimensions["A"].width = 20
    if not chart.categories:
        return
    bars = BarChart()
    bars.type = "col"
    bars.title = xml_safe(chart.title)
    bars.y_axis.title = chart.unit
    bars.x_axis.delete = False
    bars.y_axis.delete = False
    last = 2 + len(chart.categories)
    data = Reference(sheet, min_col=2, max_col=1 + len(chart.series), min_row=2, max_row=last)
    bars.add_data(data, titles_from_data=True)
    bars.set_categories(Reference(sheet, min_col=1, min_row=3, max_row=last))
    bars.width, bars.height = 18, 9
    sheet.add_chart(bars, "D2")

"""A report as a Word document offices edit and hand in: headings, the sentences, tables
with the column's display unit (万元 or 元), charts as pictures, Chinese fonts set for the
East Asian script so Word does not fall back to a Latin font."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.run import Run

from pairaid.lib.text import xml_safe
from pairaid.reports import charts
from pairaid.reports.content import (
    COUNT,
    DATE,
    MONEY,
    PERCENT,
    Chart,
    Paragraph,
    Report,
    Table,
    display,
)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
NUMERIC = (MONEY, COUNT, PERCENT, DATE)
TABLE_TEXT, TABLE_NUMBER = "表格文字", "表格数字"


def render_docx(report: Report) -> bytes:
    document = Document()
    set_fonts(document)
    add_table_styles(document)
    page = document.sections[0]
    page.left_margin = page.right_margin = Cm(2.2)
    document.core_properties.title = xml_safe(report.title)
    document.core_properties.author = "pairaid"

    title = document.add_paragraph(style="Title")
    chinese(title.add_run(xml_safe(report.title)), HEADING_FONT)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.subtitle:
        subtitle = document.add_paragraph(xml_safe(report.subtitle))
        subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for label, value in report.meta:
        line = document.add_paragraph()
        line.add_run(xml_safe(f"{label}：")).bold = True
        line.add_run(xml_safe(value))
        line.paragraph_format.space_after = Pt(0)

    for section in report.sections:
        heading = document.add_heading(level=min(section.level, 3))
        chinese(heading.add_run(xml_safe(section.title)), HEADING_FONT)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                add_paragraph(document, block)
            elif isinstance(block, Table):
                add_table(document, block)
            elif isinstance(block, Chart):
                add_chart(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def chinese(run: Run, east_asian: str = BODY_FONT) -> Run:
    """Name the font for Chinese text too (python-docx sets only the Latin one)."""
    run.font.name = LATIN_FONT
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)
    return run


def set_fonts(document: DocxDocument) -> None:
    for name, east_asian, size in (
        ("Normal", BODY_FONT, 11),
        ("Title", HEADING_FONT, 20),
        ("Heading 1", HEADING_FONT, 15),
        ("Heading 2", HEADING_FONT, 13),
        ("Heading 3", HEADING_FONT, 12),
    ):
        style = document.styles[name]
        style.font.name = LATIN_FONT
        style.font.size = Pt(size)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def add_table_styles(document: DocxDocument) -> None:
    for name, alignment in (
        (TABLE_TEXT, WD_ALIGN_PARAGRAPH.LEFT),
        (TABLE_NUMBER, WD_ALIGN_PARAGRAPH.RIGHT),
    ):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.font.size = Pt(9)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.alignment = alignment


def add_paragraph(document: DocxDocument, block: Paragraph) -> None:
    paragraph = document.add_paragraph()
    run = chinese(paragraph.add_run(xml_safe(block.text)))
    if block.style == "lead":
        run.bold = True
        paragraph.paragraph_format.first_line_indent = Pt(22)
    elif block.style == "note":
        run.font.size = Pt(9)
    else:
        paragraph.paragraph_format.first_line_indent = Pt(22)


def add_table(document: DocxDocument, table: Table) -> None:
    caption = document.add_paragraph()
    chinese(caption.add_run(xml_safe(table.title)), HEADING_FONT).bold = True
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    text_style, number_style = document.styles[TABLE_TEXT], document.styles[TABLE_NUMBER]
    # Style ids are set on the XML: python-docx's `paragraph.style = …` searches the style
    # sheet on every call, too slow for the hundreds of rows behind a figure.
    text_id, number_id = text_style.style_id, number_style.style_id
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph._p.style = text_id
        paragraph.add_run(xml_safe(column.header())).bold = True
    styles = [number_id if c.kind in NUMERIC else text_id for c in table.columns]
    last = len(table.rows) - 1
    for index, row in enumerate(table.rows):
        cells = grid.add_row().cells
        bold = table.has_total and index == last
        for cell, value, column, style in zip(cells, row, table.columns, styles, strict=True):
            # A paragraph style per cell, not formatting per run.
            paragraph = cell.paragraphs[0]
            paragraph._p.style = style
            run = paragraph.add_run(xml_safe(display(value, column)))
            if bold:
                run.bold = True
    if not table.rows:
        empty = document.add_paragraph(style=text_style)
        empty.add_run(_("（无）"))
    if table.note:
        document.add_paragraph(xml_safe(table.note), style=text_style)
    document.add_paragraph()


def add_chart(document: DocxDocument, chart: Chart) -> None:
    document.add_picture(io.BytesIO(charts.draw_png(chart)), width=Cm(16))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

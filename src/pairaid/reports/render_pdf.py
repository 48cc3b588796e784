"""A report as a PDF: the report laid out as HTML (template reports/print.html) and typeset
by WeasyPrint, which embeds the subset of the CJK font each document uses, so the PDF
shows (and its text extracts as) Chinese on any machine. Nothing is fetched: the charts
are inline `data:` pictures and every other URL is refused."""

from __future__ import annotations

import base64
import math
import unicodedata
from dataclasses import dataclass

from django.template.loader import render_to_string

from pairaid.reports import charts
from pairaid.reports.content import (
    COUNT,
    DATE,
    MONEY,
    PERCENT,
    Chart,
    Paragraph,
    RenderError,
    Report,
    Table,
    display,
)

CONTENT_TYPE = "application/pdf"
NUMERIC = (MONEY, COUNT, PERCENT, DATE)
SHORT = 6  # characters
MAX_COLUMN = 40  # half-width characters before a column's text wraps
PADDING = 2


@dataclass(frozen=True)
class HtmlTable:
    title: str
    headers: list[str]
    rows: list[list[tuple[str, str]]]  # (text, CSS class: num, nowrap or none)
    has_total: bool
    note: str
    wide: bool
    widths: list[int]  # per cent of the table's width, per column


def html_blocks(report: Report, *, with_charts: bool = True) -> list[dict[str, object]]:
    """The report's sections with every cell already shown as text (Word's units)."""
    sections = []
    for section in report.sections:
        blocks: list[dict[str, object]] = []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                blocks.append({"paragraph": block})
            elif isinstance(block, Table):
                blocks.append({"table": html_table(block)})
            elif isinstance(block, Chart) and with_charts:
                png = base64.b64encode(charts.draw_png(block)).decode("ascii")
                blocks.append({"chart": block, "src": f"data:image/png;base64,{png}"})
        sections.append({"title": section.title, "level": section.level, "blocks": blocks})
    return sections


def html_table(table: Table) -> HtmlTable:
    shown = [
        [display(value, column) for value, column in zip(row, table.columns, strict=True)]
        for row in table.rows
    ]
    # Columns of short words (状态, 领域) are kept on one line; long text wraps.
    classes = [
        "num"
        if column.kind in NUMERIC
        else "nowrap"
        if all(len(row[index]) <= SHORT for row in shown)
        else ""
        for index, column in enumerate(table.columns)
    ]
    return HtmlTable(
        title=table.title,
        headers=[column.header() for column in table.columns],
        rows=[[(text, css) for text, css in zip(row, classes, strict=True)] for row in shown],
        has_total=table.has_total,
        note=table.note,
        wide=len(table.columns) >= 8,
        widths=column_widths(table, shown),
    )


def column_widths(table: Table, shown: list[list[str]]) -> list[int]:
    """Columns as wide as their widest text (capped, so long text wraps): the table is laid
    out with these fixed widths, which is also much faster for hundreds of rows than
    letting the typesetter measure every cell."""
    needs = []
    for index, column in enumerate(table.columns):
        widest = max([text_width(row[index]) for row in shown] or [0])
        # A header may wrap onto two lines; cells keep room for their padding.
        widest = max(widest, math.ceil(text_width(column.header()) / 2)) + PADDING
        needs.append(min(max(widest, 4), MAX_COLUMN))
    total = sum(needs)
    return [round(need * 100 / total) for need in needs]


def text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_html(report: Report) -> str:
    return render_to_string(
        "reports/print.html", {"report": report, "sections": html_blocks(report)}
    )


def render_pdf(report: Report) -> bytes:
    # WeasyPrint is imported here: it loads Pango, which only PDF output needs.
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:
        raise RenderError(
            "生成 PDF 需要 WeasyPrint 及 Pango 库（Debian：libpango-1.0-0、libpangoft2-1.0-0）"
            "和中文字体（fonts-noto-cjk）"
        ) from exc

    offline = URLFetcher(allowed_protocols=["data"])
    pdf: bytes = HTML(string=render_html(report), url_fetcher=offline).write_pdf()
    return pdf

"""The three file formats of a report, by name."""

from __future__ import annotations

from collections.abc import Callable

from pairaid.reports import render_docx, render_pdf, render_xlsx
from pairaid.reports.content import Report

FORMATS: dict[str, tuple[Callable[[Report], bytes], str]] = {
    "docx": (render_docx.render_docx, render_docx.CONTENT_TYPE),
    "xlsx": (render_xlsx.render_xlsx, render_xlsx.CONTENT_TYPE),
    "pdf": (render_pdf.render_pdf, render_pdf.CONTENT_TYPE),
}


def render(report: Report, name: str) -> bytes:
    return FORMATS[name][0](report)


def content_type(name: str) -> str:
    return FORMATS[name][1]


def filename(report: Report, name: str) -> str:
    return f"{report.filename}.{name}"

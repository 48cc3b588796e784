"""What an import reports, and finding the sheet, the kind and the header of a file."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from pairaid.exchange import cells
from pairaid.exchange.columns import Column, normalise_header
from pairaid.exchange.readers import Source
from pairaid.exchange.specs import IMPORTERS, Importer, get_importer

# One logger for the whole importer, under the name of the package.
logger = logging.getLogger("pairaid.exchange.services")
KEEP_ERRORS = 200  # errors kept for display; all are counted, and all go to the rejected file
PREVIEW_ROWS = 20
HEADER_SEARCH_ROWS = 10

# A status byte per data row (compact state for 200,000 rows).
ADDED, CHANGED, UNCHANGED, REJECTED, HISTORY = 1, 2, 3, 4, 5
STATUS_LABELS = {
    ADDED: "新增",
    CHANGED: "修改",
    UNCHANGED: "未变",
    REJECTED: "错误",
    HISTORY: "历史记录（跳过）",
}

Progress = Callable[[str, int, int], None]


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = _("工作表“%(sheet)s”第%(row)s行") % {"sheet": self.sheet, "row": self.row}
        if self.column:
            where += _("“%(column)s”列") % {"column": self.column}
        return f"{where}：{self.message}"


@dataclass
class Layout:
    """Where the header is and which cell feeds which column."""

    header_row: int
    header_cells: list[Any]
    positions: dict[str, int]  # field → cell index
    headers: dict[str, str]  # field → the header as written in the file
    units: dict[str, Decimal]


@dataclass
class Report:
    file_name: str
    sha256: str = ""
    kind: str = ""
    sheet: str = ""
    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0
    history: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    statuses: bytearray = field(default_factory=bytearray)
    preview: dict[str, Any] = field(default_factory=dict)
    file_error: bool = False

    @property
    def valid(self) -> bool:
        return self.error_count == 0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < KEEP_ERRORS:
            self.errors.append(error)

    def counts(self) -> dict[str, int]:
        return {
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }

    def tally(self) -> None:
        self.added = self.statuses.count(ADDED)
        self.changed = self.statuses.count(CHANGED)
        self.unchanged = self.statuses.count(UNCHANGED)
        self.rejected = self.statuses.count(REJECTED)
        self.history = self.statuses.count(HISTORY)
        self.rows = len(self.statuses)


class ImportRefused(Exception):
    """The file was not imported; the report says why (row, column, reason)."""

    def __init__(self, report: Report) -> None:
        super().__init__(_("文件有 %(n)s 处错误，未写入任何数据") % {"n": report.error_count})
        self.report = report


# --- finding the sheet, the kind and the header ----------------------------------------------


def _head(source: Source, sheet: str) -> list[tuple[int, list[Any]]]:
    head = []
    for number, row in source.rows(sheet):
        head.append((number, row))
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    return head


def _named(importer: Importer) -> list[tuple[Column, frozenset[str]]]:
    """The importer's columns with the headers that name each, asked once per header row:
    a row of a thousand headers is matched against every column of every importer, and
    each `names()` reads the active language."""
    return [(column, column.names()) for column in importer.columns]


def _layout(importer: Importer, number: int, row: list[Any]) -> tuple[Layout, list[str]]:
    """Map a header row onto the importer's columns; returns the layout and the headers
    that name no column."""
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    units: dict[str, Decimal] = {}
    unknown = []
    named = _named(importer)
    for index, cell in enumerate(row):
        if cells.is_blank(cell):
            continue
        text = normalise_header(cell)
        column = next((c for c, names in named if c.accepts(text, names)), None)
        if column is None:
            unknown.append(cells.parse_text(cell))
            continue
        if column.field in positions:
            unknown.append(cells.parse_text(cell))  # reported as a duplicate by the caller
            continue
        positions[column.field] = index
        headers[column.field] = cells.parse_text(cell).strip()
        unit = column.unit(text)
        if unit is not None:
            units[column.field] = unit
    return Layout(number, list(row), positions, headers, units), unknown


def _score(importer: Importer, layout: Layout) -> tuple[int, int]:
    required = [c.field for c in importer.columns if c.required]
    return (
        sum(name in layout.positions for name in required) - len(required),
        len(layout.positions),
    )


def choose(source: Source, kind: str | None, report: Report) -> tuple[Importer, str, Layout]:
    """The sheet, record type and header row to read; raises ImportRefused if none fits."""
    importers = [get_importer(kind)] if kind else list(IMPORTERS.values())
    best: tuple[tuple[int, int, int], Importer, str, Layout, list[str]] | None = None
    for sheet in source.sheets:
        for number, row in _head(source, sheet):
            for importer in importers:
                layout, unknown = _layout(importer, number, row)
                if not layout.positions:
                    continue
                named = int(sheet.strip() == str(importer.label))
                score = (*_score(importer, layout), named)
                if best is None or score > best[0]:
                    best = (score, importer, sheet, layout, unknown)
        if best is not None and best[0][0] == 0:
            break  # the first sheet that has every required column is the one
    if best is None:
        sheet = source.sheets[0] if source.sheets else source.name
        expected = (
            "、".join(c.header for c in importers[0].columns if c.required)
            if kind
            else _("如“结对关系”“项目编号”等")
        )
        message = (
            _("没有找到表头（前%(n)s行中没有可识别的列名，应有 %(expected)s）")
            % {"n": HEADER_SEARCH_ROWS, "expected": expected}
            if source.sheets
            else _("文件中没有可导入的工作表")
        )
        report.add_error(RowError(sheet, 1, "", message))
        report.file_error = True
        raise ImportRefused(report)
    _best_score, importer, sheet, layout, unknown = best
    report.kind, report.sheet = importer.kind, sheet
    _check_layout(importer, sheet, layout, unknown, report)
    for other in source.sheets:
        if other != sheet:
            report.warnings.append(
                _("工作表“%(sheet)s”未导入：每次导入一个工作表") % {"sheet": other}
            )
    return importer, sheet, layout


def _check_layout(
    importer: Importer, sheet: str, layout: Layout, unknown: list[str], report: Report
) -> None:
    seen: set[str] = set()
    named = _named(importer)
    for header in unknown:
        text = normalise_header(header)
        if any(c.accepts(text, names) for c, names in named):
            report.add_error(
                RowError(sheet, layout.header_row, header, _("列名重复：同一列只能出现一次"))
            )
        elif text and text not in seen:
            report.warnings.append(_("未识别的列“%(header)s”将被忽略") % {"header": header})
        seen.add(text)
    for column in importer.columns:
        if column.required and column.field not in layout.positions:
            report.add_error(
                RowError(
                    sheet,
                    layout.header_row,
                    column.header,
                    _("缺少必填列“%(header)s”") % {"header": column.header},
                )
            )
    if report.error_count:
        report.file_error = True
        raise ImportRefused(report)

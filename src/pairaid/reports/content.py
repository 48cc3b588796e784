"""A report as a document model, independent of the file format.

A `Report` is a title and sections; a section holds paragraphs, tables and charts. Table
cells keep their types — money is `Decimal` yuan, counts are `int`, rates are `Decimal`
percentages, dates are dates — and each renderer (Word, Excel, PDF) decides how to show
them: Excel keeps amounts as numbers in yuan, Word and PDF show the column's display unit.
The builders in `reports.builders` fill this model from `figures` and `breakdowns` only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from pairaid.ledger.money import to_wan

TEXT = "text"
MONEY = "money"
COUNT = "count"
PERCENT = "percent"
DATE = "date"

YUAN = "元"
WAN = "万元"

Value = Decimal | int | str | dt.date | None


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    # For money: the unit Word and PDF show (Excel always holds yuan, exactly).
    unit: str = ""

    def header(self, unit: str | None = None) -> str:
        shown = unit if unit is not None else self.unit
        return f"{self.label}（{shown}）" if shown else self.label


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Value]] = field(default_factory=list)
    note: str = ""
    # Short name for the spreadsheet tab (Excel allows 31 characters).
    sheet: str = ""
    # The last row is a total: shown in bold.
    has_total: bool = False

    def add(self, *values: Value) -> None:
        if len(values) != len(self.columns):
            raise ValueError(f"{self.title}: {len(values)} values for {len(self.columns)} columns")
        self.rows.append(list(values))


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "body"  # body, lead (the article's sentences), note (rules, small print)


@dataclass(frozen=True)
class Series:
    name: str
    values: list[Decimal | int]


@dataclass(frozen=True)
class Chart:
    """A bar chart: one bar group per category, one bar per series. Money in yuan; the
    chart shows `unit` (万元 for money)."""

    title: str
    categories: list[str]
    series: list[Series]
    unit: str = ""
    money: bool = False
    sheet: str = ""

    def shown(self, value: Decimal | int) -> Decimal | int:
        """The value as the chart draws it (万元 for money)."""
        return to_wan(Decimal(value)) if self.money else value


Block = Paragraph | Table | Chart


class RenderError(RuntimeError):
    """A format cannot be produced on this machine (a missing font or library); the
    message says in Chinese what to install."""


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 1

    def para(self, text: str, style: str = "body") -> Paragraph:
        paragraph = Paragraph(text, style)
        self.blocks.append(paragraph)
        return paragraph

    def table(self, table: Table) -> Table:
        self.blocks.append(table)
        return table

    def chart(self, chart: Chart) -> Chart:
        self.blocks.append(chart)
        return chart


@dataclass
class Report:
    kind: str  # briefing, annual, reconciliation, comparison
    title: str
    subtitle: str = ""
    sections: list[Section] = field(default_factory=list)
    # Shown under the title and in the document properties: who it is for, the window.
    meta: list[tuple[str, str]] = field(default_factory=list)
    filename: str = "report"

    def section(self, title: str, level: int = 1) -> Section:
        section = Section(title, level=level)
        self.sections.append(section)
        return section

    def tables(self) -> list[Table]:
        return [block for s in self.sections for block in s.blocks if isinstance(block, Table)]

    def charts(self) -> list[Chart]:
        return [block for s in self.sections for block in s.blocks if isinstance(block, Chart)]


# --- display of typed cells (Word, PDF, pages) ---------------------------------------------


def format_number(value: Decimal | int) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}"


def display(value: Value, column: Column, unit: str | None = None) -> str:
    """A cell as Word and PDF show it; Excel writes the typed value instead."""
    if value is None or value == "":
        return "—"
    if column.kind == MONEY and isinstance(value, Decimal):
        shown = unit if unit is not None else column.unit
        return format_number(to_wan(value) if shown == WAN else value)
    if column.kind == PERCENT and isinstance(value, Decimal):
        return f"{value}%"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format_number(value)
    # Counts, years and record numbers: no thousands separator (2022, not 2,022).
    return str(value)

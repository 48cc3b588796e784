"""Every column of every kind refuses what it cannot hold, naming the row and the column, and
a refused file writes nothing — not even its good rows.

The rows start from a valid row of the kind (an export of a pairing's records, moved to a
fresh pairing, so that the good row would be a new record there), with one cell made bad per
row: text where a number or a date belongs, a day no calendar has, a choice no list offers, an
amount with three decimals or past the largest amount, a negative count, a year outside the
ledger's years, a formula such as =cmd|' /C calc'!A0 where a number, a date, a choice or a
reference belongs, a required cell left blank, and text longer than its field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import exchange_files as files
import pytest
from django.db import models

from pairaid.exchange.columns import (
    ChoiceColumn,
    Column,
    ComputedColumn,
    DateColumn,
    DecimalColumn,
    IntColumn,
    KeptTextColumn,
    MoneyColumn,
    RefColumn,
    YearColumn,
    YesNoColumn,
    normalise_header,
)
from pairaid.exchange.models import ImportBatch
from pairaid.exchange.specs import IMPORTERS, KINDS
from pairaid.ledger.messages import FIRST_YEAR, LAST_YEAR
from pairaid.ledger.models import AuditEntry, Pairing, Person
from pairaid.ledger.money import CENT, MAX_AMOUNT

INJECTION = "=cmd|' /C calc'!A0"


def bad_cells(column: Column, fmt: str) -> list[tuple[str, Any]]:
    """What one column must refuse: (what it is, the cell)."""
    found: list[tuple[str, Any]] = []
    if column.required:
        found.append(("blank required", ""))
    if isinstance(column, MoneyColumn | DecimalColumn):
        found += [
            ("text", "一百万元整"),
            ("three decimals", "1.234"),
            ("negative", "-5"),
            ("scientific", "1e5"),
            ("too large", str(MAX_AMOUNT + CENT)),
            ("formula", INJECTION),
        ]
    elif isinstance(column, YearColumn):
        found += [
            ("text", "去年"),
            ("before the first year", FIRST_YEAR - 1),
            ("after the last year", f"{LAST_YEAR + 1}年"),
            ("fraction", "2022.5"),
            ("formula", "=YEAR(TODAY())"),
        ]
    elif isinstance(column, IntColumn):
        found += [("text", "三个"), ("fraction", "1.5"), ("formula", "=1+1")]
        if column.minimum is not None:
            found.append(("below the minimum", column.minimum - 1))
        if column.maximum is not None:
            found.append(("above the maximum", column.maximum + 1))
    elif isinstance(column, DateColumn):
        found += [
            ("no such day", "2022年2月30日"),
            ("no such month", "2022-13-01"),
            ("serial out of range", 99999),
            ("text", "明天"),
            ("formula", "=TODAY()"),
        ]
        if fmt == "xlsx":
            found.append(("a moment, not a day", dt.datetime(2022, 3, 1, 8, 30)))  # noqa: DTZ001
    elif isinstance(column, ChoiceColumn):
        found += [("unknown choice", "不存在的选项"), ("formula", INJECTION)]
    elif isinstance(column, YesNoColumn):
        found += [("neither yes nor no", "也许")]
    elif isinstance(column, RefColumn):
        found += [("unknown reference", "查无此项的名称"), ("formula", INJECTION)]
    return found


def max_length(kind: str, column: Column) -> int | None:
    field = IMPORTERS[kind].model._meta.get_field(column.field)
    if isinstance(field, models.CharField) and not field.choices and not field.is_relation:
        return field.max_length
    return None


def checked_columns(kind: str) -> list[Column]:
    exported = {c.field for c in IMPORTERS[kind].export_columns()}
    return [
        c
        for c in IMPORTERS[kind].importable()
        if c.field in exported and not isinstance(c, ComputedColumn | KeptTextColumn)
    ]


class Setting:
    """A fresh pairing, everything a kind's rows name already moved there, and one valid
    row of the kind for it."""

    def __init__(self, kind: str, build: Any, folder: Path, fmt: str) -> None:
        self.kind, self.folder, self.fmt = kind, folder, fmt
        source = build.pairing(f"拒收{kind}甲区", f"拒收{kind}乙县")
        files.fill(kind, source, build)
        self.target = files.fresh_pairing(build, source, f"拒收{kind}丙区")
        for needed in files.dependencies(kind):
            files.move(needed, source, self.target, folder, fmt)
        exported = files.export(kind, folder / f"{kind}-source.{fmt}", "--pairing", str(source))
        self.sheet, rows = files.read_rows(exported)
        if "结对关系" in rows[0]:
            rows = files.replace_column(rows, "结对关系", lambda _c: str(self.target))
        else:  # persons: none, they are told apart by number
            rows = files.replace_column(rows, "人员编号", lambda n: files.prefix(self.target) + n)
        self.header, self.good = rows[0], rows[1]
        self.audit = AuditEntry.objects.count()
        self.batches = ImportBatch.objects.count()

    def with_cell(self, column: Column, cell: Any) -> list[Any]:
        row = list(self.good)
        row[files.column_of(self.header, header_in(column, self.header))] = cell
        return row

    def write(self, name: str, rows: list[list[Any]]) -> Path:
        path = self.folder / f"{name}.{self.fmt}"
        return files.write_rows(path, [self.header, *rows], self.sheet)

    def written(self) -> int:
        """The records of the kind the file left in the fresh pairing."""
        model = IMPORTERS[self.kind].model
        if model is Person:
            return Person.objects.filter(number__startswith=files.prefix(self.target)).count()
        return model._default_manager.filter(pairing=self.target).count()

    def assert_nothing_written(self) -> None:
        assert self.written() == 0
        assert AuditEntry.objects.count() == self.audit
        assert ImportBatch.objects.count() == self.batches


def header_in(column: Column, header: list[Any]) -> str:
    """The column's header as the exported file writes it (money with its unit)."""
    for text in header:
        if text is not None and column.accepts(normalise_header(str(text))):
            return str(text)
    raise AssertionError(f"{column.field} not in {header}")


def error_lines(table: str) -> list[tuple[int, str, str]]:
    """(row, column, message) of each line of the import's error table."""
    found = []
    for line in table.splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[1].isdigit():
            found.append((int(parts[1]), parts[2], parts[3]))
    return found


# Every kind in a workbook; in csv the kinds with importers of their own (the generic kinds'
# columns are the same classes, read by the same reader).
CASES = [(kind, "xlsx") for kind in KINDS] + [
    (kind, "csv") for kind in KINDS if kind in files.MAKERS
]


@pytest.mark.parametrize(("kind", "fmt"), CASES)
def test_it_names_the_row_and_column_of_every_bad_cell_and_writes_nothing(
    kind, fmt, build, tmp_path
):
    setting = Setting(kind, build, tmp_path, fmt)
    rows, expected = [setting.good], []
    for column in checked_columns(kind):
        for what, cell in bad_cells(column, fmt):
            rows.append(setting.with_cell(column, cell))
            # the header row is 1, the good row 2
            expected.append((len(rows) + 1, header_in(column, setting.header), what))
    assert expected, f"{kind} has no column that refuses anything"
    path = setting.write("bad", rows)

    table = files.refused(path)

    errors = error_lines(table)
    found = {(row, column) for row, column, _message in errors}
    for row, column, what in expected:
        assert (row, column) in found, f"row {row} ({column}: {what}) was not refused"
    # each bad row is refused once, for its one bad cell; the good row (2) not at all
    assert len(errors) == len(expected)
    assert f"{len(expected)} 处错误" in table
    assert all(message.strip() for _row, _column, message in errors)
    setting.assert_nothing_written()


@pytest.mark.parametrize("kind", KINDS)
def test_it_refuses_text_longer_than_its_field_in_the_columns_words(kind, build, tmp_path):
    setting = Setting(kind, build, tmp_path, "xlsx")
    limited = [(c, max_length(kind, c)) for c in checked_columns(kind)]
    limited = [(c, n) for c, n in limited if n is not None and not isinstance(c, RefColumn)]
    for column, limit in limited:
        path = setting.write(
            f"long-{column.field}", [setting.with_cell(column, "长" * (limit + 1))]
        )

        errors = error_lines(files.refused(path))

        assert [(row, col) for row, col, _m in errors] == [(2, header_in(column, setting.header))]
        assert str(limit) in errors[0][2], errors[0][2]  # the limit, in characters
        setting.assert_nothing_written()


@pytest.mark.parametrize("fmt", files.FORMATS)
def test_it_keeps_a_formula_in_a_text_cell_as_text_and_exports_it_inert(build, tmp_path, fmt):
    """Text may start like a formula (a note "-2万 returned"); it is stored as typed and
    every export writes it so that a spreadsheet shows it rather than runs it."""
    setting = Setting("events", build, tmp_path, fmt)
    column = IMPORTERS["events"].column("summary")
    files.import_(setting.write("formula", [setting.with_cell(column, INJECTION)]))
    event = IMPORTERS["events"].model._default_manager.get(pairing=setting.target)
    assert event.summary == INJECTION

    again = files.export("events", tmp_path / f"again.{fmt}", "--pairing", str(setting.target))

    _sheet, rows = files.read_rows(again)
    cell = rows[1][files.column_of(rows[0], header_in(column, rows[0]))]
    assert cell == "'" + INJECTION


def test_it_refuses_a_file_naming_a_pairing_outside_the_users_scope(personas, build, tmp_path):
    setting = Setting("projects", build, tmp_path, "xlsx")
    path = setting.write("scope", [setting.good])

    table = files.refused(path, "--user", personas.jiangyang.username)

    assert [(row, column) for row, column, _m in error_lines(table)] == [(2, "结对关系")]
    setting.assert_nothing_written()


def test_it_lists_the_pairings_name_in_a_refusal_of_a_pairing_it_does_not_know(build, tmp_path):
    setting = Setting("targets", build, tmp_path, "csv")
    rows = [setting.with_cell(IMPORTERS["targets"].column("pairing"), "无此结对→无此县")]

    errors = error_lines(files.refused(setting.write("unknown", rows)))

    assert errors[0][:2] == (2, "结对关系") and "无此结对→无此县" in errors[0][2]
    assert Pairing.objects.filter(name="无此结对→无此县").count() == 0

"""Importing a file: validate every row, then write all of it, or nothing.

The file is read twice as a stream, never held whole: the first pass cleans and validates
every row (cells, references, the model's rules, scope, locked years, duplicates within
the file, what already exists), keeping per row only a status byte; the second pass reads
it again and writes through `pairaid.ledger.services` — new records in bulk (validated,
one audit entry each), changed ones with `update_record`, changed fund flows with
`correct_fund_flow`. Nothing is written unless every row is valid, or the user chose to
import the valid rows only. What a batch did is kept (`ImportChange`) so that
`rollback_batch` can undo it as a whole.

The second pass commits every chunk of rows in a short transaction of its own, so that a
long import never holds a lock that other writers (or a login, on SQLite) wait for; if a
later chunk fails, the chunks already written are undone through the batch before the
error is reported, so a failed import leaves nothing behind (fund flows, which are never
deleted, are reversed). Progress is written between chunks, when the import holds no lock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.exchange import cells
from pairaid.exchange.cells import CellError
from pairaid.exchange.columns import KEEP, normalise_header
from pairaid.exchange.models import ImportBatch, ImportChange
from pairaid.exchange.readers import ReadError, Source, open_source
from pairaid.exchange.specs import IMPORTERS, Context, Importer, get_importer
from pairaid.ledger import access
from pairaid.ledger import services as ledger
from pairaid.ledger.messages import readable
from pairaid.ledger.models import FundFlow
from pairaid.lib.personal_data import (
    EncryptedTextField,
    decrypt,
    encrypt,
    mask_id_number,
    mask_phone,
)

logger = logging.getLogger(__name__)

CHUNK = 1000
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


def _layout(importer: Importer, number: int, row: list[Any]) -> tuple[Layout, list[str]]:
    """Map a header row onto the importer's columns; returns the layout and the headers
    that name no column."""
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    units: dict[str, Decimal] = {}
    unknown = []
    for index, cell in enumerate(row):
        if cells.is_blank(cell):
            continue
        text = normalise_header(cell)
        column = next((c for c in importer.columns if c.accepts(text)), None)
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
    for header in unknown:
        text = normalise_header(header)
        if any(c.accepts(text) for c in importer.columns):
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


# --- one pass over the rows ------------------------------------------------------------------


@dataclass
class Row:
    index: int
    number: int
    cells: list[Any]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    key: tuple[Any, ...] = ()
    obj: models.Model | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    status: int = 0


def _is_comment(cells_: list[Any]) -> bool:
    """The template's notes and example rows start with 【: they are not records."""
    for cell in cells_:
        if not cells.is_blank(cell):
            return isinstance(cell, str) and cell.lstrip().startswith("【")
    return False


class Pass:
    """One read of the file: validate, or validate and write."""

    def __init__(
        self,
        source: Source,
        importer: Importer,
        sheet: str,
        layout: Layout,
        context: Context,
        report: Report,
        *,
        write: bool = False,
        skip: bytearray | None = None,
        batch: ImportBatch | None = None,
        progress: Progress | None = None,
        rejected: RejectedWriter | None = None,
        total: int = 0,
    ) -> None:
        self.source, self.importer, self.sheet, self.layout = source, importer, sheet, layout
        self.context, self.report = context, report
        self.write, self.skip, self.batch = write, skip, batch
        self.progress, self.rejected, self.total = progress, rejected, total
        self.seen: dict[int, int] = {}
        self.columns = [c for c in importer.importable() if c.field in layout.positions]
        self.fk_fields = [f.name for f in importer.model._meta.concrete_fields if f.is_relation]
        self.reason = ""
        context.units = dict(layout.units)

    def header(self, name: str) -> str:
        if name in self.layout.headers:
            return self.layout.headers[name]
        try:
            return self.importer.column(name).header
        except KeyError:
            try:
                return str(self.importer.model._meta.get_field(name).verbose_name)
            except Exception:
                return ""

    def run(self) -> None:
        pending: list[Row] = []
        index = 0
        for number, cells_ in self.source.rows(self.sheet):
            if number <= self.layout.header_row or _is_comment(cells_):
                continue
            pending.append(Row(index, number, cells_))
            index += 1
            if len(pending) >= CHUNK:
                self.chunk(pending)
                pending = []
        if pending:
            self.chunk(pending)
        if self.progress:
            self.progress("write" if self.write else "validate", index, index)

    # --- a chunk of rows ------------------------------------------------------------

    def chunk(self, rows: list[Row]) -> None:
        live = []
        for row in rows:
            if self.skip is not None and self.skip[row.index] == REJECTED:
                row.status = REJECTED
                continue
            raw = {
                name: row.cells[position] if position < len(row.cells) else None
                for name, position in self.layout.positions.items()
            }
            if self.importer.is_history(raw):
                row.status = HISTORY
                continue
            self.clean(row, raw)
            live.append(row)
        existing = self.importer.find(row.key for row in live if not row.errors)
        for row in live:
            if not row.errors:
                self.classify(row, existing.get(row.key, []))
            if row.errors:
                row.status = REJECTED
        self.finish(rows)
        if self.write:
            with transaction.atomic():  # one short write transaction per chunk
                self.apply([row for row in rows if row.status in (ADDED, CHANGED)])
        if self.progress:
            done = rows[-1].index + 1
            self.progress("write" if self.write else "validate", done, max(done, self.total))

    def clean(self, row: Row, raw: dict[str, Any]) -> None:
        for column in self.columns:
            try:
                value = column.clean(raw.get(column.field), self.context, row.values)
            except CellError as exc:
                row.errors.append((self.header(column.field), str(exc)))
                continue
            if value is not KEEP:
                row.values[column.field] = value
        if row.errors:
            return
        row.key = self.importer.key_of(row.values)
        # hash() of the key: 8 bytes a row instead of the key itself (names, vouchers).
        digest = hash(row.key)
        first = self.seen.get(digest)
        if first is not None:
            row.errors.append(
                (
                    self.header(self.importer.key_column),
                    _("与第%(row)s行是同一条记录（%(key)s相同），同一记录在文件中只能出现一次")
                    % {"row": first, "key": self.importer.key_words},
                )
            )
        else:
            self.seen[digest] = row.number

    def classify(self, row: Row, matches: list[models.Model]) -> None:
        importer = self.importer
        if len(matches) > 1:
            row.errors.append(
                (
                    self.header(importer.key_column),
                    _("台账中已有%(n)s条%(key)s相同的记录，无法确定更新哪一条")
                    % {"n": len(matches), "key": importer.key_words},
                )
            )
            return
        obj = matches[0] if matches else None
        changed: list[str] | None = None
        if obj is None:
            candidate = importer.new(row.values)
        else:
            row.obj = obj
            row.changes = importer.changes(obj, row.values)
            if not row.changes:
                row.status = UNCHANGED
                return
            changed = list(row.changes)
            candidate = importer.candidate(obj, row.changes)
        pairing = importer.pairing_of(row.values, obj)
        where = self.header("pairing") if pairing is not None else self.header(importer.key_column)
        if not importer.may_write(self.context, pairing, changed):
            row.errors.append(
                (
                    where,
                    _("您无权在“%(pairing)s”中录入或修改此类记录")
                    % {
                        "pairing": pairing or _("系统"),
                    },
                )
            )
            return
        if pairing is not None:
            for record in (candidate, obj):
                year = importer.lock_year(record, changed) if record is not None else None
                if year and self.context.locked(pairing.pk, year):
                    row.errors.append(
                        (
                            where,
                            _("%(pairing)s %(year)s年的数据已审核锁定，不能导入修改")
                            % {"pairing": pairing, "year": year},
                        )
                    )
                    return
        if self.write:
            # Writing, the ledger's services validate each record themselves.
            row.status = CHANGED if obj is not None else ADDED
            return
        try:
            candidate.full_clean(
                exclude=self.fk_fields, validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for name, messages in _messages(exc).items():
                column = "" if name == NON_FIELD_ERRORS else self.header(name)
                row.errors.extend((column, message) for message in messages)
            return
        row.status = CHANGED if obj is not None else ADDED

    def finish(self, rows: list[Row]) -> None:
        report = self.report
        for row in rows:
            if row.status == 0:
                row.status = REJECTED if row.errors else UNCHANGED
            if row.index >= len(report.statuses):
                report.statuses.append(row.status)
            else:
                report.statuses[row.index] = row.status
            for column, message in row.errors:
                report.add_error(RowError(self.sheet, row.number, column, message))
            if row.errors and self.rejected is not None:
                self.rejected.add(row.cells, [m for _c, m in row.errors])
            if len(report.preview.setdefault("rows", [])) < PREVIEW_ROWS:
                report.preview["rows"].append(self.preview_row(row))
        if self.write and any(row.errors for row in rows):
            raise ImportRefused(report)

    def preview_row(self, row: Row) -> dict[str, Any]:
        personal = personal_fields(self.importer)
        cells_ = []
        for c in self.columns:
            position = self.layout.positions[c.field]
            text = _display(row.cells[position]) if position < len(row.cells) else ""
            cells_.append(_masked(c.field, text) if c.field in personal else text)
        return {
            "row": row.number,
            "status": STATUS_LABELS.get(row.status, ""),
            "cells": cells_,
            "errors": [f"{c}：{m}" if c else m for c, m in row.errors],
        }

    # --- writing --------------------------------------------------------------------

    def apply(self, rows: list[Row]) -> None:
        assert self.batch is not None
        importer, context = self.importer, self.context
        new = [row.values for row in rows if row.status == ADDED]
        entries = []
        if new:
            created = importer.create(new, context)
            entries.append(
                ImportChange(
                    batch=self.batch,
                    action=ImportChange.Action.CREATED,
                    record_type=importer.model._meta.label,
                    data={"ids": [obj.pk for obj in created]},
                )
            )
        for row in rows:
            if row.status != CHANGED:
                continue
            assert row.obj is not None
            before = snapshot(row.obj, row.changes)
            action, data = importer.change(row.obj, row.changes, context, self.reason)
            if action == ImportChange.Action.UPDATED:
                after = snapshot(row.obj, row.changes)
                data = {"record_id": row.obj.pk, "before": before, "after": after}
            entries.append(
                ImportChange(
                    batch=self.batch,
                    action=action,
                    record_type=importer.model._meta.label,
                    data=data,
                )
            )
        ImportChange.objects.bulk_create(entries)


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    exc = readable(exc)
    if hasattr(exc, "error_dict"):
        return {
            name: [str(m) for m in ValidationError(errors).messages]
            for name, errors in exc.error_dict.items()
        }
    return {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}


def personal_fields(importer: Importer) -> frozenset[str]:
    """The importer's fields that hold personal data (stored encrypted)."""
    return frozenset(
        f.name for f in importer.model._meta.concrete_fields if isinstance(f, EncryptedTextField)
    )


def personal_positions(importer: Importer, layout: Layout) -> frozenset[int]:
    """Where the file's personal-data cells are."""
    return frozenset(
        layout.positions[name] for name in personal_fields(importer) if name in layout.positions
    )


def _masked(name: str, text: str) -> str:
    return mask_phone(text) if name == "phone" else mask_id_number(text)


def _display(cell: Any) -> str:
    if isinstance(cell, dt.datetime) and cell.time() == dt.time(0):
        return cell.date().isoformat()
    return cells.parse_text(cell)


def plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def snapshot(obj: models.Model, names: Any) -> dict[str, Any]:
    """The stored values of some fields, JSON-safe; personal data encrypted."""
    values = {}
    for name in names:
        model_field = obj._meta.get_field(name)
        value = getattr(obj, model_field.attname)
        if isinstance(model_field, EncryptedTextField):
            values[name] = {"secret": encrypt(value or "")}
        else:
            values[name] = plain(value)
    return values


def restore(obj: models.Model, saved: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments for `update_record` that put saved values back."""
    changes: dict[str, Any] = {}
    for name, value in saved.items():
        model_field = obj._meta.get_field(name)
        if isinstance(value, dict) and "secret" in value:
            changes[name] = decrypt(value["secret"])
        elif model_field.is_relation:
            changes[model_field.attname] = value
        else:
            changes[name] = model_field.to_python(value)
    return changes


# --- rejected rows as a file -----------------------------------------------------------------


class RejectedWriter:
    """The rejected rows, as the user wrote them, plus a column saying why: fix and import
    this file again."""

    def __init__(
        self, path: Path, header: list[Any], sheet: str, hidden: frozenset[int] = frozenset()
    ) -> None:
        from openpyxl import Workbook

        self.path = path
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(sheet[:31] or "Sheet1")
        self.width = len(header)
        # Personal data (identity and phone numbers) never goes into this file: those
        # cells are left blank, which the importer reads as "keep what the ledger has".
        self.hidden = hidden
        self.sheet.append([cells.neutralise(cell) for cell in header] + [_("错误原因")])
        self.count = 0

    def add(self, row: list[Any], messages: list[str]) -> None:
        padded = list(row[: self.width]) + [""] * (self.width - len(row))
        for position in self.hidden:
            if position < self.width:
                padded[position] = ""
        self.sheet.append([cells.neutralise(cell) for cell in padded] + ["；".join(messages)])
        self.count += 1

    def close(self) -> None:
        self.workbook.save(self.path)


# --- the entry points ------------------------------------------------------------------------


def _start(
    path: Path | str, name: str | None, kind: str | None, report: Report
) -> tuple[Source, Importer, str, Layout]:
    try:
        source = open_source(path, name)
    except ReadError as exc:
        report.add_error(RowError(report.file_name, 0, "", str(exc)))
        report.file_error = True
        raise ImportRefused(report) from exc
    report.sha256 = source.sha256
    try:
        importer, sheet, layout = choose(source, kind, report)
    except ReadError as exc:
        report.add_error(RowError(report.file_name, 0, "", str(exc)))
        report.file_error = True
        raise ImportRefused(report) from exc
    except CellError as exc:  # an unknown kind
        report.add_error(RowError(report.file_name, 0, "", str(exc)))
        report.file_error = True
        raise ImportRefused(report) from exc
    report.preview = {
        "headers": [
            layout.headers[c.field] for c in importer.importable() if c.field in layout.positions
        ]
    }
    return source, importer, sheet, layout


def _validate(
    source: Source,
    importer: Importer,
    sheet: str,
    layout: Layout,
    context: Context,
    report: Report,
    progress: Progress | None,
    rejected_out: Path | None,
) -> Report:
    rejected = (
        RejectedWriter(
            rejected_out, layout.header_cells, sheet, personal_positions(importer, layout)
        )
        if rejected_out
        else None
    )
    try:
        Pass(
            source,
            importer,
            sheet,
            layout,
            context,
            report,
            progress=progress,
            rejected=rejected,
            total=source.estimates.get(sheet, 0),
        ).run()
    except ReadError as exc:
        report.add_error(RowError(sheet, 0, "", str(exc)))
        report.file_error = True
    finally:
        if rejected is not None:
            rejected.close()
    report.tally()
    if report.rows == 0 and not report.file_error:
        report.add_error(RowError(sheet, layout.header_row + 1, "", _("文件中没有数据行")))
        report.file_error = True
    return report


def check_file(
    path: Path | str,
    name: str | None = None,
    *,
    kind: str | None = None,
    user: Any = None,
    progress: Progress | None = None,
    rejected_out: Path | None = None,
) -> Report:
    """Validate a file without writing anything (a dry run, or the upload page's preview)."""
    report = Report(file_name=name or Path(path).name)
    try:
        source, importer, sheet, layout = _start(path, name, kind, report)
    except ImportRefused:
        return report
    return _validate(
        source, importer, sheet, layout, Context(user=user), report, progress, rejected_out
    )


def import_file(
    path: Path | str,
    name: str | None = None,
    *,
    kind: str | None = None,
    user: Any = None,
    via: str = "import",
    valid_only: bool = False,
    progress: Progress | None = None,
    rejected_out: Path | None = None,
    batch: ImportBatch | None = None,
) -> tuple[ImportBatch | None, Report]:
    """Validate the whole file, then write it in one transaction (all rows, or with
    `valid_only` the valid ones). Returns the batch (None if nothing was written) and the
    report; raises ImportRefused if the file is invalid and `valid_only` is not set."""
    report = Report(file_name=name or Path(path).name)
    source, importer, sheet, layout = _start(path, name, kind, report)
    context = Context(user=user, via=via)
    _validate(source, importer, sheet, layout, context, report, progress, rejected_out)
    if report.file_error or (not report.valid and not valid_only):
        raise ImportRefused(report)
    checked = report
    statuses = bytes(checked.statuses)
    if batch is None:
        batch = ImportBatch(user=user if getattr(user, "pk", None) else None, via=via)
    batch.file_name = report.file_name[:255]
    batch.sha256 = source.sha256
    batch.kind, batch.sheet, batch.valid_only = importer.kind, sheet[:100], valid_only
    batch.rows_total = report.rows
    if statuses.count(ADDED) + statuses.count(CHANGED) == 0:
        # Nothing to write: record the batch (its counts) and stop.
        _finish_batch(batch, checked, ImportBatch.Status.IMPORTED)
        return batch, checked
    written = Report(
        file_name=report.file_name, sha256=source.sha256, kind=importer.kind, sheet=sheet
    )
    written.warnings = list(checked.warnings)
    written.preview = checked.preview
    batch.status = ImportBatch.Status.IMPORTING
    batch.save()  # committed before writing starts: the import never holds the batch's row
    run = Pass(
        source,
        importer,
        sheet,
        layout,
        Context(user=user, via=via),
        written,
        write=True,
        skip=bytearray(statuses),
        batch=batch,
        progress=progress,
        total=checked.rows,
    )
    run.reason = _("按导入批次#%(id)s（%(file)s）更正") % {
        "id": batch.pk,
        "file": batch.file_name,
    }
    try:
        run.run()
    except BaseException:
        _discard_written(batch, user, via)
        raise
    written.tally()
    written.error_count, written.errors = checked.error_count, checked.errors
    _finish_batch(batch, written, ImportBatch.Status.IMPORTED)
    return batch, written


def _discard_written(batch: ImportBatch, user: Any, via: str) -> None:
    """A chunk failed: undo the chunks already committed, newest first, each in a short
    transaction of its own that also forgets the change (so an interrupted undo can go on
    where it stopped), and leave the batch with nothing to roll back."""
    reason = _("导入批次#%(id)s（%(file)s）未能完成，撤销已写入部分") % {
        "id": batch.pk,
        "file": batch.file_name,
    }
    for change in list(batch.changes.order_by("-id")):
        with transaction.atomic():
            _undo(change, user, via, reason)
            ImportChange.objects.filter(pk=change.pk).delete()


def _finish_batch(batch: ImportBatch, report: Report, status: str) -> None:
    batch.status = status
    batch.added, batch.changed = report.added, report.changed
    batch.unchanged, batch.rejected = report.unchanged, report.rejected
    batch.error_count = report.error_count
    batch.errors = [e.as_dict() for e in report.errors]
    batch.warnings = report.warnings
    batch.preview = report.preview
    batch.rows_total = report.rows
    batch.rows_done = report.rows
    batch.finished_at = timezone.now()
    batch.stage = ""
    batch.save()
    purge_original(batch)


def store_report(batch: ImportBatch, report: Report) -> None:
    """Keep a validation's outcome on the batch (the upload page shows it)."""
    batch.kind, batch.sheet, batch.sha256 = (
        report.kind,
        report.sheet[:100],
        report.sha256 or batch.sha256,
    )
    batch.rows_total = batch.rows_done = report.rows
    batch.added, batch.changed = report.added, report.changed
    batch.unchanged, batch.rejected = report.unchanged, report.rejected
    batch.error_count = report.error_count
    batch.errors = [e.as_dict() for e in report.errors]
    batch.warnings = report.warnings
    batch.preview = report.preview
    batch.stage = ""
    batch.status = ImportBatch.Status.VALID if report.valid else ImportBatch.Status.INVALID
    batch.save()


# --- rolling back ----------------------------------------------------------------------------


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def may_see(user: Any, batch: ImportBatch) -> bool:
    return access.may_see_import(user, batch.user_id)


def batches_for(user: Any) -> Any:
    """The batches a user may see (`may_see`), newest first."""
    batches = ImportBatch.objects.select_related("user").order_by("-created_at", "-id")
    if user is None or access.is_administrator(user):
        return batches
    if not access.may_upload(user):
        return batches.none()
    return batches.filter(user=user)


def beat() -> dict[str, Any]:
    """The fields that record a batch's sign of life, for an `update()`."""
    return {"heartbeat_at": timezone.now()}


def stale_batches() -> Any:
    """Batches left checking or importing by a process that died (`ImportBatch.is_stale`)."""
    from pairaid.exchange.models import stale_before

    busy = (ImportBatch.Status.QUEUED, ImportBatch.Status.VALIDATING, ImportBatch.Status.IMPORTING)
    before = stale_before()
    return ImportBatch.objects.filter(status__in=busy).filter(
        models.Q(heartbeat_at__lt=before)
        | models.Q(heartbeat_at__isnull=True, created_at__lt=before)
    )


def resume_batch(batch: ImportBatch) -> bool:
    """Put a stale batch back in the queue to be checked again from its file (an import
    that died wrote nothing: it ran in one transaction). Returns False, changing nothing,
    if the batch is not stale or its file is gone; the caller enqueues the check."""
    if not batch.file:
        return False
    resumed = (
        stale_batches()
        .filter(pk=batch.pk)
        .update(status=ImportBatch.Status.QUEUED, stage="", rows_done=0, message="", **beat())
    )
    return bool(resumed)


def discard_batch(batch: ImportBatch) -> bool:
    """Mark a stale batch failed and delete its file. Returns False if it is not stale."""
    with transaction.atomic():
        discarded = (
            stale_batches()
            .filter(pk=batch.pk)
            .update(
                status=ImportBatch.Status.FAILED,
                stage="",
                message=_("处理中断，已放弃；如需导入请重新上传文件"),
                finished_at=timezone.now(),
            )
        )
        if discarded:
            purge_original(batch)
    return bool(discarded)


def purge_original(batch: ImportBatch) -> None:
    """Delete the uploaded file once the batch needs it no more (imported, failed or
    discarded): it may hold identity and phone numbers in clear. Rollback works from the
    recorded changes, not from the file. Runs after the transaction commits."""
    if not batch.file:
        return
    name = batch.file.name
    storage = batch.file.storage

    def purge() -> None:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not delete the uploaded file %s", name, exc_info=True)
        ImportBatch.objects.filter(pk=batch.pk, file=name).update(file="")

    transaction.on_commit(purge)


def rollback_batch(batch: ImportBatch, *, user: Any = None, via: str = "import") -> ImportBatch:
    """Undo everything a batch did, newest first, through the ledger's services: delete
    the records it created, put back the values it changed, and — money is never deleted —
    reverse the fund flows it recorded (and re-record the ones it corrected).

    Every change it made is checked first, so a rollback that must be refused (a record
    changed since) undoes nothing. Then each change is undone in a short transaction of its
    own that also forgets it, so rolling back a large batch never holds the database for
    long, and a rollback interrupted half-way goes on where it stopped when run again."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status not in (ImportBatch.Status.IMPORTED, ImportBatch.Status.ROLLING_BACK):
            raise ValidationError(_("只有已导入的批次可以撤销"))
    changes = batch.changes.order_by("-id")
    for change in changes.filter(action=ImportChange.Action.UPDATED).iterator():
        _undoable_update(_model(change.record_type), change.data)
    reason = _("撤销导入批次#%(id)s（%(file)s）") % {"id": batch.pk, "file": batch.file_name}
    for change in list(changes):
        with transaction.atomic():
            _undo(change, user, via, reason)
            ImportChange.objects.filter(pk=change.pk).delete()
    batch.status = ImportBatch.Status.ROLLED_BACK
    batch.rolled_back_at = timezone.now()
    batch.rolled_back_by = user if getattr(user, "pk", None) else None
    batch.save(update_fields=["status", "rolled_back_at", "rolled_back_by"])
    return batch


def _undo(change: ImportChange, user: Any, via: str, reason: str) -> None:
    model = _model(change.record_type)
    if change.action == ImportChange.Action.CREATED:
        _undo_created(model, change.data["ids"], user, via, reason)
    elif change.action == ImportChange.Action.UPDATED:
        _undo_updated(model, change.data, user, via)
    else:
        _undo_corrected(change.data, user, via, reason)


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _undo_created(
    model: type[models.Model], ids: list[int], user: Any, via: str, reason: str
) -> None:
    if model is FundFlow:
        for part in _chunks(ids):
            flows = list(FundFlow.objects.filter(pk__in=part))
            ledger.bulk_reverse_fund_flows(flows, acting_user=user, via=via, reason=reason)
        return
    for part in _chunks(list(reversed(ids))):
        for obj in model._default_manager.filter(pk__in=part).order_by("-pk"):
            ledger.delete_record(obj, acting_user=user, via=via)


def _undoable_update(model: type[models.Model], data: dict[str, Any]) -> models.Model:
    """The record an import changed, if it still holds what the import wrote."""
    obj = model._default_manager.filter(pk=data["record_id"]).first()
    if obj is None:
        raise ValidationError(_("导入时修改的记录已被删除，不能自动撤销"))
    now = snapshot(obj, data["after"])
    for name, value in data["after"].items():
        current = now[name]
        if isinstance(value, dict) and "secret" in value:
            same = decrypt(current["secret"]) == decrypt(value["secret"])
        else:
            same = current == value
        if not same:
            raise ValidationError(
                _("记录“%(record)s”在导入后又被修改（%(field)s），不能自动撤销；请手工核对")
                % {"record": obj, "field": obj._meta.get_field(name).verbose_name}
            )
    return obj


def _undo_updated(model: type[models.Model], data: dict[str, Any], user: Any, via: str) -> None:
    obj = _undoable_update(model, data)
    ledger.update_record(obj, acting_user=user, via=via, **restore(obj, data["before"]))


def _undo_corrected(data: dict[str, Any], user: Any, via: str, reason: str) -> None:
    replacement = FundFlow.objects.get(pk=data["replacement_id"])
    ledger.reverse_fund_flow(replacement, acting_user=user, via=via, reason=reason)
    original = FundFlow.objects.get(pk=data["record_id"])
    ledger.record_fund_flow(
        acting_user=user,
        via=via,
        **ledger.recorded_fields(original),
    )


__all__ = [
    "ImportRefused",
    "Report",
    "RowError",
    "batches_for",
    "check_file",
    "discard_batch",
    "import_file",
    "may_see",
    "purge_original",
    "resume_batch",
    "rollback_batch",
    "stale_batches",
    "store_report",
]

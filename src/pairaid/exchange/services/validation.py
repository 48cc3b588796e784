"""One pass over the rows of a file: clean and validate every row, or validate and write
them a chunk at a time (`Pass`); the rejected rows as a file of their own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from pairaid.exchange import cells
from pairaid.exchange.cells import CellError
from pairaid.exchange.columns import KEEP
from pairaid.exchange.models import ImportBatch, ImportChange
from pairaid.exchange.readers import Source
from pairaid.exchange.services.layout import (
    ADDED,
    CHANGED,
    HISTORY,
    PREVIEW_ROWS,
    REJECTED,
    STATUS_LABELS,
    UNCHANGED,
    ImportRefused,
    Layout,
    Progress,
    Report,
    RowError,
)
from pairaid.exchange.specs import Context, Importer
from pairaid.ledger.audit_chain import lock_chains
from pairaid.ledger.messages import readable
from pairaid.lib.personal_data import (
    EncryptedTextField,
    decrypt,
    encrypt,
    mask_id_number,
    mask_phone,
)

CHUNK = 1000


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
        # Every chain this chunk may log to, locked at once in order (no deadlock with
        # another import or service touching the same pairings in another order).
        lock_chains(getattr(importer.pairing_of(row.values, row.obj), "pk", None) for row in rows)
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

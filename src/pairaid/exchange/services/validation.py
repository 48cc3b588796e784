"""One pass over the rows of a file, cleaning and validating every row, and writing what it
validated a chunk at a time (`Pass`); the rejected rows as a file of their own."""

from __future__ import annotations

import datetime as dt
import pickle
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.exchange import cells
from pairaid.exchange.cells import CellError
from pairaid.exchange.columns import KEEP, CellMemo
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
    Layout,
    Progress,
    Report,
    RowError,
)
from pairaid.exchange.specs import Context, Importer
from pairaid.exchange.xlsxstream import FormulaWithoutValue
from pairaid.ledger.audit_chain import lock_chains
from pairaid.ledger.batch_clean import BatchCleaner
from pairaid.ledger.messages import readable
from pairaid.ledger.services import pairing_of
from pairaid.lib.fields import own_field
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
    candidate: models.Model | None = None  # a new record, validated (`full_clean`)
    obj_pk: Any = None  # the stored record a changed row changes


def _is_comment(cells_: list[Any]) -> bool:
    """The template's notes and example rows start with 【: they are not records."""
    for cell in cells_:
        if not cells.is_blank(cell):
            return isinstance(cell, str) and cell.lstrip().startswith("【")
    return False


# The class attributes of fields whose value is kept in the record's __dict__ as it is.
_PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute)


class Kept:
    """The rows a check validated, a chunk at a time, compressed in memory: the import
    writes these (`Pass.write_kept`) instead of reading, cleaning and validating the file
    again. A new record is kept as its columns' values (the records it refers to once, by
    id, outside the chunks); personal data never leaves the process."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = model._meta.concrete_fields
        self.refs = [f for f in self.fields if isinstance(f, models.ForeignObject)]
        self.related: dict[tuple[str, Any], models.Model] = {}
        self.chunks: list[tuple[int, bytes]] = []  # (rows read up to, the rows to write)
        self.attnames = [f.attname for f in self.fields]
        # Records are made again from their columns without the constructor when it is
        # Django's own and nothing listens to its signals.
        self.fast = (
            model.__init__ is models.Model.__init__
            and not signals.pre_init.has_listeners(model)
            and not signals.post_init.has_listeners(model)
            and all(type(model.__dict__.get(name)) in _PLAIN_ATTRIBUTES for name in self.attnames)
        )

    def add(self, done: int, rows: list[Row]) -> None:
        kept = []
        for row in rows:
            if row.status == ADDED and row.candidate is not None:
                kept.append((row.index, row.number, ADDED, row.key, self._columns(row.candidate)))
            elif row.status == CHANGED and row.obj is not None:
                kept.append((row.index, row.number, CHANGED, row.key, (row.values, row.obj.pk)))
        if kept:
            data = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)
            self.chunks.append((done, zlib.compress(data, 1)))

    def _columns(self, obj: models.Model) -> tuple[Any, ...]:
        for ref in self.refs:
            if ref.is_cached(obj):
                related = ref.get_cached_value(obj)
                if related is not None:
                    self.related.setdefault((ref.name, related.pk), related)
        return tuple(getattr(obj, f.attname) for f in self.fields)

    def _record(self, columns: tuple[Any, ...]) -> models.Model:
        if self.fast:
            # What the model's own constructor makes of its columns given in order, without
            # its per-field work: the values were the constructed record's, already checked.
            obj = self.model.__new__(self.model)
            obj.__dict__.update(zip(self.attnames, columns, strict=True))
            obj._state = ModelState()
        else:
            obj = self.model(*columns)
        for ref in self.refs:
            related = self.related.get((ref.name, getattr(obj, ref.attname)))
            if related is not None:
                ref.set_cached_value(obj, related)
        return obj

    def __iter__(self) -> Iterator[tuple[int, list[Row]]]:
        for done, data in self.chunks:
            rows = []
            for index, number, status, key, kept in pickle.loads(zlib.decompress(data)):
                row = Row(index, number, [], key=key, status=status)
                if status == ADDED:
                    row.candidate = self._record(kept)
                else:
                    row.values, row.obj_pk = kept
                rows.append(row)
            yield done, rows


class Pass:
    """One read of the file, validating every row (and keeping the valid ones, `kept`);
    then `write_kept` writes what it kept."""

    def __init__(
        self,
        source: Source,
        importer: Importer,
        sheet: str,
        layout: Layout,
        context: Context,
        report: Report,
        *,
        kept: Kept | None = None,
        batch: ImportBatch | None = None,
        progress: Progress | None = None,
        rejected: RejectedWriter | None = None,
        total: int = 0,
    ) -> None:
        self.source, self.importer, self.sheet, self.layout = source, importer, sheet, layout
        self.context, self.report = context, report
        self.kept, self.batch = kept, batch
        self.progress, self.rejected, self.total = progress, rejected, total
        self.seen: dict[int, int] = {}
        self.columns = [c for c in importer.importable() if c.field in layout.positions]
        self.memos = {c.field: CellMemo() for c in self.columns if c.pure}
        self.fk_fields = [f.name for f in importer.model._meta.concrete_fields if f.is_relation]
        self.cleaner = BatchCleaner(importer.model, exclude=self.fk_fields)
        self.reason = ""
        self.today = timezone.localdate()
        context.units = dict(layout.units)

    def header(self, name: str) -> str:
        if name in self.layout.headers:
            return self.layout.headers[name]
        try:
            return self.importer.column(name).header
        except KeyError:
            try:
                return str(own_field(self.importer.model, name).verbose_name)
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
            self.progress("validate", index, index)

    # --- a chunk of rows ------------------------------------------------------------

    def chunk(self, rows: list[Row]) -> None:
        self.today = timezone.localdate()  # the rows' "today" (FundFlow.checked_on), read once
        live = []
        for row in rows:
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
        candidates = []
        for row in live:
            if not row.errors:
                found = self.classify(row, existing.get(row.key, []))
                if found is not None:
                    candidates.append((row, *found))
        self.validate(candidates)
        for row in live:
            if row.errors:
                row.status = REJECTED
        self.finish(rows)
        done = rows[-1].index + 1
        if self.kept is not None:
            self.kept.add(done, rows)
        if self.progress:
            self.progress("validate", done, max(done, self.total))

    def write_kept(self, kept: Kept) -> None:
        """Write the rows the check validated, a chunk at a time, each chunk in a short
        transaction of its own. A chunk is looked up again first: a record that someone
        else has since made with the same key refuses the import (`recheck`)."""
        for done, rows in kept:
            with transaction.atomic():  # one short write transaction per chunk
                self.recheck(rows)
                self.apply(rows)
            if self.progress:
                self.progress("write", done, max(done, self.total))

    def recheck(self, rows: list[Row]) -> None:
        """The stored records the rows change, fetched again (one query a chunk): the
        ledger as it is now, not as it was when the file was checked."""
        existing = self.importer.find(row.key for row in rows)
        for row in rows:
            matches = existing.get(row.key, [])
            if [obj.pk for obj in matches] != ([row.obj_pk] if row.status == CHANGED else []):
                raise ValidationError(
                    _(
                        "工作表“%(sheet)s”第%(row)s行：检查文件之后，台账中的这条记录"
                        "（%(key)s）已有变化，请重新导入"
                    )
                    % {"sheet": self.sheet, "row": row.number, "key": self.importer.key_words}
                )
            if row.status == CHANGED:
                row.obj = matches[0]
                row.changes = self.importer.changes(row.obj, row.values)

    def clean(self, row: Row, raw: dict[str, Any]) -> None:
        for column in self.columns:
            cell = raw.get(column.field)
            if isinstance(cell, FormulaWithoutValue):
                row.errors.append((self.header(column.field), _formula_message(cell)))
                continue
            memo = self.memos.get(column.field)
            try:
                if memo is None:
                    value = column.clean(cell, self.context, row.values)
                else:
                    value = memo.clean(column, cell, self.context, row.values)
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

    def classify(
        self, row: Row, matches: list[models.Model]
    ) -> tuple[models.Model, models.Model | None] | None:
        """The record a row would make or change (`candidate`, and the stored one it
        changes), to validate with the others of its chunk; None when the row changes
        nothing or is refused here."""
        importer = self.importer
        if len(matches) > 1:
            row.errors.append(
                (
                    self.header(importer.key_column),
                    _("台账中已有%(n)s条%(key)s相同的记录，无法确定更新哪一条")
                    % {"n": len(matches), "key": importer.key_words},
                )
            )
            return None
        obj = matches[0] if matches else None
        changed: list[str] | None = None
        if obj is None:
            candidate = importer.new(row.values)
        else:
            row.obj = obj
            row.changes = importer.changes(obj, row.values)
            if not row.changes:
                row.status = UNCHANGED
                return None
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
            return None
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
                    return None
        checked_on = getattr(candidate, "checked_on", None)
        if checked_on is not None:
            checked_on(self.today)
        return candidate, obj

    def validate(self, found: list[tuple[Row, models.Model, models.Model | None]]) -> None:
        """The model's rules for each record a chunk would make or change: its `full_clean`
        (without the references, which the columns checked), a column at a time for the
        whole chunk (`BatchCleaner`: the same refusals, the same messages)."""
        self.cleaner.prepare([candidate for _row, candidate, _obj in found])
        for index, (row, candidate, obj) in enumerate(found):
            try:
                self.cleaner.validate(index, candidate)
            except ValidationError as exc:
                for name, messages in _messages(exc).items():
                    column = "" if name == NON_FIELD_ERRORS else self.header(name)
                    row.errors.extend((column, message) for message in messages)
                continue
            row.status = CHANGED if obj is not None else ADDED
            if obj is None:
                row.candidate = candidate

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
        lock_chains(
            getattr(pairing_of(row.candidate), "pk", None)
            if row.candidate is not None
            else getattr(importer.pairing_of(row.values, row.obj), "pk", None)
            for row in rows
        )
        new = [row.candidate for row in rows if row.status == ADDED and row.candidate]
        entries = []
        if new:
            created = importer.create(new, context, validated=True)
            entries.append(
                ImportChange(
                    batch=self.batch,
                    action=ImportChange.Action.CREATED,
                    record_type=importer.model._meta.label,
                    data={"ids": [obj.pk for obj in created]},
                )
            )
        for row in rows:
            if row.status != CHANGED or not row.changes:
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


def _formula_message(cell: FormulaWithoutValue) -> str:
    return _(
        "单元格%(cell)s是公式（%(formula)s），但文件中没有它的计算结果：请在Excel中打开、"
        "重新计算并保存后再导入"
    ) % {"cell": cell.cell, "formula": str(cell)}


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
        model_field = own_field(type(obj), name)
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
        model_field = own_field(type(obj), name)
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

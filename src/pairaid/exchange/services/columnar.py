"""The fund ledger's import a column at a time (`ColumnarPass`): a chunk of rows is read as
columns, each column cleaned in one loop (each distinct cell once where the value depends on
the cell alone; amounts, vouchers and notes, distinct per row, by a short path for the
usual cells), the model's rules checked a column at a time (`services.fund_rows.check_columns`:
`BatchCleaner.column_suspects` and `FundFlow.clean_columns`), and the chunk kept as columns
(`ColumnarKept`) that `services.bulk_record_fund_flow_columns` writes with no model instance
per row.

It decides nothing of its own: a chunk in which any row is not plainly a new, valid entry — a
cell the short paths do not read, a cell or a look-up refused, a rule a row may break, a key
seen before or already in the ledger, a pairing out of scope or a locked year, a history row,
a formula without its value — goes through the per-row pass (`Pass.chunk`) as a whole, which
says what is wrong with the same messages, rows and columns, in the same order. The other
kinds of record, and a fund ledger with a column this path does not know, go the per-row
way throughout. `PAIRAID_IMPORT_COLUMNAR=0` turns it off (`tests/test_import_columnar.py`
compares both ways on drawn ledgers).
"""

from __future__ import annotations

import heapq
import pickle
import zlib
from collections.abc import Iterator
from decimal import Decimal
from operator import itemgetter, methodcaller
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.exchange.cells import CellError
from pairaid.exchange.columns import KEEP, CodeColumn, Column, MoneyColumn, TextColumn
from pairaid.exchange.models import ImportChange
from pairaid.exchange.services import validation
from pairaid.exchange.services.layout import ADDED, PREVIEW_ROWS
from pairaid.exchange.services.validation import Kept, Pass, Row, _is_comment
from pairaid.exchange.specs.funds import FundImporter
from pairaid.exchange.xlsxstream import FormulaWithoutValue
from pairaid.ledger import services
from pairaid.ledger.audit_chain import lock_chains
from pairaid.ledger.models import FundFlow
from pairaid.ledger.money import MAX_AMOUNT, to_fen
from pairaid.ledger.services.fund_rows import GIVEN, FlowColumns, check_columns

# The fund ledger's columns this path reads (the export-only ones are not read at all).
HANDLED = frozenset(
    {
        "pairing",
        "kind",
        "fund_year",
        "date",
        "amount",
        "source",
        "project",
        "voucher",
        "note",
        "cross_year_reason",
        "state",
        "confirmation",
    }
)
# The columns every fund ledger has (the layout refuses a file without them).
REQUIRED = frozenset({"pairing", "kind", "fund_year", "date", "amount", "source", "voucher"})
_CENT = Decimal("0.01")
_ONE = Decimal(1)
_REFUSED = object()
_QUOTED = methodcaller("startswith", "'")


class _Refused(Exception):
    """This chunk goes the per-row way."""


class ColumnarKept(Kept):
    """`Kept`, with chunks kept as columns (`FlowColumns` and the rows' numbers) beside the
    chunks kept as rows; `parts` gives both in the file's order."""

    def __init__(self, model: type[models.Model]) -> None:
        super().__init__(model)
        self.column_chunks: list[tuple[int, bytes]] = []

    def add_columns(self, done: int, numbers: list[int], flows: FlowColumns) -> None:
        data = pickle.dumps((numbers, flows), protocol=pickle.HIGHEST_PROTOCOL)
        self.column_chunks.append((done, zlib.compress(data, 1)))

    def parts(self) -> Iterator[tuple[int, list[Row] | tuple[list[int], FlowColumns]]]:
        columns = ((done, pickle.loads(zlib.decompress(data))) for done, data in self.column_chunks)
        yield from heapq.merge(iter(self), columns, key=lambda part: part[0])


class ColumnarPass(Pass):
    """`Pass`, a column at a time for the fund ledger (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fast = (
            getattr(settings, "PAIRAID_IMPORT_COLUMNAR", True)
            and isinstance(self.importer, FundImporter)
            and set(self.layout.positions) <= HANDLED
            and (self.kept is None or isinstance(self.kept, ColumnarKept))
        )
        self.refs: dict[tuple[Any, ...], Any] = {}

    def run(self) -> None:
        if not self.fast:
            super().run()
            return
        pending: list[tuple[int, list[Any]]] = []
        index = 0
        for number, cells_ in self.source.rows(self.sheet):
            if number <= self.layout.header_row or _is_comment(cells_):
                continue
            pending.append((number, cells_))
            if len(pending) >= validation.CHUNK:  # read here: a test may make chunks small
                self.columns_chunk(index, pending)
                index += len(pending)
                pending = []
        if pending:
            self.columns_chunk(index, pending)
            index += len(pending)
        if self.progress:
            self.progress("validate", index, index)

    def columns_chunk(self, start: int, pending: list[tuple[int, list[Any]]]) -> None:
        try:
            self.fast_chunk(start, pending)
        except _Refused:
            self.chunk([Row(start + i, number, c) for i, (number, c) in enumerate(pending)])

    # --- a chunk as columns -------------------------------------------------------------

    def fast_chunk(self, start: int, pending: list[tuple[int, list[Any]]]) -> None:
        """Check a chunk as columns and keep it; `_Refused` when a row needs the per-row
        pass (nothing of the chunk is kept or counted then)."""
        self.today = timezone.localdate()
        count = len(pending)
        positions = self.layout.positions

        lines = [c for _number, c in pending]
        width = min(map(len, lines))  # a spreadsheet's rows are all as wide as its sheet

        def cells_of(name: str) -> list[Any]:
            at = positions[name]
            if at < width:
                return list(map(itemgetter(at), lines))
            return [c[at] if at < len(c) else None for c in lines]

        if "state" in positions:
            for cell in set(cells_of("state")):
                if self.importer.is_history({"state": cell}):
                    raise _Refused
        values: dict[str, list[Any]] = {}
        for column in self.columns:
            found = cells_of(column.field)
            if FormulaWithoutValue in set(map(type, found)):
                raise _Refused
            values[column.field] = self.clean_column(column, found, values)
        if not set(values) >= REQUIRED:
            raise _Refused
        pairings = values["pairing"]
        blank: list[Any] = [""] * count
        flows = FlowColumns(
            pairing_id=[pairing.pk for pairing in pairings],
            kind=values["kind"],
            fund_year=values["fund_year"],
            date=values["date"],
            amount=[to_fen(amount) for amount in values["amount"]],
            source=values["source"],
            project_id=[p.pk if p is not None else None for p in values.get("project", ())]
            or [None] * count,
            voucher=values["voucher"],
            note=values.get("note", blank),
            cross_year_reason=values.get("cross_year_reason", blank),
        )
        keys = self.keys_of(flows)
        digests = [hash(key) for key in keys]
        seen = self.seen
        if len(set(digests)) != count or any(digest in seen for digest in digests):
            raise _Refused
        if self.importer.find(keys):
            raise _Refused
        self.check_scope(pairings, flows)
        projects = {p.pk: p.pairing_id for p in values.get("project", ()) if p is not None}
        checked = {name: getattr(flows, name) for name in GIVEN}
        checked["amount"] = values["amount"]  # as Decimal yuan, as the flows would hold them
        if check_columns(flows, checked, self.today, projects):
            raise _Refused
        # Every row is a new, valid entry: counted, previewed and kept as columns.
        self.report.statuses.extend(bytes([ADDED]) * count)
        preview = self.report.preview.setdefault("rows", [])
        for i, (number, cells_) in enumerate(pending[: max(0, PREVIEW_ROWS - len(preview))]):
            preview.append(self.preview_row(Row(start + i, number, cells_, status=ADDED)))
        numbers = [number for number, _cells in pending]
        seen.update(zip(digests, numbers, strict=True))
        done = start + count
        if isinstance(self.kept, ColumnarKept):
            self.kept.add_columns(done, numbers, flows)
        if self.progress:
            self.progress("validate", done, max(done, self.total))

    def keys_of(self, flows: FlowColumns) -> list[tuple[Any, ...]]:
        """The rows' keys, as `importer.key_of` makes them."""
        names = {"pairing": "pairing_id", "project": "project_id"}
        return list(zip(*(getattr(flows, names.get(n, n)) for n in self.importer.key), strict=True))

    def check_scope(self, pairings: list[Any], flows: FlowColumns) -> None:
        """What `classify` asks of each row: the user may write in its pairing, its year is
        not locked; once per pairing and per pairing and fund year."""
        by_pk = {pairing.pk: pairing for pairing in pairings}
        for pairing in by_pk.values():
            if not self.importer.may_write(self.context, pairing, None):
                raise _Refused
        for pk, year in set(zip(flows.pairing_id, flows.fund_year, strict=True)):
            candidate = FundFlow(pairing=by_pk[pk], fund_year=year)
            locked = self.importer.lock_year(candidate, None)
            if locked and self.context.locked(pk, locked):
                raise _Refused

    def clean_column(self, column: Column, found: list[Any], values: dict[str, Any]) -> list[Any]:
        """The column's cells cleaned as `column.clean` cleans them; `_Refused` for a cell
        it refuses (or leaves as it is, KEEP)."""
        context, name = self.context, column.field
        if name == "pairing":
            return [self.ref(column, cell, None) for cell in found]
        if name == "project":
            if "pairing" not in values:
                raise _Refused
            pairings = values["pairing"]
            return [self.ref(column, cell, p) for cell, p in zip(found, pairings, strict=True)]
        if isinstance(column, MoneyColumn):
            return self.money(column, found)
        if isinstance(column, TextColumn | CodeColumn):
            return self.text(column, found)
        memo = self.memos.get(name)
        if memo is None:
            raise _Refused
        # Each distinct cell once, as `CellMemo` tells cells apart (by type and value).
        try:
            keys = list(zip(map(type, found), found, strict=True))
            cleaned = dict.fromkeys(keys)
        except TypeError:  # an unhashable cell
            raise _Refused from None
        for key in cleaned:
            try:
                value = memo.clean(column, key[1], context, {})
            except CellError:
                raise _Refused from None
            if value is KEEP:
                raise _Refused
            cleaned[key] = value
        return list(map(cleaned.__getitem__, keys))

    def ref(self, column: Column, cell: Any, pairing: Any) -> Any:
        """A looked-up record (a pairing; a project within its row's pairing), once per
        distinct cell (and pairing)."""
        slot = (column.field, getattr(pairing, "pk", None), type(cell), cell)
        found = self.refs.get(slot, _REFUSED)
        if found is _REFUSED:
            try:
                found = column.clean(cell, self.context, {"pairing": pairing})
            except CellError:
                found = _REFUSED
            self.refs[slot] = found
        if found is _REFUSED or found is KEEP:
            raise _Refused
        return found

    def money(self, column: MoneyColumn, found: list[Any]) -> list[Decimal]:
        """`parse_money` of each cell: a spreadsheet number in yuan with at most two places
        directly (the same Decimal), anything else by the column itself."""
        plain = (self.context.units.get(column.field) or _ONE) == 1
        out = []
        for cell in found:
            if plain and type(cell) is float and 0 < cell < 1e15:
                text = format(cell, ".15g")
                point = text.find(".")
                if "e" not in text and (point < 0 or len(text) - point <= 3):
                    value = Decimal(text)
                    if value <= MAX_AMOUNT:
                        out.append(value.quantize(_CENT))
                        continue
            try:
                value = column.clean(cell, self.context, {})
            except CellError:
                raise _Refused from None
            if value is KEEP or value is None:
                raise _Refused
            out.append(value)
        return out

    def text(self, column: Column, found: list[Any]) -> list[str]:
        """`parse_text` (or `parse_code`) of each cell: text that needs no more than its outer
        spaces taken off directly, anything else by the column itself."""
        required = column.required
        if set(map(type, found)) == {str}:
            stripped = list(map(str.strip, found))
            if all(stripped) and not any(map(_QUOTED, stripped)):
                return stripped
        out = []
        for cell in found:
            if type(cell) is str:
                text = cell.strip()
                if text and text[0] != "'":
                    out.append(text)
                    continue
                if not text and not required:
                    out.append("")
                    continue
            elif cell is None and not required:
                out.append("")
                continue
            try:
                value = column.clean(cell, self.context, {})
            except CellError:
                raise _Refused from None
            if value is KEEP:
                raise _Refused
            out.append(value)
        return out

    # --- writing ------------------------------------------------------------------------

    def write_kept(self, kept: Kept) -> None:
        if not isinstance(kept, ColumnarKept):
            super().write_kept(kept)
            return
        for done, part in kept.parts():
            with transaction.atomic():  # one short write transaction per chunk
                if isinstance(part, list):
                    self.recheck(part)
                    self.apply(part)
                else:
                    self.write_columns(*part)
            if self.progress:
                self.progress("write", done, max(done, self.total))

    def write_columns(self, numbers: list[int], flows: FlowColumns) -> None:
        """A chunk kept as columns: looked up again as `recheck` looks up rows (a record
        someone made with the same key since the check refuses the import), then written."""
        assert self.batch is not None
        keys = self.keys_of(flows)
        existing = self.importer.find(keys)
        if existing:
            number = next(n for n, key in zip(numbers, keys, strict=True) if key in existing)
            raise ValidationError(
                _(
                    "工作表“%(sheet)s”第%(row)s行：检查文件之后，台账中的这条记录"
                    "（%(key)s）已有变化，请重新导入"
                )
                % {"sheet": self.sheet, "row": number, "key": self.importer.key_words}
            )
        lock_chains(set(flows.pairing_id))
        ids = services.bulk_record_fund_flow_columns(
            flows, acting_user=self.context.user, via=self.context.via, validated=True
        )
        ImportChange.objects.create(
            batch=self.batch,
            action=ImportChange.Action.CREATED,
            record_type=self.importer.model._meta.label,
            data={"ids": ids},
        )

"""The national set's bulk writer (see national.py): rows written in large batches that
still pass every database constraint and trigger, with one audit entry per batch."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from operator import itemgetter
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

from pairaid.ledger import search
from pairaid.ledger.demo.base import VIA
from pairaid.ledger.models import Organisation, Pairing, Person, Project, Region, SearchKey
from pairaid.ledger.money import to_fen
from pairaid.ledger.moneyfield import MoneyField
from pairaid.ledger.services.audit import _append, _entry
from pairaid.ledger.services.search import index_records

BATCH = 2_000  # rows per INSERT statement group (bulk_create batch_size)


@dataclass
class Leaf:
    """A county pairing and what its records need: its sides' regions and bodies."""

    pairing: Pairing
    county: Region
    townships: list[Region]
    helper_bodies: list[Organisation]
    recipient_bodies: list[Organisation]
    helper_code: str


@dataclass
class Bulk:
    """Writes rows in large batches, with one audit entry per batch.

    The few model instances of the tree (regions, bodies, pairings) go through
    `bulk_create`, which reads their ids back. The many records (`Row`s) go through
    `insert`: on SQLite one parameterised INSERT run over many rows (`executemany`), on
    PostgreSQL one COPY, with each value prepared by its field (`get_db_prep_save`, so
    money is whole fen), which skips the ORM's per-row SQL compilation. When their ids are
    needed later (projects, persons, the fund flows a reversal points at) they are
    allocated before the write (`allocate_ids`). Both write to the real tables, so every
    constraint and trigger still checks every row. Projects and persons get their search
    keys in the same way, each distinct name's pinyin worked out once."""

    acting_user: Any = None
    counts: Counter[str] = field(default_factory=Counter)
    today: dt.date = field(default_factory=timezone.localdate)
    entries: list[Any] = field(default_factory=list)  # audit entries not yet appended
    keys: dict[str, str] = field(default_factory=dict)  # search key of each distinct text
    # the subtree rollups are rebuilt when the load ends (bulk_load.set_aside): not added to
    subtrees_rebuilt: bool = False

    def write(
        self,
        model: type[models.Model],
        objs: Sequence[models.Model] | Sequence[Row],
        audit_on: models.Model,
        *,
        ids: bool = True,
    ) -> list[Any]:
        """Write `objs` (model instances or `Row`s of `model`) in batches, each with its audit
        entry; returns them, with their ids when `ids`."""
        created: list[Any] = []
        for start in range(0, len(objs), BATCH * 5):
            chunk: list[Any] = list(objs[start : start + BATCH * 5])
            if not chunk:
                continue
            span: dict[str, Any] = {}
            if ids and not isinstance(chunk[0], Row):
                chunk = model._default_manager.bulk_create(chunk, batch_size=BATCH)
                span = {"first_id": chunk[0].pk, "last_id": chunk[-1].pk}
                index_records(chunk)  # findable from the search box, as the services do
            elif ids:
                for obj, pk in zip(chunk, allocate_ids(model, len(chunk)), strict=True):
                    obj.id = pk
                insert(model, chunk, with_ids=True)
                span = {"first_id": chunk[0].id, "last_id": chunk[-1].id}
                self.index(model, chunk)
            else:
                insert(model, chunk)
            created += chunk
            self.entries.append(
                _entry(
                    audit_on,
                    f"{model._meta.model_name}.bulk_loaded",
                    self.acting_user,
                    VIA,
                    {"count": len(chunk), **span, "data_set": "national"},
                    timezone.now(),
                )
            )
        self.counts[model._meta.model_name or model.__name__] += len(created)
        return created

    def index(self, model: type[models.Model], rows: Sequence[Row]) -> None:
        """The search keys of new projects and persons, as `search.describe` makes them
        (tests/test_demo_national.py compares the two)."""
        described: list[tuple[str, str, tuple[str, str], int | None, Row]]
        if model is Project:
            described = [
                (SearchKey.Kind.PROJECT, f"{r.code} {r.name}", (r.name, r.code), r.pairing_id, r)
                for r in rows
            ]
        elif model is Person:
            described = [(SearchKey.Kind.PERSON, r.name, (r.name, r.number), None, r) for r in rows]
        else:
            return
        keys = [
            row(
                SearchKey,
                kind=kind,
                record_id=r.id,
                label=label[:300],
                key=" ".join(k for k in map(self.key, texts) if k)[:1000],
                pairing_id=pairing_id,
            )
            for kind, label, texts, pairing_id, r in described
        ]
        insert(SearchKey, keys)

    def key(self, text: str) -> str:
        """`search.key_for(text)`, worked out once per distinct text; a code of latin letters,
        digits and hyphens is its own key (lowercased), as key_for makes it."""
        text = (text or "").strip()
        if text not in self.keys:
            self.keys[text] = text.lower() if CODE.fullmatch(text) else search.key_for(text)
        return self.keys[text]

    def log(self) -> None:
        """Append the batches' audit entries written since the last call, at once (one lock
        of each audit chain, one INSERT): before the transaction that wrote them commits."""
        _append(self.entries)
        self.entries = []


CODE = re.compile(r"[0-9A-Za-z-]+")


class Row:
    """One record's column values (by attname) for `insert`, without a model instance: for
    hundreds of thousands of rows, `Model.__init__` would cost more than preparing and
    writing them. `pk` is its `id` once `allocate_ids` has given it one."""

    id: int | None

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__ = values

    def __getattr__(self, name: str) -> Any:
        """A column this row was not given (only `id` before `allocate_ids`): as on a model
        instance, reading it is an error; the type checker takes the columns as `Any`."""
        raise AttributeError(name)

    @property
    def pk(self) -> int | None:
        return self.__dict__.get("id")


SQLITE_CACHE_KIB = 256 * 1024
# What the load sets on SQLite, restored after it: a page cache of SQLITE_CACHE_KIB (the
# default 2 MiB makes every index insert of a large table read its pages again from the
# file), and statement journals in memory: each row of an executemany is a statement of its
# own, and SQLite keeps the pages it touches in a statement journal (to undo that statement
# alone if a constraint refuses it), by default in a temporary file once it passes 64 KiB —
# at 0.03 about 3 GB of writes to /var/tmp, most of the load's system time.
# And the write-ahead log checkpointed every SQLITE_CHECKPOINT_PAGES instead of 1,000: each
# county's transaction touches pages all over the large tables' indexes, and copying them
# back into the file after nearly every commit wrote it over and over (2.5 GB at 0.1).
SQLITE_CHECKPOINT_PAGES = 256 * 1024  # 1 GiB of 4 KiB pages
SQLITE_PRAGMAS = (
    ("cache_size", -SQLITE_CACHE_KIB),
    ("temp_store", 2),  # 2: MEMORY
    ("wal_autocheckpoint", SQLITE_CHECKPOINT_PAGES),
)


@contextmanager
def big_cache() -> Iterator[None]:
    """On SQLite, SQLITE_PRAGMAS for the load, restored after; nothing on other databases.
    (They change neither the database file's format nor its journal mode, WAL.)"""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "sqlite":
        yield
        return
    before: list[tuple[str, int]] = []
    with db.cursor() as cursor:
        for name, value in SQLITE_PRAGMAS:
            if name == "temp_store" and db.in_atomic_block:
                continue  # SQLite changes it only outside a transaction (the tests' case)
            cursor.execute(f"PRAGMA {name}")
            (was,) = cursor.fetchone()
            before.append((name, int(was)))
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with db.cursor() as cursor:
            for name, was in before:
                cursor.execute(f"PRAGMA {name} = {was}")


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new ids of `model`'s table, in ascending order, for rows written with them.

    PostgreSQL: taken from the table's sequence (nextval), as an INSERT would take them, so
    concurrent writers never get the same id. SQLite: the ids after the highest one ever
    given (the table's AUTOINCREMENT counter, or its largest id): the loader's transaction
    holds SQLite's one write lock from its start (transaction_mode IMMEDIATE in settings),
    so no other writer comes in between; were one to, this transaction's write would fail on
    the primary key, never share an id. SQLite moves its counter past the ids written."""
    db = connections[DEFAULT_DB_ALIAS]
    table, column = model._meta.db_table, column_of(model._meta.pk)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return sorted(pk for (pk,) in cursor.fetchall())
        if db.vendor != "sqlite":
            raise NotImplementedError(f"allocate_ids: {db.vendor}")
        quote = db.ops.quote_name
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
        (highest,) = cursor.fetchone()
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        counter = cursor.fetchone()
        first = max(highest or 0, counter[0] if counter else 0) + 1
    return list(range(first, first + count))


_DEFAULTS: dict[type[models.Model], tuple[dict[str, Any], list[models.Field[Any, Any]]]] = {}


def row(model: type[models.Model], **values: Any) -> Row:
    """A `Row` of `model` with the fields' defaults for what `values` leaves out."""
    if model not in _DEFAULTS:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        computed = [f for f in fields if f.has_default() and callable(f.default)]
        _DEFAULTS[model] = (
            {f.attname: f.get_default() for f in fields if f not in computed},
            computed,
        )
    fixed, computed = _DEFAULTS[model]
    made = dict(fixed)
    for f in computed:
        if f.attname not in values:
            made[f.attname] = f.get_default()
    made.update(values)
    return Row(made)


PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


def insert(model: type[models.Model], objs: Sequence[Any], *, with_ids: bool = False) -> None:
    """Write the records' own columns (and their ids if `with_ids`): on SQLite one INSERT of
    many rows (`INSERT … VALUES (…), (…), …`, as many as its limit of parameters allows, up
    to BATCH), COPY on PostgreSQL (constraints and triggers apply to both as to one row).
    `objs` are model instances or `Row`s: both keep the column values in `__dict__`.

    Many rows to a statement rather than a statement per row (executemany): a statement
    that fires a trigger or may fail on a constraint copies every page it changes into its
    statement journal first (to undo itself alone), so a statement per row copied each
    index page it touched once per row (a third of the fund flows' writing time)."""
    fields = [f for f in model._meta.concrete_fields if with_ids or not f.primary_key]
    now = timezone.now()
    db = connections[DEFAULT_DB_ALIAS]  # resolved once: the proxy costs a lookup per use
    # how each value is written: as it is (Django's text, number and boolean fields, ids of
    # related records), as ISO text (dates on SQLite), as whole fen (money), or prepared by
    # its field (encrypted personal data, times — few distinct values, prepared once each —
    # anything else)
    iso_dates = db.vendor == "sqlite"
    converters: list[Callable[[Any], Any] | None] = []
    for f in fields:
        if f.is_relation or (isinstance(f, PLAIN) and type(f).__module__.startswith("django.")):
            converters.append(None)
        elif type(f) is models.DateField:
            converters.append(_iso if iso_dates else None)
        elif isinstance(f, MoneyField):
            converters.append(_fen)
        elif isinstance(f, models.DateTimeField):
            converters.append(_once(f, db, now if f.auto_now_add else None))
        else:
            converters.append(partial(f.get_db_prep_save, connection=db))
    quote = db.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(column_of(f)) for f in fields)
    if not objs:
        return
    # column by column: the values taken from each record at once (itemgetter), then only
    # the columns that need it converted, then back into rows
    take = itemgetter(*(f.attname for f in fields))
    values = [take(obj.__dict__) for obj in objs]
    by_column: list[Sequence[Any]] = (
        list(zip(*values, strict=True)) if len(fields) > 1 else [values]
    )
    for n, convert in enumerate(converters):
        if convert is not None:
            by_column[n] = list(map(convert, by_column[n]))
    rows = list(zip(*by_column, strict=True))
    with db.cursor() as cursor:
        if db.vendor == "postgresql":  # psycopg 3's COPY: the driver's cursor under Django's
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for line in rows:
                    copy.write_row(line)
            return
        limit = db.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per_statement = max(1, min(BATCH, limit // len(fields)))
        marks = f"({', '.join(['%s'] * len(fields))})"
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([marks] * len(chunk))}"
            cursor.execute(sql, [value for line in chunk for value in line])


def column_of(field: models.Field[Any, Any] | None) -> str:
    """The column of a concrete field (Django types it as optional for the others)."""
    if field is None or field.column is None:
        raise ValueError(f"not a concrete field: {field!r}")
    return field.column


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _fen(amount: Decimal | None) -> int | None:
    return None if amount is None else to_fen(amount)


def _once(field: models.Field[Any, Any], db: Any, fill: dt.datetime | None) -> Callable[[Any], Any]:
    """The field's database value of each distinct datetime, prepared once; `fill` for None
    when the field fills it (auto_now_add)."""
    prepared: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value is None:
            value = fill
        if value not in prepared:
            prepared[value] = field.get_db_prep_save(value, db)
        return prepared[value]

    return convert

"""Storing many new records of one model at once, at the speed of the database.

`insert(objs)` is what `Model.objects.bulk_create(objs)` does for new records, for the bulk
services (fund flows and their audit entries): on PostgreSQL the ids are taken from the
table's sequence in one query (as an INSERT would take them) and the rows are sent with
COPY (psycopg 3's `cursor.copy`), which checks every constraint and fires every trigger on
every row as INSERT does, inside the caller's transaction; on SQLite, inside a transaction
(which holds its one write lock), the ids follow the table's largest and the rows go in by
one prepared INSERT run for each (`executemany`); otherwise it is `bulk_create`. Django's
bulk_create sends each column as an array (PostgreSQL) or builds a statement of every
value (SQLite) and prepares every value through its field, which costs more than the
database's own work.

Each value is sent as the field prepares it for the database, except where that is the
value itself (Django's own text, number, boolean and date fields and the ids of related
records): those are sent as they are. A field that fills itself on creation (auto_now_add)
gets one time for the whole batch.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone

from pairaid.ledger.moneyfield import MoneyField

M = TypeVar("M", bound=models.Model)

# Fields whose database value on PostgreSQL is the Python value itself (psycopg adapts it).
PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DateField,
)
BATCH = 1000  # rows per statement where bulk_create is used


def _plain(field: models.Field[Any, Any]) -> bool:
    if field.is_relation:
        return True
    if isinstance(field, models.DateTimeField):  # a subclass of DateField: prepared below
        return False
    return isinstance(field, PLAIN) and type(field).__module__.startswith("django.")


def _converter(
    field: models.Field[Any, Any], dates_plain: bool = True
) -> Callable[[Any], Any] | None:
    """How a value of `field` is sent: as it is (None), or prepared by the field — once per
    distinct value for times (a batch has one or a few) and, unless `dates_plain` (the
    driver sends a date as it is), dates — JSON as its text."""
    if _plain(field) and (dates_plain or not isinstance(field, models.DateField)):
        return None
    if isinstance(field, models.JSONField) and field.encoder is None:
        return _json
    if isinstance(field, MoneyField):
        return field.get_prep_value
    prepare = field.get_db_prep_save
    if isinstance(field, models.DateField):  # and DateTimeField
        prepared: dict[Any, Any] = {}

        def once(value: Any) -> Any:
            if value not in prepared:
                prepared[value] = None if value is None else prepare(value, connection)
            return prepared[value]

        return once

    def convert(value: Any) -> Any:
        return None if value is None else prepare(value, connection)

    return convert


def _json(value: Any) -> str | None:
    """A JSON column's text, as the field's own `json.dumps` makes it."""
    return None if value is None else json.dumps(value)


def _ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new ids from the table's sequence, in increasing order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return sorted(value for (value,) in cursor.fetchall())


def insert(objs: Sequence[M]) -> list[M]:
    """Store new records of one model (their primary keys unset) and set their keys; all
    or none within the caller's transaction. Returns `objs`."""
    if not objs:
        return list(objs)
    model = type(objs[0])
    sqlite = connection.vendor == "sqlite" and connection.in_atomic_block
    if connection.vendor != "postgresql" and not sqlite:
        return model._default_manager.bulk_create(objs, batch_size=BATCH)
    now = timezone.now()
    fields = model._meta.concrete_fields
    for field in fields:
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            for obj in objs:
                setattr(obj, field.attname, now)
    pk = model._meta.pk
    ids = _sqlite_ids(model, len(objs)) if sqlite else _ids(model, len(objs))
    for obj, value in zip(objs, ids, strict=True):
        setattr(obj, pk.attname, value)
    plan = [(field.attname, _converter(field, dates_plain=not sqlite)) for field in fields]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    # a concrete field always has its column (the stubs allow None for the others)
    columns = ", ".join(quote(str(field.column)) for field in fields)
    if sqlite:
        rows = [
            [values[n] if convert is None else convert(values[n]) for n, convert in plan]
            for values in (obj.__dict__ for obj in objs)
        ]
        marks = ", ".join(["%s"] * len(plan))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        return _stored(objs)
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        write = copy.write_row
        for obj in objs:
            values = obj.__dict__
            write([values[n] if convert is None else convert(values[n]) for n, convert in plan])
    return _stored(objs)


def new_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new ids for rows the caller inserts itself (`insert_rows`), in its transaction:
    from the table's sequence on PostgreSQL, after the table's largest on SQLite (whose write
    lock the caller's transaction holds)."""
    if connection.vendor == "postgresql":
        return _ids(model, count)
    if not connection.in_atomic_block:
        raise RuntimeError("new_ids needs the caller's transaction")
    return _sqlite_ids(model, count)


def insert_rows(model: type[models.Model], attnames: Sequence[str], rows: Sequence[Any]) -> None:
    """Store rows already in the database's form (a value per name of `attnames`, the key
    included, from `new_ids`): COPY on PostgreSQL, one prepared INSERT elsewhere. No model
    instance is made: the caller prepares each value as its field would."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column_of = {field.attname: str(field.column) for field in model._meta.concrete_fields}
    columns = ", ".join(quote(column_of[name]) for name in attnames)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                write = copy.write_row
                for row in rows:
                    write(row)
            return
        marks = ", ".join(["%s"] * len(attnames))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def _stored(objs: Sequence[M]) -> list[M]:
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return list(objs)


def _sqlite_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new ids on SQLite, as its AUTOINCREMENT would give them: after the largest
    ever given (sqlite_sequence) and the largest there is. The caller's transaction holds
    SQLite's one write lock from its start (settings: transaction_mode IMMEDIATE), so no
    other writer can take them meanwhile."""
    quote = connection.ops.quote_name
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        cursor.execute(f"SELECT MAX({quote(str(model._meta.pk.column))}) FROM {quote(table)}")
        (largest,) = cursor.fetchone()
    start = max(found[0] if found else 0, largest or 0) + 1
    return list(range(start, start + count))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a batch is made: a batch keeps every record
    and entry it makes alive until it is written, so each collection would scan them all
    again, for nothing (about a third of a batch's time, measured by bench/import.py). Their
    memory is freed by reference counting as usual; the collector runs again after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

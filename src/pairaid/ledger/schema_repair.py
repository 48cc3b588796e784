"""The indexes and triggers a bulk load sets aside, found missing and made again.

A bulk load (`bulk_load.set_aside`) drops the triggers of the rollups kept by triggers and,
on SQLite, some indexes, and puts them back when it ends however it ends, except when its
process is killed outright (SIGKILL, a power cut): then they stay dropped, and neither
`pairaid migrate` (which sees only the migrations it has applied) nor a rebuild of the rollup
tables notices. `missing()` compares the database with what the migrations declare:

- every index of the ledger's models (their `Meta.indexes` and indexed fields, as the
  migrations made them: the models' state is the migrations' state, which
  `makemigrations --check` holds), by name;
- every trigger of the rollups kept by triggers (`bulk_load.TRIGGER_KEPT`), from the
  statements of the migrations that made them (`TRIGGER_SOURCES`), by name.

`restore(found)` makes them again (the indexes as Django's migrations make them, the
triggers from the migrations' statements), in the caller's transaction: `pairaid rollups
rebuild` does, before it rebuilds the tables; `--check` names them and fails.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

from pairaid.ledger.bulk_load import TRIGGER_KEPT

# The migrations' statements of the trigger-kept rollups' triggers, per database: (migration
# module, list of statements); a later statement for the same trigger name replaces an
# earlier one. A migration that changes one of these triggers adds its list here
# (tests/test_schema_repair.py compares them with a migrated database).
TRIGGER_SOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    "postgresql": (
        ("0017_project_rollups", "POSTGRES_FORWARD"),
        ("0019_subtree_rollups", "POSTGRES_FORWARD"),
    ),
    "sqlite": (
        ("0017_project_rollups", "SQLITE_FORWARD"),
        ("0019_subtree_rollups", "SQLITE_FORWARD"),
        ("0021_subtree_rollup_deltas", "SQLITE_TRIGGERS"),
    ),
}
_CREATE_TRIGGER = re.compile(r"^\s*CREATE\s+TRIGGER\s+(\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class Missing:
    kind: str  # "index" or "trigger"
    table: str
    name: str
    sql: str


def declared_triggers() -> dict[str, str]:
    """{trigger name: the statement that creates it} of every trigger-kept rollup, as the
    migrations made them on this database."""
    found: dict[str, str] = {}
    for module, constant in TRIGGER_SOURCES.get(connection.vendor, ()):
        statements = getattr(
            importlib.import_module(f"pairaid.ledger.migrations.{module}"), constant
        )
        for statement in statements:
            match = _CREATE_TRIGGER.match(statement)
            if match:
                found[match.group(1)] = statement.strip()
    prefixes = tuple(kept.rollup._meta.db_table + "_" for kept in TRIGGER_KEPT)
    return {name: sql for name, sql in found.items() if name.startswith(prefixes)}


def _trigger_tables() -> dict[str, str]:
    """{trigger name prefix: the table of the records its triggers are on}."""
    return {kept.rollup._meta.db_table + "_": kept.records._meta.db_table for kept in TRIGGER_KEPT}


def _declared_indexes(model: type[models.Model]) -> Iterator[tuple[str, str]]:
    """(name, statement) of each index the model declares, as its migration creates it."""
    editor = connection.schema_editor()
    # the statements `migrate` runs for the model's indexes (a method the stubs do not list)
    for statement in editor._model_indexes_sql(model):  # type: ignore[attr-defined]
        name = statement.parts.get("name")
        if name is not None:
            yield str(name).strip('"'), str(statement)


def missing() -> list[Missing]:
    """Every declared index and every trigger-kept rollup's trigger the database lacks."""
    found: list[Missing] = []
    with connection.cursor() as cursor:
        present = _index_names(cursor)
        for model in apps.get_app_config("ledger").get_models():
            if not model._meta.managed or model._meta.proxy:
                continue
            table = model._meta.db_table
            for name, sql in _declared_indexes(model):
                if name not in present.get(table, ()):
                    found.append(Missing("index", table, name, sql))
        present_triggers = set(_trigger_names(cursor))
    tables = _trigger_tables()
    for name, sql in declared_triggers().items():
        if name not in present_triggers:
            table = next(t for prefix, t in tables.items() if name.startswith(prefix))
            found.append(Missing("trigger", table, name, sql))
    return found


def _index_names(cursor: Any) -> dict[str, set[str]]:
    """{table: the names of its indexes} of every table, in one query. (Django's
    `get_constraints` would parse each table's statement on SQLite: seconds for the ledger's
    tables, at every `pairaid rollups rebuild`.)"""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT t.relname, i.relname FROM pg_index x"
            " JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE pg_table_is_visible(t.oid)"
        )
    else:
        cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'index'")
    names: dict[str, set[str]] = {}
    for table, name in cursor.fetchall():
        names.setdefault(str(table), set()).add(str(name))
    return names


def _trigger_names(cursor: Any) -> list[str]:
    tables = sorted(set(_trigger_tables().values()))
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid = ANY(%s::regclass[])",
            [tables],
        )
    else:
        marks = ", ".join(["%s"] * len(tables))
        cursor.execute(
            f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
            tables,
        )
    return [str(name) for (name,) in cursor.fetchall()]


def restore(found: Sequence[Missing]) -> None:
    """Make `found` again, indexes first, in one transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        for item in sorted(found, key=lambda item: item.kind):
            cursor.execute(item.sql)

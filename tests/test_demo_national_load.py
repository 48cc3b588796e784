"""`pairaid demo --national SCALE`: what the load sets aside while it writes (the rollups'
triggers, on SQLite the indexes it does not read) changes none of the records it writes,
and is back exactly as it was however the load ends."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models

from pairaid.ledger import bulk_load, subtree_rollups
from pairaid.ledger.demo import national as national_loader
from pairaid.ledger.demo import national_records
from pairaid.ledger.models import (
    AuditChain,
    AuditEntry,
    FundRollup,
    PairingTreeLink,
    ProjectRollup,
    SubtreeFundRollup,
    SubtreePerson,
    SubtreeProjectRollup,
)

SCALE = "0.005"  # ten county pairings
ROLLUPS = (
    FundRollup,
    ProjectRollup,
    PairingTreeLink,
    SubtreeFundRollup,
    SubtreeProjectRollup,
    SubtreePerson,
)


def load(*more: str) -> None:
    if connection.vendor == "postgresql":
        # a --reset empties the tables with TRUNCATE, which waits for no deferred check of
        # this test's transaction: run them now, as a commit would
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("demo", "--national", SCALE, *more, stdout=StringIO(), verbosity=0)


def digest() -> dict[str, str]:
    """{table: a digest of its rows}: every record of the ledger by id, every column but the
    times of recording (when it was written, not what); the rollup tables by their keys
    (their own ids depend on the order rows were added in); the audit entries' actions,
    pairings and changes, and their chains' lengths (not their hashes, which cover times)."""
    found = {}
    for model in apps.get_app_config("ledger").get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if not getattr(f, "auto_now_add", False) and not getattr(f, "auto_now", False)
        ]
        order = ["pk"]
        if model in ROLLUPS:
            fields.remove("id")
            order = fields
        elif model is AuditEntry:
            fields = ["id", "action", "pairing_id", "record_type", "record_id", "changes"]
        elif model is AuditChain:  # its hash covers the entries' times
            fields = ["name", "last_id", "length"]
        rows = model._default_manager.order_by(*order).values_list(*fields)
        hashed = hashlib.sha256()
        for row in rows.iterator(chunk_size=5000):
            hashed.update(repr(row).encode())
        found[model._meta.db_table] = hashed.hexdigest()
    return found


@contextmanager
def nothing_set_aside() -> Iterator[bool]:
    """The reference path: every trigger and index kept, each rollup added to row by row;
    only the tree's links (the loader writes its pairings around the services) and the
    subtree rollups built from them at the end."""
    try:
        yield False
    finally:
        subtree_rollups.rebuild()


def check() -> str:
    out = StringIO()
    call_command("rollups", "rebuild", "--check", stdout=out, stderr=out)
    return out.getvalue()


def test_it_loads_the_same_records_as_with_nothing_set_aside(db, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(bulk_load, "set_aside", nothing_set_aside)
        load("--reset")
    expected = digest()
    load("--reset")
    assert digest() == expected
    assert "不一致" not in check()


def schema() -> dict[str, dict]:
    """Every ledger table's constraints and indexes, as the database describes them; on
    SQLite with the statements that made its indexes, and its triggers."""
    with connection.cursor() as cursor:
        found: dict[str, dict] = {
            model._meta.db_table: connection.introspection.get_constraints(
                cursor, model._meta.db_table
            )
            for model in apps.get_app_config("ledger").get_models()
        }
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                "ORDER BY name"
            )
            found["sqlite_master"] = {name: (kind, sql) for kind, name, sql in cursor.fetchall()}
    return found


def triggers() -> dict[str, list[tuple[str, str]]]:
    return {kept.rollup._meta.db_table: kept.triggers() for kept in bulk_load.TRIGGER_KEPT}


def test_it_puts_every_index_and_trigger_back_when_a_load_fails_midway(db, monkeypatch):
    before, kept = schema(), triggers()
    assert all(kept.values())  # each rollup table kept by triggers has some
    loaded: list[int] = []

    def fail_on_the_second(bulk, leaf, rng):
        if loaded:
            # the load runs without the rollups' triggers and (SQLite) the indexes set aside
            assert all(not found for found in triggers().values())
            during = schema()
            for model, columns in bulk_load.SET_ASIDE_INDEXES:
                table = model._meta.db_table
                indexes = {tuple(info["columns"]) for info in during[table].values()}
                gone = columns not in indexes
                assert gone == (connection.vendor == "sqlite"), (table, columns)
            raise RuntimeError("the load fails midway")
        national_records.load_leaf(bulk, leaf, rng)
        loaded.append(leaf.pairing.pk)

    monkeypatch.setattr(national_loader, "load_leaf", fail_on_the_second)
    with pytest.raises(RuntimeError, match="midway"):
        load()

    assert len(loaded) == 1
    assert schema() == before
    assert triggers() == kept
    # the county it committed is counted in every rollup, its tree's included
    assert "不一致" not in check()
    assert SubtreePerson.objects.filter(
        ancestor__in=PairingTreeLink.objects.filter(descendant_id=loaded[0]).values("ancestor")
    ).exists()


def test_it_sets_aside_only_indexes_the_models_declare(db):
    """Each index the load sets aside is one a model declares (an index of its Meta or a
    field's), so creating it again from the database's statement restores what migrations
    made."""
    for model, columns in bulk_load.SET_ASIDE_INDEXES:
        declared = {
            tuple(model._meta.get_field(name.lstrip("-")).column for name in index.fields)
            for index in model._meta.indexes
        }
        declared |= {
            (f.column,)
            for f in model._meta.concrete_fields
            if isinstance(f, models.Field) and f.db_index and not f.unique
        }
        assert columns in declared, (model, columns)

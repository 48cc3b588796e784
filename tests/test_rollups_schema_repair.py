"""`pairaid rollups rebuild [--check]` after a bulk load killed outright: the triggers of the
rollups kept by triggers (and, on SQLite, the indexes the load sets aside) left dropped are
named by `--check` (exit code 1) and made again by `rebuild`, exactly as the migrations
made them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from pairaid.ledger import bulk_load, schema_repair


def schema() -> dict[str, object]:
    """Every ledger table's constraints and indexes, and the rollups' triggers, as the
    database describes them (on SQLite with their statements)."""
    with connection.cursor() as cursor:
        found: dict[str, object] = {
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
    found["triggers"] = {
        kept.rollup._meta.db_table: kept.triggers() for kept in bulk_load.TRIGGER_KEPT
    }
    return found


def killed_load() -> list[str]:
    """What `bulk_load.set_aside` drops when a load starts, left as a load killed midway
    leaves it; the names dropped."""
    dropped = []
    for kept in bulk_load.TRIGGER_KEPT:
        for name, _sql in kept.triggers():
            kept.drop(name)
            dropped.append(name)
    if connection.vendor == "sqlite":
        for model, columns in bulk_load.SET_ASIDE_INDEXES:
            for name, _sql in bulk_load._index_statements(model, columns):
                with connection.cursor() as cursor:
                    cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                dropped.append(name)
    return dropped


def rebuild(*more: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("rollups", "rebuild", *more, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_finds_nothing_missing_on_a_migrated_database(db):
    assert schema_repair.missing() == []
    declared = schema_repair.declared_triggers()
    present = {name for kept in bulk_load.TRIGGER_KEPT for name, _sql in kept.triggers()}
    assert set(declared) == present and present


def test_it_names_and_restores_what_a_killed_load_left_dropped(db):
    before = schema()
    dropped = killed_load()
    # an index the load never sets aside, lost some other way, is found as well
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX fundflow_by_pairing_kind")
    dropped.append("fundflow_by_pairing_kind")
    assert len(dropped) > 2

    err = StringIO()
    with pytest.raises(CommandError, match="索引或触发器"):
        call_command("rollups", "rebuild", "--check", stdout=StringIO(), stderr=err)
    for name in dropped:
        assert name in err.getvalue()
    assert {item.name for item in schema_repair.missing()} == set(dropped)

    out, _err = rebuild()
    assert f"已重建缺少的 {len(dropped)} 个" in out
    assert schema() == before
    out, err = rebuild("--check")
    assert "索引和触发器齐全" in out and not err


def test_it_keeps_the_rollups_by_triggers_once_restored(db, build):
    killed_load()
    rebuild()
    pairing = build.pairing("修复甲区", "修复乙县")
    project = build.project(pairing)
    assert project.pairing_id == pairing.pk
    out, err = rebuild("--check")  # the project rollups followed the new project
    assert "不一致" not in out + err

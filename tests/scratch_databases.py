"""A Python script run in a fresh database of the suite's kind (SQLite or PostgreSQL), empty
or a copy of the run's demo database: for migrations and for concurrency that needs
connections of its own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.db import connection

# A key of the test database's TEST settings (set by tests/conftest.py): the SQLite file of
# the run's demo database, which each test process's database is a copy of.
DEMO_COPY_OF = "PAIRAID_DEMO_COPY_OF"


def scratch_database(*, migrated: bool = False, start: str | None = None) -> tuple[str, object]:
    """A URL for an empty database, and a function that removes it. `migrated`: a copy of
    the run's demo database instead (migrated to the latest, the demo loaded), where the test
    run made one: migrating from nothing costs a process many seconds. `start`: a copy of
    that database instead (a SQLite file, or a PostgreSQL database: `climb_migrations`)."""
    test = connection.settings_dict.get("TEST") or {}
    if connection.vendor == "sqlite":
        database = Path(tempfile.mkdtemp()) / "migration.sqlite3"
        if start or (migrated and test.get(DEMO_COPY_OF)):
            shutil.copyfile(start or test[DEMO_COPY_OF], database)
        return f"sqlite:///{database}", lambda: None
    name = f"pairaid_migration_{uuid.uuid4().hex[:8]}"
    template = start or (test.get("TEMPLATE") if migrated else None)
    postgresql_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return postgresql_url(name), lambda: postgresql_admin(f'DROP DATABASE IF EXISTS "{name}"')


# Where the migration tests start (each one's BEFORE), in the order of the migrations. An
# empty database climbs through them once per test run (`climb_migrations`, from the
# `migration_points` fixture) and is copied at each: a test then climbs only the rest of its
# way, not from nothing (rendering the migrations' states costs seconds per migration).
MIGRATION_POINTS = [
    ("ledger", "0003_review_lock_confirmation_audit_chain"),
    ("ledger", "0009_search_keys"),
    ("ledger", "0010_fund_rollups"),
    ("ledger", "0016_placements_trainings_workshops_vocational"),
    ("ledger", "0018_stored_figures"),
]


def climb_migrations(folder: Path, run: str) -> dict[str, str]:
    """An empty database migrated through MIGRATION_POINTS in one process, copied at each:
    the copies (SQLite files in `folder`, or PostgreSQL databases named after `run`) by
    point, "app.name"."""
    numbers = range(len(MIGRATION_POINTS))
    if connection.vendor == "sqlite":
        copies = [str(folder / f"migration-point-{n}.sqlite3") for n in numbers]
    else:
        copies = [f"test_pairaid_point_{run}_{n}" for n in numbers]
    run_in_scratch_database(CLIMB_SCRIPT, json.dumps(MIGRATION_POINTS), json.dumps(copies))
    return {".".join(point): copy for point, copy in zip(MIGRATION_POINTS, copies, strict=True)}


def postgresql_admin(statement: str) -> None:
    """Run one statement (CREATE or DROP DATABASE) on the suite's PostgreSQL server, from its
    maintenance database."""
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(statement)


def postgresql_url(name: str) -> str:
    """The URL of database `name` on the suite's PostgreSQL server."""
    return os.environ["PAIRAID_DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"


def run_in_scratch_database(
    script: str, *args: str, migrated: bool = False, start: str | None = None
) -> Any:
    """Run `script` in a new process on a scratch database (removed afterwards) and return
    the JSON it printed last. `migrated`, `start`: see `scratch_database`."""
    url, drop = scratch_database(migrated=migrated, start=start)
    try:
        result = subprocess.run(
            [sys.executable, "-c", script, *args],
            env={
                **os.environ,
                "PAIRAID_DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "pairaid.settings",
            },
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        drop()
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


# What the migration scripts (run by `run_in_scratch_database`) begin with: Django set up on
# the scratch database, `migrate(target)` to an (app, name) pair or, with None, to the latest,
# the models as they were at a migration, the triggers held, and one pairing between two new
# counties.
MIGRATION_SCRIPT_START = r"""
import datetime as dt, json, sys
from decimal import Decimal
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target] if target else executor.loader.graph.leaf_nodes())
    return executor

# The names of the triggers on `table` (on every table: "table:name"), sorted.
def triggers(table=None):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
            )
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        found = cursor.fetchall()
    if table is not None:
        return sorted(name for on, name in found if on == table)
    return sorted(f"{on}:{name}" for on, name in found)

def historical_apps(migration):
    return migrate(migration).loader.project_state([migration]).apps

def one_pairing(apps, helper, recipient):
    Region = apps.get_model("ledger", "Region")
    regions = [
        Region.objects.create(code=code, name=name, level="county")
        for code, name in (helper, recipient)
    ]
    return apps.get_model("ledger", "Pairing").objects.create(
        helper_region=regions[0], recipient_region=regions[1], scheme="other",
        valid_from=dt.date(2020, 1, 1),
    )
"""

# The climb of `climb_migrations`: argv[1] the points, argv[2] where each copy goes.
CLIMB_SCRIPT = (
    MIGRATION_SCRIPT_START
    + r"""
import shutil
settings = connection.settings_dict
copies = json.loads(sys.argv[2])
for point, copy in zip(json.loads(sys.argv[1]), copies):
    migrate(tuple(point))
    connection.close()
    if connection.vendor == "postgresql" and connection.pool:  # its connections, too
        connection.close_pool()
    if connection.vendor == "sqlite":
        shutil.copyfile(settings["NAME"], copy)
    else:
        import time
        import psycopg
        with psycopg.connect(
            host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"],
            password=settings["PASSWORD"] or None, dbname="postgres", autocommit=True,
        ) as admin:
            # This database is this process's alone: a closed connection's server process
            # may still be ending (on a busy machine), and a copy needs it gone.
            for attempt in range(60):
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()", [settings["NAME"]],
                )
                try:
                    admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{settings["NAME"]}"')
                    break
                except psycopg.errors.ObjectInUse:
                    time.sleep(1)
            else:
                raise RuntimeError(f"{settings['NAME']} is still in use")
print(json.dumps(copies))
"""
)

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


def scratch_database(*, migrated: bool = False) -> tuple[str, object]:
    """A URL for an empty database, and a function that removes it. `migrated`: a copy of
    the run's demo database instead (migrated to the latest, the demo loaded), where the test
    run made one: migrating from nothing costs a process many seconds."""
    test = connection.settings_dict.get("TEST") or {}
    if connection.vendor == "sqlite":
        database = Path(tempfile.mkdtemp()) / "migration.sqlite3"
        if migrated and test.get(DEMO_COPY_OF):
            shutil.copyfile(test[DEMO_COPY_OF], database)
        return f"sqlite:///{database}", lambda: None
    name = f"pairaid_migration_{uuid.uuid4().hex[:8]}"
    template = f' TEMPLATE "{test["TEMPLATE"]}"' if migrated and test.get("TEMPLATE") else ""
    postgresql_admin(f'CREATE DATABASE "{name}"{template}')
    return postgresql_url(name), lambda: postgresql_admin(f'DROP DATABASE IF EXISTS "{name}"')


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


def run_in_scratch_database(script: str, *args: str, migrated: bool = False) -> Any:
    """Run `script` in a new process on a scratch database (removed afterwards) and return
    the JSON it printed last. `migrated`: see `scratch_database`."""
    url, drop = scratch_database(migrated=migrated)
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
# the models as they were at a migration, and one pairing between two new counties.
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

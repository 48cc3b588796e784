"""A Python script run in a fresh, empty database of the suite's kind (SQLite or
PostgreSQL): for migrations and for concurrency that needs connections of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from typing import Any

from django.db import connection


def scratch_database() -> tuple[str, object]:
    """A URL for an empty database, and a function that removes it."""
    if connection.vendor == "sqlite":
        folder = tempfile.mkdtemp()
        return f"sqlite:///{folder}/migration.sqlite3", lambda: None
    import psycopg

    name = f"pairaid_migration_{uuid.uuid4().hex[:8]}"
    settings = connection.settings_dict
    base = dict(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with psycopg.connect(**base) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(**base) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')

    url = os.environ["PAIRAID_DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    return url, drop


def run_in_scratch_database(script: str, *args: str) -> Any:
    """Run `script` in a new process on a scratch database (removed afterwards) and return
    the JSON it printed last."""
    url, drop = scratch_database()
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

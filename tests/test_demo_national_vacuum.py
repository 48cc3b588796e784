"""`pairaid demo --national` ends, on PostgreSQL, with `VACUUM (ANALYZE)` of the tables the
figures read by index-only scans (the rollups, the tree's links, the persons of each tree),
each a statement of its own after the load's transactions, so that the first figures after
a load read no table rows. It runs on a database of its own, in a separate process (VACUUM
cannot run inside a test's transaction)."""

from __future__ import annotations

from scratch_databases import run_in_scratch_database

SCRIPT = r"""
import json
from io import StringIO
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from pairaid.ledger import bulk_load

tables = [model._meta.db_table for model in bulk_load.VACUUMED]
def state():
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, last_vacuum IS NOT NULL, last_analyze IS NOT NULL "
            "FROM pg_stat_user_tables WHERE relname = ANY(%s)",
            [tables],
        )
        return {name: [vacuumed, analysed] for name, vacuumed, analysed in cursor.fetchall()}

before = state()
call_command("demo", "--national", "0.0005", stdout=StringIO())
with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*) FROM ledger_subtreeperson")
    (persons,) = cursor.fetchone()
print(json.dumps({"vendor": connection.vendor, "tables": tables, "before": before,
                  "after": state(), "persons": persons}))
"""


def test_it_ends_a_national_load_with_the_figures_tables_vacuumed_and_analysed(db):
    answer = run_in_scratch_database(SCRIPT, migrated=True)
    assert "ledger_subtreeperson" in answer["tables"]
    assert answer["persons"] > 0  # the load wrote the persons of its trees
    if answer["vendor"] == "postgresql":
        assert set(answer["after"]) == set(answer["tables"])
        assert all(vacuumed and analysed for vacuumed, analysed in answer["after"].values())
        assert not any(vacuumed for vacuumed, _analysed in answer["before"].values())
    else:  # SQLite keeps no visibility map: nothing to vacuum
        assert answer["after"] == {}

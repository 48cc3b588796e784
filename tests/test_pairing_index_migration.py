"""Migration 0023 drops the single-column `pairing` index of projects and postings (fund
flows' went in 0022; their composite indexes start with `pairing`) without touching the
tables or their triggers, and makes it again when reversed, on SQLite and PostgreSQL. It runs
on a database of its own (a copy of the run's migrated demo database), in a separate
process."""

from __future__ import annotations

from scratch_databases import MIGRATION_SCRIPT_START, run_in_scratch_database

SCRIPT = (
    MIGRATION_SCRIPT_START
    + r"""
TABLES = ("ledger_project", "ledger_posting")

def indexes():
    found = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            constraints = connection.introspection.get_constraints(cursor, table)
            found[table] = sorted(
                name for name, c in constraints.items()
                if c["index"] and c["columns"] == ["pairing_id"]
            )
    return found

def triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return sorted(row[0] for row in cursor.fetchall())

def rows():
    with connection.cursor() as cursor:
        counts = []
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            counts.append(cursor.fetchone()[0])
        return counts

migrate(None)
after = (indexes(), triggers(), rows())
migrate(("ledger", "0022_bulk_writes_fewer_indexes_statement_trigger"))
before = (indexes(), triggers(), rows())
migrate(None)
again = (indexes(), triggers(), rows())
print(json.dumps({"after": after, "before": before, "again": again}))
"""
)


def test_it_drops_the_single_pairing_indexes_and_makes_them_again_when_reversed(db):
    answer = run_in_scratch_database(SCRIPT, migrated=True)
    indexes, triggers, rows = answer["after"]
    assert indexes == {table: [] for table in indexes}
    old_indexes, old_triggers, old_rows = answer["before"]
    assert all(len(names) == 1 for names in old_indexes.values()), old_indexes
    # the tables are not copied: the same rows and the same triggers on them
    assert old_triggers == triggers and old_rows == rows
    assert answer["again"] == answer["after"]

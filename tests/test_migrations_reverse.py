"""Every migration after 0003 can be reversed: from the schema 0003 left, migrating to the
latest and all the way back gives the same tables, columns, indexes and triggers. (Each
migration test reverses its own migration; this one runs every reverse between, on each
database, in a process of its own, as `pairaid migrate ledger 0003` would.)"""

from __future__ import annotations

from scratch_databases import MIGRATION_SCRIPT_START, run_in_scratch_database

BEFORE = ("ledger", "0003_review_lock_confirmation_audit_chain")
SCRIPT = (
    MIGRATION_SCRIPT_START
    + f"BEFORE = {BEFORE!r}\n"
    + r"""
def indexes(cursor, table):
    found = connection.introspection.get_constraints(cursor, table)
    return sorted(name for name, info in found.items() if info["index"] and not info["primary_key"])

def schema():
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        return {
            "tables": {
                table: {
                    "columns": sorted(
                        column.name
                        for column in connection.introspection.get_table_description(cursor, table)
                    ),
                    "indexes": indexes(cursor, table),
                }
                for table in tables
            },
            "triggers": triggers(),
        }

from django.db.migrations.recorder import MigrationRecorder

def last_applied():
    applied = MigrationRecorder(connection).applied_migrations()
    return max(name for app, name in applied if app == "ledger")

executor = migrate(BEFORE)
before = schema()
leaf = [name for app, name in migrate(None).loader.graph.leaf_nodes() if app == "ledger"][0]
climbed = last_applied()
migrate(BEFORE)
print(json.dumps({"before": before, "back": schema(), "leaf": leaf, "climbed": climbed,
                  "back_at": last_applied()}))
"""
)


def test_it_reverses_every_migration_back_to_the_schema_it_started_from(db, migration_points):
    answer = run_in_scratch_database(SCRIPT, start=migration_points.get(".".join(BEFORE)))
    assert answer["climbed"] == answer["leaf"]  # it climbed to the latest
    assert answer["back_at"] == BEFORE[1]
    assert answer["back"]["triggers"] == answer["before"]["triggers"]
    before, back = answer["before"]["tables"], answer["back"]["tables"]
    # the other apps keep what the climb made them (only the ledger went back to 0003)
    assert (
        sorted(table for table in back.keys() - before.keys() if table.startswith("ledger_")) == []
    )
    for table, shape in before.items():
        assert back[table] == shape, table

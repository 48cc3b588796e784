"""A fund flow's project must belong to the fund flow's pairing.

A check constraint cannot look into another table, so this rule is a trigger, written for
each supported database. It guards the rule even against writes that bypass the services.
"""

from django.db import migrations

MESSAGE = "fund flow project belongs to another pairing"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER ledger_fundflow_project_pairing_{event.lower()}
    BEFORE {event} ON ledger_fundflow
    WHEN NEW.project_id IS NOT NULL
     AND (SELECT pairing_id FROM ledger_project WHERE id = NEW.project_id) != NEW.pairing_id
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
    for event in ("INSERT", "UPDATE")
] + [
    f"""
    CREATE TRIGGER ledger_project_pairing_keeps_flows
    BEFORE UPDATE OF pairing_id ON ledger_project
    WHEN EXISTS (SELECT 1 FROM ledger_fundflow
                 WHERE project_id = NEW.id AND pairing_id != NEW.pairing_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_fundflow_project_pairing_insert;",
    "DROP TRIGGER IF EXISTS ledger_fundflow_project_pairing_update;",
    "DROP TRIGGER IF EXISTS ledger_project_pairing_keeps_flows;",
]

POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION ledger_fundflow_project_pairing_check() RETURNS trigger AS $$
    BEGIN
      IF NEW.project_id IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM ledger_project WHERE id = NEW.project_id AND pairing_id = NEW.pairing_id
         ) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER ledger_fundflow_project_pairing
    BEFORE INSERT OR UPDATE ON ledger_fundflow
    FOR EACH ROW EXECUTE FUNCTION ledger_fundflow_project_pairing_check();
    """,
    f"""
    CREATE FUNCTION ledger_project_pairing_keeps_flows_check() RETURNS trigger AS $$
    BEGIN
      IF NEW.pairing_id != OLD.pairing_id AND EXISTS (
           SELECT 1 FROM ledger_fundflow WHERE project_id = NEW.id AND pairing_id != NEW.pairing_id
         ) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER ledger_project_pairing_keeps_flows
    BEFORE UPDATE ON ledger_project
    FOR EACH ROW EXECUTE FUNCTION ledger_project_pairing_keeps_flows_check();
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_project_pairing_keeps_flows ON ledger_project;",
    "DROP FUNCTION IF EXISTS ledger_project_pairing_keeps_flows_check();",
    "DROP TRIGGER IF EXISTS ledger_fundflow_project_pairing ON ledger_fundflow;",
    "DROP FUNCTION IF EXISTS ledger_fundflow_project_pairing_check();",
]


def forward(apps, schema_editor):
    statements = POSTGRES_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    statements = (
        POSTGRES_BACKWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD
    )
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_ledger_records")]

    operations = [migrations.RunPython(forward, backward)]

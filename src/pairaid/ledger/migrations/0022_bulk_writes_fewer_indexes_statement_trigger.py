"""Less work for the database on every fund flow and audit entry written (measured by
bench/bulk_server.py; bench/results/import-bulk-services.txt).

- The foreign-key indexes Django made on `ledger_fundflow.pairing_id` and
  `ledger_auditentry.pairing_id` are dropped: `fundflow_by_pairing_kind` (pairing, kind,
  fund year), `fundflow_by_pairing_date` (pairing, date, id) and `audit_by_pairing_at`
  (pairing, at, id) start with the pairing and serve every lookup by it (a pairing's flows,
  its entries, the check that a pairing is not deleted while a record refers to it), so the
  single-column ones only cost each row written one more index update. Both databases: the
  index is dropped by its name, so that SQLite does not remake the tables (which would drop
  their triggers); made again if this migration is reversed.
- The audit entries' action keeps one index, `audit_by_action` (the one `db_index` made,
  renamed): on PostgreSQL `db_index` on a text field also made a second one for `LIKE 'x%'`
  (varchar_pattern_ops), which no query uses (the audit list filters by a verb at the end,
  `action__endswith`, or a word anywhere, neither of which an index serves).
- On PostgreSQL, the rule that a fund flow's project belongs to its pairing (migration 0002)
  was a row trigger run for every row inserted or updated, with or without a project (a
  PL/pgSQL call for each row of a COPY). New rows are now checked once per statement
  (`ledger_fundflow_project_pairing_insert`, AFTER INSERT … FOR EACH STATEMENT over the
  statement's new rows), and an update only when it sets the pairing or the project of a
  flow that has one (`ledger_fundflow_project_pairing`, the row trigger of 0002 with a
  column list and WHEN). SQLite's triggers already ran only for a row with a project.
"""

from django.db import migrations, models

MESSAGE = "fund flow project belongs to another pairing"

INDEXES = [
    ("ledger_fundflow", "ledger_fundflow_pairing_id_d0146bcc"),
    ("ledger_auditentry", "ledger_auditentry_pairing_id_737391d7"),
]

POSTGRES_FORWARD = [
    "DROP TRIGGER IF EXISTS ledger_fundflow_project_pairing ON ledger_fundflow;",
    f"""
    CREATE FUNCTION ledger_fundflow_project_pairing_added() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (
           SELECT 1 FROM ledger_fundflow_added a
           WHERE a.project_id IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM ledger_project p WHERE p.id = a.project_id
               AND p.pairing_id = a.pairing_id)
         ) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER ledger_fundflow_project_pairing_insert
    AFTER INSERT ON ledger_fundflow
    REFERENCING NEW TABLE AS ledger_fundflow_added
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_fundflow_project_pairing_added();
    """,
    """
    CREATE TRIGGER ledger_fundflow_project_pairing
    BEFORE UPDATE OF pairing_id, project_id ON ledger_fundflow
    FOR EACH ROW WHEN (NEW.project_id IS NOT NULL)
    EXECUTE FUNCTION ledger_fundflow_project_pairing_check();
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_fundflow_project_pairing ON ledger_fundflow;",
    "DROP TRIGGER IF EXISTS ledger_fundflow_project_pairing_insert ON ledger_fundflow;",
    "DROP FUNCTION IF EXISTS ledger_fundflow_project_pairing_added();",
    """
    CREATE TRIGGER ledger_fundflow_project_pairing
    BEFORE INSERT OR UPDATE ON ledger_fundflow
    FOR EACH ROW EXECUTE FUNCTION ledger_fundflow_project_pairing_check();
    """,
]


ACTION = "ledger_auditentry_action_83291c7e"


def forward(apps, schema_editor):
    for _table, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {ACTION}_like")
        schema_editor.execute(f"ALTER INDEX {ACTION} RENAME TO audit_by_action")
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)
    else:
        schema_editor.execute(f"DROP INDEX IF EXISTS {ACTION}")
        schema_editor.execute("CREATE INDEX audit_by_action ON ledger_auditentry (action)")


def backward(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, name in INDEXES:
        schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} (pairing_id)")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX audit_by_action RENAME TO {ACTION}")
        schema_editor.execute(
            f"CREATE INDEX {ACTION}_like ON ledger_auditentry (action varchar_pattern_ops)"
        )
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)
    else:
        schema_editor.execute("DROP INDEX IF EXISTS audit_by_action")
        schema_editor.execute(f"CREATE INDEX {ACTION} ON ledger_auditentry (action)")


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0021_subtree_rollup_deltas"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="fundflow",
                    name="pairing",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="fund_flows",
                        to="ledger.pairing",
                        verbose_name="结对关系",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditentry",
                    name="pairing",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.PROTECT,
                        related_name="audit_entries",
                        to="ledger.pairing",
                        verbose_name="结对关系",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditentry",
                    name="action",
                    field=models.CharField(max_length=64, verbose_name="操作"),
                ),
                migrations.AddIndex(
                    model_name="auditentry",
                    index=models.Index(fields=["action"], name="audit_by_action"),
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        ),
    ]

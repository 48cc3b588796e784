"""Project counts per pairing × status × start month (`ProjectRollup`), kept by triggers.

The table is filled from the records in one INSERT … SELECT (no row passes through Python:
the migration runs on databases with hundreds of thousands of projects), then triggers on
the project table keep it in the same statement as every insert, update or delete of a
project, whatever writes it. Reversing drops the triggers, then the table.
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_MONTH = "date({row}.start_date, 'start of month')"
POSTGRES_MONTH = "CAST(date_trunc('month', {row}.start_date) AS date)"

FILL = (
    "INSERT INTO ledger_projectrollup (pairing_id, status, month, project_count) "
    "SELECT pairing_id, status, {month}, COUNT(*) FROM ledger_project AS p "
    "WHERE p.start_date IS NOT NULL GROUP BY pairing_id, status, {month}"
)


def sqlite_add(row: str) -> str:
    month = SQLITE_MONTH.format(row=row)
    return (
        "INSERT INTO ledger_projectrollup (pairing_id, status, month, project_count) "
        f"VALUES ({row}.pairing_id, {row}.status, {month}, 1) "
        "ON CONFLICT (pairing_id, status, month) DO UPDATE SET project_count = project_count + 1;"
    )


def sqlite_take(row: str) -> str:
    """A counted project's row exists; when it does not (the table was emptied first, as
    `demo --reset` empties every ledger table), there is nothing to take from."""
    month = SQLITE_MONTH.format(row=row)
    return (
        "UPDATE ledger_projectrollup SET project_count = project_count - 1 "
        f"WHERE pairing_id = {row}.pairing_id AND status = {row}.status AND month = {month};"
    )


SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER ledger_projectrollup_insert AFTER INSERT ON ledger_project
    WHEN NEW.start_date IS NOT NULL
    BEGIN {sqlite_add("NEW")} END;
    """,
    f"""
    CREATE TRIGGER ledger_projectrollup_delete AFTER DELETE ON ledger_project
    WHEN OLD.start_date IS NOT NULL
    BEGIN {sqlite_take("OLD")} END;
    """,
    f"""
    CREATE TRIGGER ledger_projectrollup_update_old
    AFTER UPDATE OF pairing_id, status, start_date ON ledger_project
    WHEN OLD.start_date IS NOT NULL
    BEGIN {sqlite_take("OLD")} END;
    """,
    f"""
    CREATE TRIGGER ledger_projectrollup_update_new
    AFTER UPDATE OF pairing_id, status, start_date ON ledger_project
    WHEN NEW.start_date IS NOT NULL
    BEGIN {sqlite_add("NEW")} END;
    """,
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS ledger_projectrollup_{name};"
    for name in ("insert", "delete", "update_old", "update_new")
]

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION ledger_projectrollup_keep() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.start_date IS NOT NULL THEN
        UPDATE ledger_projectrollup SET project_count = project_count - 1
        WHERE pairing_id = OLD.pairing_id AND status = OLD.status
          AND month = CAST(date_trunc('month', OLD.start_date) AS date);
      END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.start_date IS NOT NULL THEN
        INSERT INTO ledger_projectrollup (pairing_id, status, month, project_count)
        VALUES (NEW.pairing_id, NEW.status, CAST(date_trunc('month', NEW.start_date) AS date), 1)
        ON CONFLICT (pairing_id, status, month)
        DO UPDATE SET project_count = ledger_projectrollup.project_count + 1;
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER ledger_projectrollup_insert_delete
    AFTER INSERT OR DELETE ON ledger_project
    FOR EACH ROW EXECUTE FUNCTION ledger_projectrollup_keep();
    """,
    """
    CREATE TRIGGER ledger_projectrollup_update
    AFTER UPDATE OF pairing_id, status, start_date ON ledger_project
    FOR EACH ROW
    WHEN (OLD.pairing_id IS DISTINCT FROM NEW.pairing_id
          OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.start_date IS DISTINCT FROM NEW.start_date)
    EXECUTE FUNCTION ledger_projectrollup_keep();
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_projectrollup_update ON ledger_project;",
    "DROP TRIGGER IF EXISTS ledger_projectrollup_insert_delete ON ledger_project;",
    "DROP FUNCTION IF EXISTS ledger_projectrollup_keep();",
]


def forward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    month = (POSTGRES_MONTH if postgres else SQLITE_MONTH).format(row="p")
    schema_editor.execute(FILL.format(month=month))
    for statement in POSTGRES_FORWARD if postgres else SQLITE_FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES_BACKWARD if postgres else SQLITE_BACKWARD:
        schema_editor.execute(statement)
    schema_editor.execute("DELETE FROM ledger_projectrollup")


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0016_placements_trainings_workshops_vocational"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProjectRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("planned", "计划"),
                            ("approved", "已立项"),
                            ("in_progress", "实施中"),
                            ("completed", "已完工"),
                            ("handed_over", "已移交"),
                            ("operating", "运营中"),
                            ("cancelled", "已取消"),
                        ],
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                (
                    "month",
                    models.DateField(help_text="开工日期所在月份的第一天", verbose_name="月份"),
                ),
                ("project_count", models.BigIntegerField(verbose_name="项目个数")),
                (
                    "pairing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ledger.pairing",
                        verbose_name="结对关系",
                    ),
                ),
            ],
            options={
                "verbose_name": "项目汇总",
                "verbose_name_plural": "项目汇总",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("pairing", "status", "month"),
                        name="projectrollup_one_row_per_key",
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="projectrollup",
            index=models.Index(
                fields=["pairing", "status", "month", "project_count"], name="projectrollup_counts"
            ),
        ),
        migrations.AddIndex(
            model_name="fundrollup",
            index=models.Index(
                fields=[
                    *("pairing", "kind", "fund_year", "month"),
                    *("source", "confirmation", "amount"),
                ],
                name="fundrollup_sums",
            ),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["pairing", "start_date", "status"], name="project_started"),
        ),
        migrations.AddIndex(
            model_name="posting",
            index=models.Index(fields=["pairing", "start_date", "person"], name="posting_persons"),
        ),
        migrations.RunPython(forward, backward),
    ]

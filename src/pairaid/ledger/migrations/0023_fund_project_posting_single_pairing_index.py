"""Fund flows, projects and postings had a single-column index on `pairing` (the foreign
key's own) beside composite ones whose first column is `pairing`: (pairing, kind, fund_year)
and (pairing, date, id) for fund flows, (pairing, start_date, status) and (pairing, code) for
projects, (pairing, start_date, id) for postings. The composite ones serve every lookup by
pairing, yet PostgreSQL's planner took the single one for a drill-down's count and total
(`pairing IN (…) AND kind = … AND fund_year …`), read every flow of those pairings and threw
most away: about 100 ms instead of 10 at the national set's scale 0.1. The single indexes are
dropped (and made again if this migration is reversed), which also spares every write one
index update. Fund flows' went in 0022; this one drops the projects' and the postings'.

The index is dropped by name (Django's name for it, the same on SQLite and PostgreSQL) and
the model state told that the field has no index of its own: altering the field itself would
make SQLite copy the table, and lose the triggers the subtree rollups keep on it."""

from django.db import migrations, models
from django.db.models import deletion

TABLES = {
    "project": ("ledger_project", "ledger_project_pairing_id_fd7611bf", "projects"),
    "posting": ("ledger_posting", "ledger_posting_pairing_id_c1c8d1ae", "postings"),
}


def drop(table: str, index: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f"DROP INDEX IF EXISTS {index}",
        reverse_sql=f"CREATE INDEX {index} ON {table} (pairing_id)",
    )


def state(model: str, related_name: str) -> migrations.AlterField:
    return migrations.AlterField(
        model_name=model,
        name="pairing",
        field=models.ForeignKey(
            db_index=False,
            on_delete=deletion.PROTECT,
            related_name=related_name,
            to="ledger.pairing",
            verbose_name="结对关系",
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0022_bulk_writes_fewer_indexes_statement_trigger"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[drop(table, index) for table, index, _r in TABLES.values()],
            state_operations=[state(model, rel) for model, (_t, _i, rel) in TABLES.items()],
        ),
    ]

"""The audit trail's time had two indexes: `db_index` on `at` and `audit_by_at` on (at, id).
The composite one serves every lookup by time (its first column is `at`), so the single one
only cost each entry written one more index update: it is dropped (and made again if this
migration is reversed)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0019_subtree_rollups"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="at",
            field=models.DateTimeField(verbose_name="时间"),
        ),
    ]

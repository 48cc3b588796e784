"""The audit trail becomes one hash chain per pairing (and one for records outside any
pairing), with chain heads to lock and anchors over all heads.

Entries written before this migration keep their single chain, renamed `legacy` and closed:
they verify exactly as before (their hashes do not cover a chain name). New entries start
the per-pairing chains."""

from django.db import migrations, models


def close_legacy_chain(apps, schema_editor):
    AuditEntry = apps.get_model("ledger", "AuditEntry")
    AuditChain = apps.get_model("ledger", "AuditChain")
    last = AuditEntry.objects.filter(chain="legacy").order_by("-id").first()
    if last is None:
        return
    AuditChain.objects.create(
        name="legacy",
        last_id=last.pk,
        last_hash=last.hash,
        length=AuditEntry.objects.filter(chain="legacy").count(),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0005_record_versions"),
    ]

    operations = [
        # Existing entries get "legacy"; new ones get their chain from the service.
        migrations.AddField(
            model_name="auditentry",
            name="chain",
            field=models.CharField(default="legacy", max_length=40, verbose_name="审计链"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="chain",
            field=models.CharField(default="", max_length=40, verbose_name="审计链"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["chain", "id"], name="audit_by_chain"),
        ),
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=40, unique=True, verbose_name="审计链")),
                (
                    "last_id",
                    models.BigIntegerField(blank=True, null=True, verbose_name="最新记录编号"),
                ),
                ("last_hash", models.CharField(blank=True, max_length=64, verbose_name="最新摘要")),
                ("length", models.PositiveBigIntegerField(default=0, verbose_name="记录数")),
            ],
            options={
                "verbose_name": "审计链",
                "verbose_name_plural": "审计链",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(db_index=True, verbose_name="时间")),
                ("heads", models.JSONField(default=dict, verbose_name="各链最新记录")),
                ("digest", models.CharField(max_length=64, verbose_name="摘要")),
            ],
            options={
                "verbose_name": "审计锚点",
                "verbose_name_plural": "审计锚点",
                "ordering": ["-at", "-id"],
            },
        ),
        migrations.RunPython(close_legacy_chain, migrations.RunPython.noop),
    ]

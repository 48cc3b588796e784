from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0017_project_rollups"),
    ]

    operations = [
        migrations.CreateModel(
            name="StoredFigures",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64, unique=True, verbose_name="键")),
                ("as_of", models.DateField(verbose_name="截至日期")),
                ("values", models.JSONField(default=dict, verbose_name="数值")),
                ("stored_at", models.DateTimeField(db_index=True, verbose_name="计算时间")),
            ],
            options={
                "verbose_name": "已计算数字",
                "verbose_name_plural": "已计算数字",
            },
        ),
    ]

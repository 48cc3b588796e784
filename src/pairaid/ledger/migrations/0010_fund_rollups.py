import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

import pairaid.ledger.moneyfield


def fill_rollups(apps, schema_editor):
    """The totals of the fund flows already recorded, one row per pairing, kind, source,
    fund year, month of the date and confirmation state."""
    FundFlow = apps.get_model("ledger", "FundFlow")
    FundRollup = apps.get_model("ledger", "FundRollup")
    db = schema_editor.connection.alias
    groups = (
        FundFlow.objects.using(db)
        .order_by()
        .annotate(month=TruncMonth("date"))
        .values("pairing_id", "kind", "source", "fund_year", "month", "confirmation")
        .annotate(total=Sum("amount"), rows=Count("id"))
    )
    FundRollup.objects.using(db).bulk_create(
        (
            FundRollup(
                pairing_id=g["pairing_id"],
                kind=g["kind"],
                source=g["source"],
                fund_year=g["fund_year"],
                month=g["month"],
                confirmation=g["confirmation"],
                amount=g["total"],
                flow_count=g["rows"],
            )
            for g in groups.iterator(chunk_size=5000)
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0009_search_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="FundRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("plan", "计划"),
                            ("transfer", "拨付"),
                            ("allocate", "分配到项目"),
                            ("spend", "支出"),
                        ],
                        max_length=16,
                        verbose_name="类型",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("fiscal", "财政援助资金"),
                            ("social_cash", "社会帮扶资金"),
                            ("in_kind", "捐物折价"),
                            ("other", "其他"),
                        ],
                        max_length=16,
                        verbose_name="资金来源",
                    ),
                ),
                ("fund_year", models.PositiveSmallIntegerField(verbose_name="资金年度")),
                (
                    "month",
                    models.DateField(help_text="记录日期所在月份的第一天", verbose_name="月份"),
                ),
                (
                    "confirmation",
                    models.CharField(
                        choices=[
                            ("unconfirmed", "待确认"),
                            ("confirmed", "已确认"),
                            ("disputed", "有异议"),
                        ],
                        max_length=16,
                        verbose_name="受援方确认",
                    ),
                ),
                ("amount", pairaid.ledger.moneyfield.MoneyField(verbose_name="金额合计（元）")),
                ("flow_count", models.BigIntegerField(verbose_name="记录条数")),
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
                "verbose_name": "资金汇总",
                "verbose_name_plural": "资金汇总",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("pairing", "kind", "source", "fund_year", "month", "confirmation"),
                        name="fundrollup_one_row_per_key",
                    )
                ],
            },
        ),
        migrations.RunPython(fill_rollups, migrations.RunPython.noop),
    ]

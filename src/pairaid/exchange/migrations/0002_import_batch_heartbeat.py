"""A batch's last sign of life, to tell a batch still being processed from one whose
process died while it was checking or importing."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0001_import_batches"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="heartbeat_at",
            field=models.DateTimeField(
                blank=True,
                help_text="校验或导入时定时更新；长时间未更新说明处理进程已中断",
                null=True,
                verbose_name="最近一次进展",
            ),
        ),
    ]

# The list pages sort by these columns (with and without a pairing): a page reads its rows
# from an index instead of sorting the whole table.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0011_evidence_and_progress'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='agreement',
            index=models.Index(fields=['signed_date', 'id'], name='agreement_by_signed'),
        ),
        migrations.AddIndex(
            model_name='agreement',
            index=models.Index(fields=['pairing', 'signed_date', 'id'], name='agreement_by_pairing_signed'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['at', 'id'], name='audit_by_at'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['pairing', 'at', 'id'], name='audit_by_pairing_at'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['start_date', 'id'], name='event_by_start'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['pairing', 'start_date', 'id'], name='event_by_pairing_start'),
        ),
        migrations.AddIndex(
            model_name='fundflow',
            index=models.Index(fields=['date', 'id'], name='fundflow_by_date'),
        ),
        migrations.AddIndex(
            model_name='fundflow',
            index=models.Index(fields=['pairing', 'date', 'id'], name='fundflow_by_pairing_date'),
        ),
        migrations.AddIndex(
            model_name='obligation',
            index=models.Index(fields=['due_date', 'id'], name='obligation_by_due'),
        ),
        migrations.AddIndex(
            model_name='posting',
            index=models.Index(fields=['start_date', 'id'], name='posting_by_start'),
        ),
        migrations.AddIndex(
            model_name='posting',
            index=models.Index(fields=['pairing', 'start_date', 'id'], name='posting_by_pairing_start'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['code', 'id'], name='project_by_code'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(fields=['due_date', 'id'], name='task_by_due'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(fields=['pairing', 'due_date', 'id'], name='task_by_pairing_due'),
        ),
    ]

"""A fund flow dated more than one year away from its fund year carries a reason.

SQLite adds a NOT NULL column by rebuilding the table, which drops the table's triggers and
trips over the triggers of other tables that read it (migration 0002). On SQLite the
triggers that mention the fund ledger are therefore set aside around the change and put
back as they were; PostgreSQL adds the column in place and needs none of this.
"""

from django.db import migrations, models

TABLE = "ledger_fundflow"
_set_aside: list[tuple[str, str]] = []


def set_triggers_aside(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE %s",
            [f"%{TABLE}%"],
        )
        _set_aside[:] = cursor.fetchall()
    for name, _sql in _set_aside:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def put_triggers_back(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for _name, sql in _set_aside:
        schema_editor.execute(sql)
    _set_aside.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0006_audit_chains_per_pairing"),
    ]

    operations = [
        migrations.RunPython(set_triggers_aside, put_triggers_back),
        migrations.AddField(
            model_name="fundflow",
            name="cross_year_reason",
            field=models.CharField(
                blank=True,
                help_text="日期与资金年度相差超过一年时必填，如项目跨年度实施",
                max_length=200,
                verbose_name="跨年度说明",
            ),
        ),
        migrations.RunPython(put_triggers_back, set_triggers_aside),
    ]

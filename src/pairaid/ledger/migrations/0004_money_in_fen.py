"""Store money as whole fen in 64-bit integer columns.

SQLite gives a decimal column NUMERIC affinity and keeps 16-digit amounts as 15-digit
floats (12345678901234.56 came back as …34.60). Integer fen are exact on every database
and sum exactly. For each money column: add an integer column, copy value × 100, check
every row converted exactly (the migration stops, naming the rows, if one did not), drop
the old column and give the new one its name. Reversible the same way.

SQLite cannot rebuild a table while the triggers of migration 0002 name it, so they are
dropped first and created again at the end (both ways).
"""

import importlib
from decimal import Decimal

from django.db import migrations, models
from django.db.models import Q

import pairaid.ledger.moneyfield

MAX_AMOUNT = Decimal("99999999999999.99")

# (model, field, verbose name, null, default)
COLUMNS = [
    ("project", "planned_budget", "计划投资（元）", False, Decimal("0.00")),
    ("fundflow", "amount", "金额（元）", False, None),
    ("guidedinvestment", "amount", "到位投资（元）", False, None),
    ("agreement", "amount", "合同金额（元）", True, None),
    ("target", "value", "目标值", False, None),
]

# Constraints on the old columns: removed first, and those that still mean something are
# added back on the new column.
OLD_CONSTRAINTS = {
    "project": [
        models.CheckConstraint(
            condition=Q(planned_budget__gte=0), name="project_budget_not_negative"
        ),
        models.CheckConstraint(
            condition=Q(planned_budget=models.functions.Round(models.F("planned_budget"), 2)),
            name="project_budget_two_places",
        ),
    ],
    "fundflow": [
        models.CheckConstraint(
            condition=(Q(reverses__isnull=True) & Q(amount__gt=0))
            | (Q(reverses__isnull=False) & Q(amount__lt=0)),
            name="fundflow_positive_or_reversal",
        ),
        models.CheckConstraint(
            condition=Q(amount=models.functions.Round(models.F("amount"), 2)),
            name="fundflow_amount_two_places",
        ),
    ],
    "guidedinvestment": [
        models.CheckConstraint(condition=Q(amount__gt=0), name="investment_amount_positive"),
        models.CheckConstraint(
            condition=Q(amount=models.functions.Round(models.F("amount"), 2)),
            name="investment_amount_two_places",
        ),
    ],
    "agreement": [
        models.CheckConstraint(
            condition=Q(amount__isnull=True) | Q(amount__gte=0),
            name="agreement_amount_not_negative",
        ),
        models.CheckConstraint(
            condition=Q(amount=models.functions.Round(models.F("amount"), 2)),
            name="agreement_amount_two_places",
        ),
    ],
    "target": [
        models.CheckConstraint(condition=Q(value__gte=0), name="target_not_negative"),
    ],
}


def in_range(field, name):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | (Q(**{f"{field}__gte": -MAX_AMOUNT}) & Q(**{f"{field}__lte": MAX_AMOUNT})),
        name=name,
    )


NEW_CONSTRAINTS = {
    "project": [
        OLD_CONSTRAINTS["project"][0],
        in_range("planned_budget", "project_budget_in_range"),
    ],
    "fundflow": [OLD_CONSTRAINTS["fundflow"][0], in_range("amount", "fundflow_amount_in_range")],
    "guidedinvestment": [
        OLD_CONSTRAINTS["guidedinvestment"][0],
        in_range("amount", "investment_amount_in_range"),
    ],
    "agreement": [
        OLD_CONSTRAINTS["agreement"][0],
        in_range("amount", "agreement_amount_in_range"),
    ],
    "target": [OLD_CONSTRAINTS["target"][0], in_range("value", "target_value_in_range")],
}


def _table(apps, model):
    return apps.get_model("ledger", model)._meta.db_table


def _copy(apps, schema_editor, *, to_fen):
    vendor = schema_editor.connection.vendor
    for model, field, _verbose, _null, _default in COLUMNS:
        table = schema_editor.quote_name(_table(apps, model))
        old = schema_editor.quote_name(field)
        fen = schema_editor.quote_name(f"{field}_fen")
        if vendor == "postgresql":
            copy = (
                f"UPDATE {table} SET {fen} = ({old} * 100)::bigint"
                if to_fen
                else f"UPDATE {table} SET {old} = {fen}::numeric / 100"
            )
            # numeric is exact: the integer, divided back, is the stored amount itself.
            wrong = (
                f"SELECT id FROM {table} WHERE ({fen}::numeric / 100) IS DISTINCT FROM {old}"
                f" OR ({old} * 100) != trunc({old} * 100)"
            )
        else:
            # SQLite held the amount as an integer or a float (the column's NUMERIC
            # affinity). The whole fen nearest to value × 100 is the amount when the
            # float read back from those fen is the stored float itself.
            copy = (
                f"UPDATE {table} SET {fen} = CAST(ROUND({old} * 100) AS INTEGER)"
                if to_fen
                else f"UPDATE {table} SET {old} = CAST({fen} AS TEXT) / 100.0"
            )
            wrong = (
                f"SELECT id FROM {table} WHERE ({fen} IS NULL) != ({old} IS NULL)"
                f" OR CAST({fen} AS REAL) / 100.0 != {old}"
            )
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(copy)
            if to_fen:
                cursor.execute(wrong + " LIMIT 20")
                rows = [row[0] for row in cursor.fetchall()]
                if rows:
                    raise RuntimeError(
                        f"{table}.{field}: rows {rows} do not convert to whole fen exactly;"
                        " correct them before migrating"
                    )


def to_fen(apps, schema_editor):
    _copy(apps, schema_editor, to_fen=True)


def from_fen(apps, schema_editor):
    _copy(apps, schema_editor, to_fen=False)


def _sqlite_triggers(schema_editor, *, create):
    """SQLite cannot rebuild a table that another table's trigger names, and drops a
    table's own triggers with it: the triggers go before the rebuilds and come back after."""
    if schema_editor.connection.vendor != "sqlite":
        return
    triggers = importlib.import_module(
        "pairaid.ledger.migrations.0002_fundflow_project_same_pairing_trigger"
    )
    for statement in triggers.SQLITE_FORWARD if create else triggers.SQLITE_BACKWARD:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    _sqlite_triggers(schema_editor, create=False)


def create_triggers(apps, schema_editor):
    _sqlite_triggers(schema_editor, create=True)


def operations():
    ops = [migrations.RunPython(drop_triggers, create_triggers)]
    for model, constraints in OLD_CONSTRAINTS.items():
        ops += [migrations.RemoveConstraint(model, c.name) for c in constraints]
    for model, field, verbose, _null, _default in COLUMNS:
        ops.append(
            migrations.AddField(
                model,
                f"{field}_fen",
                models.BigIntegerField(null=True, verbose_name=verbose),
            )
        )
    # Old columns nullable first, so that going back can add them to filled tables before
    # filling them.
    for model, field, verbose, null, default in COLUMNS:
        extra = {"default": default} if default is not None else {}
        ops.append(
            migrations.AlterField(
                model,
                field,
                models.DecimalField(
                    decimal_places=2,
                    max_digits=16,
                    null=True,
                    blank=null,
                    verbose_name=verbose,
                    **extra,
                ),
            )
        )
    ops.append(migrations.RunPython(to_fen, from_fen))
    for model, field, verbose, null, default in COLUMNS:
        extra = {"default": default} if default is not None else {}
        ops += [
            migrations.RemoveField(model, field),
            migrations.RenameField(model, f"{field}_fen", field),
            migrations.AlterField(
                model,
                field,
                pairaid.ledger.moneyfield.MoneyField(
                    null=null, blank=null, verbose_name=verbose, **extra
                ),
            ),
        ]
    for model, constraints in NEW_CONSTRAINTS.items():
        ops += [migrations.AddConstraint(model, c) for c in constraints]
    ops.append(migrations.RunPython(create_triggers, drop_triggers))
    return ops


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_review_lock_confirmation_audit_chain")]

    operations = operations()

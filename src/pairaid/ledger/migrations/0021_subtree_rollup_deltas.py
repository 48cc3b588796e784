"""Writes to sibling pairings no longer wait for each other on their ancestor's subtree rows.

The subtree rollups of migration 0019 were kept by adding to the ancestor's row of each key
(an UPSERT), so two pairings under the same coordinating pairing writing the same month,
kind and source waited for each other's commit. Each write now only INSERTs rows of its own:
`ledger_subtreefunddelta` (written by `rollups.add`), `ledger_subtreeprojectdelta` (the
project triggers: -1 under the old key, +1 under the new one) and `ledger_subtreepersondelta`
(the posting triggers: this person's row of every tree holding the posting may be out of
date). Readers add them to the compacted rows; `subtree_compaction.compact` folds them in.

The triggers keep their names (a bulk load suspends them by name): on PostgreSQL their
functions are replaced, on SQLite the triggers are made again with new bodies and a WHEN
that skips updates changing none of the counted columns. There is nothing to fill: the
compacted rows are exact. Reversing puts 0019's bodies back and rebuilds the subtree rows
from the records (the deltas are dropped with their tables).
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

import pairaid.ledger.moneyfield

BEFORE = importlib.import_module("pairaid.ledger.migrations.0019_subtree_rollups")

SQLITE_MONTH = "date({column}, 'start of month')"
POSTGRES_MONTH = "CAST(date_trunc('month', {column}) AS date)"


def project_delta(row: str, sign: int, month: str) -> str:
    """`row`'s project counted (+1) or no longer counted (-1) below every pairing above it."""
    return (
        "INSERT INTO ledger_subtreeprojectdelta (ancestor_id, status, month, project_count) "
        f"SELECT ancestor_id, {row}.status, {month.format(column=row + '.start_date')}, {sign} "
        f"FROM ledger_pairingtreelink WHERE descendant_id = {row}.pairing_id AND depth > 0;"
    )


def person_mark(row: str) -> str:
    """`row`'s person marked in every tree holding `row`'s pairing (itself included)."""
    return (
        "INSERT INTO ledger_subtreepersondelta (ancestor_id, person_id) "
        f"SELECT ancestor_id, {row}.person_id FROM ledger_pairingtreelink "
        f"WHERE descendant_id = {row}.pairing_id;"
    )


PROJECT_CHANGED = (
    "(OLD.pairing_id IS NOT NEW.pairing_id OR OLD.status IS NOT NEW.status "
    "OR OLD.start_date IS NOT NEW.start_date)"
)
POSTING_CHANGED = (
    "(OLD.pairing_id IS NOT NEW.pairing_id OR OLD.person_id IS NOT NEW.person_id "
    "OR OLD.start_date IS NOT NEW.start_date)"
)
SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER ledger_subtreeprojectrollup_insert AFTER INSERT ON ledger_project
    WHEN NEW.start_date IS NOT NULL
    BEGIN {project_delta("NEW", 1, SQLITE_MONTH)} END;
    """,
    f"""
    CREATE TRIGGER ledger_subtreeprojectrollup_delete AFTER DELETE ON ledger_project
    WHEN OLD.start_date IS NOT NULL
    BEGIN {project_delta("OLD", -1, SQLITE_MONTH)} END;
    """,
    f"""
    CREATE TRIGGER ledger_subtreeprojectrollup_update_old
    AFTER UPDATE OF pairing_id, status, start_date ON ledger_project
    WHEN OLD.start_date IS NOT NULL AND {PROJECT_CHANGED}
    BEGIN {project_delta("OLD", -1, SQLITE_MONTH)} END;
    """,
    f"""
    CREATE TRIGGER ledger_subtreeprojectrollup_update_new
    AFTER UPDATE OF pairing_id, status, start_date ON ledger_project
    WHEN NEW.start_date IS NOT NULL AND {PROJECT_CHANGED}
    BEGIN {project_delta("NEW", 1, SQLITE_MONTH)} END;
    """,
    f"""
    CREATE TRIGGER ledger_subtreeperson_insert AFTER INSERT ON ledger_posting
    BEGIN {person_mark("NEW")} END;
    """,
    f"""
    CREATE TRIGGER ledger_subtreeperson_delete AFTER DELETE ON ledger_posting
    BEGIN {person_mark("OLD")} END;
    """,
    f"""
    CREATE TRIGGER ledger_subtreeperson_update
    AFTER UPDATE OF pairing_id, person_id, start_date ON ledger_posting
    WHEN {POSTING_CHANGED}
    BEGIN {person_mark("OLD")} {person_mark("NEW")} END;
    """,
]
SQLITE_NAMES = [
    *(f"ledger_subtreeprojectrollup_{n}" for n in ("insert", "delete", "update_old", "update_new")),
    *(f"ledger_subtreeperson_{n}" for n in ("insert", "delete", "update")),
]

# The triggers themselves (names, events, WHEN) stay as 0019 made them: only the functions
# they execute change.
POSTGRES_FUNCTIONS = [
    f"""
    CREATE OR REPLACE FUNCTION ledger_subtreeprojectrollup_keep() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.start_date IS NOT NULL THEN
        {project_delta("OLD", -1, POSTGRES_MONTH)}
      END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.start_date IS NOT NULL THEN
        {project_delta("NEW", 1, POSTGRES_MONTH)}
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE OR REPLACE FUNCTION ledger_subtreeperson_keep() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {person_mark("OLD")}
      END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') THEN
        {person_mark("NEW")}
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """,
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FUNCTIONS:
            schema_editor.execute(statement)
        return
    for name in SQLITE_NAMES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
    for statement in SQLITE_TRIGGERS:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        for statement in BEFORE.POSTGRES_FORWARD:
            if "CREATE FUNCTION" in statement:
                schema_editor.execute(
                    statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
                )
    else:
        for name in SQLITE_NAMES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
        for statement in BEFORE.SQLITE_FORWARD:
            schema_editor.execute(statement)
    month = POSTGRES_MONTH if postgres else SQLITE_MONTH
    for table in ("subtreefundrollup", "subtreeprojectrollup", "subtreeperson"):
        schema_editor.execute(f"DELETE FROM ledger_{table}")
    schema_editor.execute(BEFORE.FILL_FUNDS.format(month=month.format(column="f.date")))
    schema_editor.execute(BEFORE.FILL_PROJECTS.format(month=month.format(column="p.start_date")))
    schema_editor.execute(BEFORE.FILL_PERSONS)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0020_audit_single_index_on_time"),
    ]

    operations = [
        migrations.CreateModel(
            name="SubtreeFundDelta",
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
                    "ancestor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ledger.pairing",
                        verbose_name="上级结对关系",
                    ),
                ),
            ],
            options={
                "verbose_name": "下级资金汇总增量",
                "verbose_name_plural": "下级资金汇总增量",
                "indexes": [
                    models.Index(
                        fields=[
                            "ancestor",
                            "kind",
                            "fund_year",
                            "month",
                            "source",
                            "confirmation",
                            "amount",
                        ],
                        name="subtreefunddelta_sums",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SubtreePersonDelta",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "ancestor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ledger.pairing",
                        verbose_name="上级结对关系",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ledger.person",
                        verbose_name="人员",
                    ),
                ),
            ],
            options={
                "verbose_name": "下级选派人员变动",
                "verbose_name_plural": "下级选派人员变动",
                "indexes": [
                    models.Index(fields=["ancestor", "person"], name="subtreepersondelta_person")
                ],
            },
        ),
        migrations.CreateModel(
            name="SubtreeProjectDelta",
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
                    "ancestor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ledger.pairing",
                        verbose_name="上级结对关系",
                    ),
                ),
            ],
            options={
                "verbose_name": "下级项目汇总增量",
                "verbose_name_plural": "下级项目汇总增量",
                "indexes": [
                    models.Index(
                        fields=["ancestor", "status", "month", "project_count"],
                        name="subtreeprojectdelta_counts",
                    )
                ],
            },
        ),
        migrations.RunPython(forward, backward),
    ]

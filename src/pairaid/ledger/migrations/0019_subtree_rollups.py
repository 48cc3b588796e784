"""The pairing tree's closure and the subtree rollups (money, projects and persons per
ancestor).

`ledger_pairingtreelink` is filled from the pairings' parents with one recursive INSERT …
SELECT, then `ledger_subtreefundrollup` and `ledger_subtreeprojectrollup` from the fund
flows and projects joined to it, one INSERT … SELECT each (no row passes through Python: it
runs on millions of fund flows), and `ledger_subtreeperson` from the postings. Triggers on
the project and posting tables keep the project subtree rollup and the persons in the same
statement as every write, as migration 0017 keeps the project rollup; the money one is kept
by `rollups.add`. Reversing drops the triggers and empties the
tables (then drops them).
"""

import django.db.models.deletion
from django.db import migrations, models

import pairaid.ledger.moneyfield

SQLITE_MONTH = "date({column}, 'start of month')"
POSTGRES_MONTH = "CAST(date_trunc('month', {column}) AS date)"

FILL_TREE = (
    "INSERT INTO ledger_pairingtreelink (ancestor_id, descendant_id, depth) "
    "WITH RECURSIVE up(descendant_id, ancestor_id, depth) AS ("
    "SELECT id, id, 0 FROM ledger_pairing "
    "UNION ALL SELECT up.descendant_id, p.parent_id, up.depth + 1 FROM up "
    "JOIN ledger_pairing AS p ON p.id = up.ancestor_id WHERE p.parent_id IS NOT NULL "
    "AND up.depth < 32) "
    "SELECT ancestor_id, descendant_id, depth FROM up"
)
FILL_FUNDS = (
    "INSERT INTO ledger_subtreefundrollup "
    "(ancestor_id, kind, source, fund_year, month, confirmation, amount, flow_count) "
    "SELECT l.ancestor_id, f.kind, f.source, f.fund_year, {month}, f.confirmation, "
    "SUM(f.amount), COUNT(*) FROM ledger_fundflow AS f "
    "JOIN ledger_pairingtreelink AS l ON l.descendant_id = f.pairing_id WHERE l.depth > 0 "
    "GROUP BY l.ancestor_id, f.kind, f.source, f.fund_year, {month}, f.confirmation"
)
FILL_PROJECTS = (
    "INSERT INTO ledger_subtreeprojectrollup (ancestor_id, status, month, project_count) "
    "SELECT l.ancestor_id, p.status, {month}, COUNT(*) FROM ledger_project AS p "
    "JOIN ledger_pairingtreelink AS l ON l.descendant_id = p.pairing_id "
    "WHERE l.depth > 0 AND p.start_date IS NOT NULL "
    "GROUP BY l.ancestor_id, p.status, {month}"
)

FILL_PERSONS = (
    "INSERT INTO ledger_subtreeperson (ancestor_id, person_id, first_start) "
    "SELECT l.ancestor_id, p.person_id, MIN(p.start_date) FROM ledger_posting AS p "
    "JOIN ledger_pairingtreelink AS l ON l.descendant_id = p.pairing_id "
    "GROUP BY l.ancestor_id, p.person_id"
)


def persons_recount(row: str) -> str:
    """The rows of `row`'s person in every tree holding `row`'s pairing, counted again from
    the postings (a posting left them, or moved, or started on another day)."""
    return (
        "DELETE FROM ledger_subtreeperson "
        f"WHERE person_id = {row}.person_id AND ancestor_id IN ("
        f"SELECT ancestor_id FROM ledger_pairingtreelink WHERE descendant_id = {row}.pairing_id);"
        "INSERT INTO ledger_subtreeperson (ancestor_id, person_id, first_start) "
        f"SELECT a.ancestor_id, {row}.person_id, MIN(p.start_date) "
        "FROM ledger_pairingtreelink AS a "
        "JOIN ledger_pairingtreelink AS d ON d.ancestor_id = a.ancestor_id "
        "JOIN ledger_posting AS p ON p.pairing_id = d.descendant_id "
        f"WHERE a.descendant_id = {row}.pairing_id AND p.person_id = {row}.person_id "
        "GROUP BY a.ancestor_id;"
    )


def persons_add(row: str, least: str) -> str:
    """`row` (a new posting) in every tree holding its pairing: the person's row, its first
    start the earlier of the two."""
    return (
        "INSERT INTO ledger_subtreeperson (ancestor_id, person_id, first_start) "
        f"SELECT ancestor_id, {row}.person_id, {row}.start_date FROM ledger_pairingtreelink "
        f"WHERE descendant_id = {row}.pairing_id ORDER BY ancestor_id "
        "ON CONFLICT (ancestor_id, person_id) DO UPDATE SET "
        f"first_start = {least}(ledger_subtreeperson.first_start, excluded.first_start);"
    )


def sqlite_add(row: str) -> str:
    month = SQLITE_MONTH.format(column=f"{row}.start_date")
    return (
        "INSERT INTO ledger_subtreeprojectrollup (ancestor_id, status, month, project_count) "
        f"SELECT ancestor_id, {row}.status, {month}, 1 FROM ledger_pairingtreelink "
        f"WHERE descendant_id = {row}.pairing_id AND depth > 0 "
        "ON CONFLICT (ancestor_id, status, month) "
        "DO UPDATE SET project_count = project_count + 1;"
    )


def sqlite_take(row: str) -> str:
    month = SQLITE_MONTH.format(column=f"{row}.start_date")
    return (
        "UPDATE ledger_subtreeprojectrollup SET project_count = project_count - 1 "
        "WHERE ancestor_id IN (SELECT ancestor_id FROM ledger_pairingtreelink "
        f"WHERE descendant_id = {row}.pairing_id AND depth > 0) "
        f"AND status = {row}.status AND month = {month};"
    )


SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER ledger_subtreeprojectrollup_insert AFTER INSERT ON ledger_project
    WHEN NEW.start_date IS NOT NULL
    BEGIN {sqlite_add("NEW")} END;
    """,
    f"""
    CREATE TRIGGER ledger_subtreeprojectrollup_delete AFTER DELETE ON ledger_project
    WHEN OLD.start_date IS NOT NULL
    BEGIN {sqlite_take("OLD")} END;
    """,
    f"""
    CREATE TRIGGER ledger_subtreeprojectrollup_update_old
    AFTER UPDATE OF pairing_id, status, start_date ON ledger_project
    WHEN OLD.start_date IS NOT NULL
    BEGIN {sqlite_take("OLD")} END;
    """,
    f"""
    CREATE TRIGGER ledger_subtreeprojectrollup_update_new
    AFTER UPDATE OF pairing_id, status, start_date ON ledger_project
    WHEN NEW.start_date IS NOT NULL
    BEGIN {sqlite_add("NEW")} END;
    """,
]
SQLITE_FORWARD += [
    f"""
    CREATE TRIGGER ledger_subtreeperson_insert AFTER INSERT ON ledger_posting
    BEGIN {persons_add("NEW", "MIN")} END;
    """,
    f"""
    CREATE TRIGGER ledger_subtreeperson_delete AFTER DELETE ON ledger_posting
    BEGIN {persons_recount("OLD")} END;
    """,
    f"""
    CREATE TRIGGER ledger_subtreeperson_update
    AFTER UPDATE OF pairing_id, person_id, start_date ON ledger_posting
    BEGIN {persons_recount("OLD")} {persons_recount("NEW")} END;
    """,
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS ledger_subtreeprojectrollup_{name};"
    for name in ("insert", "delete", "update_old", "update_new")
] + [
    f"DROP TRIGGER IF EXISTS ledger_subtreeperson_{name};"
    for name in ("insert", "delete", "update")
]

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION ledger_subtreeprojectrollup_keep() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.start_date IS NOT NULL THEN
        UPDATE ledger_subtreeprojectrollup SET project_count = project_count - 1
        WHERE ancestor_id IN (SELECT ancestor_id FROM ledger_pairingtreelink
                              WHERE descendant_id = OLD.pairing_id AND depth > 0)
          AND status = OLD.status
          AND month = CAST(date_trunc('month', OLD.start_date) AS date);
      END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.start_date IS NOT NULL THEN
        INSERT INTO ledger_subtreeprojectrollup (ancestor_id, status, month, project_count)
        SELECT ancestor_id, NEW.status, CAST(date_trunc('month', NEW.start_date) AS date), 1
        FROM ledger_pairingtreelink
        WHERE descendant_id = NEW.pairing_id AND depth > 0
        ORDER BY ancestor_id
        ON CONFLICT (ancestor_id, status, month)
        DO UPDATE SET project_count = ledger_subtreeprojectrollup.project_count + 1;
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER ledger_subtreeprojectrollup_insert_delete
    AFTER INSERT OR DELETE ON ledger_project
    FOR EACH ROW EXECUTE FUNCTION ledger_subtreeprojectrollup_keep();
    """,
    """
    CREATE TRIGGER ledger_subtreeprojectrollup_update
    AFTER UPDATE OF pairing_id, status, start_date ON ledger_project
    FOR EACH ROW
    WHEN (OLD.pairing_id IS DISTINCT FROM NEW.pairing_id
          OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.start_date IS DISTINCT FROM NEW.start_date)
    EXECUTE FUNCTION ledger_subtreeprojectrollup_keep();
    """,
]
POSTGRES_FORWARD += [
    f"""
    CREATE FUNCTION ledger_subtreeperson_keep() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        {persons_add("NEW", "LEAST")}
      ELSE
        {persons_recount("OLD")}
      END IF;
      IF TG_OP = 'UPDATE' THEN
        {persons_recount("NEW")}
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER ledger_subtreeperson_insert_delete
    AFTER INSERT OR DELETE ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_subtreeperson_keep();
    """,
    """
    CREATE TRIGGER ledger_subtreeperson_update
    AFTER UPDATE OF pairing_id, person_id, start_date ON ledger_posting
    FOR EACH ROW
    WHEN (OLD.pairing_id IS DISTINCT FROM NEW.pairing_id
          OR OLD.person_id IS DISTINCT FROM NEW.person_id
          OR OLD.start_date IS DISTINCT FROM NEW.start_date)
    EXECUTE FUNCTION ledger_subtreeperson_keep();
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_subtreeperson_update ON ledger_posting;",
    "DROP TRIGGER IF EXISTS ledger_subtreeperson_insert_delete ON ledger_posting;",
    "DROP FUNCTION IF EXISTS ledger_subtreeperson_keep();",
    "DROP TRIGGER IF EXISTS ledger_subtreeprojectrollup_update ON ledger_project;",
    "DROP TRIGGER IF EXISTS ledger_subtreeprojectrollup_insert_delete ON ledger_project;",
    "DROP FUNCTION IF EXISTS ledger_subtreeprojectrollup_keep();",
]


def forward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    month = POSTGRES_MONTH if postgres else SQLITE_MONTH
    schema_editor.execute(FILL_TREE)
    schema_editor.execute(FILL_FUNDS.format(month=month.format(column="f.date")))
    schema_editor.execute(FILL_PROJECTS.format(month=month.format(column="p.start_date")))
    schema_editor.execute(FILL_PERSONS)
    for statement in POSTGRES_FORWARD if postgres else SQLITE_FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES_BACKWARD if postgres else SQLITE_BACKWARD:
        schema_editor.execute(statement)
    for table in ("subtreeperson", "subtreeprojectrollup", "subtreefundrollup", "pairingtreelink"):
        schema_editor.execute(f"DELETE FROM ledger_{table}")


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0018_stored_figures"),
    ]

    operations = [
        migrations.CreateModel(
            name="PairingTreeLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("depth", models.PositiveSmallIntegerField(verbose_name="层级差")),
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
                    "descendant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ledger.pairing",
                        verbose_name="下级结对关系",
                    ),
                ),
            ],
            options={
                "verbose_name": "结对关系层级",
                "verbose_name_plural": "结对关系层级",
                "indexes": [
                    models.Index(
                        fields=["ancestor", "depth", "descendant"], name="pairingtreelink_below"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("descendant", "ancestor"), name="pairingtreelink_one_row_per_pair"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SubtreeFundRollup",
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
                "verbose_name": "下级资金汇总",
                "verbose_name_plural": "下级资金汇总",
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
                        name="subtreefundrollup_sums",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("ancestor", "kind", "source", "fund_year", "month", "confirmation"),
                        name="subtreefundrollup_one_row_per_key",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SubtreeProjectRollup",
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
                "verbose_name": "下级项目汇总",
                "verbose_name_plural": "下级项目汇总",
                "indexes": [
                    models.Index(
                        fields=["ancestor", "status", "month", "project_count"],
                        name="subtreeprojectrollup_counts",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("ancestor", "status", "month"),
                        name="subtreeprojectrollup_one_row_per_key",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SubtreePerson",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("first_start", models.DateField(verbose_name="最早到岗日期")),
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
                "verbose_name": "下级选派人员",
                "verbose_name_plural": "下级选派人员",
                "indexes": [
                    models.Index(
                        fields=["ancestor", "first_start"], name="subtreeperson_first_start"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("ancestor", "person"), name="subtreeperson_one_row_per_person"
                    )
                ],
            },
        ),
        migrations.RunPython(forward, backward),
    ]

"""Migration 0022 drops the single-column pairing indexes of the fund flows and the audit
entries (composite indexes starting with the pairing serve their lookups) and, on PostgreSQL,
checks a new fund flow's project once per statement instead of once per row: the rule that a
flow's project belongs to its pairing still holds for inserts of one row or many and for
updates, and reversed, the indexes and the row trigger are back as 0021 left them. It runs on
a database of its own, in a separate process, climbing only to 0022 and back: the migrations
after it cost seconds each of Django's migration-state rendering (0023 leaves these two tables
alone)."""

from __future__ import annotations

from scratch_databases import MIGRATION_SCRIPT_START, run_in_scratch_database

BEFORE = ("ledger", "0018_stored_figures")
SCRIPT = (
    MIGRATION_SCRIPT_START
    + f"BEFORE = {BEFORE!r}\n"
    + r"""
from django.db import IntegrityError, transaction

OLD = ("ledger", "0021_subtree_rollup_deltas")
UNDER_TEST = ("ledger", "0022_bulk_writes_fewer_indexes_statement_trigger")
TABLES = ("ledger_fundflow", "ledger_auditentry")

def indexes():
    with connection.cursor() as cursor:
        return {
            table: sorted(
                [name, info["columns"]]
                for name, info in connection.introspection.get_constraints(cursor, table).items()
                if info["index"]
            )
            for table in TABLES
        }

apps = historical_apps(OLD)
Project = apps.get_model("ledger", "Project")
own_pairing = one_pairing(apps, ("990401", "迁移甲区"), ("990402", "迁移乙县"))
other_pairing = one_pairing(apps, ("990403", "迁移丙区"), ("990404", "迁移丁县"))
def project(pairing, code):
    return Project.objects.create(
        pairing_id=pairing.pk, code=code, name="迁移项目", sector="industry",
        mode="capacity_building", status="in_progress", start_date=dt.date(2021, 6, 1),
    ).pk
own, foreign = project(own_pairing, "M-1"), project(other_pairing, "M-2")
before = {"indexes": indexes(), "triggers": triggers("ledger_fundflow")}

def refused(write):
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False

def rule_holds(apps, serial):
    FundFlow = apps.get_model("ledger", "FundFlow")
    def flow(project_id, n):
        return FundFlow(
            pairing_id=own_pairing.pk, kind="transfer", fund_year=2021,
            date=dt.date(2021, 6, 1), amount=Decimal("10.00"), source="fiscal",
            project_id=project_id, voucher=f"{serial}-{n}", recorded_at=timezone.now(),
        )
    kept = FundFlow.objects.bulk_create([flow(own, 1), flow(None, 2)])
    return {
        "one_foreign": refused(lambda: FundFlow.objects.bulk_create([flow(foreign, 3)])),
        "many_one_foreign": refused(lambda: FundFlow.objects.bulk_create(
            [flow(own, 4), flow(None, 5), flow(foreign, 6)]
        )),
        "own_kept": FundFlow.objects.filter(pk__in=[f.pk for f in kept]).count(),
        "moved_to_foreign": refused(
            lambda: FundFlow.objects.filter(pk=kept[1].pk).update(project_id=foreign)
        ),
        "moved_to_own": not refused(
            lambda: FundFlow.objects.filter(pk=kept[1].pk).update(project_id=own)
        ),
        "confirmed": not refused(
            lambda: FundFlow.objects.filter(pk=kept[0].pk).update(confirmation="confirmed")
        ),
    }

old_rule = rule_holds(apps, "old")
executor = migrate(UNDER_TEST)
new_apps = executor.loader.project_state(UNDER_TEST).apps
after = {"indexes": indexes(), "triggers": triggers("ledger_fundflow")}
new_rule = rule_holds(new_apps, "new")
migrate(OLD)
back = {"indexes": indexes(), "triggers": triggers("ledger_fundflow")}
back_rule = rule_holds(apps, "back")
print(json.dumps({"before": before, "after": after, "back": back,
                  "rules": [old_rule, new_rule, back_rule], "vendor": connection.vendor}))
"""
)

DROPPED = {
    "ledger_fundflow": "ledger_fundflow_pairing_id_d0146bcc",
    "ledger_auditentry": "ledger_auditentry_pairing_id_737391d7",
}


def test_it_drops_the_covered_indexes_keeps_the_rule_and_is_reversed(db, migration_points):
    answer = run_in_scratch_database(SCRIPT, start=migration_points.get(".".join(BEFORE)))
    before, after, back = answer["before"], answer["after"], answer["back"]
    for table, name in DROPPED.items():
        names = {found for found, _columns in before["indexes"][table]}
        assert name in names
        assert [name, ["pairing_id"]] in before["indexes"][table]
        # what is left still starts with the pairing
        kept = [columns for found, columns in after["indexes"][table]]
        assert ["pairing_id"] not in kept
        assert any(columns[0] == "pairing_id" and len(columns) > 1 for columns in kept)
    # the fund flows lose only their pairing's index
    table, name = "ledger_fundflow", DROPPED["ledger_fundflow"]
    assert sorted(after["indexes"][table] + [[name, ["pairing_id"]]]) == sorted(
        before["indexes"][table]
    )
    # the audit entries their pairing's, and keep one index on the action, by a name of its own
    action = [
        [found, columns]
        for found, columns in before["indexes"]["ledger_auditentry"]
        if columns == ["action"]
    ]
    assert len(action) == (2 if answer["vendor"] == "postgresql" else 1)  # with LIKE's
    dropped = [[DROPPED["ledger_auditentry"], ["pairing_id"]], *action]
    assert sorted(after["indexes"]["ledger_auditentry"]) == sorted(
        [i for i in before["indexes"]["ledger_auditentry"] if i not in dropped]
        + [["audit_by_action", ["action"]]]
    )
    assert back == before
    expected = {
        "one_foreign": True,
        "many_one_foreign": True,
        "own_kept": 2,
        "moved_to_foreign": True,
        "moved_to_own": True,
        "confirmed": True,
    }
    assert answer["rules"] == [expected, expected, expected]
    if answer["vendor"] == "postgresql":
        assert after["triggers"] == [
            "ledger_fundflow_project_pairing",
            "ledger_fundflow_project_pairing_insert",
        ]
    else:
        assert after["triggers"] == before["triggers"]  # SQLite's tables are not remade

"""Migration 0019 builds the pairing tree's links and the subtree rollups from the pairings,
fund flows and projects already recorded (one INSERT … SELECT each), installs the triggers
that keep the project one, and is reversed by dropping them, on SQLite and PostgreSQL;
migration 0021 (deltas) keeps the triggers' names and, reversed, rebuilds the rows from the
records. It runs on a database of its own, in a separate process, climbing only to 0021 and
back: the migrations after it cost seconds each of Django's migration-state rendering."""

from __future__ import annotations

from scratch_databases import MIGRATION_SCRIPT_START, run_in_scratch_database

BEFORE = ("ledger", "0018_stored_figures")
UNDER_TEST = ("ledger", "0021_subtree_rollup_deltas")  # with 0019 and 0020 before it
SCRIPT = (
    MIGRATION_SCRIPT_START
    + f"BEFORE = {BEFORE!r}\nUNDER_TEST = {UNDER_TEST!r}\n"
    + r"""

apps = historical_apps(BEFORE)
FundFlow = apps.get_model("ledger", "FundFlow")
Project = apps.get_model("ledger", "Project")
Pairing = apps.get_model("ledger", "Pairing")
top = one_pairing(apps, ("990301", "迁移省"), ("990302", "迁移受援省"))
child = one_pairing(apps, ("990303", "迁移市"), ("990304", "迁移州"))
grandchild = one_pairing(apps, ("990305", "迁移区"), ("990306", "迁移县"))
Pairing.objects.filter(pk=child.pk).update(parent=top)
Pairing.objects.filter(pk=grandchild.pk).update(parent=child)
for pairing, day, amount in [
    (grandchild, dt.date(2021, 6, 1), "1000.10"),
    (grandchild, dt.date(2021, 6, 30), "0.01"),
    (child, dt.date(2021, 6, 2), "5.00"),
    (top, dt.date(2021, 6, 3), "7.00"),
]:
    FundFlow.objects.create(
        pairing=pairing, kind="transfer", fund_year=2021, date=day, amount=Decimal(amount),
        source="fiscal",
    )
for n, (pairing, status, start) in enumerate([
    (grandchild, "in_progress", dt.date(2021, 6, 1)),
    (child, "in_progress", dt.date(2021, 6, 9)),
    (grandchild, "planned", None),
]):
    Project.objects.create(
        pairing=pairing, code=f"T-{n}", name="迁移项目", sector="industry",
        mode="capacity_building", status=status, start_date=start,
    )

def subtree_triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'ledger_subtree%%'")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'ledger_subtree%%'"
            )
        return sorted(row[0] for row in cursor.fetchall())

migrate(("ledger", "0020_audit_single_index_on_time"))
named_by_0019 = subtree_triggers()
migrate(UNDER_TEST)
named_now = subtree_triggers()
# read and written through today's code and models (their columns are 0021's)
from pairaid.ledger import figures, rollups, subtree_rollups
rollups.rebuild()  # the flows above were written around the services (and their rollup)
from pairaid.ledger.models import (
    Pairing, PairingTreeLink, Project, SubtreeFundRollup, SubtreeProjectRollup,
)
links = sorted([r.ancestor_id - top.pk, r.descendant_id - top.pk, r.depth]
               for r in PairingTreeLink.objects.all())
money = sorted([r.ancestor_id - top.pk, str(r.amount), r.flow_count]
               for r in SubtreeFundRollup.objects.all())
projects = sorted([r.ancestor_id - top.pk, r.status, r.project_count]
                  for r in SubtreeProjectRollup.objects.all())
differences = [count for count, _rows in subtree_rollups.differences().values()]
window = figures.window_for(Pairing.objects.get(pk=top.pk), include_children=True)
funds = str(figures.funds_invested(window).value)
Project.objects.filter(code="T-2").update(status="in_progress", start_date=dt.date(2021, 8, 8))
started = figures.projects_implemented(window).value
kept_differences = [count for count, _rows in subtree_rollups.differences().values()]

migrate(BEFORE)
tables = connection.introspection.table_names()
added = {"ledger_pairingtreelink", "ledger_subtreefundrollup", "ledger_subtreeprojectrollup",
         "ledger_subtreeperson"}
print(json.dumps({"links": links, "money": money, "projects": projects,
                  "differences": differences, "funds": funds, "started": started,
                  "kept_differences": kept_differences, "dropped": not added & set(tables),
                  "triggers": [named_by_0019, named_now]}))
"""
)


def test_it_fills_the_subtree_rollups_keeps_them_and_drops_them_when_reversed(db, migration_points):
    answer = run_in_scratch_database(SCRIPT, start=migration_points.get(".".join(BEFORE)))
    # ids relative to the top pairing: child +1, grandchild +2
    assert answer["links"] == [[0, 0, 0], [0, 1, 1], [0, 2, 2], [1, 1, 0], [1, 2, 1], [2, 2, 0]]
    assert answer["money"] == [[0, "1005.11", 3], [1, "1000.11", 2]]
    assert answer["projects"] == [[0, "in_progress", 2], [1, "in_progress", 1]]
    assert answer["differences"] == [0, 0, 0, 0]
    assert answer["funds"] == "1012.11"
    assert answer["started"] == 3
    assert answer["kept_differences"] == [0, 0, 0, 0]
    assert answer["dropped"] is True
    # migration 0021 gave the triggers new bodies (deltas) under the names 0019 gave them
    named_by_0019, named_now = answer["triggers"]
    assert named_by_0019 == named_now and len(named_now) >= 4

"""Migration 0017 creates the project rollups, fills them from the projects already recorded
(one INSERT … SELECT), installs the triggers that keep them, and is reversed by dropping them,
on SQLite and PostgreSQL. It runs on a database of its own, in a separate process, climbing
only to 0017 and back: the migrations after it cost seconds each of Django's migration-state
rendering."""

from __future__ import annotations

from scratch_databases import MIGRATION_SCRIPT_START, run_in_scratch_database

BEFORE = ("ledger", "0016_placements_trainings_workshops_vocational")
UNDER_TEST = ("ledger", "0017_project_rollups")
SCRIPT = (
    MIGRATION_SCRIPT_START
    + f"BEFORE = {BEFORE!r}\nUNDER_TEST = {UNDER_TEST!r}\n"
    + r"""

apps = historical_apps(BEFORE)
Project = apps.get_model("ledger", "Project")
pairing = one_pairing(apps, ("990201", "迁移丙区"), ("990202", "迁移丁县"))
for n, (status, start) in enumerate([
    ("in_progress", dt.date(2021, 6, 1)),
    ("in_progress", dt.date(2021, 6, 30)),
    ("completed", dt.date(2021, 6, 15)),
    ("cancelled", dt.date(2021, 7, 1)),
    ("planned", None),
]):
    Project.objects.create(
        pairing=pairing, code=f"M-{n}", name="迁移项目", sector="industry",
        mode="capacity_building", status=status, start_date=start,
    )

migrate(UNDER_TEST)
# read and written through today's code and models (their columns are 0017's)
from pairaid.ledger import rollups
from pairaid.ledger.models import Project, ProjectRollup
def rows():
    return sorted(
        [str(r.month), r.status, r.project_count] for r in ProjectRollup.objects.all()
    )
filled = rows()
differences = rollups.project_differences()[0]
started = rollups.started_by_pairing(
    [pairing.pk], start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31)
)
Project.objects.filter(code="M-4").update(status="in_progress", start_date=dt.date(2021, 8, 8))
Project.objects.filter(code="M-0").delete()
kept = rows()
kept_differences = rollups.project_differences()[0]

migrate(BEFORE)
tables = connection.introspection.table_names()
print(json.dumps({"filled": filled, "differences": differences, "started": started[pairing.pk],
                  "kept": kept, "kept_differences": kept_differences,
                  "dropped": "ledger_projectrollup" not in tables}))
"""
)


def test_it_fills_the_project_rollups_keeps_them_and_drops_them_when_reversed(db, migration_points):
    answer = run_in_scratch_database(SCRIPT, start=migration_points.get(".".join(BEFORE)))
    assert answer["filled"] == [
        ["2021-06-01", "completed", 1],
        ["2021-06-01", "in_progress", 2],
        ["2021-07-01", "cancelled", 1],
    ]
    assert answer["differences"] == 0
    assert answer["started"] == 3  # the cancelled and the planned project are not counted
    assert answer["kept"] == [
        ["2021-06-01", "completed", 1],
        ["2021-06-01", "in_progress", 1],
        ["2021-07-01", "cancelled", 1],
        ["2021-08-01", "in_progress", 1],
    ]
    assert answer["kept_differences"] == 0
    assert answer["dropped"] is True

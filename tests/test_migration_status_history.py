"""Migration 0011 seeds the status history of the projects already recorded: one row each,
its current status from its start date (or, without one, the day it was recorded; here,
with no audit entry, the day of the migration). Reversible. Run on a database of its own,
in a separate process, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

from scratch_databases import MIGRATION_SCRIPT_START, run_in_scratch_database

BEFORE = ("ledger", "0010_fund_rollups")
SCRIPT = (
    MIGRATION_SCRIPT_START
    + f"BEFORE = {BEFORE!r}\n"
    + r"""
AFTER = ("ledger", "0011_evidence_and_progress")

apps = historical_apps(BEFORE)
Project = apps.get_model("ledger", "Project")
pairing = one_pairing(apps, ("990201", "历史甲区"), ("990202", "历史乙县"))
started = Project.objects.create(
    pairing=pairing, code="H-1", name="已开工", sector="other", mode="direct_aid",
    status="completed", start_date=dt.date(2021, 4, 1),
)
planned = Project.objects.create(
    pairing=pairing, code="H-2", name="计划中", sector="other", mode="direct_aid",
)
migrate(AFTER)
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT p.code, s.status, s.effective_on FROM ledger_projectstatuschange s "
        "JOIN ledger_project p ON p.id = s.project_id ORDER BY p.code"
    )
    rows = [[code, status, str(day)] for code, status, day in cursor.fetchall()]
migrate(BEFORE)
print(json.dumps({"rows": rows, "today": str(timezone.localdate())}))
"""
)


def test_it_seeds_one_status_row_per_project_and_reverses(db, migration_points):
    answer = run_in_scratch_database(SCRIPT, start=migration_points.get(".".join(BEFORE)))
    assert answer["rows"] == [
        ["H-1", "completed", dt.date(2021, 4, 1).isoformat()],
        ["H-2", "planned", answer["today"]],
    ]

"""The split of projects implemented by status, as of a past date: each project is counted
under the status it had on that day (its status history), so the parts add up to the figure
even for projects cancelled or completed since."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pairaid.ledger import breakdowns, figures, services
from pairaid.ledger.models import Project

PAST = dt.date(2022, 12, 31)


def scene(build):
    pairing = build.pairing("状态甲区", "状态乙县", valid_from=dt.date(2019, 1, 1))
    kept = build.project(pairing, start=dt.date(2021, 3, 1), sector=Project.Sector.INDUSTRY)
    cancelled = build.project(pairing, start=dt.date(2021, 4, 1), sector=Project.Sector.INDUSTRY)
    completed = build.project(pairing, start=dt.date(2021, 5, 1), sector=Project.Sector.EDUCATION)
    # both changes take effect today, after the past window's end
    services.update_record(cancelled, acting_user=None, via="test", status="cancelled")
    services.update_record(
        completed,
        acting_user=None,
        via="test",
        status=Project.Status.COMPLETED,
        end_date=timezone.localdate(),
    )
    return pairing, kept, cancelled, completed


def test_it_splits_a_past_figure_by_the_status_each_project_had_then(build):
    pairing, kept, cancelled, completed = scene(build)
    past = figures.window_for(pairing, as_of=PAST)

    total = figures.projects_implemented(past)
    by_status = breakdowns.implemented_by(past, "status")

    assert total.value == 3
    assert {s: part.value for s, part in by_status.items() if part.value} == {
        Project.Status.IN_PROGRESS: 3
    }
    assert sum(part.value for part in by_status.values()) == total.value
    shown = set(by_status[Project.Status.IN_PROGRESS].records.values_list("pk", flat=True))
    assert shown == {kept.pk, cancelled.pk, completed.pk}
    assert "截至2022-12-31状态为" in by_status[Project.Status.IN_PROGRESS].rule


def test_it_fills_the_sector_and_status_cells_of_a_past_date_that_add_up(build):
    pairing, *_ = scene(build)
    past = figures.window_for(pairing, as_of=PAST)

    cells = breakdowns.implemented_by_sector_and_status(past)

    assert cells == {
        (Project.Sector.INDUSTRY, Project.Status.IN_PROGRESS): 2,
        (Project.Sector.EDUCATION, Project.Status.IN_PROGRESS): 1,
    }
    assert sum(cells.values()) == figures.projects_implemented(past).value


def test_it_splits_todays_figure_by_the_current_status(build):
    pairing, kept, _cancelled, completed = scene(build)
    now = figures.window_for(pairing, as_of=timezone.localdate())

    by_status = breakdowns.implemented_by(now, "status")
    cells = breakdowns.implemented_by_sector_and_status(now)

    assert {s: part.value for s, part in by_status.items() if part.value} == {
        Project.Status.IN_PROGRESS: 1,
        Project.Status.COMPLETED: 1,
    }
    assert "当前状态" in by_status[Project.Status.COMPLETED].rule
    assert cells == {
        (Project.Sector.INDUSTRY, Project.Status.IN_PROGRESS): 1,
        (Project.Sector.EDUCATION, Project.Status.COMPLETED): 1,
    }
    assert set(by_status[Project.Status.COMPLETED].records.values_list("pk", flat=True)) == {
        completed.pk
    }
    assert kept.pk in by_status[Project.Status.IN_PROGRESS].records.values_list("pk", flat=True)

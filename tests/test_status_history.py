"""Status history: every status change of a project is kept, so that `status_on` answers
what a project's status was on a past date, and a figure as of then can count it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pairaid.ledger import figures, services, status_history
from pairaid.ledger.models import Pairing, Project, ProjectStatusChange


def statuses_on(projects, day):
    return dict(status_history.status_on(projects, day).values_list("pk", "status_then"))


def test_it_records_the_first_status_of_a_started_project_at_its_start_date(build):
    project = build.project(build.pairing(), start=dt.date(2021, 3, 1))

    row = ProjectStatusChange.objects.get(project=project)
    assert (row.status, row.effective_on) == (Project.Status.IN_PROGRESS, dt.date(2021, 3, 1))


def test_it_answers_the_status_on_a_past_date_after_a_cancellation(build, admin_user):
    pairing = build.pairing()
    project = build.project(pairing, start=dt.date(2021, 3, 1))
    services.update_record(
        project, acting_user=admin_user, via="test", status=Project.Status.CANCELLED
    )
    today = timezone.localdate()
    projects = Project.objects.filter(pk=project.pk)

    assert statuses_on(projects, dt.date(2021, 2, 28)) == {project.pk: None}
    assert statuses_on(projects, dt.date(2022, 6, 1)) == {project.pk: "in_progress"}
    assert statuses_on(projects, today) == {project.pk: "cancelled"}
    latest = ProjectStatusChange.objects.filter(project=project).latest("id")
    assert (latest.status, latest.effective_on, latest.changed_by) == (
        "cancelled",
        today,
        admin_user,
    )
    # a figure as of the past counts it as started then, as of today not
    assert status_history.started_on(projects, dt.date(2022, 6, 1)).count() == 1
    assert status_history.started_on(projects, today).count() == 0


def test_it_dates_a_start_recorded_later_at_the_start_date(build):
    project = build.project(build.pairing(), status=Project.Status.APPROVED, start=None)
    services.update_record(
        project,
        acting_user=None,
        via="test",
        status=Project.Status.IN_PROGRESS,
        start_date=dt.date(2023, 5, 1),
    )
    projects = Project.objects.filter(pk=project.pk)
    assert statuses_on(projects, dt.date(2023, 5, 1)) == {project.pk: "in_progress"}


def test_it_keeps_the_stored_status_of_a_project_with_no_history(build):
    project = build.project(build.pairing(), start=dt.date(2021, 3, 1))
    ProjectStatusChange.objects.filter(project=project).delete()

    assert statuses_on(Project.objects.filter(pk=project.pk), dt.date(2020, 1, 1)) == {
        project.pk: "in_progress"
    }


def test_it_counts_the_articles_154_projects_by_the_status_on_that_day(db):
    pairing = Pairing.objects.get(helper_region__code="510502", recipient_region__code="513423")
    window = figures.window_for(pairing, as_of=dt.date(2022, 12, 4))
    behind = figures.projects_implemented(window).records
    dated = Project.objects.filter(
        pairing_id__in=window.pairing_ids,
        start_date__gte=window.start,
        start_date__lte=window.end,
    )

    assert status_history.started_on(dated, window.end).count() == behind.count() == 154

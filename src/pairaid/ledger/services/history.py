"""The status history of projects: every status a project takes, from which date, written
by the services that create and change projects (`records`), never edited afterwards.

The date a status holds from (`effective_on`): a project recorded or moved into a started
status (实施中 or later) started on its start date (开工日期); any other status holds from the
day it is recorded. No date lies after today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from pairaid.ledger.models import Project, ProjectStatusChange


def _effective_on(project: Project, started_before: bool, today: dt.date) -> dt.date:
    if project.status in Project.STARTED and not started_before and project.start_date:
        return min(project.start_date, today)
    return today


def _row(project: Project, effective_on: dt.date, acting_user: Any) -> ProjectStatusChange:
    return ProjectStatusChange(
        project=project,
        status=project.status,
        effective_on=effective_on,
        changed_at=timezone.now(),
        changed_by=acting_user if getattr(acting_user, "pk", None) else None,
    )


def note_created(projects: Iterable[Project], acting_user: Any) -> None:
    """The first status of newly recorded projects."""
    today = timezone.localdate()
    ProjectStatusChange.objects.bulk_create(
        [_row(p, _effective_on(p, False, today), acting_user) for p in projects],
        batch_size=1000,
    )


def note_changed(project: Project, before: Project, acting_user: Any) -> None:
    """After an update of `project` (its stored state before in `before`): a new row when
    its status changed; when a started project's start date moves earlier than any started
    status it has, a row from the new start date, so that it counts as started from then."""
    today = timezone.localdate()
    if project.status != before.status:
        started_before = before.status in Project.STARTED
        _row(project, _effective_on(project, started_before, today), acting_user).save(
            force_insert=True
        )
        return
    if (
        project.status in Project.STARTED
        and project.start_date
        and project.start_date != before.start_date
    ):
        earliest = (
            ProjectStatusChange.objects.filter(project=project, status__in=Project.STARTED)
            .order_by("effective_on")
            .values_list("effective_on", flat=True)
            .first()
        )
        start = min(project.start_date, today)
        if earliest is None or start < earliest:
            _row(project, start, acting_user).save(force_insert=True)

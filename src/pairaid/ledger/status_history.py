"""A project's status on a past date, from its status history (`ProjectStatusChange`,
written by the services at every change), so that a figure as of a past date counts the
projects that had started then, not those that have started by today.

`status_on(projects, day)` annotates each project with `status_then`: the status of its
latest history row holding on `day` (`effective_on` on or before it), or NULL when its
history begins after that day. A project with no history at all (written around the
services, e.g. by a bulk loader) keeps its stored status. Computed in the database (one
correlated subquery over the index on project and date), so it filters and counts there.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Case, Exists, F, OuterRef, QuerySet, Subquery, When

from pairaid.ledger.models import ProgressUpdate, Project, ProjectStatusChange

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class StatusThen(TypedDict):
    """What `status_on` annotates."""

    status_then: str


def status_on(
    projects: QuerySet[Project], day: dt.date
) -> QuerySet[WithAnnotations[Project, StatusThen]]:
    """`projects` annotated with `status_then`, each project's status on `day`."""
    rows = ProjectStatusChange.objects.filter(project=OuterRef("pk"))
    latest = rows.filter(effective_on__lte=day).order_by("-effective_on", "-id").values("status")
    return projects.annotate(
        status_then=Case(
            When(Exists(rows), then=Subquery(latest[:1])),
            default=F("status"),
        )
    )


def started_on(projects: QuerySet[Project], day: dt.date) -> QuerySet[Project]:
    """The projects that had started (实施中 or later, not cancelled) on `day`."""
    return status_on(projects, day).filter(status_then__in=Project.STARTED)


# A funded project is "without progress" when it has no progress report in this many days.
NO_UPDATE_DAYS = 365


def without_recent_update(
    projects: QuerySet[Project], day: dt.date, days: int = NO_UPDATE_DAYS
) -> QuerySet[Project]:
    """The projects with no progress report dated in the year up to `day` (the dashboard's
    "funded projects with no progress" takes its funded projects through this)."""
    recent = ProgressUpdate.objects.filter(
        project=OuterRef("pk"), date__lte=day, date__gt=day - timedelta(days=days)
    )
    return projects.exclude(Exists(recent))

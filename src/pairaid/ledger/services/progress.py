"""Progress reports over time (进展报告): a project's dated updates — progress %, what was
done, spending to date, photos — the timeline of its page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.ledger import access
from pairaid.ledger.models import Evidence, ProgressUpdate, Project
from pairaid.ledger.services.audit import log_action, record_values
from pairaid.ledger.services.evidence import attach_evidence
from pairaid.ledger.services.records import update_record

# Who reports progress: the helper side (EDIT) and the recipient side (PROGRESS).
UPDATE_ACTIONS = (access.EDIT, access.PROGRESS)


@transaction.atomic
def record_progress_update(
    project: Project,
    *,
    date: dt.date,
    progress: int,
    text: str,
    spent_to_date: Decimal | None = None,
    photos: Iterable[IO[bytes]] = (),
    acting_user: Any,
    via: str,
    is_demo: bool = False,
) -> ProgressUpdate:
    """Add a dated report to a project, audited as `progressupdate.created`. When it is the
    project's newest report, the project's progress becomes the reported one (audited as a
    change of the project). Photos are attached to the report as evidence."""
    if acting_user is not None:
        access.require(acting_user, project.pairing, *UPDATE_ACTIONS)
    if date > timezone.localdate():
        raise ValidationError({"date": _("报告日期不能晚于今天")})
    update = ProgressUpdate(
        project=project,
        date=date,
        progress=progress,
        text=text,
        spent_to_date=spent_to_date,
        reported_by=acting_user if getattr(acting_user, "pk", None) else None,
        reported_at=timezone.now(),
        is_demo=is_demo,
    )
    update.full_clean()
    update.save(force_insert=True)
    log_action(
        "progressupdate.created",
        update,
        acting_user=acting_user,
        via=via,
        changes=record_values(update),
    )
    newer = project.updates.filter(date__gt=date).exists()
    if not newer and project.progress != progress:
        update_record(project, acting_user=acting_user, via=via, progress=progress)
    for photo in photos:
        attach_evidence(
            update,
            photo,
            kind=Evidence.Kind.PHOTO,
            acting_user=acting_user,
            via=via,
            is_demo=is_demo,
        )
    return update

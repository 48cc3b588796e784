"""The one state change of the reports app: freezing a briefing, audited like ledger changes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from pairaid.ledger import access
from pairaid.ledger.services import log_action
from pairaid.reports import briefing, snapshots
from pairaid.reports.common import Options
from pairaid.reports.models import FrozenBriefing

# Freezing writes a record: any role that does more than read may do it (a coordinator,
# an auditor, either side's office); a read-only viewer may not.
FREEZE_ACTIONS = (
    access.EDIT,
    access.CONFIRM,
    access.PROGRESS,
    access.SUBMIT,
    access.TARGETS,
    access.APPROVE,
    access.AUDIT,
)


@transaction.atomic
def freeze_briefing(
    options: Options, *, acting_user: Any, via: str, note: str = ""
) -> FrozenBriefing:
    """Compute the briefing now and keep its figures, rules, as-of date and the records
    behind each figure, with who froze it and when — in the language of record (Chinese),
    whatever the page's language, so that a later comparison reads the same rules.

    `OutOfScope` when the user does not see the pairing, PermissionDenied when the user sees
    it but may only read (`FREEZE_ACTIONS`); `acting_user=None` is the system."""
    if acting_user is not None:
        access.require(acting_user, options.pairing, *FREEZE_ACTIONS)
    with translation.override(settings.LANGUAGE_CODE):
        parts = briefing.briefing_parts(options)
        title = briefing.briefing_title(options)
        text = snapshots.briefing_text(parts, options.style)
        figures = snapshots.snapshot(parts)
    frozen = FrozenBriefing.objects.create(
        pairing=options.pairing,
        title=title,
        options=options.to_dict(),
        as_of=options.as_of_date,
        text=text,
        figures=figures,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        created_at=timezone.now(),
        note=note.strip(),
    )
    log_action(
        "briefing.frozen",
        frozen,
        acting_user=acting_user,
        via=via,
        changes={
            "options": frozen.options,
            "as_of": frozen.as_of.isoformat(),
            "figures": {item["key"]: item["value"] for item in frozen.figures["figures"]},
        },
    )
    return frozen

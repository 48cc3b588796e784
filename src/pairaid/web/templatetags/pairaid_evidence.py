"""Sections of record pages: the record's evidence (佐证材料) with thumbnails and an upload
form, and a project's progress reports as a timeline. Each asks one query (two for the
timeline with its photos) and decides what the user may do through `web.access`."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model, Prefetch

from pairaid.ledger import services
from pairaid.ledger.models import Evidence, Project
from pairaid.web import access
from pairaid.web.forms.evidence import EvidenceForm, ProgressUpdateForm
from pairaid.web.views.evidence import DEFAULT_KIND, RECORDS, may_attach
from pairaid.web.views.updates import may_report

register = template.Library()
SEGMENT = {model: segment for segment, model in RECORDS.items()}


@register.inclusion_tag("web/evidence/_section.html", takes_context=True)
def evidence_section(context: Any, record: Model, heading: bool = True) -> dict[str, Any]:
    user = context["request"].user
    pairing = services.pairing_of(record)
    files = (
        Evidence.objects.filter(**{services.evidence_link(record): record}, removed_at=None)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "id")
    )
    can_upload = may_attach(user, pairing)
    return {
        "files": files,
        "record": record,
        "segment": SEGMENT[type(record)],
        "can_upload": can_upload,
        "heading": heading,
        "form": EvidenceForm(kind=DEFAULT_KIND.get(type(record), Evidence.Kind.OTHER))
        if can_upload
        else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("web/evidence/_timeline.html", takes_context=True)
def progress_timeline(context: Any, project: Project) -> dict[str, Any]:
    user = context["request"].user
    photos = Evidence.objects.filter(removed_at=None).order_by("uploaded_at", "id")
    updates = (
        project.updates.select_related("reported_by")
        .prefetch_related(Prefetch("evidence_files", queryset=photos, to_attr="photos"))
        .order_by("-date", "-id")
    )
    can_report = may_report(user, project)
    return {
        "updates": updates,
        "project": project,
        "can_report": can_report,
        "can_attach": may_attach(user, project.pairing),
        "form": ProgressUpdateForm() if can_report else None,
        "csrf_token": context.get("csrf_token"),
        "can_audit": access.can(user, project.pairing, access.AUDIT),
    }

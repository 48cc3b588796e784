"""Evidence (佐证材料) on the pages: upload to a record, download and thumbnails (only through
the record's scope: anyone else gets "not found"), removal with a reason, a page of the
evidence of a posting or an obligation, and closing a task or obligation with its evidence.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairaid.ledger import services
from pairaid.ledger.access import Viewer
from pairaid.ledger.messages import readable
from pairaid.ledger.models import (
    Agreement,
    Event,
    Evidence,
    FundFlow,
    Obligation,
    Pairing,
    Posting,
    ProgressUpdate,
    Project,
    Task,
    WorkStatus,
)
from pairaid.web import access
from pairaid.web.forms.evidence import CloseWithEvidenceForm, EvidenceForm, RemoveEvidenceForm
from pairaid.web.forms.records import show_errors
from pairaid.web.views.common import VIA

# The address segment naming each kind of record evidence attaches to.
RECORDS: dict[str, type[Model]] = {
    "funds": FundFlow,
    "projects": Project,
    "agreements": Agreement,
    "postings": Posting,
    "events": Event,
    "tasks": Task,
    "obligations": Obligation,
    "updates": ProgressUpdate,
}
# The kind a new file of each record usually is.
DEFAULT_KIND: dict[type[Model], str] = {
    FundFlow: Evidence.Kind.VOUCHER,
    Agreement: Evidence.Kind.SIGNED_SCAN,
    ProgressUpdate: Evidence.Kind.PHOTO,
}


def record_for(user: Viewer, what: str, pk: int) -> Model:
    model = RECORDS.get(what)
    if model is None:
        raise Http404("no such kind of record")
    return access.get_for_user(user, model, pk)


def page_of(record: Model) -> str:
    """The page that shows a record's evidence."""
    if isinstance(record, FundFlow):
        return reverse("web:fund", args=[record.pk])
    if isinstance(record, Project):
        return reverse("web:project", args=[record.pk])
    if isinstance(record, ProgressUpdate):
        return reverse("web:project", args=[record.project_id]) + "#updates"
    if isinstance(record, Agreement):
        return reverse("web:agreement", args=[record.pk])
    if isinstance(record, Event):
        return reverse("web:event", args=[record.pk])
    if isinstance(record, Task):
        return reverse("web:task", args=[record.pk])
    kind = "postings" if isinstance(record, Posting) else "obligations"
    return reverse("web:record_evidence", args=[kind, record.pk])


def may_attach(user: Viewer, pairing: Pairing | None) -> bool:
    return any(access.can(user, pairing, action) for action in services.EVIDENCE_ACTIONS)


def _evidence_for_user(request: HttpRequest, pk: int) -> Evidence:
    """One file, through its pairing: "not found" outside the user's scope, and for a removed
    file unless the user audits the pairing (auditors still read what was removed)."""
    evidence = access.get_for_user(request.user, Evidence, pk)
    if evidence.removed and not access.can(request.user, evidence.pairing, access.AUDIT):
        raise Http404("removed")
    return evidence


@require_GET
@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = _evidence_for_user(request, pk)
    inline = evidence.is_image or evidence.content_type == "application/pdf"
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=not inline,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def evidence_thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    evidence = _evidence_for_user(request, pk)
    if not evidence.thumbnail:
        raise Http404("no thumbnail")
    response = FileResponse(evidence.thumbnail.open("rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
@login_required
def evidence_upload(request: HttpRequest, what: str, pk: int) -> HttpResponse:
    record = record_for(request.user, what, pk)
    pairing = services.pairing_of(record)
    if not may_attach(request.user, pairing):
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attach_evidence(
                record,
                form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                acting_user=request.user,
                via=VIA,
            )
        except ValidationError as error:
            show_errors(form, error)
    if form.errors:
        return render(
            request,
            "web/evidence/upload_failed.html",
            {"form": form, "back": page_of(record), "record": record},
            status=400,
        )
    messages.success(request, _("已上传佐证材料"))
    return redirect(page_of(record))


@require_http_methods(["GET", "POST"])
@login_required
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access.get_for_user(request.user, Evidence, pk)
    if evidence.removed:
        raise Http404("already removed")
    if not may_attach(request.user, evidence.pairing):
        raise PermissionDenied
    form = RemoveEvidenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_evidence(
                evidence, reason=form.cleaned_data["reason"], acting_user=request.user, via=VIA
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("已移除佐证材料：%(title)s") % {"title": evidence.title})
            return redirect(page_of(evidence.record))
    return render(
        request,
        "web/evidence/remove.html",
        {"form": form, "evidence": evidence, "back": page_of(evidence.record)},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def record_evidence(request: HttpRequest, what: str, pk: int) -> HttpResponse:
    """The evidence of a record without a page of its own (a posting, an obligation)."""
    if what not in ("postings", "obligations"):
        raise Http404("has a page of its own")
    record = record_for(request.user, what, pk)
    if isinstance(record, Posting):
        back = reverse("web:person", args=[record.person_id])
    else:
        assert isinstance(record, Obligation)  # the other kind `what` may name
        back = reverse("web:agreement", args=[record.agreement_id])
    return render(
        request,
        "web/evidence/record.html",
        {"record": record, "back": back, "closable": _closable(request.user, record)},
    )


def _closable(user: Viewer, record: Model) -> bool:
    """A task or an obligation not done yet that the user may close."""
    if not isinstance(record, Task | Obligation) or record.status == WorkStatus.DONE:
        return False
    return access.can(user, services.pairing_of(record), access.EDIT)


@require_http_methods(["GET", "POST"])
@login_required
def close_with_evidence(request: HttpRequest, what: str, pk: int) -> HttpResponse:
    """Mark a task or an obligation done with the file that shows it (and/or a note)."""
    if what not in ("tasks", "obligations"):
        raise Http404("not closable")
    record = record_for(request.user, what, pk)
    if not isinstance(record, Task | Obligation) or not _closable(request.user, record):
        raise PermissionDenied
    form = CloseWithEvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_with_evidence(
                record,
                file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
                via=VIA,
            )
        except ValidationError as error:
            form.add_error(None, readable(error).messages[0])
        else:
            messages.success(request, _("已标记为完成：%(title)s") % {"title": record})
            return redirect(page_of(record))
    return render(
        request,
        "web/evidence/close.html",
        {"form": form, "record": record, "back": page_of(record)},
        status=400 if request.method == "POST" else 200,
    )

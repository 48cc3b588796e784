"""Issue 4 in the pages: the recipient side's confirmation, a pairing's years under review
(submit, approve and lock, return, reopen), the audit list, and personal data in clear.

Every decision is `ledger.access`'s (through `web.access`) and every change a service's.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pairaid.ledger import audit_chain, services
from pairaid.ledger.access import Viewer
from pairaid.ledger.models import (
    AuditEntry,
    Confirmation,
    FundFlow,
    Pairing,
    PairingQuerySet,
    PairingYear,
    Person,
    Posting,
)
from pairaid.web import access, listing
from pairaid.web.audit_display import describe
from pairaid.web.forms import AuditFilter, ConfirmForm, YearStepForm
from pairaid.web.views.common import VIA, history_visible, today

AUDIT_PER_PAGE = 50


def error_text(error: ValidationError) -> str:
    return "；".join(str(message) for message in error.messages)


# --- the recipient side's answer ----------------------------------------------------------


def answer(request: HttpRequest, record: FundFlow | Posting) -> None:
    """Confirm or dispute `record` from a POSTed ConfirmForm; the outcome is a message."""
    if not access.can(request.user, record.pairing, access.CONFIRM):
        raise PermissionDenied
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        shown = form.errors.get("__all__") or [e for errs in form.errors.values() for e in errs]
        messages.error(request, "；".join(str(e) for e in shown))
        return
    accept = form.cleaned_data["decision"] == ConfirmForm.CONFIRM
    try:
        services.confirm_record(
            record,
            acting_user=request.user,
            via=VIA,
            accept=accept,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return
    messages.success(request, _("已确认") if accept else _("已提出异议"))


@require_POST
@login_required
def fund_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    flow = access.get_for_user(request.user, FundFlow, pk)
    answer(request, flow)
    return redirect("web:fund", flow.pk)


@require_POST
@login_required
def posting_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    posting = access.get_for_user(request.user, Posting, pk)
    answer(request, posting)
    return redirect("web:person", posting.person_id)


def reopen(request: HttpRequest, record: FundFlow | Posting) -> None:
    """Re-open an answered confirmation with a reason; the outcome is a message."""
    if not may_reopen(request.user, record):
        raise PermissionDenied
    try:
        services.reopen_confirmation(record, request.user, request.POST.get("reason", ""), via=VIA)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return
    messages.success(request, _("已重新开放确认，受援方可以重新答复"))


@require_POST
@login_required
def fund_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    flow = access.get_for_user(request.user, FundFlow, pk)
    reopen(request, flow)
    return redirect("web:fund", flow.pk)


@require_POST
@login_required
def posting_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    posting = access.get_for_user(request.user, Posting, pk)
    reopen(request, posting)
    return redirect("web:person", posting.person_id)


def may_reopen(user: Viewer, record: FundFlow | Posting) -> bool:
    """An answer is re-opened by the recipient side or the coordinating office."""
    return any(access.can(user, record.pairing, action) for action in access.REOPEN_ACTIONS)


def can_reopen(user: Viewer, record: FundFlow | Posting) -> bool:
    """An answered record (confirmed or disputed) that the user may re-open: the only way
    to change an answer, never by answering again."""
    return record.confirmation != Confirmation.UNCONFIRMED and may_reopen(user, record)


def can_answer(user: Viewer, record: FundFlow | Posting) -> bool:
    return record.confirmation == Confirmation.UNCONFIRMED and access.can(
        user, record.pairing, access.CONFIRM
    )


# --- a pairing's years under review -------------------------------------------------------


def year_rows(user: Viewer, pairing: Pairing) -> list[dict[str, Any]]:
    """Every year from the pairing's first to this one, with what the user may do to it."""
    stored = {y.year: y for y in pairing.years.all()}
    first = pairing.valid_from.year if pairing.valid_from else today().year
    last = max([today().year, *stored])
    may_submit = access.can(user, pairing, access.SUBMIT)
    may_approve = access.can(user, pairing, access.APPROVE)
    rows = []
    for year in range(min([first, *stored]), last + 1):
        record = stored.get(year) or PairingYear(pairing=pairing, year=year)
        status = record.status
        steps = []
        if status == PairingYear.Status.DRAFT and may_submit:
            steps.append(("submitted", _("报送"), False))
        if status == PairingYear.Status.SUBMITTED and may_approve:
            steps += [("approved", _("审核通过并锁定"), False), ("returned", _("退回"), True)]
        if status == PairingYear.Status.APPROVED and may_approve:
            steps.append(("reopened", _("重新开放"), True))
        rows.append({"record": record, "steps": steps})
    rows.reverse()
    return rows


@require_GET
@login_required
def pairing_years(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = access.get_pairing_for_user(request.user, pk)
    return render(
        request,
        "web/review/years.html",
        {"pairing": pairing, "rows": year_rows(request.user, pairing), "form": YearStepForm()},
    )


@require_POST
@login_required
def pairing_year_step(request: HttpRequest, pk: int, year: int, step: str) -> HttpResponse:
    pairing = access.get_pairing_for_user(request.user, pk)
    if step not in services.YEAR_STEPS:
        raise Http404("no such step")
    form = YearStepForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services.move_year(pairing, year, step, acting_user=request.user, via=VIA, comment=comment)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("%(year)s年度：已办理") % {"year": year})
    return redirect("web:pairing_years", pairing.pk)


def locked_years(pairing_ids: Any) -> QuerySet[PairingYear]:
    return PairingYear.objects.filter(
        pairing_id__in=pairing_ids, status=PairingYear.Status.APPROVED
    ).order_by("year")


# --- the audit trail -----------------------------------------------------------------------


def audit_pairings(user: Viewer) -> PairingQuerySet:
    """The pairings whose audit entries the user may read."""
    if access.sees_everything(user):
        return access.visible_pairings(user)
    return access.visible_pairings(user).filter(
        pk__in=[p.pk for p in access.visible_pairings(user) if access.can(user, p, access.AUDIT)]
    )


def audit_entries(user: Viewer) -> QuerySet[AuditEntry]:
    """Entries the user may read: of pairings where the user may audit; entries that belong
    to no pairing (users, regions, tokens …) for administrators only."""
    if access.sees_everything(user):
        return AuditEntry.objects.all()
    return AuditEntry.objects.filter(pairing__in=audit_pairings(user).values("pk"))


@require_GET
@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, None, access.AUDIT):
        raise PermissionDenied
    form = AuditFilter(request.GET, pairings=audit_pairings(request.user))
    entries = form.apply(audit_entries(request.user)).select_related(
        "user",
        "pairing__helper_region",
        "pairing__helper_organisation",
        "pairing__recipient_region",
        "pairing__recipient_organisation",
    )
    filtered = any(v not in (None, "", False) for v in getattr(form, "cleaned_data", {}).values())
    page = listing.paginate(entries, AUDIT_PER_PAGE, request.GET.get("page"), exact=filtered)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/review/audit.html",
        {
            "form": form,
            "page": page,
            "rows": describe(list(page.object_list)),
            "query": query.urlencode(),
            "can_verify": access.sees_everything(request.user),
            "current": "audit",
        },
    )


@require_POST
@login_required
def audit_verify(request: HttpRequest) -> HttpResponse:
    if not access.sees_everything(request.user):
        raise PermissionDenied
    checked, breaks = audit_chain.verify_chain()
    if breaks:
        shown = "；".join(f"#{b.entry_id} {b.reason}" for b in breaks[:10])
        messages.error(
            request,
            _("校验了%(n)s条审计记录，发现%(k)s处断裂：%(breaks)s")
            % {"n": checked, "k": len(breaks), "breaks": shown},
        )
    else:
        messages.success(request, _("校验了%(n)s条审计记录，哈希链完整") % {"n": checked})
    return redirect("web:audit")


def person_history_visible(user: Viewer, person: Person, pairings: list[Pairing]) -> bool:
    """A person belongs to the pairings of the postings; one not posted yet to whoever may
    record people."""
    if not pairings:
        return access.can_record_anywhere(user) or access.sees_everything(user)
    return any(history_visible(user, p) for p in pairings)


# --- personal data in clear ----------------------------------------------------------------


def may_reveal(user: Viewer, pairings: list[Pairing]) -> bool:
    return access.sees_everything(user) or any(
        access.can(user, p, access.READ_PERSONAL) for p in pairings
    )

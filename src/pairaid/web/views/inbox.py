"""The to-do inbox (/inbox/): what waits for the user, from their roles and scope
(`web.todo`), each item linking to where it is done; the count on the menu (/inbox/count/,
fetched by htmx after the page so that no page pays for it); and confirming many pending
transfers and postings at once, after a confirmation step, through the confirmation
service (one audited call per record, all in one transaction or none).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pairaid.ledger import services
from pairaid.ledger.models import FundFlow, Posting
from pairaid.web import access, todo
from pairaid.web.views.common import VIA

BULK_LIMIT = todo.SHOWN  # at most one inbox page of records confirmed at once


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    found = todo.sections(request.user)
    return render(
        request,
        "web/inbox/inbox.html",
        {
            "sections": [s for s in found if not s.kind.warning],
            "warnings": [s for s in found if s.kind.warning],
            "total": sum(s.count for s in found),
            "may_confirm": access.can(request.user, None, access.CONFIRM),
        },
    )


@require_GET
@login_required
def inbox_count(request: HttpRequest) -> HttpResponse:
    return render(request, "web/inbox/_count.html", {"count": todo.count(request.user)})


def _ids(request: HttpRequest, name: str) -> list[int]:
    ids = []
    for value in request.POST.getlist(name)[:BULK_LIMIT]:
        try:
            ids.append(int(value))
        except ValueError:
            continue
    return ids


def _confirm_all(request: HttpRequest, records: list[FundFlow | Posting]) -> int:
    """Confirm every record, one service call (one audit entry) each, all or none."""
    with transaction.atomic():
        for record in records:
            services.confirm_record(record, acting_user=request.user, via=VIA, accept=True)
    return len(records)


@require_POST
@login_required
def bulk_confirm(request: HttpRequest) -> HttpResponse:
    """Step one (no `sure`): show the chosen records and ask. Step two: confirm them all."""
    if not access.can(request.user, None, access.CONFIRM):
        raise PermissionDenied
    flows = todo.confirmable(request.user, FundFlow, _ids(request, "fund"))
    postings = todo.confirmable(request.user, Posting, _ids(request, "posting"))
    records = [*flows, *postings]
    if not records:
        messages.error(request, _("请先勾选要确认的记录"))
        return redirect("web:inbox")
    if request.POST.get("sure") != "1":
        return render(
            request,
            "web/inbox/confirm.html",
            {"flows": flows, "postings": postings, "number": len(records)},
        )
    try:
        done = _confirm_all(request, records)
    except (ValidationError, PermissionDenied) as error:
        text = "；".join(getattr(error, "messages", None) or [str(error)])
        messages.error(request, _("未确认任何记录：%(reason)s") % {"reason": text})
        return redirect("web:inbox")
    messages.success(request, _("已确认%(number)d条记录") % {"number": done})
    return redirect("web:inbox")

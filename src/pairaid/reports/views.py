"""The reports page: pick a report, download it; freeze a briefing, compare it later.

Pairings come from `ledger.access.visible_pairings`; one outside the user's scope is
"not found", as everywhere. A report counts only the pairings below its pairing that the
user sees (`Options.user`); a frozen briefing that counted a pairing the user does not see
is "not found" too."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from pairaid.ledger import access
from pairaid.ledger.models import Pairing
from pairaid.reports import builders, renderers, services, snapshots
from pairaid.reports.content import RenderError, Report
from pairaid.reports.forms import FreezeForm, ReportForm
from pairaid.reports.models import FrozenBriefing
from pairaid.reports.render_pdf import html_blocks

FREEZE_ACTIONS = services.FREEZE_ACTIONS
LIST_LIMIT = 50


def visible(request: HttpRequest) -> QuerySet[Pairing]:
    return access.visible_pairings(request.user).select_related(*builders.PAIRING_RELATED)


def page(
    request: HttpRequest,
    form: ReportForm | None = None,
    freeze_form: FreezeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    pairings = list(visible(request))
    seen = {p.pk for p in pairings}
    frozen = [
        item
        for item in FrozenBriefing.objects.filter(pairing__in=seen)
        .select_related("pairing", "created_by")
        .order_by("-created_at", "-id")[:LIST_LIMIT]
        # Only briefings whose every counted pairing the user sees (`snapshots.may_open`).
        if seen.issuperset(snapshots.covered_pairing_ids(item))
    ]
    return render(
        request,
        "reports/index.html",
        {
            "form": form or ReportForm(pairings=pairings),
            "freeze_form": freeze_form or FreezeForm(pairings=pairings, initial={}),
            "frozen": frozen,
            "pairings": pairings,
        },
        status=status,
    )


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    return page(request)


@require_GET
@login_required
def download(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.GET, pairings=visible(request))
    if not form.is_valid():
        chosen = request.GET.get("pairing")
        if chosen and "pairing" in form.errors:
            access.get_pairing_for_user(request.user, chosen)  # 404 outside scope
        return page(request, form=form, status=400)
    pairing = access.get_pairing_for_user(request.user, form.cleaned_data["pairing"])
    options = form.report_options(pairing, request.user)
    try:
        report = builders.build(form.cleaned_data["kind"], options)
    except builders.ReportError as exc:
        form.add_error(None, str(exc))
        return page(request, form=form, status=400)
    return file_response(report, form.cleaned_data["format"])


def file_response(report: Report, chosen: str) -> HttpResponse:
    try:
        data = renderers.render(report, chosen)
    except RenderError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=renderers.content_type(chosen))
    response["Content-Disposition"] = content_disposition_header(
        True, renderers.filename(report, chosen)
    )
    return response


@require_POST
@login_required
def freeze(request: HttpRequest) -> HttpResponse:
    form = FreezeForm(request.POST, pairings=visible(request))
    pairing_id = request.POST.get("pairing")
    if pairing_id:
        pairing = access.get_pairing_for_user(request.user, pairing_id)  # 404 outside scope
        access.require(request.user, pairing, *FREEZE_ACTIONS)
    if not form.is_valid():
        return page(request, freeze_form=form, status=400)
    pairing = access.get_pairing_for_user(request.user, form.cleaned_data["pairing"])
    try:
        frozen = services.freeze_briefing(
            form.report_options(pairing, request.user),
            acting_user=request.user,
            via="web",
            note=form.cleaned_data["note"],
        )
    except builders.ReportError as exc:
        form.add_error(None, str(exc))
        return page(request, freeze_form=form, status=400)
    return redirect("reports:compare", pk=frozen.pk)


@require_GET
@login_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    frozen = get_object_or_404(
        FrozenBriefing.objects.select_related("pairing", "created_by").filter(
            pairing__in=access.visible_pairings(request.user)
        ),
        pk=pk,
    )
    if not snapshots.may_open(request.user, frozen):
        raise Http404("no such briefing")
    comparison = snapshots.compare(frozen, request.user)
    report = snapshots.build_comparison(comparison)
    chosen = request.GET.get("format")
    if chosen in renderers.FORMATS:
        return file_response(report, chosen)
    return render(
        request,
        "reports/compare.html",
        {
            "frozen": frozen,
            "comparison": comparison,
            "report": report,
            "sections": html_blocks(report, with_charts=False),
        },
    )

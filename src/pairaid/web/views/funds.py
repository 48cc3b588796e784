"""Fund flows: the ledger of money. Recorded and reversed, never edited or deleted."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pairaid.ledger import services
from pairaid.ledger.models import FundFlow, Project
from pairaid.web import access, breakdowns, listing
from pairaid.web.forms import FundFilter, FundFlowForm, ReverseForm, show_errors
from pairaid.web.views.common import VIA, done, form_page, history_for, submitted
from pairaid.web.views.review import can_answer, can_reopen

SORTS = listing.Sorts.of(FundFlow)


@require_GET
@login_required
def fund_list(request: HttpRequest) -> HttpResponseBase:
    found = listing.build(
        request,
        list_name="web:funds",
        base=access.records(request.user, FundFlow),
        form=FundFilter(request.GET, user=request.user),
        sorts=SORTS,
        related=lambda qs: qs.select_related(
            *listing.pairing_names(), "project", "reverses", "reversed_by"
        ),
        total=breakdowns.stage_totals,
    )
    return listing.respond(
        request,
        "web/funds/list.html",
        found,
        can_record=access.can_record_anywhere(request.user),
    )


@require_GET
@login_required
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    flow = access.get_for_user(
        request.user,
        FundFlow,
        pk,
        FundFlow.objects.select_related("pairing", "project", "reverses", "reversed_by"),
    )
    reversal = reversal_of(flow)
    reversible = (
        not flow.is_reversal
        and reversal is None
        and access.can(request.user, flow.pairing, access.EDIT)
    )
    return render(
        request,
        "web/funds/detail.html",
        {
            "flow": flow,
            "reversal": reversal,
            "reversible": reversible,
            "form": ReverseForm(original=flow) if reversible else None,
            "answerable": can_answer(request.user, flow),
            "reopenable": can_reopen(request.user, flow),
            "history": history_for(request.user, flow, flow.pairing),
        },
    )


def reversal_of(flow: FundFlow) -> FundFlow | None:
    """The entry that reversed `flow`, if any."""
    try:
        return flow.reversed_by
    except FundFlow.DoesNotExist:
        return None


@require_http_methods(["GET", "POST"])
@login_required
def fund_create(request: HttpRequest) -> HttpResponse:
    if not access.can_record_anywhere(request.user):
        raise PermissionDenied
    initial: dict[str, object] = {}
    for name in ("pairing", "kind", "project"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    if "project" in initial and "pairing" not in initial:
        project = access.get_for_user(request.user, Project, initial["project"])
        initial["pairing"] = project.pairing_id
    form = FundFlowForm(request.POST or None, user=request.user, initial=initial)
    flow = submitted(
        request,
        form,
        lambda data: services.record_fund_flow(acting_user=request.user, via=VIA, **data),
    )
    if flow is not None:
        return done(request, _("已登记资金记录"), "web:fund", flow.pk)
    return form_page(
        request,
        form,
        title=_("登记资金记录"),
        cancel=reverse("web:funds"),
        intro=_("资金记录一经登记不能修改或删除；登记有误时，请在该记录页面冲销后重新登记。"),
    )


@require_http_methods(["POST"])
@login_required
def fund_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    flow = access.get_for_user(request.user, FundFlow, pk)
    if not access.can(request.user, flow.pairing, access.EDIT):
        raise PermissionDenied  # before the form: its errors are for those who may reverse
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            reversal = services.reverse_fund_flow(
                flow,
                acting_user=request.user,
                via=VIA,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"] or None,
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            return done(request, _("已冲销该资金记录"), "web:fund", reversal.pk)
    return form_page(
        request,
        form,
        title=_("冲销资金记录"),
        cancel=reverse("web:fund", args=[flow.pk]),
        submit=_("冲销"),
        status=400,
    )

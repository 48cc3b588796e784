"""Agreements (协议合同), their parties and obligations (履约事项)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairaid.ledger import services
from pairaid.ledger.models import Agreement, AgreementParty, Obligation, WorkStatus
from pairaid.web import access, listing
from pairaid.web.forms import (
    AgreementFilter,
    AgreementForm,
    ObligationFilter,
    ObligationForm,
    PartyForm,
)
from pairaid.web.views.common import (
    VIA,
    done,
    form_page,
    history_for,
    remove,
    submitted,
    today,
)

SORTS = listing.Sorts.of(Agreement)
OBLIGATION_SORTS = listing.Sorts.of(Obligation)
OPEN = (WorkStatus.OPEN, WorkStatus.IN_PROGRESS)


@require_GET
@login_required
def agreement_list(request: HttpRequest) -> HttpResponseBase:
    base = access.within_view(
        request.user, Agreement.objects.with_effective_status(today())
    ).annotate(
        # per row shown (a subquery each), not grouped over every agreement in view
        obligation_count=listing.count_of(Obligation, "agreement"),
        open_count=listing.count_of(Obligation, "agreement", status__in=OPEN),
    )
    found = listing.build(
        request,
        list_name="web:agreements",
        base=base,
        form=AgreementFilter(request.GET, user=request.user),
        sorts=SORTS,
        related=lambda qs: qs.select_related(*listing.pairing_names(), "event"),
    )
    return listing.respond(
        request,
        "web/agreements/list.html",
        found,
        can_record=access.can_record_anywhere(request.user),
    )


@require_GET
@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = access.get_for_user(
        request.user,
        Agreement,
        pk,
        Agreement.objects.with_effective_status(today()).select_related("pairing", "event"),
    )
    can_edit = access.can(request.user, agreement.pairing, access.EDIT)
    return render(
        request,
        "web/agreements/detail.html",
        {
            "agreement": agreement,
            "parties": agreement.parties.select_related("organisation").order_by("role", "id"),
            "obligations": agreement.obligations.select_related("owner").order_by("due_date", "id"),
            "tasks": agreement.tasks.select_related("owner").order_by("due_date", "id"),
            "files": agreement.files.order_by("uploaded_at"),
            "today": today(),
            "open": OPEN,
            "history": history_for(request.user, agreement, agreement.pairing),
            "can_edit": can_edit,
            "party_form": PartyForm(user=request.user) if can_edit else None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def agreement_create(request: HttpRequest) -> HttpResponse:
    if not access.can_record_anywhere(request.user):
        raise PermissionDenied
    initial = {k: request.GET[k] for k in ("pairing", "event") if request.GET.get(k)}
    form = AgreementForm(request.POST or None, user=request.user, initial=initial)
    agreement = submitted(
        request,
        form,
        lambda data: services.create_record(Agreement, acting_user=request.user, via=VIA, **data),
    )
    if agreement is not None:
        return done(
            request,
            _("已新建协议：%(title)s") % {"title": agreement.title},
            "web:agreement",
            agreement.pk,
        )
    return form_page(request, form, title=_("新建协议合同"), cancel=reverse("web:agreements"))


@require_http_methods(["GET", "POST"])
@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = editable(request, pk)
    form = AgreementForm(request.POST or None, user=request.user, instance=agreement)
    saved = submitted(
        request,
        form,
        lambda data: services.update_record(agreement, acting_user=request.user, via=VIA, **data),
    )
    if saved is not None:
        return done(
            request,
            _("已保存协议：%(title)s") % {"title": agreement.title},
            "web:agreement",
            agreement.pk,
        )
    return form_page(
        request,
        form,
        title=_("编辑协议合同：%(title)s") % {"title": agreement.title},
        cancel=reverse("web:agreement", args=[agreement.pk]),
    )


def editable(request: HttpRequest, pk: int) -> Agreement:
    agreement = access.get_for_user(request.user, Agreement, pk)
    if not access.can(request.user, agreement.pairing, access.EDIT):
        raise PermissionDenied
    return agreement


# --- parties --------------------------------------------------------------------------------


@require_POST
@login_required
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = editable(request, pk)
    form = PartyForm(request.POST, user=request.user)
    party = submitted(
        request,
        form,
        lambda data: services.create_record(
            AgreementParty, acting_user=request.user, via=VIA, agreement=agreement, **data
        ),
    )
    if party is not None:
        return done(request, _("已添加当事方"), "web:agreement", agreement.pk)
    return form_page(
        request,
        form,
        title=_("添加当事方：%(title)s") % {"title": agreement.title},
        cancel=reverse("web:agreement", args=[agreement.pk]),
    )


@require_POST
@login_required
def party_remove(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    agreement = editable(request, pk)
    party = access.get_for_user(
        request.user, AgreementParty, party_pk, AgreementParty.objects.filter(agreement=agreement)
    )
    return remove(request, party, _("已移除当事方"), "web:agreement", agreement.pk)


# --- obligations ----------------------------------------------------------------------------


@require_GET
@login_required
def obligation_list(request: HttpRequest) -> HttpResponseBase:
    found = listing.build(
        request,
        list_name="web:obligations",
        base=access.records(request.user, Obligation),
        form=ObligationFilter(request.GET, user=request.user),
        sorts=OBLIGATION_SORTS,
        related=lambda qs: qs.select_related(*listing.pairing_names("agreement__pairing"), "owner"),
    )
    return listing.respond(
        request,
        "web/agreements/obligation_list.html",
        found,
        results="web/agreements/_obligation_results.html",
        today=today(),
        open=OPEN,
    )


@require_http_methods(["GET", "POST"])
@login_required
def obligation_create(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = editable(request, pk)
    form = ObligationForm(request.POST or None, user=request.user)
    obligation = submitted(
        request,
        form,
        lambda data: services.create_record(
            Obligation, acting_user=request.user, via=VIA, agreement=agreement, **data
        ),
    )
    if obligation is not None:
        return done(request, _("已添加履约事项"), "web:agreement", agreement.pk)
    return form_page(
        request,
        form,
        title=_("添加履约事项：%(title)s") % {"title": agreement.title},
        cancel=reverse("web:agreement", args=[agreement.pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def obligation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = access.get_for_user(
        request.user, Obligation, pk, Obligation.objects.select_related("agreement__pairing")
    )
    if not access.can(request.user, obligation.agreement.pairing, access.EDIT):
        raise PermissionDenied
    form = ObligationForm(request.POST or None, user=request.user, instance=obligation)
    saved = submitted(
        request,
        form,
        lambda data: services.update_record(obligation, acting_user=request.user, via=VIA, **data),
    )
    if saved is not None:
        return done(request, _("已保存履约事项"), "web:agreement", obligation.agreement_id)
    return form_page(
        request,
        form,
        title=_("编辑履约事项：%(name)s") % {"name": obligation.deliverable},
        cancel=reverse("web:agreement", args=[obligation.agreement_id]),
    )

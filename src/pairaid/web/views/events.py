"""Events (调研, 联席会议, 座谈, 签约, 资金交付) and their participants."""

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
from pairaid.ledger.models import Agreement, Event, EventParticipant, Task
from pairaid.web import access, listing
from pairaid.web.forms import EventFilter, EventForm, ParticipantForm
from pairaid.web.views.common import VIA, done, form_page, history_for, remove, submitted

SORTS = listing.Sorts.of(Event)


@require_GET
@login_required
def event_list(request: HttpRequest) -> HttpResponseBase:
    # Counted per row shown (a subquery each), not grouped over every event in view: the
    # database evaluates them only for the page's rows.
    base = access.records(request.user, Event).annotate(
        participant_count=listing.count_of(EventParticipant, "event"),
        agreement_count=listing.count_of(Agreement, "event"),
        task_count=listing.count_of(Task, "event"),
    )
    found = listing.build(
        request,
        list_name="web:events",
        base=base,
        form=EventFilter(request.GET, user=request.user),
        sorts=SORTS,
        related=lambda qs: qs.select_related(*listing.pairing_names()),
    )
    return listing.respond(
        request,
        "web/events/list.html",
        found,
        can_record=access.can_record_anywhere(request.user),
    )


@require_GET
@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_for_user(request.user, Event, pk, Event.objects.select_related("pairing"))
    can_edit = access.can(request.user, event.pairing, access.EDIT)
    return render(
        request,
        "web/events/detail.html",
        {
            "event": event,
            "participants": event.participants.order_by("id"),
            "agreements": access.within_view(
                request.user, event.agreements.select_related("pairing").order_by("id")
            ),
            "tasks": access.within_view(
                request.user, event.tasks.select_related("owner", "pairing").order_by("due_date")
            ),
            "history": history_for(request.user, event, event.pairing),
            "can_edit": can_edit,
            "participant_form": ParticipantForm(user=request.user) if can_edit else None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    if not access.can_record_anywhere(request.user):
        raise PermissionDenied
    initial = {"pairing": request.GET["pairing"]} if request.GET.get("pairing") else {}
    form = EventForm(request.POST or None, user=request.user, initial=initial)
    event = submitted(
        request,
        form,
        lambda data: services.create_record(Event, acting_user=request.user, via=VIA, **data),
    )
    if event is not None:
        return done(
            request, _("已新建活动：%(title)s") % {"title": event.title}, "web:event", event.pk
        )
    return form_page(request, form, title=_("新建活动"), cancel=reverse("web:events"))


def editable(request: HttpRequest, pk: int) -> Event:
    event = access.get_for_user(request.user, Event, pk)
    if not access.can(request.user, event.pairing, access.EDIT):
        raise PermissionDenied
    return event


@require_http_methods(["GET", "POST"])
@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = editable(request, pk)
    form = EventForm(request.POST or None, user=request.user, instance=event)
    saved = submitted(
        request,
        form,
        lambda data: services.update_record(event, acting_user=request.user, via=VIA, **data),
    )
    if saved is not None:
        return done(
            request, _("已保存活动：%(title)s") % {"title": event.title}, "web:event", event.pk
        )
    return form_page(
        request,
        form,
        title=_("编辑活动：%(title)s") % {"title": event.title},
        cancel=reverse("web:event", args=[event.pk]),
    )


@require_POST
@login_required
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = editable(request, pk)
    form = ParticipantForm(request.POST, user=request.user)
    participant = submitted(
        request,
        form,
        lambda data: services.create_record(
            EventParticipant, acting_user=request.user, via=VIA, event=event, **data
        ),
    )
    if participant is not None:
        return done(request, _("已添加参加人员"), "web:event", event.pk)
    return form_page(
        request,
        form,
        title=_("添加参加人员：%(title)s") % {"title": event.title},
        cancel=reverse("web:event", args=[event.pk]),
    )


@require_POST
@login_required
def participant_remove(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    event = editable(request, pk)
    participant = access.get_for_user(
        request.user,
        EventParticipant,
        participant_pk,
        EventParticipant.objects.filter(event=event),
    )
    return remove(request, participant, _("已移除参加人员"), "web:event", event.pk)

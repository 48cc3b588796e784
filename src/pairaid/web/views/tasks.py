"""The 清单: tasks from events, agreements and annual plans, "一项一项抓好落实"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pairaid.ledger import services
from pairaid.ledger.models import Task, WorkStatus
from pairaid.web import access, listing
from pairaid.web.forms import TaskFilter, TaskForm
from pairaid.web.views.common import VIA, done, form_page, history_for, submitted, today

SORTS = listing.Sorts.of(Task)
OPEN = (WorkStatus.OPEN, WorkStatus.IN_PROGRESS)


@require_GET
@login_required
def task_list(request: HttpRequest) -> HttpResponseBase:
    found = listing.build(
        request,
        list_name="web:tasks",
        base=access.records(request.user, Task),
        form=TaskFilter(request.GET, user=request.user),
        sorts=SORTS,
        related=lambda qs: qs.select_related(
            *listing.pairing_names(), "owner", "event", "agreement"
        ),
    )
    return listing.respond(
        request,
        "web/tasks/list.html",
        found,
        today=today(),
        open=OPEN,
        can_record=access.can_record_anywhere(request.user),
    )


@require_GET
@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.get_for_user(
        request.user,
        Task,
        pk,
        Task.objects.select_related("pairing", "owner", "event", "agreement"),
    )
    return render(
        request,
        "web/tasks/detail.html",
        {
            "task": task,
            "today": today(),
            "open": OPEN,
            "history": history_for(request.user, task, task.pairing),
            "can_edit": access.can(request.user, task.pairing, access.EDIT),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def task_create(request: HttpRequest) -> HttpResponse:
    if not access.can_record_anywhere(request.user):
        raise PermissionDenied
    initial = {k: request.GET[k] for k in ("pairing", "event", "agreement") if request.GET.get(k)}
    form = TaskForm(request.POST or None, user=request.user, initial=initial)
    task = submitted(
        request,
        form,
        lambda data: services.create_record(Task, acting_user=request.user, via=VIA, **data),
    )
    if task is not None:
        return done(request, _("已新建清单事项"), "web:task", task.pk)
    return form_page(request, form, title=_("新建清单事项"), cancel=reverse("web:tasks"))


@require_http_methods(["GET", "POST"])
@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.get_for_user(request.user, Task, pk)
    if not access.can(request.user, task.pairing, access.EDIT):
        raise PermissionDenied
    form = TaskForm(request.POST or None, user=request.user, instance=task)
    saved = submitted(
        request,
        form,
        lambda data: services.update_record(task, acting_user=request.user, via=VIA, **data),
    )
    if saved is not None:
        return done(request, _("已保存清单事项"), "web:task", task.pk)
    return form_page(
        request,
        form,
        title=_("编辑清单事项：%(title)s") % {"title": task.title},
        cancel=reverse("web:task", args=[task.pk]),
    )

"""Projects: list, page (money, progress, outcomes), create and edit."""

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
from pairaid.ledger.models import FundFlow, Project
from pairaid.web import access, listing
from pairaid.web.drilldown import Scope
from pairaid.web.forms import ProjectFilter, ProjectForm, ProjectProgressForm
from pairaid.web.views.common import VIA, done, form_page, history_for, submitted, today

SORTS = listing.Sorts.of(Project)


@require_GET
@login_required
def project_list(request: HttpRequest) -> HttpResponseBase:
    found = listing.build(
        request,
        list_name="web:projects",
        base=access.records(request.user, Project),
        form=ProjectFilter(request.GET, user=request.user),
        sorts=SORTS,
        related=lambda qs: qs.select_related(
            *listing.pairing_names(), "location", "implementing_organisation"
        ),
    )
    return listing.respond(
        request,
        "web/projects/list.html",
        found,
        can_record=access.can_record_anywhere(request.user),
    )


@require_GET
@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_for_user(
        request.user,
        Project,
        pk,
        Project.objects.select_related("pairing", "location", "implementing_organisation"),
    )
    # The project's money, stage by stage, from the figures module (as of today, all years
    # of its pairing); each amount links to its entries.
    scope = Scope.for_user(request.user, project.pairing, today())
    money = [
        scope.drill(f"funds_{kind}", project=project.pk)
        for kind in (FundFlow.Kind.ALLOCATE, FundFlow.Kind.SPEND)
    ]
    flows = (
        FundFlow.objects.filter(project=project)
        .select_related("reversed_by")
        .order_by("date", "id")
    )
    return render(
        request,
        "web/projects/detail.html",
        {
            "project": project,
            "money": money,
            "flows": flows,
            "history": history_for(request.user, project, project.pairing),
            "can_edit": access.can(request.user, project.pairing, access.EDIT)
            or access.can(request.user, project.pairing, access.PROGRESS),
            "can_record": access.can(request.user, project.pairing, access.EDIT),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    if not access.can_record_anywhere(request.user):
        raise PermissionDenied
    initial = {"pairing": request.GET.get("pairing")} if request.GET.get("pairing") else {}
    form = ProjectForm(request.POST or None, user=request.user, initial=initial)
    project = submitted(
        request,
        form,
        lambda data: services.create_record(Project, acting_user=request.user, via=VIA, **data),
    )
    if project is not None:
        return done(
            request,
            _("已新建帮扶项目：%(name)s") % {"name": project.name},
            "web:project",
            project.pk,
        )
    return form_page(request, form, title=_("新建帮扶项目"), cancel=reverse("web:projects"))


@require_http_methods(["GET", "POST"])
@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_for_user(request.user, Project, pk)
    if access.can(request.user, project.pairing, access.EDIT):
        form_class: type[ProjectForm | ProjectProgressForm] = ProjectForm
    elif access.can(request.user, project.pairing, access.PROGRESS):
        form_class = ProjectProgressForm  # the recipient side: progress and outcomes only
    else:
        raise PermissionDenied
    form = form_class(request.POST or None, user=request.user, instance=project)
    saved = submitted(
        request,
        form,
        lambda data: services.update_record(project, acting_user=request.user, via=VIA, **data),
    )
    if saved is not None:
        return done(
            request,
            _("已保存帮扶项目：%(name)s") % {"name": project.name},
            "web:project",
            project.pk,
        )
    return form_page(
        request,
        form,
        title=_("编辑帮扶项目：%(name)s") % {"name": project.name},
        cancel=reverse("web:project", args=[project.pk]),
    )

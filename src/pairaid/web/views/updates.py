"""Progress reports (进展报告) of a project: added from the project's page, shown there as a
timeline (`templatetags/pairaid_evidence.progress_timeline`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pairaid.ledger import services
from pairaid.ledger.access import Viewer
from pairaid.ledger.models import Project
from pairaid.web import access
from pairaid.web.forms.evidence import ProgressUpdateForm
from pairaid.web.forms.records import show_errors
from pairaid.web.views.common import VIA, today


def may_report(user: Viewer, project: Project) -> bool:
    return any(access.can(user, project.pairing, action) for action in services.UPDATE_ACTIONS)


@require_http_methods(["GET", "POST"])
@login_required
def update_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_for_user(request.user, Project, pk)
    if not may_report(request.user, project):
        raise PermissionDenied
    form = ProgressUpdateForm(
        request.POST or None,
        request.FILES or None,
        initial={"date": today(), "progress": project.progress},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_progress_update(
                project,
                date=data["date"],
                progress=data["progress"],
                text=data["text"],
                spent_to_date=data["spent_to_date"],
                photos=[data["photo"]] if data["photo"] else [],
                acting_user=request.user,
                via=VIA,
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("已添加进展报告"))
            return redirect(reverse("web:project", args=[project.pk]) + "#updates")
    return render(
        request,
        "web/evidence/update_form.html",
        {"form": form, "project": project, "back": reverse("web:project", args=[project.pk])},
        status=400 if request.method == "POST" else 200,
    )

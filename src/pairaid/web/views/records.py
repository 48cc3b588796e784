"""One record of a type declared with `Pages` (`ledger/record_types.py`): its page (every field
of `Pages.fields`, its history, its children of other such types), new, edit, delete, the
recipient side's answer for a two-sided record (`ConfirmationMixin`), and the choices a
chooser of its records searches. The url patterns of every such type are made here from the
registry (`urlpatterns`), when `web/urls.py` is imported. Nothing here names a type."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairaid.ledger import record_types, services
from pairaid.ledger.access import Viewer
from pairaid.ledger.models import Pairing
from pairaid.ledger.models.common import ConfirmationMixin
from pairaid.ledger.record_types import AREAS, RecordType
from pairaid.web import access, listing
from pairaid.web.forms.generic import form_for, references
from pairaid.web.views import review
from pairaid.web.views.common import VIA, done, form_page, history_for, submitted
from pairaid.web.views.records_list import (
    assessment,
    cell,
    columns,
    declared_or_404,
    record_list,
    related_paths,
    rows_of,
    with_columns,
)
from pairaid.web.views.review import can_answer, can_reopen, error_text

CHILDREN_SHOWN = 10  # rows of each kind of child record on a record's page
CHOICES_LIMIT = 20


def pairing_of(declared: RecordType, record: models.Model) -> Pairing | None:
    """The pairing a record hangs off, through its type's `pairing_path`."""
    found: object = record
    for part in (declared.pairing_path or "pairing").split("__"):
        found = getattr(found, part, None)
    return found if isinstance(found, Pairing) else None


def fetch(request: HttpRequest, declared: RecordType, pk: int) -> models.Model:
    """The record through its pairing (404 outside the user's view), with what its page
    shows read at once."""
    assert declared.pages is not None
    model = declared.model
    names = tuple(name for name in declared.pages.fields if name != "pairing")
    queryset = model._default_manager.select_related(
        *related_paths(declared, ("pairing",) if _has(model, "pairing") else ()),
        *related_paths(declared, names),
    )
    return access.get_for_user(request.user, model, pk, queryset)


def _has(model: type[models.Model], name: str) -> bool:
    return any(field.name == name for field in model._meta.concrete_fields)


def may_edit(user: Viewer, declared: RecordType, record: models.Model) -> bool:
    return access.can(user, pairing_of(declared, record), access.EDIT)


def editable(request: HttpRequest, declared: RecordType, pk: int) -> models.Model:
    record = fetch(request, declared, pk)
    if not may_edit(request.user, declared, record):
        raise PermissionDenied
    return record


def children(user: Viewer, declared: RecordType, record: models.Model) -> list[dict[str, Any]]:
    """For every other type with pages that refers to this one: its first records that refer
    to this record, with links to all of them and to a new one."""
    found = []
    may_record = access.can(user, pairing_of(declared, record), access.EDIT)
    for child in record_types.with_pages():
        if child.pages is None or child.listing is None or child.model is declared.model:
            continue
        for field in references(child.model):
            if field.related_model is not declared.model:
                continue
            rows, _sort = listing.Sorts.of(child.model).apply(
                access.records(user, child.model).filter(**{field.attname: record.pk}), None
            )
            records = list(with_columns(child, rows)[: CHILDREN_SHOWN + 1])
            query = urlencode({field.name: record.pk})
            prefill = {field.name: record.pk}
            pairing = pairing_of(declared, record) if _has(child.model, "pairing") else None
            if pairing is not None:
                prefill["pairing"] = pairing.pk
            found.append(
                {
                    "label": child.model._meta.verbose_name_plural,
                    "columns": columns(child),
                    "rows": rows_of(child, records[:CHILDREN_SHOWN]),
                    "more": len(records) > CHILDREN_SHOWN,
                    "list_url": f"{reverse(f'web:{child.pages.slug}')}?{query}",
                    "create_url": (
                        f"{reverse(f'web:{child.pages.slug}_create')}?{urlencode(prefill)}"
                        if may_record
                        else ""
                    ),
                }
            )
    return found


# A two-sided record of any type (ConfirmationMixin, with its pairing) is answered and
# re-opened as fund flows and postings are: the review steps and services take one, though
# their annotations name those first two types.
def answerable(user: Viewer, record: models.Model) -> bool:
    return can_answer(user, record)  # type: ignore[arg-type]  # any two-sided type


def reopenable(user: Viewer, record: models.Model) -> bool:
    return can_reopen(user, record)  # type: ignore[arg-type]  # any two-sided type


@require_GET
@login_required
def record_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    declared = declared_or_404(slug)
    record = fetch(request, declared, pk)
    pairing = pairing_of(declared, record)
    assert declared.pages is not None
    two_sided = isinstance(record, ConfirmationMixin)
    return render(
        request,
        "web/records/detail.html",
        {
            "record": record,
            "slug": slug,
            "title": declared.model._meta.verbose_name,
            "plural": declared.model._meta.verbose_name_plural,
            "area": AREAS.get(declared.pages.area, ""),
            "cells": [cell(record, name) for name in declared.pages.fields],
            "can_edit": may_edit(request.user, declared, record),
            "two_sided": two_sided,
            "answerable": two_sided and answerable(request.user, record),
            "reopenable": two_sided and reopenable(request.user, record),
            "children": children(request.user, declared, record),
            "history": history_for(request.user, record, pairing),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def record_create(request: HttpRequest, slug: str) -> HttpResponse:
    declared = declared_or_404(slug)
    if not access.can_record_anywhere(request.user):
        raise PermissionDenied
    model = declared.model
    form_class = form_for(declared)
    prefilled = {"pairing", *(field.name for field in references(model))}
    initial = {k: request.GET[k] for k in prefilled if request.GET.get(k, "").isdigit()}
    form = form_class(request.POST or None, user=request.user, initial=initial)
    record = submitted(
        request,
        form,
        lambda data: services.create_record(model, acting_user=request.user, via=VIA, **data),
    )
    if record is not None:
        message = _("已新建%(what)s") % {"what": model._meta.verbose_name}
        return done(request, message, f"web:{slug}_detail", record.pk)
    return form_page(
        request,
        form,
        title=_("新建%(what)s") % {"what": model._meta.verbose_name},
        cancel=reverse(f"web:{slug}"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def record_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    declared = declared_or_404(slug)
    record = editable(request, declared, pk)
    form = form_for(declared)(request.POST or None, user=request.user, instance=record)
    saved = submitted(
        request,
        form,
        lambda data: services.update_record(record, acting_user=request.user, via=VIA, **data),
    )
    model = declared.model
    if saved is not None:
        message = _("已保存%(what)s") % {"what": model._meta.verbose_name}
        return done(request, message, f"web:{slug}_detail", record.pk)
    return form_page(
        request,
        form,
        title=_("编辑%(what)s：%(record)s") % {"what": model._meta.verbose_name, "record": record},
        cancel=reverse(f"web:{slug}_detail", args=[record.pk]),
    )


@require_POST
@login_required
def record_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Delete a record (the page asks to confirm first): refused with a message when its year
    is locked or other records refer to it."""
    declared = declared_or_404(slug)
    record = editable(request, declared, pk)
    try:
        services.delete_record(record, acting_user=request.user, via=VIA)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(f"web:{slug}_detail", record.pk)
    message = _("已删除%(what)s：%(record)s") % {
        "what": declared.model._meta.verbose_name,
        "record": record,
    }
    return done(request, message, f"web:{slug}")


@require_POST
@login_required
def record_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    record = answer_or_reopen(request, slug, pk, reopen=False)
    return redirect(f"web:{slug}_detail", record.pk)


@require_POST
@login_required
def record_reopen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    record = answer_or_reopen(request, slug, pk, reopen=True)
    return redirect(f"web:{slug}_detail", record.pk)


def answer_or_reopen(request: HttpRequest, slug: str, pk: int, *, reopen: bool) -> models.Model:
    """The recipient side's answer (or its re-opening), as on fund flows and postings; a type
    that is not two-sided has no such step (404)."""
    declared = declared_or_404(slug)
    if not issubclass(declared.model, ConfirmationMixin):
        raise Http404("not a two-sided record")
    record = fetch(request, declared, pk)
    step = review.reopen if reopen else review.answer
    # A two-sided record of any type: the review steps take one (their annotations name the
    # first two-sided types, FundFlow | Posting).
    step(request, record)  # type: ignore[arg-type]
    return record


@require_GET
@login_required
def record_choices(request: HttpRequest, slug: str) -> JsonResponse:
    """[{"id", "label"}, ...]: at most CHOICES_LIMIT records of the type that the user sees
    and whose searched fields hold every word typed (a chooser's results)."""
    declared = declared_or_404(slug)
    assert declared.listing is not None
    found = access.records(request.user, declared.model)
    for term in request.GET.get("q", "").split()[:5]:
        matches = Q(pk=term) if term.isdigit() else Q()
        for name in declared.listing.search:
            matches |= Q(**{f"{name}__icontains": term})
        found = found.filter(matches)
    assert declared.pages is not None  # declared_or_404: a type with pages
    names = tuple(n for n in declared.pages.fields if n != "pairing")
    rows = found.select_related(*related_paths(declared, names)).order_by("-pk")[:CHOICES_LIMIT]
    return JsonResponse({"results": [{"id": row.pk, "label": str(row)} for row in rows]})


def urlpatterns() -> list[URLPattern]:
    """The pages of every type declared with pages, named "web:<slug>", "web:<slug>_detail" …
    and the 协作考核 hub that lists them."""
    found = [path("assessment/", assessment, name="assessment")]
    for declared in record_types.with_pages():
        assert declared.pages is not None
        slug = declared.pages.slug
        kw = {"slug": slug}
        found += [
            path(f"{slug}/", record_list, kw, name=slug),
            path(f"{slug}/new/", record_create, kw, name=f"{slug}_create"),
            path(f"{slug}/choices/", record_choices, kw, name=f"{slug}_choices"),
            path(f"{slug}/<int:pk>/", record_detail, kw, name=f"{slug}_detail"),
            path(f"{slug}/<int:pk>/edit/", record_edit, kw, name=f"{slug}_edit"),
            path(f"{slug}/<int:pk>/delete/", record_delete, kw, name=f"{slug}_delete"),
        ]
        if issubclass(declared.model, ConfirmationMixin):
            found += [
                path(f"{slug}/<int:pk>/confirm/", record_confirm, kw, name=f"{slug}_confirm"),
                path(f"{slug}/<int:pk>/reopen/", record_reopen, kw, name=f"{slug}_reopen"),
            ]
    return found

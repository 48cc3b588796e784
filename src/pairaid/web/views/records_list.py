"""The pages of every record type declared with `Pages` (`ledger/record_types.py`), made from
its model's fields: the 协作考核 hub (/assessment/), each type's list (/<slug>/), and how a
field's value is shown (`cell`). The record's own pages (detail, new, edit, delete, confirm)
are in `views/records.py`. Nothing here names a type: a type declared with pages appears
on the hub, with its list, without an edit here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pairaid.ledger import figure_specs, record_types
from pairaid.ledger.access import Viewer
from pairaid.ledger.messages import FIRST_YEAR
from pairaid.ledger.models import Pairing, Project
from pairaid.ledger.moneyfield import MoneyField, MoneySum
from pairaid.ledger.record_types import AREAS, RecordType
from pairaid.lib.fields import own_field
from pairaid.web import access, listing
from pairaid.web import rows as list_rows
from pairaid.web.forms.generic import filter_for
from pairaid.web.links import Links

# --- a field's value, shown by its type -------------------------------------------------------


M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Cell:
    label: str | Promise  # the field's verbose_name
    kind: str  # "money", "yuan", "date", "datetime", "number", "text", "empty"
    value: Any
    url: str = ""  # a record it refers to, when that record has a page

    @property
    def numeric(self) -> bool:
        return self.kind in ("money", "yuan", "number")


def record_url(obj: models.Model, links: Links | None = None) -> str:
    """The page of a record the pages know (a pairing, a project, a record with pages)."""
    url = links.url if links is not None else lambda name, pk: reverse(name, args=[pk])
    if isinstance(obj, Pairing):
        return url("web:pairing", obj.pk)
    if isinstance(obj, Project):
        return url("web:project", obj.pk)
    declared = record_types.of(type(obj))
    if declared is not None and declared.pages is not None:
        return url(f"web:{declared.pages.slug}_detail", obj.pk)
    return ""


def is_year(field: models.Field[Any, Any]) -> bool:
    """A year (2022), shown as written rather than as a quantity."""
    return any(
        isinstance(v, MinValueValidator) and v.limit_value >= FIRST_YEAR for v in field.validators
    )


def cell(obj: models.Model, name: str, page: list_rows.Page | None = None) -> Cell:
    """The value of field `name` of `obj` as a page shows it: money in 元 (or 万元 when the
    label names no unit), a choice by its label, a date as 2022-12-01, a record by its name
    (with a link to its page). Rows of one page share `page` (labels and links made once)."""
    field = own_field(type(obj), name)
    label = field.verbose_name
    value = getattr(obj, name)
    if value is None or value == "":
        return Cell(label, "empty", "")
    if isinstance(field, MoneyField):
        return Cell(label, "yuan" if "元" in str(label) else "money", value)
    if field.choices:
        shown = page.label(obj, name) if page else getattr(obj, f"get_{name}_display")()
        return Cell(label, "text", shown)
    if isinstance(field, models.BooleanField):
        return Cell(label, "text", _("是") if value else _("否"))
    if isinstance(field, models.DateTimeField):
        return Cell(label, "datetime", value)
    if isinstance(field, models.DateField):
        return Cell(label, "date", value)
    if isinstance(field, models.ForeignKey):
        return Cell(label, "text", str(value), record_url(value, page.links if page else None))
    if isinstance(field, (models.IntegerField, models.DecimalField)) and not is_year(field):
        return Cell(label, "number", value)
    return Cell(label, "text", value)


def declared_or_404(slug: str) -> RecordType:
    declared = record_types.by_slug(slug)
    if declared is None or declared.pages is None or declared.listing is None:
        raise Http404("no such record type")
    return declared


def related_paths(record_type: RecordType, names: tuple[str, ...]) -> list[str]:
    """`select_related` paths for the foreign keys among `names` (a pairing with its label's
    sides), so that a row costs no query of its own."""
    paths: list[str] = []
    for name in names:
        field = record_type.model._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            if field.related_model is Pairing:
                paths += listing.pairing_names(name)
            else:
                paths.append(name)
    return paths


def with_columns(record_type: RecordType, rows: QuerySet[M]) -> QuerySet[M]:
    assert record_type.pages is not None
    return rows.select_related(*related_paths(record_type, record_type.pages.columns))


@dataclass(frozen=True)
class Column:
    name: str
    label: str | Promise
    sort: str  # the sort key, "" when the list does not sort by it
    numeric: bool


def columns(record_type: RecordType) -> list[Column]:
    assert record_type.pages is not None and record_type.listing is not None
    model = record_type.model
    found = []
    for name in record_type.pages.columns:
        field = own_field(model, name)
        numeric = isinstance(field, (models.IntegerField, models.DecimalField)) and not (
            field.choices or isinstance(field, models.ForeignKey) or is_year(field)
        )
        sort = name if name in record_type.listing.sorts else ""
        found.append(Column(name, field.verbose_name, sort, numeric))
    return found


def rows_of(record_type: RecordType, records: Iterable[models.Model]) -> list[dict[str, Any]]:
    """Each record with its cells, in the order of the list's columns."""
    assert record_type.pages is not None
    slug = record_type.pages.slug
    page = list_rows.Page()
    return [
        {
            "record": record,
            "url": page.url(f"web:{slug}_detail", record.pk),
            "cells": [cell(record, name, page) for name in record_type.pages.columns],
        }
        for record in records
    ]


# --- the hub --------------------------------------------------------------------------------


def areas(user: Viewer) -> list[dict[str, Any]]:
    """The assessment's areas in order, each with its types (an area without any is left
    out), and whether the user may record somewhere."""
    may_record = access.can_record_anywhere(user)
    found = []
    for key, label in AREAS.items():
        types = [
            {
                "label": rt.model._meta.verbose_name_plural,
                "slug": rt.pages.slug,
                "url": reverse(f"web:{rt.pages.slug}"),
                "create_url": reverse(f"web:{rt.pages.slug}_create") if may_record else "",
            }
            for rt in record_types.with_pages()
            if rt.pages is not None and rt.pages.area == key
        ]
        if types:
            found.append({"key": key, "label": label, "types": types})
    return found


@require_GET
@login_required
def assessment(request: HttpRequest) -> HttpResponse:
    return render(request, "web/records/hub.html", {"areas": areas(request.user)})


# --- a type's list --------------------------------------------------------------------------


def summed_total(
    request: HttpRequest, model: type[models.Model]
) -> Callable[[QuerySet[models.Model]], object] | None:
    """For a list opened from a figure that sums a field (an amount, persons placed), the sum
    of its rows, or for one that counts distinct values (enterprises), their number: what must
    equal the figure. None for a figure that counts its rows."""
    spec = figure_specs.FIGURES.get(request.GET.get("figure", ""))
    if spec is not None and spec.counts_distinct:
        field = spec.counts_distinct
        return lambda rows: rows.values("pairing_id", field).distinct().count()
    if spec is None or not spec.summed:
        return None
    if isinstance(model._meta.get_field(spec.summed), MoneyField):
        return lambda rows: rows.aggregate(total=MoneySum(spec.summed))["total"]
    return lambda rows: rows.aggregate(total=Coalesce(Sum(spec.summed), 0))["total"]


@require_GET
@login_required
def record_list(request: HttpRequest, slug: str) -> HttpResponseBase:
    declared = declared_or_404(slug)
    model = declared.model
    found = listing.build(
        request,
        list_name=declared.list_name,
        base=access.records(request.user, model),
        form=filter_for(declared)(request.GET, user=request.user),
        sorts=listing.Sorts.of(model),
        related=lambda qs: with_columns(declared, qs),
        total=summed_total(request, model),
    )
    create_url = reverse(f"web:{slug}_create") if access.can_record_anywhere(request.user) else ""
    parents = {
        name: value
        for name, value in found.form.values().items()
        if name in found.form.fields and found.form.fields[name].widget.is_hidden
    }
    if create_url and parents:  # the list of one record's children: a new one of its own
        create_url += "?" + urlencode(parents)
    return listing.respond(
        request,
        "web/records/list.html",
        found,
        record_type=declared,
        title=model._meta.verbose_name_plural,
        area=AREAS.get(declared.pages.area, "") if declared.pages else "",
        columns=columns(declared),
        rows=rows_of(declared, found.page),
        create_url=create_url,
    )

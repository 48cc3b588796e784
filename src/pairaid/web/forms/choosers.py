"""A long chooser (pairings at national scale: about 2,000) that does not put every choice
into the page: the select holds the chosen record and the first few; pairaid.js adds a box
that searches the rest as one types (/search/choices/, by name, code or pinyin)."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django import forms
from django.conf import settings
from django.db.models import Model, QuerySet
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models import PairingQuerySet

SHOWN = 30

M = TypeVar("M", bound=Model)
Optgroups = list[tuple[str | None, list[dict[str, Any]], int | None]]


class ChooserSelect(forms.Select):
    def __init__(self, kind: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kind = kind

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        if not self.kind:  # a kind the search does not know: the newest few and the chosen one
            return super().get_context(name, value, attrs)
        attrs = {
            **(attrs or {}),
            "data-chooser": self.kind,
            "data-chooser-url": reverse("web:search_choices"),
            "data-chooser-placeholder": str(_("输入名称或拼音查找")),
        }
        return super().get_context(name, value, attrs)

    def optgroups(
        self, name: str, value: list[Any], attrs: dict[str, Any] | None = None
    ) -> Optgroups:
        iterator = self.choices
        if not isinstance(iterator, ModelChoiceIterator) or iterator.queryset is None:
            return super().optgroups(name, value, attrs)
        field = iterator.field
        queryset = named(iterator.queryset)
        shown = list(queryset[:SHOWN])
        chosen = [v for v in value if str(v).isdigit()]
        seen = {str(obj.pk) for obj in shown}
        extra = (
            [obj for obj in queryset.filter(pk__in=chosen) if str(obj.pk) not in seen]
            if (chosen and not seen.issuperset(str(v) for v in chosen))
            else []
        )
        options: list[tuple[Any, Any]] = []
        if field.empty_label is not None:
            options.append(("", field.empty_label))
        options += [
            (field.prepare_value(obj), field.label_from_instance(obj)) for obj in extra + shown
        ]
        self.choices = options
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = iterator


def named(queryset: QuerySet[M]) -> QuerySet[M]:
    """The choices with what their labels are made of (pairings: `with_names`), so that
    drawing them takes one query, not one per choice."""
    if isinstance(queryset, PairingQuerySet):
        return cast("QuerySet[M]", queryset.with_names())  # M is Pairing here
    return queryset


def searchable(field: forms.Field, kind: str) -> None:
    """Let a form's select be searched as one types, like the list filters' chooser. A long
    one (a province's projects) is drawn as a `ChooserSelect`: a record form at national
    scale would otherwise carry megabytes of options. `kind` "": records the search does not
    know (events): a long select shows the first ones of its order and the chosen one."""
    queryset = field.queryset if isinstance(field, forms.ModelChoiceField) else None
    if isinstance(field, forms.ModelChoiceField) and queryset is not None:
        field.queryset = named(queryset)
        limit = settings.PAIRAID_FULL_SELECT_LIMIT
        if queryset.order_by()[limit : limit + 1].exists():
            chooser = ChooserSelect(kind, attrs=dict(field.widget.attrs))
            # A widget's choices take whatever a field's do (Django normalises them when set);
            # django-stubs type the widget's narrower than the field's getter gives.
            chooser.choices = field.choices  # type: ignore[assignment]
            chooser.is_required = field.widget.is_required
            field.widget = chooser
    if not kind:
        return
    field.widget.attrs.update(
        {
            "data-chooser": kind,
            "data-chooser-url": reverse("web:search_choices"),
            "data-chooser-placeholder": str(_("输入名称或拼音查找")),
        }
    )

"""The form and the list filter of a record type declared with `Pages`
(`ledger/record_types.py`), made from its model's fields: nothing here names a type.

The form holds `Pages.fields` in order. The pairing is one the user may record in; a record
it refers to (a project, a record of another pages-type) is one the user sees; regions and
organisations come through the choosers; amounts are typed in 元 (`AmountField`), dates with
the date widget. The filter has the lists' text, pairing and year, a select for each choice
filter the listing declares, and a hidden field per reference, so that a parent record's
page can link to the list of its own children.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.db import models
from django.db.models import Q, QuerySet
from django.forms import modelform_factory
from django.http import QueryDict
from django.urls import reverse

from pairaid.ledger import record_types
from pairaid.ledger.access import Viewer
from pairaid.ledger.models import Organisation, Pairing, Region, SearchKey
from pairaid.ledger.record_types import RecordType
from pairaid.lib.fields import own_field
from pairaid.web import access
from pairaid.web.forms.choosers import ChooserSelect, searchable
from pairaid.web.forms.fields import DATE, TEXT, blank_choice
from pairaid.web.forms.filters import ListFilter
from pairaid.web.forms.records import ServiceForm

M = TypeVar("M", bound=models.Model)

# Reference data offered whole (through the choosers that search as one types).
REFERENCE_CHOOSERS: dict[type[models.Model], str] = {
    Organisation: "organisation",
    Region: "region",
}


def references(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    """The model's foreign keys to records seen through a pairing (a project, an agreement, a
    record of a type with pages …: a type declared with a `pairing_path`), not the pairing
    itself nor reference data."""
    found = []
    for field in model._meta.concrete_fields:
        target = field.related_model
        if not isinstance(field, models.ForeignKey) or not isinstance(target, type):
            continue  # not a foreign key (a loaded one's related_model is a class)
        if target is Pairing:
            continue
        declared = record_types.of(target)
        if declared is not None and declared.pairing_path:
            found.append(field)
    return found


def chooser_for(target: type[models.Model]) -> ChooserSelect:
    """The select of a reference: the chosen record and the first few drawn, the rest searched
    as one types — in the type's own choices (a type with pages), the site's search (a kind it
    indexes), or not at all."""
    declared = record_types.of(target)
    if declared is not None and declared.pages is not None:
        return RecordChooser(declared.pages.slug)
    kind = target._meta.model_name or ""
    return ChooserSelect(kind) if kind in SearchKey.Kind.values else BoundedSelect(kind)


def seen(user: Viewer, model: type[M]) -> QuerySet[M]:
    """The records of `model` the user sees, newest first (choices of a reference)."""
    return access.records(user, model).order_by("-pk")


class RecordChooser(ChooserSelect):
    """A chooser of the records of a type with pages: the chosen one and the first few drawn,
    the rest searched as one types in that type's own list of choices (/<slug>/choices/)."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-chooser-url"] = reverse(f"web:{self.kind}_choices")
        return context


class BoundedSelect(ChooserSelect):
    """The chosen record and the first few, for a kind that nothing searches."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return forms.Select.get_context(self, name, value, attrs)


class RecordForm(ServiceForm[models.Model]):
    """A record of a type with pages; its `Meta` is made by `form_for`."""

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        model = self._meta.model
        for name, field in self.fields.items():
            if name == "version" or field.disabled:
                continue
            model_field = model._meta.get_field(name)
            target = getattr(model_field, "related_model", None)
            if target is None or not isinstance(field, forms.ModelChoiceField):
                continue
            if target is Pairing and name != "pairing":
                field.queryset = Pairing.objects.filter(
                    pk__in=[p.pk for p in access.writable_pairings(user)]
                )
                searchable(field, "pairing")
            elif target in REFERENCE_CHOOSERS:
                field.queryset = (
                    access.organisations(user) if target is Organisation else access.regions(user)
                )
                searchable(field, REFERENCE_CHOOSERS[target])
            elif model_field in references(model):
                field.widget = chooser_for(target)
                field.queryset = seen(user, target)  # after the widget: it takes the choices


def form_for(record_type: RecordType) -> type[RecordForm]:
    """The create/edit form of a type with pages: `Pages.fields`, in order."""
    assert record_type.pages is not None
    model = record_type.model
    widgets: dict[str, Any] = {}
    for name in record_type.pages.fields:
        field = model._meta.get_field(name)
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            widgets[name] = DATE
        elif isinstance(field, models.TextField):
            widgets[name] = TEXT
    made = modelform_factory(
        model, form=RecordForm, fields=list(record_type.pages.fields), widgets=widgets
    )
    if not issubclass(made, RecordForm):  # it is: the factory subclasses the form it is given
        raise TypeError(made)
    return made


def choices_of(model: type[models.Model], lookup: str) -> list[tuple[Any, Any]]:
    """The choices of the model field a choice filter's lookup ends on ("status",
    "asset__kind")."""
    target = model
    choices: list[tuple[Any, Any]] = []
    for part in lookup.split("__"):
        field = own_field(target, part)
        choices = list(field.choices or [])
        if isinstance(field.related_model, type):
            target = field.related_model
    return choices


class RecordFilter(ListFilter):
    """The list filter of a type with pages; its model is set by `filter_for`."""

    def __init__(self, data: QueryDict, *, user: Viewer) -> None:
        super().__init__(data, user=user)
        assert self.model is not None
        for name, lookup in self.choice_fields.items():
            first = own_field(self.model, lookup.split("__")[0])
            self.fields[name] = forms.ChoiceField(
                label=first.verbose_name,
                required=False,
                choices=blank_choice(choices_of(self.model, lookup)),
            )
        for field in references(self.model):
            self.fields[field.name] = forms.IntegerField(
                required=False, min_value=1, widget=forms.HiddenInput
            )
        year_field = self.year_field
        if year_field:
            self.fields["year"].label = own_field(
                self.model, year_field.split("__")[0]
            ).verbose_name
        if not self.search_fields:
            del self.fields["q"]
        if not year_field:
            del self.fields["year"]

    def year_q(self, year: int) -> Q:
        assert self.model is not None  # set by filter_for
        field = self.model._meta.get_field(self.year_field)
        if isinstance(field, models.DateField):
            return Q(**{f"{self.year_field}__year": year})
        return Q(**{self.year_field: year})

    def apply_more(self, queryset: QuerySet[M], values: dict[str, Any]) -> QuerySet[M]:
        assert self.model is not None  # set by filter_for
        for field in references(self.model):
            if values.get(field.name):
                queryset = queryset.filter(**{field.attname: values[field.name]})
        return queryset


def filter_for(record_type: RecordType) -> type[RecordFilter]:
    return type(
        f"{record_type.model.__name__}Filter", (RecordFilter,), {"model": record_type.model}
    )

"""The admin of every record type declared with pages (`ledger/record_types.py`), made from its
declaration: the list shows `Pages.columns` (money in 元), searches `Listing.search`, filters
by pairing (in the user's scope), each choice and yes/no field and demo data, and sorts as the
list page does. Every write goes through the services (`ServiceAdmin`). Nothing here names a
type: a type declared with pages has its admin by being declared."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models

from pairaid.ledger import record_types
from pairaid.ledger.admin.base import PairingFilter, ServiceAdmin, yuan
from pairaid.ledger.messages import readable
from pairaid.ledger.models import Organisation, Pairing, Project, Region
from pairaid.ledger.moneyfield import MoneyField

# Records the admin finds by typing (their admins have search fields).
_SEARCHED = (Pairing, Region, Organisation, Project)


class ReadableForm(forms.ModelForm[Any]):
    """A record's form whose broken database rules (`Meta.constraints`) are said in words
    (`ledger.messages.CONSTRAINT_MESSAGES`), not by the rule's name."""

    def _update_errors(self, errors: ValidationError) -> None:
        # Django's BaseModelForm._update_errors is private: django-stubs leaves it out.
        super()._update_errors(readable(errors))  # type: ignore[misc]


def _money(name: str, label: Any) -> Callable[[Any, Any], str]:
    def show(self: Any, obj: Any) -> str:
        return yuan(getattr(obj, name))

    return admin.display(description=label, ordering=name)(show)


def _ordering(record_type: record_types.RecordType) -> list[str]:
    listing = record_type.listing
    if listing is None:
        return ["-id"]
    descending = listing.default_sort.startswith("-")
    key = listing.default_sort.lstrip("-")
    sign = "-" if descending else ""
    fields = [name for name in listing.sorts.get(key, (key,)) if isinstance(name, str)]
    return [f"{sign}{name}" for name in fields] + [f"{sign}id"]


def _searched(target: type[models.Model]) -> bool:
    declared = record_types.of(target)
    return target in _SEARCHED or bool(
        declared and declared.pages and declared.listing and declared.listing.search
    )


def admin_for(record_type: record_types.RecordType) -> type[ServiceAdmin]:
    """A `ServiceAdmin` for a type with pages."""
    assert record_type.pages is not None
    pages, model = record_type.pages, record_type.model
    meta = model._meta
    shown = [meta.get_field(name) for name in pages.fields]
    namespace: dict[str, Any] = {"__module__": __name__, "form": ReadableForm}
    display: list[str] = []
    for name in pages.columns:
        model_field = meta.get_field(name)
        if isinstance(model_field, MoneyField):
            method = f"{name}_yuan"
            namespace[method] = _money(name, model_field.verbose_name)
            display.append(method)
        else:
            display.append(name)
    filters: list[Any] = []
    if any(f.name == "pairing" for f in shown):
        filters.append(("pairing", PairingFilter))
    filters += [
        f.name for f in shown if getattr(f, "choices", None) or isinstance(f, models.BooleanField)
    ]
    listing = record_type.listing
    if listing is not None and listing.year_field:
        year_field = meta.get_field(listing.year_field)
        if not isinstance(year_field, models.DateField) and listing.year_field not in filters:
            filters.append(listing.year_field)
    if any(f.name == "is_demo" for f in meta.concrete_fields):
        filters.append("is_demo")
    references = [f for f in shown if isinstance(f, models.ForeignKey)]
    namespace.update(
        # What the record's pages edit; the recipient side's answer (a confirmation) is
        # given through its own service, never typed into a form.
        fields=list(pages.fields),
        list_display=display,
        list_display_links=display[:1],
        list_filter=filters,
        list_select_related=[f.name for f in references if f.name in pages.columns],
        search_fields=list(record_type.listing.search) if record_type.listing else [],
        autocomplete_fields=[f.name for f in references if _searched(f.related_model)],
        ordering=_ordering(record_type),
    )
    dates = [f.name for f in shown if isinstance(f, models.DateField)]
    if dates:
        namespace["date_hierarchy"] = dates[0]
    return type(f"{model.__name__}Admin", (ServiceAdmin,), namespace)


for _declared in record_types.with_pages():
    if not admin.site.is_registered(_declared.model):
        admin.site.register(_declared.model, admin_for(_declared))

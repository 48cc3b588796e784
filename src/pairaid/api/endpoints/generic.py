"""The API resource of every record type declared with pages and an `api`
(`ledger/record_types.py`): list (filtered by pairing, year, text and each choice field),
read, create (idempotent) and update (If-Match), made by `crud.Resource` with the bodies of
`api/schemas/generic.py`. Every write goes through the ledger's services. Nothing here
names a type: a type declared with pages and an `api` is served by being declared."""

# No `from __future__ import annotations`: django-ninja reads the filters' annotations.

from typing import Any, Literal, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from pairaid.api.common import (
    VIA,
    in_scope,
    pairing_for,
    shared_records,
    user_of,
)
from pairaid.api.endpoints.crud import Resource
from pairaid.api.schemas.generic import schemas_for
from pairaid.api.types import Id, Year, text
from pairaid.ledger import access, record_types, services
from pairaid.ledger.models import Organisation, Pairing, Region

router = Router()


def _finder(
    user: Any, model_field: "models.ForeignKey[Any, Any]", pairing: Pairing
) -> "QuerySet[Any]":
    """Where a record the body refers to must be: regions and units among everyone's, any
    other record in the pairing of the record that refers to it."""
    target = model_field.related_model
    if target in (Region, Organisation):
        return shared_records(target, user)
    if any(f.name == "pairing" for f in target._meta.concrete_fields):
        return target._default_manager.filter(pairing=pairing)
    return access.within_view(user, target._default_manager.all())


def resolve_fields(
    user: Any, model: type[models.Model], data: dict[str, Any], pairing: Pairing
) -> dict[str, Any]:
    """Body fields → model fields, each `<name>_id` the record it names where the user may
    refer to it; otherwise a field error (422) naming the field."""
    fields: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, value in data.items():
        name = key.removesuffix("_id")
        model_field = model._meta.get_field(name) if key.endswith("_id") else None
        if not isinstance(model_field, models.ForeignKey):
            fields[key] = value
            continue
        if value is None:
            fields[name] = None
            continue
        found = _finder(user, model_field, pairing).filter(pk=value).first()
        if found is None:
            errors[key] = [
                _("%(what)s %(id)s 不存在，或不属于该结对关系")
                % {"what": model_field.verbose_name, "id": value}
            ]
        fields[name] = found
    if errors:
        raise ValidationError(errors)
    return fields


def _scope(model: type[models.Model]) -> Any:
    def scope(request: HttpRequest) -> "QuerySet[Any]":
        return in_scope(model._default_manager.all(), user_of(request))

    return scope


def _verbose(model: type[models.Model], path: str) -> str:
    """The words of a field or of a lookup through a relation ("project__name": 项目的名称)."""
    names = []
    for part in path.split("__"):
        # a path of the model's own fields
        model_field = cast("models.Field[Any, Any]", model._meta.get_field(part))
        names.append(str(model_field.verbose_name))
        model = model_field.related_model or model
    return "的".join(names)


def filters_for(record_type: record_types.RecordType) -> type[Schema]:
    """The list's filters: pairing, year (the list's year field), text (its search fields)
    and each choice field the pages hold."""
    assert record_type.pages is not None
    model, listing = record_type.model, record_type.listing
    meta = model._meta
    annotations: dict[str, Any] = {"pairing": Id}
    defaults: dict[str, Any] = {"pairing": Field(None, description="结对关系编号")}
    year_lookup = ""
    if listing is not None and listing.year_field:
        year_field = cast("models.Field[Any, Any]", meta.get_field(listing.year_field))
        is_date = isinstance(year_field, models.DateField)
        year_lookup = f"{listing.year_field}__year" if is_date else listing.year_field
        annotations["year"] = Year
        defaults["year"] = Field(None, description=str(year_field.verbose_name))
    search = listing.search if listing is not None else ()
    if search:
        annotations["q"] = text(100)
        words = "、".join(_verbose(model, path) for path in search)
        defaults["q"] = Field(None, description=f"{words}包含此文字")
    fields = [
        cast("models.Field[Any, Any]", meta.get_field(name)) for name in record_type.pages.fields
    ]
    choices = [model_field for model_field in fields if model_field.choices]
    for model_field in choices:
        codes = tuple(value for value, _label in model_field.flatchoices if value != "")
        annotations[model_field.name] = Literal[codes]
        defaults[model_field.name] = Field(None, description=str(model_field.verbose_name))

    def apply(self: Any, queryset: "QuerySet[Any]") -> "QuerySet[Any]":
        if self.pairing:
            queryset = queryset.filter(pairing_id=self.pairing)
        if year_lookup and self.year:
            queryset = queryset.filter(**{year_lookup: self.year})
        if search and self.q:
            condition = Q()
            for name in search:
                condition |= Q(**{f"{name}__icontains": self.q})
            queryset = queryset.filter(condition)
        for model_field in choices:
            value = getattr(self, model_field.name)
            if value:
                queryset = queryset.filter(**{model_field.name: value})
        return queryset

    namespace = {"__annotations__": annotations, **defaults, "apply": apply}
    return type(f"{model.__name__}Filters", (Schema,), namespace)


def _make(model: type[models.Model], out: type[Schema]) -> Any:
    def make(user: Any, payload: Any) -> Schema:
        pairing = pairing_for(user, payload.pairing_id)
        # Fields left out are not sent: the record gets its model's defaults.
        data = payload.model_dump(exclude={"pairing_id"}, exclude_unset=True)
        fields = resolve_fields(user, model, data, pairing)
        record = services.create_record(model, acting_user=user, via=VIA, pairing=pairing, **fields)
        return out.from_orm(record)

    return make


def _change(user: Any, record: Any, data: dict[str, Any]) -> Any:
    changes = resolve_fields(user, type(record), data, record.pairing)
    return services.update_record(record, acting_user=user, via=VIA, **changes)


def serve(record_type: record_types.RecordType) -> Resource:
    """The operations of one type with pages and an `api`, on this module's router."""
    model = record_type.model
    out, new, patch = schemas_for(record_type)
    one, many = model._meta.verbose_name, model._meta.verbose_name_plural
    resource = Resource.of(model, router, _scope(model), out)
    resource.add_list(filters_for(record_type), f"列出{many}")
    resource.add_read(f"读取{one}")
    resource.add_create(new, f"登记{one}", _make(model, out))
    resource.add_update(patch, f"修改{one}", _change)
    return resource


RESOURCES = [serve(rt) for rt in record_types.with_pages() if rt.api is not None]

"""The bodies of every record type declared with pages (`ledger/record_types.py`), made from
the fields its pages hold (`Pages.fields`): `<Model>Out` (the record as answered), `<Model>In`
(a new record) and `<Model>Patch` (some fields of one; never its pairing).

Each field has the type its model field has, bounded as the database bounds it
(`api/types.py`): a foreign key is `<name>_id`, money a string of yuan ("1000000.00"), a date
ISO ("2023-06-01"), a choice one of its codes, a year within the ledger's years, a count
within its validators, text within its length. Nothing here names a type."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal, cast

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from pydantic import Field, create_model

from pairaid.api.schemas.base import In, Out
from pairaid.api.types import LONG_TEXT, Date, Id, MoneyIn, MoneyOut, NotBool, Year, text
from pairaid.ledger import record_types
from pairaid.ledger.moneyfield import MoneyField


def api_name(model_field: models.Field[Any, Any]) -> str:
    """A field's name in the bodies: `<name>_id` for a foreign key."""
    return (
        f"{model_field.name}_id" if isinstance(model_field, models.ForeignKey) else model_field.name
    )


def _description(model_field: models.Field[Any, Any]) -> str:
    words = str(model_field.verbose_name)
    return f"{words}：{model_field.help_text}" if model_field.help_text else words


def _is_year(model_field: models.Field[Any, Any]) -> bool:
    return model_field.name == "year" or model_field.name.endswith("_year")


def _count(model_field: models.Field[Any, Any]) -> Any:
    lows = [v.limit_value for v in model_field.validators if isinstance(v, MinValueValidator)]
    highs = [v.limit_value for v in model_field.validators if isinstance(v, MaxValueValidator)]
    bounds = {}
    if lows:
        bounds["ge"] = max(lows)
    if highs:
        bounds["le"] = min(highs)
    return Annotated[int, Field(**bounds), NotBool]


def _input_type(model_field: models.Field[Any, Any], *, required: bool) -> Any:
    """The type a request gives the field."""
    if isinstance(model_field, models.ForeignKey):
        return Id
    if model_field.choices:
        return Literal[tuple(value for value, _label in model_field.flatchoices if value != "")]
    if isinstance(model_field, MoneyField):
        return MoneyIn
    if isinstance(model_field, models.BooleanField):
        return bool
    if isinstance(model_field, models.DateField):
        return Date
    if isinstance(model_field, models.IntegerField):
        return Year if _is_year(model_field) else _count(model_field)
    if isinstance(model_field, models.DecimalField):
        return Annotated[
            Decimal,
            Field(
                ge=0,
                max_digits=model_field.max_digits,
                decimal_places=model_field.decimal_places,
            ),
        ]
    limit = model_field.max_length or LONG_TEXT
    return text(limit, min_length=1 if required else 0)


def _output_type(model_field: models.Field[Any, Any]) -> Any:
    """The type a response gives the field."""
    if isinstance(model_field, models.ForeignKey):
        found: Any = int
    elif model_field.choices:
        found = str
    elif isinstance(model_field, MoneyField):
        found = MoneyOut
    elif isinstance(model_field, models.BooleanField):
        found = bool
    elif isinstance(model_field, models.DateField):
        found = Date
    elif isinstance(model_field, models.IntegerField):
        found = int
    elif isinstance(model_field, models.DecimalField):
        found = Decimal
    else:
        found = str
    return found | None if model_field.null else found


def _required(model_field: models.Field[Any, Any]) -> bool:
    return not model_field.blank and not model_field.has_default()


def _default(model_field: models.Field[Any, Any]) -> Any:
    """What an optional field is when a request leaves it out (the model's own default,
    which the record gets: a left-out field is not sent to the service)."""
    if model_field.has_default() and not callable(model_field.default):
        default = model_field.default
        return default.value if hasattr(default, "value") else default
    if model_field.null:
        return None
    if isinstance(model_field, models.CharField | models.TextField):
        return ""
    return None


def schemas_for(record_type: record_types.RecordType) -> tuple[type[Out], type[In], type[In]]:
    """The Out, In and Patch bodies of a type with pages."""
    assert record_type.pages is not None
    return _schemas(record_type.model, record_type.pages)


@cache
def _schemas(
    model: type[models.Model], pages: record_types.Pages
) -> tuple[type[Out], type[In], type[In]]:
    name = model.__name__
    out: dict[str, Any] = {"id": (int, ...)}
    new: dict[str, Any] = {}
    patch: dict[str, Any] = {}
    # The pages' fields are the model's own (concrete) fields.
    for model_field in [
        cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in pages.fields
    ]:
        key = api_name(model_field)
        about = _description(model_field)
        out[key] = (_output_type(model_field), Field(description=about))
        required = _required(model_field)
        kind = _input_type(model_field, required=required)
        optional = kind | None if model_field.null else kind
        if required:
            new[key] = (optional, Field(description=about))
        else:
            new[key] = (optional, Field(default=_default(model_field), description=about))
        if model_field.name != "pairing":
            patch[key] = (optional, Field(default=None, description=about))
    concrete = {f.name for f in model._meta.concrete_fields}
    if "confirmation" in concrete:
        out["confirmation"] = (str, Field(description="受援方确认"))
    if "is_demo" in concrete:
        out["is_demo"] = (bool, ...)
    return (
        create_model(f"{name}Out", __base__=Out, **out),
        create_model(f"{name}In", __base__=In, **new),
        create_model(f"{name}Patch", __base__=In, **patch),
    )

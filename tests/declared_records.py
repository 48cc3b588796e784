"""A valid record of any type declared with `Pages` (`ledger/record_types.py`), for the tests
that iterate `record_types.with_pages()`, and the same record said as a form post, as the
cells of an import row and as an API body (this module holds no tests of its own).

Every field the type's pages show, and every field a record cannot be made without, gets a
value by its kind: the pairing given, a region or a unit of that pairing's recipient side, a
finished project of the pairing, a record of another pages-type (made first, through the
services), the first choice, money, a past date, a year, a count, 是/否, a code unique per
record, and text. The same count and amount everywhere, so that any "part ≤ whole" rule
holds; a type declared later is covered with no edit here."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from builders import Builder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from pairaid.exchange.specs import IMPORTERS
from pairaid.ledger import record_types, services
from pairaid.ledger.models import Organisation, Pairing, Project, Region
from pairaid.ledger.moneyfield import MoneyField
from pairaid.ledger.record_types import RecordType

_serial = itertools.count(1)

YEAR = 2023  # a past year that the demo locks for no pairing (no year approved)
DATE = dt.date(YEAR, 6, 1)
AMOUNT = Decimal("1000.00")

Declared = RecordType | str  # a declared type, or its pages' slug


def slugs() -> list[str]:
    """The slugs of the types with pages (the tests' parameters)."""
    return [rt.pages.slug for rt in record_types.with_pages() if rt.pages]


def record_type(declared: Declared) -> RecordType:
    found = record_types.by_slug(declared) if isinstance(declared, str) else declared
    assert found is not None and found.pages is not None, declared
    return found


def model_fields(declared: Declared) -> list[models.Field]:
    """The fields the type's pages show, in their order."""
    rt = record_type(declared)
    assert rt.pages is not None
    return [rt.model._meta.get_field(name) for name in rt.pages.fields]


def required(declared: Declared) -> list[models.Field]:
    """The fields a record of the type cannot be made without."""
    found = []
    for field in record_type(declared).model._meta.concrete_fields:
        if field.primary_key or not field.editable or field.has_default():
            continue
        if field.null or (field.blank and not isinstance(field, models.ForeignKey)):
            continue
        found.append(field)
    return found


def lookup(record: Any, path: str) -> Any:
    """A record's value at a lookup path ("location__name")."""
    for part in path.split("__"):
        record = getattr(record, part)
    return record


def text_field(declared: Declared) -> str:
    """A free-text field of the type's form to tell records apart by, or to change: one the
    list searches if any (never the code, which names the record to re-imports)."""
    rt = record_type(declared)
    assert rt.listing is not None
    shown = {field.name: field for field in model_fields(rt)}
    searched = [name for name in rt.listing.search if name in shown]
    for name in [*searched, *shown]:
        field = shown[name]
        is_text = isinstance(field, models.CharField | models.TextField) and not field.choices
        if is_text and name != "code":
            return name
    raise AssertionError(f"{rt.model.__name__}'s form has no text field")


def _count(field: models.Field) -> int:
    lows = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
    highs = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
    return min([max([1, *lows]), *highs])


def _is_year(field: models.Field) -> bool:
    lows = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
    return field.name == "year" or field.name.endswith("_year") or any(v > 1000 for v in lows)


def _project(pairing: Pairing, user: Any) -> Project:
    """A finished project of the pairing: what is left behind or followed up is of one."""
    found = (
        Project.objects.filter(pairing=pairing, status=Project.Status.COMPLETED)
        .order_by("id")
        .first()
    )
    if found is not None:
        return found
    return Builder(user).project(
        pairing, status=Project.Status.COMPLETED, end_date=dt.date(2022, 12, 1), progress=100
    )


def _unit(pairing: Pairing, user: Any) -> Organisation:
    """A unit of the pairing's recipient side (a record's buyer, employer, keeper …)."""
    found = Organisation.objects.filter(region=pairing.recipient_region).order_by("id").first()
    if found is not None:
        return found
    return Builder(user).organisation(f"通用单位{next(_serial)}", pairing.recipient_region)


def value_for(field: models.Field, pairing: Pairing, user: Any = None) -> Any:
    """A valid value of a field, by its kind."""
    if isinstance(field, models.ForeignKey):
        target = field.related_model
        if target is Pairing:
            return pairing
        if target is Region:
            return pairing.recipient_region
        if target is Organisation:
            return _unit(pairing, user)
        if target is Project:
            return _project(pairing, user)
        return make(target_type(target), pairing, user=user)
    if field.choices:
        return next(value for value, _label in field.flatchoices if value not in ("", None))
    if isinstance(field, MoneyField):
        return AMOUNT
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DateTimeField):
        return dt.datetime(YEAR, 6, 1, 9, 0, tzinfo=dt.UTC)
    if isinstance(field, models.DateField):
        return DATE
    if isinstance(field, models.IntegerField):
        return YEAR if _is_year(field) else _count(field)
    if isinstance(field, models.DecimalField):
        return Decimal("1.00")
    n = next(_serial)
    if field.name == "code":
        return f"G-{n:05d}"
    if isinstance(field, models.CharField | models.TextField):
        return f"通用{field.verbose_name}{n}号"[: field.max_length or 200]
    raise AssertionError(f"no test value for {field!r}")


def target_type(model: type[models.Model]) -> RecordType:
    """The declared type of a record another one refers to: it has pages of its own."""
    found = record_types.of(model)
    assert found is not None and found.pages is not None, model
    return found


def values(declared: Declared, pairing: Pairing, user: Any = None, **given: Any) -> dict:
    """The field values of a new valid record of the type in `pairing` (`given` first)."""
    found: dict[str, Any] = {}
    for field in [*model_fields(declared), *required(declared)]:
        if field.name not in given and field.name not in found:
            found[field.name] = value_for(field, pairing, user)
    return {**found, **given}


def make(declared: Declared, pairing: Pairing, user: Any = None, **given: Any) -> Any:
    """A new record of the type in `pairing`, made through `services.create_record`."""
    return services.create_record(
        record_type(declared).model,
        acting_user=user,
        via="test",
        **values(declared, pairing, user, **given),
    )


def form_data(declared: Declared, filled: dict[str, Any]) -> dict[str, str]:
    """What a browser posts for these values through the type's form (`Pages.fields`)."""
    rt = record_type(declared)
    assert rt.pages is not None
    data = {}
    for name in rt.pages.fields:
        if name not in filled:
            field = rt.model._meta.get_field(name)
            if field.has_default() and not callable(field.default):
                data[name] = str(field.default)  # what the form shows filled in
            continue
        value = filled[name]
        if value is None:
            data[name] = ""  # an empty optional field
        elif isinstance(value, models.Model):
            data[name] = str(value.pk)
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        elif isinstance(value, bool):
            data[name] = "on" if value else ""
        else:
            data[name] = str(value)
    return data


def cell(field: models.Field, value: Any) -> Any:
    """A value as an import file's cell says it."""
    if value is None:
        return ""
    if isinstance(field, models.ForeignKey):
        if isinstance(value, Pairing):
            return str(value)
        if isinstance(value, Region | Organisation):
            return value.name
        return value.code
    if field.choices:
        return str(dict(field.flatchoices)[value])
    if isinstance(field, models.BooleanField):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def row(declared: Declared, header: list[str], found: dict[str, Any]) -> list[Any]:
    """The cells of an import row under a template's header (Chinese headers, 元)."""
    rt = record_type(declared)
    importer = IMPORTERS[rt.kind]
    by_header = {column.header: column.field for column in importer.importable()}
    return [
        cell(rt.model._meta.get_field(by_header[text]), found.get(by_header[text]))
        if text in by_header
        else ""
        for text in header
    ]


def body(declared: Declared, found: dict[str, Any]) -> dict[str, Any]:
    """The same record as an API request body."""
    answer: dict[str, Any] = {}
    for field in model_fields(declared):
        if field.name not in found:
            continue
        value = found[field.name]
        if isinstance(field, models.ForeignKey):
            answer[f"{field.name}_id"] = value.pk if value is not None else None
        elif isinstance(value, Decimal):
            answer[field.name] = f"{value:.2f}"
        elif isinstance(value, dt.date):
            answer[field.name] = value.isoformat()
        else:
            answer[field.name] = value
    return answer

"""A valid record of any type declared with `Pages` (`ledger/record_types.py`), made through
the services, for tests that iterate `record_types.with_pages()`: each required field is
filled by its type — the pairing given, a referred record of another pages-type made first
(in the same pairing), a project of the pairing, a region or organisation of its recipient,
a choice's first value, a year, a date, an amount, a number, a text — so that a type added
later is covered with no edit here."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models

from pairaid.ledger import record_types, services
from pairaid.ledger.models import Organisation, Pairing, Project, Region
from pairaid.ledger.moneyfield import MoneyField
from pairaid.ledger.record_types import RecordType

_serial = itertools.count(1)

YEAR = 2024  # a year of the demo's pairings that no one has approved (locked)
DAY = dt.date(YEAR, 6, 1)
AMOUNT = Decimal("12345.67")


def _floor(field: models.Field) -> int | None:
    floors = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
    return max(floors) if floors else None


def _project(pairing: Pairing, user: Any) -> Project:
    """A finished project of the pairing: what is left behind or followed up is of one."""
    found = (
        Project.objects.filter(pairing=pairing, status=Project.Status.COMPLETED)
        .order_by("id")
        .first()
    )
    if found is not None:
        return found
    return services.create_record(
        Project,
        acting_user=user,
        via="test",
        pairing=pairing,
        code=f"GP-{next(_serial):05d}",
        name="测试项目",
        sector=Project.Sector.INDUSTRY,
        mode=Project.Mode.CAPACITY_BUILDING,
        status=Project.Status.COMPLETED,
        start_date=dt.date(2021, 3, 1),
        end_date=dt.date(2022, 12, 1),
        progress=100,
    )


def value_for(field: models.Field, pairing: Pairing, user: Any) -> Any:
    """A valid value of a required field, by its type."""
    if isinstance(field, models.ForeignKey):
        target = field.related_model
        if target is Pairing:
            return pairing
        if target is Project:
            return _project(pairing, user)
        if target is Region:
            return pairing.recipient_region or Region.objects.order_by("code").first()
        if target is Organisation:
            return (
                Organisation.objects.filter(region=pairing.recipient_region).order_by("id").first()
                or Organisation.objects.order_by("id").first()
            )
        declared = record_types.of(target)
        assert declared is not None and declared.pairing_path, target
        if declared.pages is not None:
            return make(declared, pairing, user=user)
        found = target._default_manager.filter(**{declared.pairing_path: pairing}).first()
        assert found is not None, f"the pairing has no {target.__name__} to refer to"
        return found
    if field.choices:
        return next(value for value, _label in field.flatchoices if value not in ("", None))
    if isinstance(field, MoneyField):
        return AMOUNT
    if isinstance(field, models.DateTimeField):
        return dt.datetime(YEAR, 6, 1, 9, 0, tzinfo=dt.UTC)
    if isinstance(field, models.DateField):
        return DAY
    if isinstance(field, models.IntegerField):
        floor = _floor(field)
        return YEAR if floor is not None and floor > 1000 else max(floor or 1, 1)
    if isinstance(field, models.DecimalField):
        return Decimal("1")
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.CharField):
        text = f"测试{next(_serial)}"
        return text[: field.max_length] if field.max_length else text
    if isinstance(field, models.TextField):
        return "测试说明"
    raise AssertionError(f"no test value for {field!r}")


def required(record_type: RecordType) -> list[models.Field]:
    """The fields a record of the type cannot be made without."""
    found = []
    for field in record_type.model._meta.concrete_fields:
        if field.primary_key or not field.editable or field.has_default():
            continue
        if field.null or (field.blank and not isinstance(field, models.ForeignKey)):
            continue
        found.append(field)
    return found


def values(record_type: RecordType, pairing: Pairing, user: Any = None, **given: Any) -> dict:
    """Field values of a valid new record (`given` first, the rest filled)."""
    made: dict[str, Any] = dict(given)
    for field in required(record_type):
        if field.name not in made:
            made[field.name] = value_for(field, pairing, user)
    return made


def make(record_type: RecordType, pairing: Pairing, user: Any = None, **given: Any) -> Any:
    """A new record of the type in `pairing`, made through `services.create_record`."""
    return services.create_record(
        record_type.model,
        acting_user=user,
        via="test",
        **values(record_type, pairing, user, **given),
    )


def form_data(record_type: RecordType, filled: dict[str, Any]) -> dict[str, str]:
    """What a browser posts for these values through the type's form (`Pages.fields`)."""
    assert record_type.pages is not None
    data = {}
    for name in record_type.pages.fields:
        if name not in filled:
            field = record_type.model._meta.get_field(name)
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


def text_field(record_type: RecordType) -> str:
    """A text field of the form to tell records apart by: one the list searches if any."""
    assert record_type.listing is not None and record_type.pages is not None
    model = record_type.model
    form = record_type.pages.fields
    names = [n for n in record_type.listing.search if "__" not in n] + list(form)
    for name in names:
        field = model._meta.get_field(name)
        if isinstance(field, models.CharField) and not field.choices and name in form:
            return name
    raise AssertionError(f"{model.__name__}'s form has no text field")

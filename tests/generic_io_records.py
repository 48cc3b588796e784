"""Valid records of any type declared with pages, made from its fields (this module holds no
tests of its own): the values a record is created with, the cells of an import row that say
the same, and the API body that says the same.

Every field of `Pages.fields` gets a value by its kind: the pairing given, a region or a unit
of that pairing's recipient side, a project of the pairing, a record of another pages-type
(made first, through the services), the first choice, money, a past date, a year, a count,
是/否, a code unique per record, and text. The same count and amount everywhere, so that any
"part ≤ whole" rule holds."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from pairaid.exchange.specs import IMPORTERS
from pairaid.ledger import record_types, services
from pairaid.ledger.models import Organisation, Pairing, Project, Region
from pairaid.ledger.moneyfield import MoneyField

_serial = itertools.count(1)

DATE = dt.date(2023, 6, 1)
YEAR = 2023
AMOUNT = Decimal("1000.00")


def slugs() -> list[str]:
    """The slugs of the types with pages (the tests' parameters)."""
    return [rt.pages.slug for rt in record_types.with_pages() if rt.pages]


def record_type(slug: str) -> record_types.RecordType:
    found = record_types.by_slug(slug)
    assert found is not None and found.pages is not None
    return found


def model_fields(slug: str) -> list[models.Field]:
    rt = record_type(slug)
    assert rt.pages is not None
    return [rt.model._meta.get_field(name) for name in rt.pages.fields]


def lookup(record: Any, path: str) -> Any:
    """A record's value at a lookup path ("location__name")."""
    for part in path.split("__"):
        record = getattr(record, part)
    return record


def text_field(slug: str) -> models.Field:
    """A free-text field of the type's pages (a name, a title, a note): what the tests change."""
    return next(
        f
        for f in model_fields(slug)
        if isinstance(f, models.CharField | models.TextField) and not f.choices and f.name != "code"
    )


def _count(field: models.Field) -> int:
    lows = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
    highs = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
    value = max([1, *lows])
    return min([value, *highs])


def _is_year(field: models.Field) -> bool:
    return field.name == "year" or field.name.endswith("_year")


def values(slug: str, pairing: Pairing, build: Any, **overrides: Any) -> dict[str, Any]:
    """The field values of a new valid record of the type, in `pairing`."""
    n = next(_serial)
    found: dict[str, Any] = {}
    for field in model_fields(slug):
        name = field.name
        if name in overrides:
            continue
        if isinstance(field, models.ForeignKey):
            target = field.related_model
            if target is Pairing:
                found[name] = pairing
            elif target is Region:
                found[name] = pairing.recipient_region
            elif target is Organisation:
                found[name] = build.organisation(f"通用单位{n}", pairing.recipient_region)
            elif target is Project:
                # A finished project: what is left behind or followed up is of one.
                found[name] = build.project(
                    pairing,
                    status=Project.Status.COMPLETED,
                    end_date=dt.date(2022, 12, 1),
                    progress=100,
                )
            else:
                parent = record_types.of(target)
                assert parent is not None and parent.pages is not None, target
                found[name] = create(parent.pages.slug, pairing, build)
        elif field.choices:
            found[name] = next(value for value, _label in field.flatchoices if value != "")
        elif isinstance(field, MoneyField):
            found[name] = AMOUNT
        elif isinstance(field, models.BooleanField):
            found[name] = False
        elif isinstance(field, models.DateField):
            found[name] = DATE
        elif isinstance(field, models.IntegerField):
            found[name] = YEAR if _is_year(field) else _count(field)
        elif isinstance(field, models.DecimalField):
            found[name] = Decimal("1.00")
        elif name == "code":
            found[name] = f"G-{n:05d}"
        else:
            limit = field.max_length or 200
            found[name] = f"通用{field.verbose_name}{n}号"[:limit]
    return {**found, **overrides}


def create(slug: str, pairing: Pairing, build: Any, **overrides: Any) -> Any:
    """A record of the type, made through the services."""
    return services.create_record(
        record_type(slug).model,
        acting_user=None,
        via="test",
        **values(slug, pairing, build, **overrides),
    )


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


def row(slug: str, header: list[str], found: dict[str, Any]) -> list[Any]:
    """The cells of an import row under a template's header (Chinese headers, 元)."""
    rt = record_type(slug)
    importer = IMPORTERS[rt.kind]
    by_header = {column.header: column.field for column in importer.importable()}
    return [
        cell(rt.model._meta.get_field(by_header[text]), found.get(by_header[text]))
        if text in by_header
        else ""
        for text in header
    ]


def body(slug: str, found: dict[str, Any]) -> dict[str, Any]:
    """The same record as an API request body."""
    answer: dict[str, Any] = {}
    for field in model_fields(slug):
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

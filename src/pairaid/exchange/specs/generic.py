"""Importing and exporting every record type declared with `Pages` (`ledger/record_types.py`),
its columns made from the fields its pages hold (`Pages.fields`), in that order.

A column follows its model field: the pairing by name, money (`MoneyField`) in 元 or 万元,
dates, choices from their labels, whole numbers, years, 是/否, text, a region or a unit by
name, a project by its code within the row's pairing, and a record of another such type by
its `code` within the row's pairing. The Chinese header is the field's verbose name (money
without its unit: the column adds 元 or reads 万元 from the header), the English one its
name. A row whose `Pages.key` matches a record updates it (`update_record`); a type with no
key adds every row. Nothing here names a type: a new one gets its importer by being declared.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise, lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pairaid.exchange import cells
from pairaid.exchange.cells import CellError
from pairaid.exchange.columns import (
    ChoiceColumn,
    CodeColumn,
    Column,
    ComputedColumn,
    DateColumn,
    DecimalColumn,
    IntColumn,
    MoneyColumn,
    RefColumn,
    TextColumn,
    YearColumn,
    YesNoColumn,
)
from pairaid.exchange.specs.base import (
    Context,
    Importer,
    _organisation_column,
    _pairing_column,
    _region_column,
)
from pairaid.ledger import record_types
from pairaid.ledger.models import Organisation, Pairing, Project, Region
from pairaid.ledger.moneyfield import MoneyField
from pairaid.lib.fields import own_field

# A unit at the end of a money field's verbose name: the column states the unit itself.
_UNIT = re.compile(r"\s*[(（](元|万元)[)）]\s*$")

# The example row of a template: one value per kind of column, chosen so that the row is a
# valid record of any type (the same amount, count and date everywhere, so that "part ≤
# whole" holds; a date in the past).
EXAMPLE_PAIRING = "江阳区→盐源县"
EXAMPLE_MONEY = 1000000
EXAMPLE_COUNT = 1
EXAMPLE_YEAR = 2023
EXAMPLE_DATE = "2023年6月1日"


@dataclass(frozen=True)
class FieldChoices:
    """A model field's choices, as `ChoiceColumn` reads a `TextChoices` class."""

    choices: tuple[tuple[Any, Any], ...]


def _without_unit(name: Any) -> str:
    return _UNIT.sub("", str(name))


def header_of(model_field: models.Field[Any, Any]) -> str | Promise:
    """The Chinese header: the field's verbose name, money without its unit."""
    if isinstance(model_field, MoneyField):
        return lazy(_without_unit, str)(model_field.verbose_name)
    return model_field.verbose_name


def _bounds(model_field: models.Field[Any, Any]) -> tuple[int | None, int | None]:
    """The smallest and largest value the field's validators allow (the database's range
    among them)."""
    lows = [v.limit_value for v in model_field.validators if isinstance(v, MinValueValidator)]
    highs = [v.limit_value for v in model_field.validators if isinstance(v, MaxValueValidator)]
    return (int(max(lows)) if lows else None), (int(min(highs)) if highs else None)


def _is_year(model_field: models.Field[Any, Any]) -> bool:
    return model_field.name == "year" or model_field.name.endswith("_year")


def by_code(model: type[models.Model]) -> Callable[..., Any]:
    """A look-up of a record of `model` by its code within the row's pairing (and the
    user's scope, which the pairing's own look-up decided)."""

    def lookup(context: Context, text: str, row: dict[str, Any]) -> Any:
        pairing = row.get("pairing")
        if not isinstance(pairing, Pairing):
            return None  # the pairing cell has its own error
        code = cells.normalise(text)

        def find() -> Any:
            found = model._default_manager.filter(pairing=pairing, code__in={text, code}).first()
            if found is None:
                raise CellError(
                    _("结对关系“%(pairing)s”中没有编号为“%(code)s”的%(what)s")
                    % {"pairing": pairing, "code": code, "what": model._meta.verbose_name}
                )
            return found

        return context.cached(model._meta.label, (pairing.pk, code), find)

    return lookup


def _code(record: Any) -> str:
    return str(record.code)


def column_for(model_field: models.Field[Any, Any]) -> Column:
    """The import/export column of one model field."""
    name = model_field.name
    zh = header_of(model_field)
    required = not model_field.blank and not model_field.has_default()
    common: dict[str, Any] = {"required": required}
    if model_field.help_text:
        common["note"] = model_field.help_text
    if isinstance(model_field, models.ForeignKey):
        target = model_field.related_model
        if target is Pairing:
            return _pairing_column(example=EXAMPLE_PAIRING)
        if target in (Region, Organisation):
            make = _region_column if target is Region else _organisation_column
            column = make(name, zh, name, required=required)
            column.note = common.get("note", column.note)  # the field's help, if it has one
            return column
        if target is Project:
            return RefColumn(
                name,
                format_lazy("{}{}", zh, gettext_lazy("编号")),
                f"{name} code",
                lookup=Context.project,
                display=_code,
                **{"note": gettext_lazy("须是该结对关系的项目"), **common},
            )
        return RefColumn(
            name,
            format_lazy("{}{}", zh, gettext_lazy("编号")),
            f"{name} code",
            lookup=by_code(target),
            display=_code,
            **{"note": gettext_lazy("须是该结对关系中已登记的记录，填写其编号"), **common},
        )
    if model_field.choices:
        choices = FieldChoices(tuple(model_field.flatchoices))
        first = next((label for value, label in choices.choices if value != ""), "")
        return ChoiceColumn(
            name,
            zh,
            name,
            choices=choices,
            allow_blank=model_field.blank,
            example=str(first),
            **common,
        )
    if isinstance(model_field, MoneyField):
        return MoneyColumn(
            name, zh, name, nullable=model_field.null, example=EXAMPLE_MONEY, **common
        )
    if isinstance(model_field, models.BooleanField):
        return YesNoColumn(name, zh, name, example=str(_("否")), **common)
    if isinstance(model_field, models.DateField):
        return DateColumn(name, zh, name, example=EXAMPLE_DATE, **common)
    if isinstance(model_field, models.IntegerField):
        if _is_year(model_field):
            return YearColumn(
                name, zh, name, nullable=model_field.null, example=EXAMPLE_YEAR, **common
            )
        low, high = _bounds(model_field)
        example = max(EXAMPLE_COUNT, low or 0)
        return IntColumn(
            name,
            zh,
            name,
            minimum=low,
            maximum=high,
            nullable=model_field.null,
            example=example,
            **common,
        )
    if isinstance(model_field, models.DecimalField):
        return DecimalColumn(name, zh, name, example=EXAMPLE_COUNT, **common)
    if name == "code":
        return CodeColumn(name, zh, name, example="2023-001", **common)
    width = 30 if isinstance(model_field, models.TextField) else 20
    return TextColumn(name, zh, name, example=str(zh), width=width, **common)


class GenericImporter(Importer):
    """The importer of one type with pages. Its columns and key are read from the type's
    declaration when used (made once per declaration), so that a type declared anew (by a
    test) is imported as declared."""

    def __init__(self, record_type: record_types.RecordType) -> None:
        self.model = record_type.model
        self.label = record_type.model._meta.verbose_name or ""
        self._made: dict[record_types.Pages, tuple[Column, ...]] = {}

    @property
    def pages(self) -> record_types.Pages:
        declared = record_types.of(self.model)
        assert declared is not None and declared.pages is not None, self.model
        return declared.pages

    # Read from the type's declaration when used, where a hand-written importer sets class
    # attributes (which a property may stand for, but mypy holds writable).
    @property
    def columns(self) -> tuple[Column, ...]:  # type: ignore[override]  # a read-only stand-in (above)
        pages = self.pages
        if pages not in self._made:
            self._made[pages] = _columns(self.model, pages)
        return self._made[pages]

    @property
    def key(self) -> tuple[str, ...]:  # type: ignore[override]  # a read-only stand-in (above)
        return self.pages.key

    @property
    def key_column(self) -> str:  # type: ignore[override]  # a read-only stand-in (above)
        return self.key[-1] if self.key else ""

    @property
    def key_words(self) -> str:  # type: ignore[override]  # a read-only stand-in (above)
        return "、".join(str(own_field(self.model, name).verbose_name) for name in self.key)

    def key_of(self, values: dict[str, Any]) -> tuple[Any, ...]:
        if self.key:
            return super().key_of(values)
        # No key: every row is a record of its own (never "the same as row n").
        return (next(_rows),)

    def find(self, keys: Any) -> dict[tuple[Any, ...], list[models.Model]]:
        return super().find(keys) if self.key else {}

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        meta = self.model._meta
        related = [
            name
            for name in self.pages.fields
            if isinstance(meta.get_field(name), models.ForeignKey)
        ]
        return super().export_queryset(pairings).select_related(*related).order_by("pk")


_rows = itertools.count(1)


def _columns(model: type[models.Model], pages: record_types.Pages) -> tuple[Column, ...]:
    meta = model._meta
    columns = [column_for(own_field(model, name)) for name in pages.fields]
    if any(f.name == "confirmation" for f in meta.concrete_fields) and (
        "confirmation" not in pages.fields
    ):
        # Two-sided records: the recipient's answer is shown, never imported.
        columns.append(
            ComputedColumn(
                "confirmation",
                own_field(model, "confirmation").verbose_name,
                "confirmation",
                compute=lambda record: str(record.get_confirmation_display()),
            )
        )
    return tuple(columns)


def importers() -> list[GenericImporter]:
    """One importer per type with pages and a kind, in the registry's order."""
    return [GenericImporter(rt) for rt in record_types.with_pages() if rt.kind]

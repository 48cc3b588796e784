"""The audit trail as a ledger reads: field labels, record names and values as pages show
them, never field codes, ids, `True`/`None` or Python lists.

An entry's `changes` hold stored values (`services.record_values`): codes of choices, ids of
related records, money and dates as text. `describe()` turns one page of entries into rows,
looking up the related records' names with one query per kind of record on the page
(whatever the page's length), so that the audit list costs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from pairaid.ledger.messages import is_money
from pairaid.ledger.models import AuditEntry
from pairaid.ledger.moneyfield import MoneyField
from pairaid.web.templatetags.pairaid_web import audit_verbs

# Verbs whose changes are {field: [before, after]}; the others hold {field: value}.
PAIRED_VERBS = frozenset(
    {"updated", "confirmed", "disputed", "submitted", "approved", "returned", "reopened"}
)
EMPTY = "—"
# (related model, id) → the related record's name
Names = dict[tuple[type[models.Model], str], str]


def verbs() -> dict[str, str]:
    """Action verb (the part after the dot of `project.updated`) → its name."""
    return audit_verbs()


@cache
def record_models() -> dict[str, type[models.Model]]:
    """`record_type` (a model's name) → model, for the product's own records."""
    return {
        model._meta.model_name: model
        for model in apps.get_models()
        if model.__module__.startswith("pairaid.") and model._meta.model_name
    }


def record_type_choices() -> list[tuple[str, str]]:
    """The record types the audit list filters by, by their names, in name order."""
    found = [
        (name, str(model._meta.verbose_name))
        for name, model in record_models().items()
        if name != "auditentry"
    ]
    return sorted(found, key=lambda pair: pair[1])


def record_type_name(record_type: str) -> str:
    model = record_models().get(record_type)
    return str(model._meta.verbose_name) if model is not None else record_type


@dataclass
class Change:
    label: str
    value: str = ""
    before: str = ""
    after: str = ""
    paired: bool = False


@dataclass
class Row:
    entry: AuditEntry
    verb: str
    record_type: str
    changes: list[Change] = field(default_factory=list)


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def _references(model: type[models.Model] | None, name: str, value: Any) -> list[Any]:
    """The ids a stored value refers to, for a relation field."""
    found = _field(model, name)
    if found is None or not found.is_relation or value in (None, ""):
        return []
    return list(value) if isinstance(value, list) else [value]


def _pairs(entry: AuditEntry, verb: str) -> list[tuple[str, Any, bool]]:
    """(field name, stored value or [before, after], whether it is a pair) of an entry."""
    changes = entry.changes if isinstance(entry.changes, dict) else {"": entry.changes}
    paired = verb in PAIRED_VERBS
    return [
        (name, value, paired and isinstance(value, list) and len(value) == 2)
        for name, value in changes.items()
    ]


def _valid_keys(model: type[models.Model], ids: set[Any]) -> list[Any]:
    """The ids that can be keys of `model`: an entry may have recorded a related record by
    another value (a user by name), which is shown as written rather than looked up."""
    keys = []
    for value in ids:
        if not isinstance(value, int | str):
            continue
        try:
            keys.append(model._meta.pk.to_python(value))
        except (ValidationError, ValueError, TypeError):
            continue
    return keys


def _names(rows: list[tuple[AuditEntry, str, type[models.Model] | None]]) -> Names:
    """(related model, id) → the related record's name, one query per related model."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry, verb, model in rows:
        for name, value, paired in _pairs(entry, verb):
            related = _field(model, name)
            if related is None or not related.is_relation or related.related_model is None:
                continue
            for stored in value if paired else [value]:
                for ref in _references(model, name, stored):
                    wanted[related.related_model].add(ref)
    names: Names = {}
    for model, ids in wanted.items():
        keys = _valid_keys(model, ids)
        for record in model._base_manager.select_related().filter(pk__in=keys):
            names[(model, str(record.pk))] = str(record)
    return names


def _money(value: Decimal) -> str:
    return _("%(amount)s元") % {"amount": f"{value.quantize(Decimal('0.01')):,}"}


def show(model: type[models.Model] | None, name: str, value: Any, names: Names) -> str:
    """A stored value as pages show it."""
    found = _field(model, name)
    if value is None or value == "" or value == []:
        return EMPTY
    if found is not None and found.is_relation and found.related_model is not None:
        refs = value if isinstance(value, list) else [value]
        shown = [
            names.get((found.related_model, str(ref)))
            or _("已删除的记录（编号%(id)s）") % {"id": ref}
            for ref in refs
        ]
        return "、".join(shown) if shown else EMPTY
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if found is not None and found.choices:
        return str(dict(found.flatchoices).get(value, value))
    if isinstance(found, models.DecimalField | MoneyField) or isinstance(value, Decimal):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return _money(number) if is_money(found) else f"{number:,}"
    if isinstance(found, models.DateTimeField) and isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "Y-m-d H:i")
    if isinstance(found, models.DateField) and isinstance(value, str):
        try:
            return formats.date_format(dt.date.fromisoformat(value[:10]), "Y-m-d")
        except ValueError:
            return value
    if isinstance(value, list):
        return "、".join(show(None, "", item, names) for item in value) or EMPTY
    if isinstance(value, dict):
        parts = [f"{label_of(None, k)}：{show(None, '', v, names)}" for k, v in value.items()]
        return "；".join(parts) or EMPTY
    return str(value)


def label_of(model: type[models.Model] | None, name: str) -> str:
    found = _field(model, name)
    if found is not None and getattr(found, "verbose_name", None):
        return str(found.verbose_name)
    if name == "fields":
        return _("涉及字段")
    return name or _("内容")


def _fields_viewed(model: type[models.Model] | None, value: Any) -> str:
    names = value if isinstance(value, list) else [value]
    return "、".join(label_of(model, str(name)) for name in names)


def describe(entries: list[AuditEntry]) -> list[Row]:
    """One page of entries as rows to show."""
    prepared = []
    for entry in entries:
        verb = entry.action.rsplit(".", 1)[-1]
        prepared.append((entry, verb, record_models().get(entry.record_type)))
    names = _names(prepared)
    rows = []
    for entry, verb, model in prepared:
        row = Row(entry=entry, verb=verbs().get(verb, entry.action), record_type="")
        row.record_type = str(model._meta.verbose_name) if model else entry.record_type
        for name, value, paired in _pairs(entry, verb):
            label = label_of(model, name)
            if verb == "personal_data_viewed" and name == "fields":
                row.changes.append(Change(label=label, value=_fields_viewed(model, value)))
            elif paired:
                before, after = (show(model, name, part, names) for part in value)
                row.changes.append(Change(label=label, before=before, after=after, paired=True))
            else:
                row.changes.append(Change(label=label, value=show(model, name, value, names)))
        rows.append(row)
    return rows

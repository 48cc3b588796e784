"""The record-type registry: what a declaration says (`RecordType`, `YearLock`, `Listing`,
`Nav`, `Api`, `Pages`, the assessment `AREAS`) and how the surfaces look declarations up. The
declarations themselves are in `record_types.py` (money, projects, people and work) and
`record_types_areas.py` (the assessment's other areas); read those first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class YearLock:
    """How a record type is locked.

    `year_field` names the field that decides the record's year: a year (an integer, e.g.
    `fund_year`) or a date (its calendar year); an empty value means the record is in no
    year yet and is not locked. `parent` instead names the record it is part of (an
    agreement's obligations are locked with the agreement). `ongoing` lists the fields
    that may still change after approval (a project's progress, a posting's departure).
    """

    year_field: str = ""
    parent: str = ""
    ongoing: frozenset[str] = frozenset()

    def year_of(self, obj: models.Model) -> int | None:
        value = getattr(obj, self.year_field)
        if isinstance(value, dt.date):
            return value.year
        return int(value) if value else None


@dataclass(frozen=True)
class Nav:
    """The type's entry in the main menu: its label, the list's url name, and the url-name
    prefixes of the pages that belong to it (its detail, create and edit pages)."""

    label: str | Promise
    url_name: str  # "web:tasks"
    prefixes: tuple[str, ...] = ()  # ("task",): web:task, web:task_create, web:task_edit
    action: str = ""  # shown only to users who may do this somewhere ("": everyone signed in)

    @property
    def section(self) -> str:
        return self.url_name.rsplit(":", 1)[-1]


@dataclass(frozen=True)
class Listing:
    """The list page: sortable columns (?sort=key: the fields it orders by), the default
    sort, the fields its text box searches, the field its year narrows and its choice
    filters (form field → lookup)."""

    sorts: Mapping[str, tuple[str, ...]]
    default_sort: str
    search: tuple[str, ...] = ()
    year_field: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Api:
    """The API resource: its collection path, the singular name its operations are named
    after (list_tasks, get_task …) and its tag in the documentation."""

    path: str  # "/tasks/"
    name: str  # "task"
    tag: str  # "清单事项" (the documentation's section, as published)


# The areas of the annual assessment (东西部协作考核) beyond money and people, under which the
# generic record pages (`Pages.area`) and their figures (`figure_specs.FigureSpec.area`) are
# grouped on the 协作考核 page, the dashboard, the annual report and the briefing.
AREAS: dict[str, str | Promise] = {
    "consumption": pgettext_lazy("考核领域", "消费帮扶"),
    "labour": pgettext_lazy("考核领域", "劳务协作"),
    "industry": pgettext_lazy("考核领域", "产业合作"),
    "assets": pgettext_lazy("考核领域", "资产管护"),
}


@dataclass(frozen=True)
class Pages:
    """A type whose surfaces are made from its model's fields: the list, detail, new, edit and
    delete pages (`web/views/records.py`), its form and filter, its import/export columns
    (`exchange/specs/generic.py`), its admin and its API schemas (`api/endpoints/generic.py`).
    A type declared with `pages` needs no view, template, form, filter, importer, schema or
    admin of its own: its model, its migration and this declaration are the whole of it.

    Pages live under /<slug>/ with the url names "web:<slug>" (the list), "web:<slug>_detail",
    "web:<slug>_create", "web:<slug>_edit" and "web:<slug>_delete"; the 协作考核 page (menu)
    lists every such type under its `area`. A figure declared with `records=<slug>` drills
    down to this list."""

    slug: str  # "consumption": /consumption/, web:consumption …
    area: str  # a key of AREAS
    columns: tuple[str, ...]  # the list's columns, in order (model field names)
    # What the form, the detail page, the import/export columns and the API schemas hold, in
    # order (model field names; "pairing" first for a record of a pairing).
    fields: tuple[str, ...]
    # What identifies a record on import (a row with the same key updates it, e.g.
    # ("pairing", "code")); (): every row is a new record.
    key: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordType:
    model: type[models.Model]
    # How a record reaches its pairing ("pairing", "agreement__pairing"; "pk" for a pairing);
    # "" for a record of no one pairing (a region, a unit, a person: persons are seen through
    # their postings).
    pairing_path: str = ""
    year_lock: YearLock | None = None  # None: see locks.NOT_YEAR_LOCKED for the reason
    listing: Listing | None = None
    nav: Nav | None = None
    kind: str = ""  # import/export kind ("tasks"): exchange.specs has its importer
    api: Api | None = None
    pages: Pages | None = None

    @property
    def list_name(self) -> str:
        if self.nav:
            return self.nav.url_name
        return f"web:{self.pages.slug}" if self.pages else ""


REGISTRY: dict[type[models.Model], RecordType] = {}


def register(record_type: RecordType) -> RecordType:
    if record_type.model in REGISTRY:
        raise ValueError(f"{record_type.model.__name__} is registered already")
    REGISTRY[record_type.model] = record_type
    return record_type


@contextmanager
def registered(record_type: RecordType) -> Iterator[RecordType]:
    """Declare a type, or declare a registered one anew, for the duration of a block (a
    test's); the declaration before it is restored after."""
    previous = REGISTRY.get(record_type.model)
    REGISTRY[record_type.model] = record_type
    try:
        yield record_type
    finally:
        if previous is None:
            REGISTRY.pop(record_type.model, None)
        else:
            REGISTRY[record_type.model] = previous


def of(model: type[models.Model]) -> RecordType | None:
    return REGISTRY.get(model)


def all_types() -> list[RecordType]:
    """Every registered type, in the order of the menu and of the import kinds."""
    return list(REGISTRY.values())


def pairing_paths() -> dict[type[models.Model], str]:
    return {rt.model: rt.pairing_path for rt in REGISTRY.values() if rt.pairing_path}


def year_locks() -> dict[type[models.Model], YearLock]:
    return {rt.model: rt.year_lock for rt in REGISTRY.values() if rt.year_lock}


def nav_entries() -> list[Nav]:
    return [rt.nav for rt in REGISTRY.values() if rt.nav]


def kinds() -> tuple[str, ...]:
    return tuple(rt.kind for rt in REGISTRY.values() if rt.kind)


def by_kind(kind: str) -> RecordType | None:
    return next((rt for rt in REGISTRY.values() if rt.kind == kind), None)


def by_list_name(list_name: str) -> RecordType | None:
    return next((rt for rt in REGISTRY.values() if rt.list_name == list_name), None)


def with_pages() -> list[RecordType]:
    """The types whose surfaces are made from their fields (`Pages`), in registry order."""
    return [rt for rt in REGISTRY.values() if rt.pages]


def by_slug(slug: str) -> RecordType | None:
    return next((rt for rt in REGISTRY.values() if rt.pages and rt.pages.slug == slug), None)


def listing_of(model: type[models.Model]) -> Listing:
    found = REGISTRY[model].listing
    assert found is not None, f"{model.__name__} has no list page"
    return found


def api_of(model: type[models.Model]) -> Api:
    found = REGISTRY[model].api
    assert found is not None, f"{model.__name__} has no API resource"
    return found


def by_pairing(*rest: str) -> tuple[str, ...]:
    return ("pairing__valid_from", "pairing_id", *rest)

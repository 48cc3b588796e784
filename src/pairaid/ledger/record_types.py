"""Every record type of the ledger, declared once.

A `RecordType` says, for one model, everything the surfaces would otherwise repeat: how its
records reach their pairing (`pairing_path`, which `ledger.access` filters by), which year of
the pairing a record is in (`year_lock`, which `ledger.locks` and the importer read), its list
page (`listing`: the columns it sorts by, the fields its filter searches and narrows, and the
url name), its entry in the main menu (`nav`), its import/export kind (`kind`, which
`exchange.specs.kinds` files its importer under) and its API resource (`api`, which
`api.endpoints.crud.Resource.of` builds the operations from).

The ledger knows nothing of the surfaces: what is declared here are names (url names, kinds,
paths, field lookups), and each surface looks its own part up at the time it needs it, so a
type registered here (even by a test) appears in the menu, the lists' downloads, the lock and
the scope without another edit. See CONTRIBUTING.md, "How to add a record type".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from pairaid.ledger.models import (
    Agreement,
    AgreementFile,
    AgreementParty,
    Asset,
    AssetCheck,
    ConsumptionRecord,
    Event,
    EventParticipant,
    Evidence,
    FundFlow,
    FundRollup,
    GuidedInvestment,
    IndustrialPark,
    Obligation,
    Organisation,
    Pairing,
    PairingYear,
    Person,
    Placement,
    Posting,
    ProgressUpdate,
    Project,
    ProjectStatusChange,
    Region,
    Target,
    Task,
    Team,
    TrainingSession,
    VocationalEnrolment,
    Workshop,
)

# What the recipient side may update on a project (its progress), besides the helper side;
# progress goes on after the year the project started is approved.
PROGRESS_FIELDS = frozenset(
    {
        "status",
        "progress",
        "end_date",
        "outcomes",
        "after_completion",
        "beneficiary_households",
        "beneficiary_persons",
    }
)


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


def _by_pairing(*rest: str) -> tuple[str, ...]:
    return ("pairing__valid_from", "pairing_id", *rest)


# --- the record types ------------------------------------------------------------------------
# In the order of the main menu. Money, people and work first; then their parts and the
# shared vocabulary, which have no list page of their own.

register(
    RecordType(
        Project,
        pairing_path="pairing",
        year_lock=YearLock("start_date", ongoing=PROGRESS_FIELDS),
        listing=Listing(
            sorts={
                "code": ("code",),
                "name": ("name",),
                "pairing": _by_pairing("code"),
                "sector": ("sector", "code"),
                "status": ("status", "code"),
                "start": ("start_date", "code"),
                "budget": ("planned_budget",),
                "progress": ("progress",),
            },
            default_sort="code",
            search=(
                "code",
                "name",
                "outcomes",
                "location__name",
                "implementing_organisation__name",
            ),
            year_field="start_date",
            choices={"sector": "sector", "status": "status"},
        ),
        nav=Nav(pgettext_lazy("菜单", "项目"), "web:projects", ("project",)),
        kind="projects",
        api=Api("/projects/", "project", "项目"),
    )
)
register(
    RecordType(
        FundFlow,
        pairing_path="pairing",
        year_lock=YearLock("fund_year"),
        listing=Listing(
            sorts={
                "date": ("date",),
                "year": ("fund_year", "date"),
                "amount": ("amount",),
                "kind": ("kind", "date"),
                "source": ("source", "date"),
                "pairing": _by_pairing("date"),
                "voucher": ("voucher",),
            },
            default_sort="-date",
            search=("voucher", "note", "project__code", "project__name"),
            year_field="fund_year",
            choices={
                "kind": "kind",
                "source": "source",
                "confirmation": "confirmation",
                "project": "project_id",
            },
        ),
        nav=Nav(pgettext_lazy("菜单", "资金"), "web:funds", ("fund",)),
        kind="funds",
        api=Api("/fund-flows/", "fund_flow", "资金"),
    )
)
register(
    RecordType(
        Person,
        listing=Listing(
            sorts={
                "number": ("number",),
                "name": ("name",),
                "category": ("category", "number"),
                "organisation": ("home_organisation__name", "number"),
                "postings": ("posting_count", "number"),
            },
            default_sort="number",
            search=("name", "number", "home_organisation__name", "postings__post"),
            choices={"category": "category", "profession": "profession"},
        ),
        nav=Nav(pgettext_lazy("菜单", "干部人才"), "web:persons", ("person",)),
        kind="persons",
        api=Api("/persons/", "person", "干部人才"),
    )
)
register(
    RecordType(
        Posting,
        pairing_path="pairing",
        year_lock=YearLock("start_date", ongoing=frozenset({"status", "actual_end"})),
        listing=Listing(
            sorts={
                "start": ("start_date",),
                "name": ("person__name", "start_date"),
                "pairing": _by_pairing("start_date"),
                "batch": ("batch", "start_date"),
                "status": ("effective_status", "start_date"),
                "planned_end": ("planned_end",),
            },
            default_sort="-start",
            search=("person__name", "person__number", "post", "host_organisation__name"),
            year_field="start_date",
            choices={
                "status": "effective_status",  # as of today (the list annotates it)
                "category": "person__category",
                "confirmation": "confirmation",
            },
        ),
        nav=Nav(pgettext_lazy("菜单", "选派"), "web:postings", ("posting",)),
        kind="postings",
        api=Api("/postings/", "posting", "选派"),
    )
)
register(
    RecordType(
        Agreement,
        pairing_path="pairing",
        year_lock=YearLock("signed_date", ongoing=frozenset({"status"})),
        listing=Listing(
            sorts={
                "signed": ("signed_date",),
                "title": ("title",),
                "kind": ("kind", "signed_date"),
                "status": ("effective_status", "signed_date"),
                "amount": ("amount",),
                "pairing": _by_pairing("signed_date"),
            },
            default_sort="-signed",
            search=("title", "signed_place"),
            year_field="signed_date",
            choices={"kind": "kind", "status": "effective_status"},  # as of today
        ),
        nav=Nav(pgettext_lazy("菜单", "协议合同"), "web:agreements", ("agreement", "party")),
        kind="agreements",
        api=Api("/agreements/", "agreement", "协议合同"),
    )
)
register(
    RecordType(
        Obligation,
        pairing_path="agreement__pairing",
        year_lock=YearLock(parent="agreement"),
        listing=Listing(
            sorts={
                "due": ("due_date",),
                "deliverable": ("deliverable",),
                "status": ("status", "due_date"),
                "agreement": ("agreement__title", "due_date"),
            },
            default_sort="due",
            search=("deliverable", "evidence", "owner__name", "agreement__title"),
            year_field="due_date",
            choices={"status": "status"},
        ),
        nav=Nav(pgettext_lazy("菜单", "履约事项"), "web:obligations", ("obligation",)),
    )
)
register(
    RecordType(
        Event,
        pairing_path="pairing",
        year_lock=YearLock("start_date"),
        listing=Listing(
            sorts={
                "start": ("start_date",),
                "title": ("title",),
                "kind": ("kind", "start_date"),
                "pairing": _by_pairing("start_date"),
            },
            default_sort="-start",
            search=("title", "places", "summary"),
            year_field="start_date",
            choices={"kind": "kind"},
        ),
        nav=Nav(pgettext_lazy("菜单", "活动"), "web:events", ("event", "participant")),
        kind="events",
        api=Api("/events/", "event", "活动"),
    )
)
register(
    RecordType(
        Task,
        pairing_path="pairing",
        year_lock=YearLock("due_date", ongoing=frozenset({"status", "evidence"})),
        listing=Listing(
            sorts={
                "due": ("due_date",),
                "title": ("title",),
                "status": ("status", "due_date"),
                "owner": ("owner__name", "due_date"),
                "pairing": _by_pairing("due_date"),
            },
            default_sort="due",
            search=("title", "evidence", "owner__name"),
            year_field="due_date",
            choices={"status": "status"},
        ),
        nav=Nav(pgettext_lazy("菜单", "清单"), "web:tasks", ("task",)),
        kind="tasks",
        api=Api("/tasks/", "task", "清单事项"),
    )
)
register(
    RecordType(
        Target,
        pairing_path="pairing",
        year_lock=YearLock("year"),
        kind="targets",
        api=Api("/targets/", "target", "年度目标"),
    )
)
register(
    RecordType(
        Team,
        pairing_path="pairing",
        year_lock=YearLock("start_date"),
        api=Api("/teams/", "team", "组团式帮扶团队"),
    )
)
register(
    RecordType(
        GuidedInvestment,
        pairing_path="pairing",
        year_lock=YearLock("year"),
        kind="investments",
        api=Api("/investments/", "investment", "引导企业投资"),
        listing=Listing(
            sorts={
                "date": ("date",),
                "year": ("year", "date"),
                "enterprise": ("enterprise", "date"),
                "amount": ("amount",),
                "pairing": _by_pairing("date"),
            },
            default_sort="-date",
            search=("enterprise", "note"),
            year_field="year",
        ),
        pages=Pages(
            slug="investments",
            area="industry",
            columns=("enterprise", "pairing", "year", "date", "agreed_amount", "amount"),
            fields=(
                *("pairing", "enterprise", "year", "date", "agreed_amount", "amount"),
                *("landed", "park", "note"),
            ),
        ),
    )
)
register(
    RecordType(
        ConsumptionRecord,
        pairing_path="pairing",
        year_lock=YearLock("date"),
        listing=Listing(
            sorts={"date": ("date", "id"), "amount": ("amount", "date")}
            | {"channel": ("channel", "date"), "pairing": _by_pairing("date")},
            default_sort="-date",
            search=("product", "buyer", "note"),
            year_field="date",
            choices={"direction": "direction", "channel": "channel", "buyer_kind": "buyer_kind"},
        ),
        kind="consumption",
        api=Api("/consumption/", "consumption_record", "消费帮扶"),
        pages=Pages(
            slug="consumption",
            area="consumption",
            columns=("date", "pairing", "direction", "product", "buyer", "channel", "amount"),
            fields=(
                *("pairing", "direction", "buyer", "buyer_kind", "product", "origin"),
                *("amount", "quantity", "unit", "date", "channel", "note"),
            ),
        ),
    )
)
register(
    RecordType(
        IndustrialPark,
        pairing_path="pairing",
        year_lock=YearLock("established"),
        listing=Listing(
            sorts={"established": ("established", "id"), "name": ("name",), "code": ("code",)}
            | {"pairing": _by_pairing("established")},
            default_sort="-established",
            search=("name", "code", "note"),
            year_field="established",
        ),
        kind="parks",
        api=Api("/parks/", "park", "共建产业园区"),
        pages=Pages(
            slug="parks",
            area="industry",
            columns=("code", "name", "pairing", "location", "established", "enterprises_settled"),
            fields=(
                *("pairing", "code", "name", "location", "established"),
                *("area_mu", "enterprises_settled", "note"),
            ),
            key=("pairing", "code"),
        ),
    )
)
# Assets (hand-over, upkeep go on after the year is approved). To add with the generic importer
# and API: kind="assets", api=Api("/assets/", "asset", "帮扶资产"); kind="assetchecks",
# api=Api("/asset-checks/", "asset_check", "资产年度状态").
ASSET_UPKEEP = frozenset({"handed_over_to", "handed_over_on", "ownership", "maintainer", "note"})
ASSET_SORTS = {
    "formed": ("formed_on",), "code": ("code",), "value": ("value",),
    "name": ("name", "formed_on"), "kind": ("kind", "formed_on"),
    "handed_over": ("handed_over_on",), "pairing": _by_pairing("formed_on"),
}  # fmt: skip
ASSET_FIELDS = (
    "pairing", "code", "project", "name", "kind", "quantity", "unit", "value", "formed_on",
    "handed_over_to", "handed_over_on", "ownership", "maintainer", "note",
)  # fmt: skip
CHECK_SORTS = {
    "year": ("year",), "asset": ("asset__code", "year"), "state": ("state", "year"),
    "income": ("income",), "pairing": _by_pairing("year"),
}  # fmt: skip
CHECK_FIELDS = (
    "pairing", "asset", "year", "state", "income", "income_sharing", "households_benefited", "note"
)  # fmt: skip
register(
    RecordType(
        Asset,
        pairing_path="pairing",
        year_lock=YearLock("formed_on", ongoing=ASSET_UPKEEP),
        listing=Listing(
            sorts=ASSET_SORTS,
            default_sort="-formed",
            search=("code", "name", "maintainer", "handed_over_to", "project__name"),
            year_field="formed_on",
            choices={"kind": "kind", "ownership": "ownership"},
        ),
        pages=Pages(
            slug="assets",
            area="assets",
            columns=("code", "name", "pairing", "kind", "value", "formed_on", "handed_over_on"),
            fields=ASSET_FIELDS,
            key=("pairing", "code"),
        ),
    )
)
register(
    RecordType(
        AssetCheck,
        pairing_path="pairing",
        year_lock=YearLock("year"),
        listing=Listing(
            sorts=CHECK_SORTS,
            default_sort="-year",
            search=("asset__code", "asset__name", "income_sharing", "note"),
            year_field="year",
            choices={"state": "state"},
        ),
        pages=Pages(
            slug="assetchecks",
            area="assets",
            columns=("asset", "pairing", "year", "state", "income", "households_benefited"),
            fields=CHECK_FIELDS,
            key=("pairing", "asset", "year"),
        ),
    )
)
# Labour cooperation (劳务协作): placements and a workshop's jobs are witnessed by the recipient
# side (confirmation); a placement's months in work and a workshop's jobs and state are checked
# again after its year is approved (ongoing), and so is the county's answer to those jobs.
WORKSHOP_ONGOING = frozenset(
    {"jobs", "poor_jobs", "status", "confirmation", "confirmed_at", "confirmation_note"}
)
register(
    RecordType(
        Placement,
        pairing_path="pairing",
        year_lock=YearLock("date", ongoing=frozenset({"stable_months"})),
        listing=Listing(
            sorts={"date": ("date",), "employer": ("employer", "date")}
            | {"persons": ("persons", "date"), "destination": ("destination", "date")}
            | {"pairing": _by_pairing("date")},
            default_sort="-date",
            search=("employer", "note"),
            year_field="date",
            choices={"destination": "destination", "confirmation": "confirmation"},
        ),
        pages=Pages(
            slug="placements",
            area="labour",
            columns=(
                *("date", "pairing", "employer", "destination", "persons", "poor_persons"),
                *("stable_months", "confirmation"),
            ),
            # `names` (personal data, encrypted) is left out: the generic pages, API and
            # exports would show it to every reader, not only to READ_PERSONAL.
            fields=(
                *("pairing", "date", "employer", "destination", "persons", "poor_persons"),
                *("stable_months", "note"),
            ),
        ),
    )
)
register(
    RecordType(
        TrainingSession,
        pairing_path="pairing",
        year_lock=YearLock("start_date"),
        listing=Listing(
            sorts={"start": ("start_date",), "title": ("title", "start_date")}
            | {"kind": ("kind", "start_date"), "attendance": ("attendance", "start_date")}
            | {"pairing": _by_pairing("start_date")},
            default_sort="-start",
            search=("title", "note", "location__name"),
            year_field="start_date",
            choices={"kind": "kind"},
        ),
        pages=Pages(
            slug="trainings",
            area="labour",
            columns=(
                *("start_date", "pairing", "title", "kind", "attendance", "poor_attendance"),
                "certificates",
            ),
            fields=(
                *("pairing", "title", "kind", "start_date", "end_date", "location"),
                *("attendance", "poor_attendance", "certificates", "note"),
            ),
        ),
    )
)
register(
    RecordType(
        Workshop,
        pairing_path="pairing",
        year_lock=YearLock("established", ongoing=WORKSHOP_ONGOING),
        listing=Listing(
            sorts={"code": ("code",), "name": ("name", "code")}
            | {"established": ("established", "code"), "jobs": ("jobs", "code")}
            | {"status": ("status", "code"), "pairing": _by_pairing("code")},
            default_sort="code",
            search=("code", "name", "location__name"),
            year_field="established",
            choices={"status": "status", "confirmation": "confirmation"},
        ),
        pages=Pages(
            slug="workshops",
            area="labour",
            columns=(
                *("code", "name", "pairing", "location", "established", "jobs", "poor_jobs"),
                *("status", "confirmation"),
            ),
            fields=(
                *("pairing", "code", "name", "location", "established", "jobs", "poor_jobs"),
                *("status", "note"),
            ),
            key=("pairing", "code"),
        ),
    )
)
register(
    RecordType(
        VocationalEnrolment,
        pairing_path="pairing",
        year_lock=YearLock("year"),
        listing=Listing(
            sorts={"year": ("year",), "school": ("school", "year")}
            | {"students": ("students", "year"), "pairing": _by_pairing("year")},
            default_sort="-year",
            search=("school", "note"),
            year_field="year",
        ),
        pages=Pages(
            slug="vocational",
            area="labour",
            columns=("year", "pairing", "school", "students", "poor_students"),
            fields=("pairing", "year", "school", "students", "poor_students", "note"),
        ),
    )
)
register(
    RecordType(EventParticipant, pairing_path="event__pairing", year_lock=YearLock(parent="event"))
)
register(
    RecordType(
        AgreementParty, pairing_path="agreement__pairing", year_lock=YearLock(parent="agreement")
    )
)
register(
    RecordType(
        AgreementFile, pairing_path="agreement__pairing", year_lock=YearLock(parent="agreement")
    )
)
register(RecordType(PairingYear, pairing_path="pairing"))
# Derived from the fund flows and kept with them; scoped like them, never listed or edited.
register(RecordType(FundRollup, pairing_path="pairing"))
# Evidence and a project's reports and status history: read on their record's page.
register(RecordType(Evidence, pairing_path="pairing"))
register(RecordType(ProgressUpdate, pairing_path="project__pairing"))
register(RecordType(ProjectStatusChange, pairing_path="project__pairing"))
# A pairing reaches itself: `access.within_view` narrows pairings to those the user sees.
register(RecordType(Pairing, pairing_path="pk", api=Api("/pairings/", "pairing", "结对关系")))
register(RecordType(Region, api=Api("/regions/", "region", "行政区划")))
register(RecordType(Organisation, api=Api("/organisations/", "organisation", "单位")))

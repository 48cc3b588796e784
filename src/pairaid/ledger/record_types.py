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

from django.utils.translation import pgettext_lazy

from pairaid.ledger.models import (
    Agreement,
    AgreementFile,
    AgreementParty,
    Event,
    EventParticipant,
    Evidence,
    FundFlow,
    FundRollup,
    Obligation,
    Organisation,
    Pairing,
    PairingTreeLink,
    PairingYear,
    Person,
    Posting,
    ProgressUpdate,
    Project,
    ProjectRollup,
    ProjectStatusChange,
    Region,
    SubtreeFundDelta,
    SubtreeFundRollup,
    SubtreePerson,
    SubtreePersonDelta,
    SubtreeProjectDelta,
    SubtreeProjectRollup,
    Target,
    Task,
    Team,
)
from pairaid.ledger.record_registry import (
    AREAS,
    REGISTRY,
    Api,
    Listing,
    Nav,
    Pages,
    RecordType,
    YearLock,
    all_types,
    api_of,
    by_kind,
    by_list_name,
    by_pairing,
    by_slug,
    kinds,
    listing_of,
    nav_entries,
    of,
    pairing_paths,
    register,
    registered,
    with_pages,
    year_locks,
)
from pairaid.ledger.record_types_areas import register_area_types

# What the surfaces read from here (declared in record_registry).
__all__ = [
    "AREAS",
    "PROGRESS_FIELDS",
    "REGISTRY",
    "Api",
    "Listing",
    "Nav",
    "Pages",
    "RecordType",
    "YearLock",
    "all_types",
    "api_of",
    "by_kind",
    "by_list_name",
    "by_pairing",
    "by_slug",
    "kinds",
    "listing_of",
    "nav_entries",
    "of",
    "pairing_paths",
    "register",
    "registered",
    "with_pages",
    "year_locks",
]

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
                "pairing": by_pairing("code"),
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
                "pairing": by_pairing("date"),
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
                "pairing": by_pairing("start_date"),
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
                "pairing": by_pairing("signed_date"),
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
                "pairing": by_pairing("start_date"),
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
                "pairing": by_pairing("due_date"),
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
register_area_types()
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
register(RecordType(ProjectRollup, pairing_path="pairing"))
# Totals of every pairing below a pairing and the tree they are added up by: scoped by the
# pairing above (or, for a link, the one below), kept with the records, never edited.
register(RecordType(SubtreeFundRollup, pairing_path="ancestor"))
register(RecordType(SubtreeProjectRollup, pairing_path="ancestor"))
register(RecordType(SubtreePerson, pairing_path="ancestor"))
register(RecordType(SubtreeFundDelta, pairing_path="ancestor"))
register(RecordType(SubtreeProjectDelta, pairing_path="ancestor"))
register(RecordType(SubtreePersonDelta, pairing_path="ancestor"))
register(RecordType(PairingTreeLink, pairing_path="descendant"))
# Evidence and a project's reports and status history: read on their record's page.
register(RecordType(Evidence, pairing_path="pairing"))
register(RecordType(ProgressUpdate, pairing_path="project__pairing"))
register(RecordType(ProjectStatusChange, pairing_path="project__pairing"))
# A pairing reaches itself: `access.within_view` narrows pairings to those the user sees.
register(RecordType(Pairing, pairing_path="pk", api=Api("/pairings/", "pairing", "结对关系")))
register(RecordType(Region, api=Api("/regions/", "region", "行政区划")))
register(RecordType(Organisation, api=Api("/organisations/", "organisation", "单位")))

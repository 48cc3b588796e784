"""Every number on a page is a link to the records behind it.

A `Drill` names a figure (a key below) over a `Scope` (pairing, as-of date, years, with or
without the pairings below it) plus a few parameters (a fund year, a source, a sector …).
The dashboard builds its numbers from drills, and links each number to
`drill.url` — a list page whose query string carries the same parameters. The list page
rebuilds the drill from its query string and lists exactly `drill.rows()`, the figure's own
records. The list therefore sums or counts to the number by construction: both come from
one `figures.Figure`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from pairaid.ledger import figure_sets, figures, record_types
from pairaid.ledger.access import Viewer
from pairaid.ledger.figure_specs import FigureSpec
from pairaid.ledger.figures import Figure, Window
from pairaid.ledger.messages import FIRST_YEAR, LAST_YEAR
from pairaid.ledger.models import FundFlow, Pairing, Person, Project
from pairaid.web import access, breakdowns
from pairaid.web.links import Links

# --- the scope: which pairings, which period ------------------------------------------------


@dataclass(frozen=True)
class Scope:
    pairing: Pairing
    as_of: dt.date
    children: bool = False
    from_year: int | None = None
    to_year: int | None = None
    confirmed: bool = False
    # The user the figures are for: a window "with the pairings below" holds only those the
    # user sees (`ledger.access.figure_scope`).
    user: Viewer = dataclasses.field(default=None, compare=False, repr=False)
    # The page's links (one list URL reversed once for all the page's drills).
    links: Links = dataclasses.field(default_factory=Links, compare=False, repr=False)

    @classmethod
    def for_user(cls, user: Viewer, pairing: Pairing, as_of: dt.date, **options: Any) -> Scope:
        return cls(pairing=pairing, as_of=as_of, user=user, **options)

    @cached_property
    def window(self) -> Window:
        window = figures.window_for(
            self.pairing,
            as_of=self.as_of,
            from_year=self.from_year,
            to_year=self.to_year,
            include_children=self.children,
            confirmed_only=self.confirmed,
            user=self.user,
        )
        return window

    def params(self) -> dict[str, str]:
        params = {"pairing": str(self.pairing.pk), "as_of": self.as_of.isoformat()}
        if self.children:
            params["children"] = "1"
        if self.from_year is not None:
            params["from_year"] = str(self.from_year)
        if self.to_year is not None:
            params["to_year"] = str(self.to_year)
        if self.confirmed:
            params["confirmed"] = "1"
        return params

    @cached_property
    def query(self) -> str:
        """`params()` as a query string (encoded once for all the scope's drills)."""
        return urlencode(self.params())

    def drill(self, key: str, known: Figure | None = None, **extras: Any) -> Drill:
        """The drill of figure `key` (`known`: its figure, already computed)."""
        extras_items = tuple(sorted((k, str(v)) for k, v in extras.items()))
        return Drill(self, key, extras_items, known)


# --- the figures a number may stand for ----------------------------------------------------

Builder = Callable[[Window, Mapping[str, str]], Figure]


@dataclass(frozen=True)
class Spec:
    list_name: str  # the list page that shows the records
    build: Builder
    extras: tuple[str, ...] = ()
    persons: bool = False  # the records are postings; the list shows their distinct persons
    # The figure's value is the number of rows its list shows (distinct persons, postings):
    # the list, when filtered no further, takes its count from the figure instead of
    # counting them again.
    value_counts_rows: bool = False
    # The figure's value is the sum of its rows' money, all of one stage (a fund flow kind):
    # the list, when filtered no further, takes its total from it instead of summing again.
    stage_of_sum: str = ""


def money(kind: str) -> Builder:
    def build(window: Window, extras: Mapping[str, str]) -> Figure:
        if "project" in extras:
            return breakdowns.project_funds(window, kind, int(extras["project"]))
        sources = [extras["source"]] if extras.get("source") else None
        return figures.funds(window, kind, sources)

    return build


def implemented(window: Window, extras: Mapping[str, str]) -> Figure:
    if extras.get("sector") or extras.get("status"):
        return breakdowns.implemented(
            window, sector=extras.get("sector", ""), status=extras.get("status", "")
        )
    return figures.projects_implemented(window)


def dispatched(rule: str) -> Builder:
    def build(window: Window, extras: Mapping[str, str]) -> Figure:
        if extras.get("profession"):
            return breakdowns.persons_with_profession(window, extras["profession"])
        return figures.persons_dispatched(window, rule, extras.get("category") or None)

    return build


# The list page of each kind of record a figure counts (`figure_sets.FIGURES[key].records`).
RECORD_LISTS = {
    "fund_flows": "web:funds",
    "projects": "web:projects",
    "persons": "web:persons",
    "postings": "web:postings",
    "tasks": "web:tasks",
    "obligations": "web:obligations",
}

# How a figure's list narrows by its drill's extras (`FigureSpec.drill.extras`), for the
# figures that take any; every other figure lists the records it declares (`make`).
NARROWED: dict[str, Builder] = {
    **{f"funds_{kind}": money(kind) for kind in FundFlow.Kind.values},
    "projects_implemented": implemented,
    "persons_dispatched_persons": dispatched(figures.PERSONS),
    "persons_dispatched_postings": dispatched(figures.POSTINGS),
}


def declared(spec: FigureSpec) -> Builder:
    return lambda window, extras: spec.make(window, None)


def record_list(records: str) -> str:
    """The list page of a figure's records: a list of its own, or the generic list of the
    record type declared with pages under that slug (`record_types.by_slug`)."""
    if records in RECORD_LISTS:
        return RECORD_LISTS[records]
    declared = record_types.by_slug(records)
    if declared is None:
        raise KeyError(f"no list page shows the records {records!r}")
    return declared.list_name


# The figures whose value is the number of rows their list shows, whatever their extras:
# `figures.persons_dispatched` counts the distinct persons (PERSONS) or the postings
# (POSTINGS) of the records it lists.
VALUE_COUNTS_ROWS = frozenset({"persons_dispatched_persons", "persons_dispatched_postings"})


# The figures whose value is the sum of the fund flows of one kind that their list shows,
# whatever their extras (`figures.funds`, `breakdowns.project_funds`).
MONEY_OF_STAGE = frozenset(f"funds_{kind}" for kind in FundFlow.Kind.values)


def listed(key: str, spec: FigureSpec) -> Spec:
    """A figure of the registry drills down to the list of the records it declares, with
    the filters it declares."""
    return Spec(
        record_list(spec.records),
        NARROWED.get(key) or declared(spec),
        spec.drill.extras,
        persons=spec.records == "persons",
        value_counts_rows=key in VALUE_COUNTS_ROWS,
        stage_of_sum=key.removeprefix("funds_") if key in MONEY_OF_STAGE else "",
    )


SPECS: dict[str, Spec] = {
    **{key: listed(key, spec) for key, spec in figure_sets.FIGURES.items() if spec.drills},
    "projects_status": Spec(
        "web:projects", lambda w, e: breakdowns.projects_with_status(w, e["status"]), ("status",)
    ),
}

# What each extra parameter may be (anything else is "not found").
EXTRA_VALUES: dict[str, Callable[[str], bool]] = {
    "year": lambda v: v.isdigit() and FIRST_YEAR <= int(v) <= LAST_YEAR,
    "source": lambda v: v in FundFlow.Source.values,
    "project": lambda v: v.isdigit(),
    "sector": lambda v: v in Project.Sector.values,
    "status": lambda v: v in Project.Status.values,
    "category": lambda v: v in Person.Category.values,
    "profession": lambda v: bool(v) and v in Person.Profession.values,
}


@dataclass(frozen=True)
class Drill:
    scope: Scope
    key: str
    extras: tuple[tuple[str, str], ...] = ()
    # The figure when it was already computed with others (`ledger.figure_sets.compute`).
    known: Figure | None = dataclasses.field(default=None, compare=False, repr=False)

    @property
    def spec(self) -> Spec:
        return SPECS[self.key]

    @cached_property
    def figure(self) -> Figure:
        if self.known is not None:
            return self.known
        extras = dict(self.extras)
        window = self.scope.window
        if "year" in extras:
            window = breakdowns.year_window(window, int(extras["year"]))
        return self.spec.build(window, extras)

    def rows(self) -> QuerySet[Any]:
        """What the list shows: the figure's records (its distinct persons for a figure
        that counts persons)."""
        if self.spec.persons:
            return breakdowns.persons_behind(self.figure)
        return self.figure.records

    def row_count(self) -> int | None:
        """The number of `rows()` when the figure's value says it (None: count them)."""
        if not self.spec.value_counts_rows:
            return None
        return int(self.figure.value)

    def row_total(self, count: int) -> breakdowns.StageTotals | None:
        """The stage totals of `rows()` (`count` of them) when the figure's value is their sum
        (None: sum them)."""
        if not self.spec.stage_of_sum:
            return None
        if not count:
            return breakdowns.StageTotals({})
        total = Decimal(self.figure.value).quantize(Decimal("0.01"))
        return breakdowns.StageTotals({self.spec.stage_of_sum: total})

    def params(self) -> dict[str, str]:
        return {"figure": self.key, **self.scope.params(), **dict(self.extras)}

    @cached_property
    def url(self) -> str:
        """The list of the records behind the figure: `params()` in this order, the list's
        URL reversed once for the page (`Scope.links`); made once per drill (a page may show
        a drill's link in a card, a chart and its table)."""
        query = f"{urlencode({'figure': self.key})}&{self.scope.query}"
        if self.extras:
            query = f"{query}&{urlencode(self.extras)}"
        return f"{self.scope.links.url(self.spec.list_name)}?{query}"


# --- reading a drill back from a list page's query string ----------------------------------

# A flag is "1" in a link and "on" from the filter form's checkbox.
YES = {"1", "on", "true"}


def _year(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    if not value.isdigit() or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise Http404("bad year")
    return int(value)


def from_request(request: HttpRequest, list_name: str) -> Drill | None:
    """The drill a list page was opened with (None when opened plainly). A figure that is
    unknown, meant for another list, malformed or outside the user's view is "not found"."""
    query = request.GET
    key = query.get("figure")
    if not key:
        return None
    spec = SPECS.get(key)
    if spec is None or spec.list_name != list_name:
        raise Http404("no such figure")
    pairing = access.get_pairing_for_user(request.user, query.get("pairing"))
    try:
        as_of = dt.date.fromisoformat(query["as_of"]) if query.get("as_of") else None
    except ValueError as exc:
        from pairaid.web.views.common import bad_date_message

        raise BadRequest(bad_date_message(query["as_of"])) from exc
    scope = Scope.for_user(
        request.user,
        pairing,
        as_of or timezone.localdate(),
        children=query.get("children") in YES,
        from_year=_year(query.get("from_year")),
        to_year=_year(query.get("to_year")),
        confirmed=query.get("confirmed") in YES,
    )
    extras = {}
    for name in spec.extras:
        value = query.get(name)
        if value in (None, ""):
            continue
        if not EXTRA_VALUES[name](value):
            raise Http404("bad parameter")
        extras[name] = value
    return scope.drill(key, None, **extras)


def drill_params(drill: Drill | None) -> list[tuple[str, str]]:
    """Hidden fields that keep a list's drill when its filters change."""
    return list(drill.params().items()) if drill else []

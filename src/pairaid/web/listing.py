"""What every list page does: filter, sort by a whitelisted column, paginate (50 rows), and
state the total of the filtered rows. A list opened from a figure (`drilldown`) starts
from that figure's records instead of all records in view.

A page costs what it shows, not what the table holds: an unfiltered list counts at most
PAIRAID_LIST_COUNT_LIMIT rows (10,000) — beyond that it says "more than", shows no totals
and pages on without a page count, up to that many rows (filter to go further). A filtered
list or a figure's rows are counted and totalled exactly."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from pairaid.exchange import exporters
from pairaid.ledger import record_types
from pairaid.web import drilldown
from pairaid.web.drilldown import Drill
from pairaid.web.forms import ListFilter

PER_PAGE = 50

M = TypeVar("M", bound=Model)

# What a pairing's label is made of (`Pairing.__str__`, `PairingQuerySet.with_names`).
PAIRING_SIDES = (
    "helper_region",
    "helper_organisation",
    "recipient_region",
    "recipient_organisation",
)


def pairing_names(path: str = "pairing") -> list[str]:
    """`select_related` paths that read the pairing at `path` with its label: a row that
    shows its pairing then costs no query of its own."""
    return [f"{path}__{side}" for side in PAIRING_SIDES]


def count_of(model: type[Model], field: str, **conditions: Any) -> Coalesce:
    """An annotation: the number of `model`'s records whose `field` is the row (and that meet
    `conditions`), as a subquery per row. Unlike `Count` over a join it groups nothing, so a
    list sorted by another column counts for its page's rows only, and its count query
    (which drops unused annotations) counts none."""
    counted = (
        model._default_manager.filter(**{field: OuterRef("pk")}, **conditions)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def count_limit() -> int:
    return int(getattr(settings, "PAIRAID_LIST_COUNT_LIMIT", 10_000))


class OpenPaginator(Generic[M]):
    """Pages of rows too many to count: each page fetches one row more than it shows, to
    know whether a next page exists; pages stop at the count limit."""

    count = None
    num_pages = None

    def __init__(self, rows: QuerySet[M], per_page: int) -> None:
        self.rows = rows
        self.per_page = per_page
        self.last_page = max(1, count_limit() // per_page)

    def get_page(self, number: str | None) -> OpenPage[M]:
        try:
            wanted = int(number) if number is not None else 1
        except ValueError:
            wanted = 1
        wanted = min(max(wanted, 1), self.last_page)
        start = (wanted - 1) * self.per_page
        fetched = list(self.rows[start : start + self.per_page + 1])
        more = len(fetched) > self.per_page and wanted < self.last_page
        return OpenPage(fetched[: self.per_page], wanted, more, self)


@dataclass
class OpenPage(Generic[M]):
    object_list: list[M]
    number: int
    more: bool
    paginator: OpenPaginator[M]

    def __iter__(self) -> Iterator[M]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self.more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def paginate(
    rows: QuerySet[M], per_page: int, number: str | None, *, exact: bool, known: int | None = None
) -> Page[M] | OpenPage[M]:
    """One page of `rows`: counted exactly when `exact` or when there are few enough (one
    bounded count query), otherwise an open page (`page.paginator.count` is None). `known`:
    their number, known already (a figure's value), not counted again."""
    paginator = Paginator(rows, per_page)
    if known is not None:
        paginator.count = known
    elif not exact:
        limit = count_limit()
        counted = rows.order_by()[: limit + 1].count()
        if counted > limit:
            return OpenPaginator(rows, per_page).get_page(number)
        paginator.count = counted  # counted already, not again
    return paginator.get_page(number)


@dataclass(frozen=True)
class Sorts:
    """The columns a list may be sorted by: ?sort=key or ?sort=-key (descending)."""

    columns: Mapping[str, tuple[str, ...]]
    default: str

    @classmethod
    def of(cls, model: type[Model]) -> Sorts:
        """The sortable columns declared with the record type (`ledger/record_types.py`)."""
        declared = record_types.listing_of(model)
        return cls(declared.sorts, default=declared.default_sort)

    def apply(self, queryset: QuerySet[M], requested: str | None) -> tuple[QuerySet[M], str]:
        key = requested or self.default
        name = key.removeprefix("-")
        if name not in self.columns:
            key, name = self.default, self.default.removeprefix("-")
        descending = key.startswith("-")
        order = [f"-{f}" if descending else f for f in self.columns[name]]
        return queryset.order_by(*order, "-pk" if descending else "pk"), key


def export_kind_of(list_name: str) -> str | None:
    """The exporter kind of a list whose rows download as a spreadsheet: its record type's
    import/export kind (`ledger/record_types.py`), None for a list with none."""
    declared = record_types.by_list_name(list_name)
    return declared.kind if declared is not None and declared.kind else None


EXPORT_FORMATS = ("xlsx", "csv")


@dataclass
class Listing(Generic[M]):
    request: HttpRequest
    form: ListFilter
    rows: QuerySet[M]
    export_kind: str | None
    page: Page[M] | OpenPage[M]
    sort: str
    count: int | None  # None: more rows than an unfiltered list counts (count_limit)
    total: object  # what the list's `total` gives (a sum, a count, sums by stage)
    drill: Drill | None

    @property
    def hidden(self) -> list[tuple[str, str]]:
        """The drill's parameters the filter form does not show, kept as hidden fields."""
        shown = set(self.form.fields)
        return [(k, v) for k, v in drilldown.drill_params(self.drill) if k not in shown]

    def export_query(self, fmt: str) -> str:
        """This list's query string asking for a download of all its rows."""
        query = self.request.GET.copy()
        query.pop("page", None)
        query["export"] = fmt
        return query.urlencode()

    @property
    def export_query_xlsx(self) -> str:
        return self.export_query("xlsx")

    @property
    def export_query_csv(self) -> str:
        return self.export_query("csv")

    @property
    def differs_from_figure(self) -> bool:
        if self.drill is None:
            return False
        wanted = self.drill.figure.value
        shown = self.total if self.total is not None else self.count
        return getattr(shown, "single", shown) != wanted


def within(base: QuerySet[M], rows: QuerySet[M]) -> QuerySet[M]:
    """`base` narrowed to `rows`. Rows of the same table read from no other table (no join, no
    annotation, no distinct) narrow it by their own conditions, so that the database reads
    the list's page through their indexes; others through `pk IN (rows)`, which PostgreSQL
    may answer only after joining every row in view."""
    query = rows.query
    if (
        rows.model is base.model
        and not query.annotations
        and not query.distinct
        and not base.query.distinct
        and not query.is_sliced
        and sum(1 for used in query.alias_refcount.values() if used) <= 1
    ):
        return base & rows.order_by()
    return base.filter(pk__in=rows.values("pk"))


def narrows(values: Mapping[str, Any], drill: Drill) -> bool:
    """Whether a filter's `values` narrow a drill's rows: any value but the drill's own
    pairing with its own choice of the pairings below (a drill's link carries both)."""
    own = values.get("pairing") == drill.scope.pairing and bool(values.get("children")) == (
        drill.scope.children
    )
    return any(
        value not in (None, "", False)
        for name, value in values.items()
        if not (own and name in ("pairing", "children"))
    )


def build(
    request: HttpRequest,
    *,
    list_name: str,
    base: QuerySet[M],
    form: ListFilter,
    sorts: Sorts,
    related: Callable[[QuerySet[M]], QuerySet[M]] = lambda qs: qs,
    total: Callable[[QuerySet[M]], object] | None = None,
) -> Listing[M]:
    """Rows in view (or a figure's rows), filtered, sorted, one page of them, and totals.

    `base` is every record the user sees; a drill's rows are intersected with it, so that a
    figure can never show a record outside the user's view."""
    drill = drilldown.from_request(request, list_name)
    rows = base
    if drill is not None:
        rows = within(base, drill.rows())
    rows = form.apply(rows)
    rows, sort = sorts.apply(rows, request.GET.get("sort"))
    values = form.values()
    filtered = drill is not None or any(v not in (None, "", False) for v in values.values())
    narrowed = drill is not None and narrows(values, drill)
    # A drill filtered no further lists the figure's rows: their number may be its value.
    known = drill.row_count() if drill is not None and not narrowed else None
    page = paginate(related(rows), PER_PAGE, request.GET.get("page"), exact=filtered, known=known)
    count = page.paginator.count
    shown_total = None
    if total and count is not None:
        known_total = drill.row_total(count) if drill is not None and not narrowed else None
        shown_total = known_total if known_total is not None else total(rows)
    return Listing(
        request=request,
        form=form,
        rows=rows,
        export_kind=export_kind_of(list_name),
        page=page,
        sort=sort,
        count=count,
        total=shown_total,
        drill=drill,
    )


def respond(
    request: HttpRequest,
    template: str,
    listing: Listing[M],
    *,
    results: str = "",
    **context: Any,
) -> HttpResponseBase:
    """The whole page, or only its results (`results`, by default `_results.html` beside
    the page's template) when htmx asks for them because a filter changed."""
    fmt = request.GET.get("export")
    if listing.export_kind and fmt in EXPORT_FORMATS:
        # The same rows as the page (filters, drill-down, scope), every page of them.
        rows = exporters.rows_for_download(listing.export_kind, listing.rows)
        return exporters.download(listing.export_kind, rows, fmt)
    htmx: HtmxDetails | None = getattr(request, "htmx", None)  # django-htmx's middleware
    partial = bool(htmx and htmx.target == "results" and not htmx.history_restore_request)
    context = {"listing": listing, "page": listing.page, "sort": listing.sort, **context}
    if partial:
        folder = template.rsplit("/", 1)[0]
        return render(request, results or f"{folder}/_results.html", context)
    return render(request, template, context)

"""What every list page does: filter, sort by a whitelisted column, paginate (50 rows), and
state the total of the filtered rows. A list opened from a figure (`drilldown`) starts
from that figure's records instead of all records in view."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pairaid.exchange import exporters
from pairaid.ledger import record_types
from pairaid.web import drilldown
from pairaid.web.drilldown import Drill
from pairaid.web.forms import ListFilter

PER_PAGE = 50


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

    def apply(self, queryset: QuerySet, requested: str | None) -> tuple[QuerySet, str]:
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
class Listing:
    request: HttpRequest
    form: ListFilter
    rows: QuerySet
    export_kind: str | None
    page: Page
    sort: str
    count: int
    total: Any
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


def build(
    request: HttpRequest,
    *,
    list_name: str,
    base: QuerySet,
    form: ListFilter,
    sorts: Sorts,
    related: Callable[[QuerySet], QuerySet] = lambda qs: qs,
    total: Callable[[QuerySet], Any] | None = None,
) -> Listing:
    """Rows in view (or a figure's rows), filtered, sorted, one page of them, and totals.

    `base` is every record the user sees; a drill's rows are intersected with it, so that a
    figure can never show a record outside the user's view."""
    drill = drilldown.from_request(request, list_name)
    rows = base
    if drill is not None:
        rows = base.filter(pk__in=drill.rows().values("pk"))
    rows = form.apply(rows)
    rows, sort = sorts.apply(rows, request.GET.get("sort"))
    paginator = Paginator(related(rows), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return Listing(
        request=request,
        form=form,
        rows=rows,
        export_kind=export_kind_of(list_name),
        page=page,
        sort=sort,
        count=paginator.count,
        total=total(rows) if total else None,
        drill=drill,
    )


def respond(
    request: HttpRequest, template: str, listing: Listing, *, results: str = "", **context: Any
) -> HttpResponse:
    """The whole page, or only its results (`results`, by default `_results.html` beside
    the page's template) when htmx asks for them because a filter changed."""
    fmt = request.GET.get("export")
    if listing.export_kind and fmt in EXPORT_FORMATS:
        # The same rows as the page (filters, drill-down, scope), every page of them.
        rows = exporters.rows_for_download(listing.export_kind, listing.rows)
        return exporters.download(listing.export_kind, rows, fmt)
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and htmx.target == "results" and not htmx.history_restore_request
    context = {"listing": listing, "page": listing.page, "sort": listing.sort, **context}
    if partial:
        folder = template.rsplit("/", 1)[0]
        return render(request, results or f"{folder}/_results.html", context)
    return render(request, template, context)

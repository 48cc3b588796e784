"""The dashboards: every pairing in view side by side, and one pairing's figures.

Every number comes from a `drilldown.Drill` (that is, from the figures module) and links to
the list of the records behind it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pairaid.ledger import figure_sets, figure_store, figures
from pairaid.ledger.access import Viewer
from pairaid.ledger.models import FundFlow, Pairing, Person, Project, Target
from pairaid.web import access, breakdowns, charts, figure_text
from pairaid.web.drilldown import SPECS, YES, Drill, Scope
from pairaid.web.links import Links
from pairaid.web.templatetags.pairaid_web import wan, wan_number
from pairaid.web.views import dashboard_areas
from pairaid.web.views.common import as_of_error, parse_date, today
from pairaid.web.views.review import locked_years

# The columns of the side-by-side table: figure key → extras.
ROW_FIGURES = (
    "funds_transfer",
    "projects_implemented",
    "persons_dispatched_persons",
    "persons_in_post",
    "tasks_overdue",
    "obligations_overdue",
)
OVERDUE_SHOWN = 10
# What a pairing's name is made of (`Pairing.__str__`), fetched with it.
NAMED = ("helper_region", "helper_organisation", "recipient_region", "recipient_organisation")


@dataclass
class Row:
    """One line of the side-by-side table: a pairing (with the pairings below it when it
    coordinates some), its own records only (本级), or the total."""

    pairing: Pairing
    scope: Scope
    kind: str  # "pairing", "own" or "total"
    drills: dict[str, Drill]

    @property
    def href(self) -> str:
        """The pairing's dashboard as of the row's day."""
        url = self.scope.links.url("web:pairing", self.pairing.pk)
        return f"{url}?{urlencode({'as_of': self.scope.as_of.isoformat()})}"

    def cells(self) -> SafeString:
        """The row's figures, each a link to its records (made here, not by the template,
        for the many rows of an overview)."""
        return format_html_join(
            "\n",
            '<td class="num"><a href="{}" data-figure="{}">{}</a></td>',
            (
                (drill.url, key, figure_text.value(drill.figure))
                for key, drill in self.drills.items()
            ),
        )


# A line to show: the pairing, its kind, and whether it counts the pairings below it.
Line = tuple[Pairing, str, bool]


def lines_of(root: Pairing, below: list[Pairing], parents: set[int]) -> list[Line]:
    """The pairings directly below `root` (`below`, each with its own subtree when it is in
    `parents`: it has pairings the user sees below it), root's own records, and the total of
    all of them (root with everything below it)."""
    lines: list[Line] = [(child, "pairing", child.pk in parents) for child in below]
    if below:
        lines += [(root, "own", False), (root, "total", True)]
    else:
        lines.append((root, "pairing", False))
    return lines


def seen_below(tree: figure_sets.Tree, pk: int) -> list[int]:
    """The pairings directly below `pk` that the user sees, in the tree's order."""
    return [c for c in tree.below.get(pk, []) if tree.sees_all or c in tree.seen]


def named(visible: QuerySet[Pairing], ids: list[int]) -> list[Pairing]:
    """The pairings `ids` the user sees, with what their names are made of, in that order:
    a page loads the pairings it shows, never every pairing in view."""
    if not ids:
        return []
    found = visible.filter(pk__in=ids).select_related(*NAMED).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def below_of(
    visible: QuerySet[Pairing], tree: figure_sets.Tree, roots: list[int], also: int | None = None
) -> tuple[dict[int, list[Pairing]], set[int], Pairing | None]:
    """The pairings directly below each of `roots` that the user sees, which of them have
    pairings the user sees below them, and the pairing `also` if the user sees it (one
    query)."""
    children = {pk: seen_below(tree, pk) for pk in roots}
    ids = [c for found in children.values() for c in found]
    shown = {p.pk: p for p in named(visible, [*ids, also] if also else ids)}
    below = {pk: [shown[c] for c in found if c in shown] for pk, found in children.items()}
    parents = {pk for pk in ids if pk in shown and seen_below(tree, pk)}
    return below, parents, shown.get(also) if also else None


def rows_of(
    user: Viewer,
    lines: list[Line],
    as_of: dt.date,
    confirmed: bool,
    tree: figure_sets.Tree,
    known_heads: figure_store.Heads | None = None,
    links: Links | None = None,
) -> list[Row]:
    """The rows of `lines`, their figures computed together (`figure_sets.compute`) or read
    from the store (`figure_store`): the number of queries does not grow with the number of
    lines. `links`: the page's (one for all the rows)."""
    links = links or Links()
    subjects = [figure_sets.Subject(p, children) for p, _kind, children in lines]
    computed = figure_store.compute(
        ROW_FIGURES,
        subjects,
        as_of=as_of,
        confirmed_only=confirmed,
        user=user,
        tree=tree,
        known_heads=known_heads,
    )
    rows = []
    for (pairing, kind, children), subject in zip(lines, subjects, strict=True):
        scope = Scope.for_user(
            user, pairing, as_of, children=children, confirmed=confirmed, links=links
        )
        drills = {key: scope.drill(key, computed[subject][key]) for key in ROW_FIGURES}
        rows.append(Row(pairing, scope, kind, drills))
    return rows


def side_by_side(
    user: Viewer,
    root: Pairing,
    below: list[Pairing],
    parents: set[int],
    as_of: dt.date,
    confirmed: bool = False,
    tree: figure_sets.Tree | None = None,
    known_heads: figure_store.Heads | None = None,
    links: Links | None = None,
) -> list[Row]:
    tree = tree or figure_sets.Tree(user)
    lines = lines_of(root, below, parents)
    return rows_of(user, lines, as_of, confirmed, tree, known_heads, links)


# Side-by-side rows a page shows (?page=N): a province with a hundred cities, or an overview
# of every province, shows them fifty at a time, in the tree's order, each page with the
# pairing's own and total lines.
ROWS_PER_PAGE = 50


def page_of(entries: list[Any], request: HttpRequest) -> Page[Any]:
    return Paginator(entries, ROWS_PER_PAGE).get_page(request.GET.get("page"))


def as_of_of(request: HttpRequest) -> dt.date:
    return parse_date(request.GET.get("as_of")) or today()


def refuse_bad_as_of(request: HttpRequest) -> int:
    """An `as_of` that is not a date is not silently today: the page says so (and shows
    today's figures) with status 400."""
    error = as_of_error(request)
    if error:
        messages.error(request, error)
        return 400
    return 200


def confirmed_of(request: HttpRequest) -> bool:
    """?confirmed=1: count only records the recipient side has confirmed."""
    return request.GET.get("confirmed") in YES


@require_GET
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Every pairing in the user's view, grouped under the top pairings they see, side by
    side with totals (what a coordinating office watches)."""
    as_of = as_of_of(request)
    visible = access.visible_pairings(request.user)
    # The top pairings the user sees (their parent is out of view) and those directly below.
    roots = list(visible.exclude(parent__in=visible.values("pk")).select_related(*NAMED))
    tree = figure_sets.Tree(request.user)
    below, parents, _none = below_of(visible, tree, [root.pk for root in roots])
    if len(roots) == 1 and not below[roots[0].pk]:
        url = reverse("web:pairing", args=[roots[0].pk])
        given = request.GET.get("as_of")
        return redirect(f"{url}?{urlencode({'as_of': given})}" if given else url)
    confirmed = confirmed_of(request)
    # The pairings below the top ones, a page of them (a top pairing with none below is one
    # entry); a group shows the entries of its own on the page.
    entries: list[tuple[Pairing, Pairing | None]] = []
    for root in roots:
        entries += [(root, child) for child in below[root.pk]] or [(root, None)]
    page = page_of(entries, request)
    on_page: dict[int, list[Pairing]] = {}
    for root, child in page.object_list:
        on_page.setdefault(root.pk, [])
        if child is not None:
            on_page[root.pk].append(child)
    roots = [root for root in roots if root.pk in on_page]
    # Every group's rows in one computation: a fixed number of queries for any number.
    lines = {root.pk: lines_of(root, on_page[root.pk], parents) for root in roots}
    rows = iter(
        rows_of(
            request.user,
            [line for root in roots for line in lines[root.pk]],
            as_of,
            confirmed,
            tree,
        )
    )
    groups = [(root, [next(rows) for _line in lines[root.pk]]) for root in roots]
    return render(
        request,
        "web/dashboard/overview.html",
        {
            "groups": groups,
            "as_of": as_of,
            "row_figures": ROW_FIGURES,
            "confirmed": confirmed,
            "rows_page": page,
        },
        status=refuse_bad_as_of(request),
    )


# --- one pairing ------------------------------------------------------------------------


def target_drill(
    item: figure_sets.TargetActual,
    as_of: dt.date,
    user: Viewer,
    confirmed: bool = False,
    links: Links | None = None,
) -> Drill | None:
    """The figure a target is measured by — the indicator's figure over the target's year on
    the target's pairing (with the pairings below it when it coordinates some), as the
    reports measure it (`ledger.figure_sets.targets_against_actuals`)."""
    if item.actual is None:
        return None
    declared = item.key or item.actual.key
    key, extras = figure_sets.FIGURES[declared].drill_to(declared)
    scope = Scope.for_user(
        user,
        item.target.pairing,
        as_of,
        children=item.children,
        from_year=item.target.year,
        to_year=item.target.year,
        confirmed=confirmed,
        links=links or Links(),
    )
    return scope.drill(key, item.actual, **extras)


@dataclass
class TargetRow:
    target: Target
    drill: Drill | None

    @property
    def href(self) -> str:
        """The list of the records behind the actual ("" when no list shows them)."""
        return self.drill.url if self.drill is not None and self.drill.key in SPECS else ""

    @property
    def percent(self) -> Decimal | None:
        if self.drill is None:
            return None
        return figures.ratio(Decimal(self.drill.figure.value), self.target.value)

    @property
    def shown_target(self) -> str:
        """The target in the unit of the figure that measures it (money in 万元); an
        indicator no figure measures shows its number as set (its label names the unit)."""
        if self.drill is None:
            return f"{self.target.value.normalize():f}"
        return figure_text.quantity(self.target.value, self.drill.figure.unit)


def targets(
    scope: Scope,
    year: int,
    user: Viewer,
    tree: figure_sets.Tree | None = None,
    known_heads: figure_store.Heads | None = None,
    of: list[int] | None = None,
) -> list[TargetRow]:
    """The targets of the year of the scope's pairings (`of`: only those of these pairings,
    each measured on its pairing with the pairings below it)."""
    items = figure_store.targets_against_actuals(
        scope.window, year, user=user, tree=tree, known_heads=known_heads, of=of
    )
    return [
        TargetRow(i.target, target_drill(i, scope.as_of, user, scope.confirmed, scope.links))
        for i in items
    ]


def funds_chart(
    scope: Scope, cells: dict[tuple[int, str], Decimal]
) -> tuple[SafeString, list[dict[str, Any]], list[str]]:
    """Transfers by fund year (`cells`: `breakdowns.funds_by_year_and_source`), stacked by
    source; each part links to its records."""
    kind = FundFlow.Kind.TRANSFER
    sources = [s for s in FundFlow.Source.values if any(src == s for (_y, src) in cells)]
    years = list(range(scope.window.from_year, scope.window.to_year + 1))
    bars, table = [], []
    for year in years:
        parts = []
        for source in sources:
            amount = cells.get((year, source), Decimal("0.00"))
            drill = scope.drill(f"funds_{kind}", year=year, source=source)
            label = FundFlow.Source(source).label
            parts.append(
                charts.Part(amount, f"{year} {label} {wan(amount)}", drill.url if amount else "")
            )
        total = sum((p.value for p in parts), Decimal("0.00"))
        bars.append(charts.Bar(str(year), tuple(parts), wan_number(total) if total else ""))
        table.append(
            {
                "year": year,
                "parts": [(p.value, p.href) for p in parts],
                "total": total,
                "href": scope.drill(f"funds_{kind}", year=year).url,
            }
        )
    svg = charts.columns(
        bars,
        title=_("各年度拨付资金（按来源）"),
        series=[str(FundFlow.Source(s).label) for s in sources],
        axis_unit=_("万元"),
        scale=Decimal(10000),
    )
    return svg, table, sources


def count_chart(
    scope: Scope,
    counts: dict[str, int],
    choices: list[tuple[str, Any]],
    key: str,
    field: str,
    title: str,
) -> tuple[SafeString, list[tuple[str, int, str]]]:
    bars, table = [], []
    for value, label in choices:
        number = counts.get(value, 0)
        href = scope.drill(key, None, **{field: value}).url if number else ""
        shown = figure_text.count(number, "projects")
        bars.append(charts.Bar(str(label), (charts.Part(number, f"{label} {shown}", href),), shown))
        table.append((str(label), number, href))
    return charts.rows(bars, title=title), table


# The figures of the pairing's page besides its areas' (`dashboard_areas`), computed together
# or read from the store.
PAGE_FIGURES = (
    "funds_transfer",
    "projects_implemented",
    "persons_dispatched_persons",
    "persons_dispatched_postings",
    "persons_in_post",
    "postings_overdue",
    *(f"funds_{kind}" for kind in FundFlow.Kind.values if kind != FundFlow.Kind.TRANSFER),
    "tasks_overdue",
    "obligations_overdue",
)


def page_figures(
    scope: Scope, user: Viewer, tree: figure_sets.Tree, known_heads: figure_store.Heads
) -> dict[str, figures.Figure]:
    subject = figure_sets.Subject(scope.pairing, scope.children, scope.from_year, scope.to_year)
    return figure_store.compute(
        PAGE_FIGURES,
        [subject],
        as_of=scope.as_of,
        confirmed_only=scope.confirmed,
        user=user,
        tree=tree,
        known_heads=known_heads,
    )[subject]


def count_page_values(scope: Scope) -> figure_store.Values:
    """The page's numbers that are no declared figure: persons by category, transfers by
    year and source, projects by sector and by status."""
    window = scope.window
    return {
        **{
            category: figures.persons_dispatched(window, figures.PERSONS, category).value
            for category in (Person.Category.CADRE, Person.Category.PROFESSIONAL)
        },
        "funds_by_year_and_source": breakdowns.funds_by_year_and_source(
            window, FundFlow.Kind.TRANSFER
        ),
        "sectors": breakdowns.implemented_counts(window, "sector"),
        "statuses": breakdowns.status_counts(window),
    }


def page_values(scope: Scope, known_heads: figure_store.Heads) -> figure_store.Values:
    return figure_store.remember(
        "dashboard", scope.window, lambda: count_page_values(scope), known_heads
    )


@require_GET
@login_required
def pairing(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    found = access.get_pairing_for_user(user, pk)
    as_of = as_of_of(request)
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else as_of.year
    visible = access.visible_pairings(user)
    tree = figure_sets.Tree(user)
    below, parents, parent = below_of(visible, tree, [found.pk], also=found.parent_id)
    coordinating = bool(below[found.pk])
    rows_page = page_of(below[found.pk], request)
    shown_below: list[Pairing] = list(rows_page.object_list)
    confirmed = confirmed_of(request)
    scope = Scope.for_user(user, found, as_of, children=coordinating, confirmed=confirmed)

    # Every pairing the page counts is in its window: their chain heads are read once, before
    # any figure is computed or read from the store.
    chain_heads = figure_store.heads(scope.window.pairing_ids)
    known = page_figures(scope, user, tree, chain_heads)
    values = page_values(scope, chain_heads)
    main = [
        scope.drill(k, known[k])
        for k in ("funds_transfer", "projects_implemented", "persons_dispatched_persons")
    ]
    people = [
        scope.drill("persons_dispatched_postings", known["persons_dispatched_postings"]),
        *(
            scope.drill(
                "persons_dispatched_persons",
                figures.persons_dispatched(
                    scope.window, figures.PERSONS, category, value=values[category]
                ),
                category=category,
            )
            for category in (Person.Category.CADRE, Person.Category.PROFESSIONAL)
        ),
        scope.drill("persons_in_post", known["persons_in_post"]),
        scope.drill("postings_overdue", known["postings_overdue"]),
    ]
    money = {
        f"funds_{kind}": scope.drill(f"funds_{kind}", known[f"funds_{kind}"])
        for kind in FundFlow.Kind.values
    }
    rate_parts = [
        ("transfer_rate", money["funds_transfer"], money["funds_plan"]),
        ("usage_rate", money["funds_spend"], money["funds_allocate"]),
    ]
    rates = [
        {
            "label": figure_text.rate_label(key),
            "rule": figure_text.rate_rule(key),
            "percent": figures.ratio(top.figure.value, bottom.figure.value),
            "top": top,
            "bottom": bottom,
        }
        for key, top, bottom in rate_parts
    ]
    funds_svg, funds_table, sources = funds_chart(scope, values["funds_by_year_and_source"])
    sector_svg, sector_table = count_chart(
        scope,
        values["sectors"],
        Project.Sector.choices,
        "projects_implemented",
        "sector",
        _("实施项目（按领域）"),
    )
    status_svg, status_table = count_chart(
        scope,
        values["statuses"],
        Project.Status.choices,
        "projects_status",
        "status",
        _("全部项目（按当前状态）"),
    )
    tasks = scope.drill("tasks_overdue", known["tasks_overdue"])
    obligations = scope.drill("obligations_overdue", known["obligations_overdue"])
    context = {
        "pairing": found,
        "parent": parent,
        "as_of": as_of,
        "year": year,
        "scope": scope,
        "window_text": figure_text.window_text(scope.window),
        "main": main,
        "people": people,
        "money": [money[f"funds_{k}"] for k in FundFlow.Kind.values],
        "rates": rates,
        # The targets of the pairing and of those side by side below it (each of those counts
        # its own subtree; its dashboard lists the targets below it): never every target of a
        # province's whole tree.
        "targets": targets(
            scope, year, user, tree, chain_heads, [found.pk, *(p.pk for p in shown_below)]
        ),
        "funds_svg": funds_svg,
        "funds_table": funds_table,
        "sources": [FundFlow.Source(s).label for s in sources],
        "sector_svg": sector_svg,
        "sector_table": sector_table,
        "status_svg": status_svg,
        "status_table": status_table,
        "tasks": tasks,
        "tasks_shown": tasks.figure.records.select_related("owner", "pairing")[:OVERDUE_SHOWN],
        "areas": dashboard_areas.sections(scope, user, tree, chain_heads),
        "obligations": obligations,
        "obligations_shown": obligations.figure.records.select_related(
            "owner", "agreement"
        ).order_by("due_date", "id")[:OVERDUE_SHOWN],
        "rows": (
            side_by_side(
                user,
                found,
                shown_below,
                parents,
                as_of,
                confirmed,
                tree,
                chain_heads,
                scope.links,
            )
            if coordinating
            else []
        ),
        "rows_page": rows_page,
        "confirmed": confirmed,
        "locked_years": list(locked_years([found.pk, *scope.window.pairing_ids])),
        "can_review": access.can(user, found, access.SUBMIT)
        or access.can(user, found, access.APPROVE),
        "row_figures": ROW_FIGURES,
        "can_record": access.can(user, found, access.EDIT),
    }
    return render(request, "web/dashboard/pairing.html", context, status=refuse_bad_as_of(request))

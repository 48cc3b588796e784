"""Breakdowns the pages need beyond `ledger/figures.py`, built on its record sets.

Every function starts from `figures.fund_flows`, `figures.started_projects` or
`figures.postings_in_window`, so a part always adds up to the figure it breaks down; the
rules the reports already define (persons in post, overdue obligations and tasks, targets
against actuals) are taken from `pairaid.ledger.breakdowns` rather than written twice.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from pairaid.ledger import breakdowns as shared
from pairaid.ledger import figure_sets, figures
from pairaid.ledger.access import Viewer
from pairaid.ledger.figures import Figure, Window
from pairaid.ledger.models import FundFlow, Person, Project
from pairaid.ledger.money import ZERO
from pairaid.ledger.moneyfield import MoneySum

TargetActual = figure_sets.TargetActual


def year_window(window: Window, year: int) -> Window:
    return dataclasses.replace(window, from_year=year, to_year=year)


# --- money ---------------------------------------------------------------------------------


def funds_by_year_and_source(window: Window, kind: str) -> dict[tuple[int, str], Decimal]:
    """One stage's amounts per fund year and source, in one query. Each cell equals
    `figures.funds(year_window(window, year), kind, sources=[source]).value`."""
    rows = (
        figures.fund_flows(window, kind)
        .values("fund_year", "source")
        .annotate(total=MoneySum("amount"))
        .order_by()
    )
    return {
        (row["fund_year"], row["source"]): Decimal(row["total"]).quantize(Decimal("0.01"))
        for row in rows
    }


def project_funds(window: Window, kind: str, project_id: int) -> Figure:
    """One stage's money for one project (allocated to it, spent on it …): one query, the
    sum of the project's records (the stage's words come with a value already known, so the
    pairing's own total is not summed for nothing)."""
    flows = figures.fund_flows(window, kind).filter(project_id=project_id)
    value = figures.sum_amount(flows)
    base = figures.funds(window, kind, value=value)
    return dataclasses.replace(
        base,
        key=f"funds_{kind}_project",
        label=base.label,
        value=value,
        rule=_("%(rule)s；仅计该项目的记录") % {"rule": base.rule},
        records=flows,
    )


# --- projects ------------------------------------------------------------------------------


def implemented_counts(window: Window, field: str) -> dict[str, int]:
    """Projects implemented (`figures.projects_implemented`) counted by `sector` or
    `status`, in one query; the counts add up to the figure."""
    rows = figures.started_projects(window).values(field).annotate(n=Count("id")).order_by()
    return {row[field]: row["n"] for row in rows}


def implemented(window: Window, *, sector: str = "", status: str = "") -> Figure:
    """Projects implemented, of one sector or one (current) status."""
    projects = figures.started_projects(window)
    parts = []
    if sector:
        projects = projects.filter(sector=sector)
        parts.append(_("领域为“%(sector)s”") % {"sector": Project.Sector(sector).label})
    if status:
        projects = projects.filter(status=status)
        parts.append(_("当前状态为“%(status)s”") % {"status": Project.Status(status).label})
    which = "，".join(parts)
    return Figure(
        key="projects_implemented_part",
        label=_("实施帮扶项目（%(which)s）") % {"which": which},
        value=projects.count(),
        unit="个",
        rule=_("实施帮扶项目（已开工未取消，开工日期在%(start)s至%(end)s之间）中%(which)s的个数")
        % {"start": window.start.isoformat(), "end": window.end.isoformat(), "which": which},
        window=window,
        records=projects,
    )


def projects_on_books(window: Window) -> QuerySet[Project]:
    """Every project of the pairings as of the window's end, whatever its status: those not
    started yet, and those started by then."""
    return Project.objects.filter(pairing_id__in=window.pairing_ids).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=window.end)
    )


def status_counts(window: Window) -> dict[str, int]:
    rows = projects_on_books(window).values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}


def projects_with_status(window: Window, status: str) -> Figure:
    projects = projects_on_books(window).filter(status=status)
    label = Project.Status(status).label
    return Figure(
        key="projects_status",
        label=_("状态为“%(status)s”的项目") % {"status": label},
        value=projects.count(),
        unit="个",
        rule=_("当前状态为“%(status)s”、尚未开工或开工日期不晚于%(end)s的项目个数（含各年度）")
        % {"status": label, "end": window.end.isoformat()},
        window=window,
        records=projects,
    )


# --- people --------------------------------------------------------------------------------


def persons_with_profession(window: Window, profession: str) -> Figure:
    return shared.persons_by_profession(window)[profession]


def persons_in_post(window: Window) -> Figure:
    return shared.persons_in_post(window)


def postings_overdue(window: Window) -> Figure:
    return shared.postings_overdue_count(window)


def persons_behind(figure: Figure) -> QuerySet[Person]:
    """The distinct persons of a figure whose records are postings."""
    return Person.objects.filter(pk__in=figure.records.values("person_id"))


# --- work: obligations, tasks, targets -----------------------------------------------------


def obligations_overdue(window: Window) -> Figure:
    return shared.obligations_overdue(window)


def tasks_overdue(window: Window) -> Figure:
    return figure_sets.tasks_overdue(window)


def targets_against_actuals(window: Window, year: int, user: Viewer = None) -> list[TargetActual]:
    return figure_sets.targets_against_actuals(window, year, user=user)


@dataclass(frozen=True)
class StageTotals:
    """The sums of some fund flows stage by stage — planned, transferred, allocated and spent
    are never added together. `single` is the one sum when the rows are of one stage."""

    by_kind: dict[str, Decimal]

    @property
    def single(self) -> Decimal | None:
        if len(self.by_kind) == 1:
            return next(iter(self.by_kind.values()))
        if not self.by_kind:
            return ZERO
        return None

    def items(self) -> list[tuple[str | Promise, Decimal]]:
        return [
            (FundFlow.Kind(k).label, v)
            for k, v in sorted(
                self.by_kind.items(), key=lambda item: FundFlow.Kind.values.index(item[0])
            )
        ]


def stage_totals(flows: QuerySet[FundFlow]) -> StageTotals:
    rows = flows.order_by().values("kind").annotate(total=MoneySum("amount"))
    return StageTotals(
        {row["kind"]: Decimal(row["total"]).quantize(Decimal("0.01")) for row in rows}
    )

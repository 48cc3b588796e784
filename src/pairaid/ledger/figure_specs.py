"""Every figure the product shows for pairings, declared once (`FIGURES`).

A `FigureSpec` says how a figure is made for one window (label, unit, rule and records, from
`figures.py` and `breakdowns.py`), how it is counted for many pairings at once
(`figure_sets.compute`), which records a page lists behind it and how it drills down, which
target indicator it measures, which bulletin metric(s) it answers
(`bulletin.checks.ledger_figure`) and whether the API answers it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pairaid.ledger import breakdowns, figures, figures_assets, rollups, subtree_reads
from pairaid.ledger.figure_spec_types import (
    Additive,
    Claimed,
    Distinct,
    DrillDown,
    FigureSpec,
    Make,
    Tags,
    Trees,
    always,
    counted_in_persons,
    counted_in_postings,
    grouped_count,
)
from pairaid.ledger.figure_specs_areas import AREA_FIGURES
from pairaid.ledger.figures import Figure, Window
from pairaid.ledger.models import FundFlow, Person, Target
from pairaid.ledger.money import ZERO

# What other modules read from here (declared in figure_spec_types).
__all__ = [
    "FIGURES",
    "Additive",
    "Claimed",
    "Distinct",
    "DrillDown",
    "FigureSpec",
    "Make",
    "Tags",
    "Trees",
    "always",
    "api_keys",
    "claim_figure",
    "claimed",
    "counted_in_persons",
    "counted_in_postings",
    "grouped_count",
    "kept",
    "money",
]


def money(kind: str) -> Additive:
    def totals(window: Window) -> dict[int, Decimal]:
        return rollups.money_by_pairing(
            window.pairing_ids,
            kind=kind,
            from_year=window.from_year,
            to_year=window.to_year,
            as_of=window.as_of,
            confirmed_only=window.confirmed_only,
        )

    return totals


def money_of_trees(kind: str) -> Trees:
    def totals(window: Window, roots: Sequence[int]) -> dict[int, Decimal]:
        return subtree_reads.money_of_trees(
            roots,
            kind=kind,
            from_year=window.from_year,
            to_year=window.to_year,
            as_of=window.as_of,
            confirmed_only=window.confirmed_only,
        )

    return totals


def started_in_trees(window: Window, roots: Sequence[int]) -> dict[int, int]:
    """As `figures.projects_implemented` reads a whole tree: the project rollups hold the
    projects' present statuses, so only a window that ends today or later."""
    if figures.counts_past_statuses(window):
        return {}
    return subtree_reads.started_in_trees(roots, start=window.start, end=window.end)


def persons_in_trees(window: Window, roots: Sequence[int]) -> dict[int, int]:
    """As `figures.persons_dispatched` reads a whole tree (all categories, pending records
    included)."""
    if window.confirmed_only:
        return {}
    return subtree_reads.persons_in_trees(roots, start=window.start, end=window.end)


def tasks_overdue(window: Window, *, value: int | None = None) -> Figure:
    """逾期未完成清单事项: the tasks of `breakdowns.tasks_overdue`, counted."""
    tasks = breakdowns.tasks_overdue(window)
    return Figure(
        key="tasks_overdue",
        label=_("逾期未完成清单事项"),
        value=tasks.count() if value is None else value,
        unit="项",
        rule=_(
            "%(from_year)s—%(to_year)s年度计划或完成时限在该期间的清单事项中，"
            "完成时限早于%(as_of)s、状态仍为未开始或推进中的"
        )
        % {
            "from_year": window.from_year,
            "to_year": window.to_year,
            "as_of": window.as_of.isoformat(),
        },
        window=window,
        records=tasks,
    )


# The bulletin metric of persons dispatched, by category (None: all persons).
PERSON_METRICS: dict[str | None, str] = {
    None: "persons",
    Person.Category.CADRE: "cadres",
    Person.Category.PROFESSIONAL: "professionals",
}


def _listed_as(figure: str, name: str, value: str | None) -> DrillDown:
    """A figure of one category or profession is listed as the figure of all, narrowed."""
    if value is None:
        return DrillDown()
    return DrillDown(as_figure=figure, fixed=((name, str(value)),))


def _persons(category: str | None, indicator: str | None = None) -> FigureSpec:
    drill = _listed_as("persons_dispatched_persons", "category", category)
    return FigureSpec(
        make=lambda w, v: figures.persons_dispatched(w, figures.PERSONS, category, value=v),
        distinct=lambda w: figures.postings_in_window(w, category),
        trees=None if category else persons_in_trees,
        records="persons",
        indicator=indicator,
        api=True,
        bulletin=(Claimed(PERSON_METRICS[category], counted_in_persons),),
        drill=drill if category else DrillDown(("year", "category", "profession")),
    )


def _postings(category: str | None) -> FigureSpec:
    drill = _listed_as("persons_dispatched_postings", "category", category)
    return FigureSpec(
        make=lambda w, v: figures.persons_dispatched(w, figures.POSTINGS, category, value=v),
        additive=lambda w: grouped_count(figures.postings_in_window(w, category)),
        records="postings",
        api=True,
        bulletin=(Claimed(PERSON_METRICS[category], counted_in_postings),),
        drill=drill if category else DrillDown(("year", "category")),
    )


# The sources a bulletin's money claim names (财政资金, 社会帮扶资金), by tag.
SOURCES = {
    "财政": [FundFlow.Source.FISCAL],
    "社会": [FundFlow.Source.SOCIAL_CASH, FundFlow.Source.IN_KIND],
}
# The stage a bulletin's money claim speaks of: 计划 or, by default, 到位 (transferred).
CLAIMED_KINDS: dict[str, Callable[[Tags], bool]] = {
    FundFlow.Kind.TRANSFER: lambda tags: "计划" not in tags,
    FundFlow.Kind.PLAN: lambda tags: "计划" in tags,
}


def claimed_funds(kind: str) -> Callable[[Window, Tags], Figure]:
    def figure(window: Window, tags: Tags) -> Figure:
        sources = next((SOURCES[tag] for tag in tags if tag in SOURCES), None)
        return figures.funds(window, kind, sources)

    return figure


def _money(kind: str) -> FigureSpec:
    claimed = CLAIMED_KINDS.get(kind)
    return FigureSpec(
        make=lambda w, v: figures.funds(w, kind, value=v),
        additive=money(kind),
        trees=money_of_trees(kind),
        zero=ZERO,
        records="fund_flows",
        indicator=Target.Indicator.FUNDS_TRANSFERRED if kind == FundFlow.Kind.TRANSFER else None,
        api=True,
        bulletin=(Claimed("funds", claimed, claimed_funds(kind)),) if claimed else (),
        drill=DrillDown(("year", "source", "project")),
    )


def _professionals(profession: str, metric: str, indicator: str | None = None) -> FigureSpec:
    """Professionals of one profession (distinct persons); a bulletin's 组团式 claim counts
    only those posted in a team."""
    return FigureSpec(
        make=lambda w, v: breakdowns.professionals_dispatched(w, profession, value=v),
        distinct=lambda w: breakdowns.professionals_dispatched(w, profession).records,
        records="persons",
        indicator=indicator,
        bulletin=(
            Claimed(
                metric,
                figure=lambda w, tags: breakdowns.professionals_dispatched(
                    w, profession, team_only="组团式" in tags
                ),
            ),
        ),
        drill=_listed_as("persons_dispatched_persons", "profession", profession),
    )


SCHOOLS_UNCLEAR = gettext_lazy("台账只对“组团式”团队的派出和受援学校计数，此处无法判断所指学校")
SCHOOL_SIDES = {
    "from": lambda tags: "组团式" in tags and "派出" in tags,
    "to": lambda tags: "组团式" in tags and "派出" not in tags and "受援" in tags,
}


def _team_schools(side: str) -> FigureSpec:
    return FigureSpec(
        make=lambda w, v: breakdowns.team_schools(w, side),
        bulletin=(Claimed("schools", SCHOOL_SIDES[side], refusal=SCHOOLS_UNCLEAR),),
    )


TEACHER, DOCTOR = Person.Profession.TEACHER, Person.Profession.DOCTOR
CADRE, PROFESSIONAL = Person.Category.CADRE, Person.Category.PROFESSIONAL
MONEY_ORDER = (
    FundFlow.Kind.TRANSFER,
    FundFlow.Kind.PLAN,
    FundFlow.Kind.ALLOCATE,
    FundFlow.Kind.SPEND,
)


# Every figure that is computed for many pairings at once, in the order the API lists them.
FIGURES: dict[str, FigureSpec] = {
    **{f"funds_{kind}": _money(kind) for kind in MONEY_ORDER},
    "projects_implemented": FigureSpec(
        make=lambda w, v: figures.projects_implemented(w, value=v),
        additive=figures.started_by_pairing,
        trees=started_in_trees,
        records="projects",
        indicator=Target.Indicator.PROJECTS_STARTED,
        api=True,
        bulletin=(Claimed("projects"),),
        drill=DrillDown(("year", "sector", "status")),
    ),
    "persons_dispatched_persons": _persons(None, Target.Indicator.PERSONS_DISPATCHED),
    "persons_dispatched_persons_cadre": _persons(CADRE),
    "persons_dispatched_persons_professional": _persons(PROFESSIONAL),
    "persons_dispatched_postings": _postings(None),
    "persons_dispatched_postings_cadre": _postings(CADRE),
    "persons_dispatched_postings_professional": _postings(PROFESSIONAL),
    f"persons_dispatched_{TEACHER}": _professionals(TEACHER, "teachers", Target.Indicator.TEACHERS),
    f"persons_dispatched_{DOCTOR}": _professionals(DOCTOR, "doctors"),
    "persons_in_post": FigureSpec(
        make=lambda w, v: breakdowns.persons_in_post(w, value=v),
        distinct=lambda w: breakdowns.persons_in_post(w).records,
        records="persons",
    ),
    "postings_overdue": FigureSpec(
        make=lambda w, v: breakdowns.postings_overdue_count(w, value=v),
        additive=lambda w: grouped_count(breakdowns.postings_overdue(w)),
        records="postings",
    ),
    "tasks_overdue": FigureSpec(
        make=lambda w, v: tasks_overdue(w, value=v),
        additive=lambda w: grouped_count(breakdowns.tasks_overdue(w)),
        records="tasks",
    ),
    "obligations_overdue": FigureSpec(
        make=lambda w, v: breakdowns.obligations_overdue(w, value=v),
        additive=lambda w: grouped_count(
            breakdowns.obligations_overdue(w).records, "agreement__pairing_id"
        ),
        records="obligations",
    ),
    # Counted for one window at a time (the bulletin check, the annual report).
    "team_schools_from": _team_schools("from"),
    "team_schools_to": _team_schools("to"),
    "beneficiaries": FigureSpec(
        make=lambda w, v: figures_assets.beneficiaries(w, "人", value=v),
        additive=lambda w: figures_assets.total_by_pairing(
            figures.started_projects(w), "beneficiary_persons"
        ),
        records="projects",
        api=True,
        bulletin=(Claimed("beneficiaries", lambda tags: "户" not in tags),),
        summed="beneficiary_persons",
    ),
    "beneficiary_households": FigureSpec(
        make=lambda w, v: figures_assets.beneficiaries(w, "户", value=v),
        additive=lambda w: figures_assets.total_by_pairing(
            figures.started_projects(w), "beneficiary_households"
        ),
        records="projects",
        api=True,
        bulletin=(Claimed("beneficiaries", lambda tags: "户" in tags),),
        summed="beneficiary_households",
    ),
    **AREA_FIGURES,
}


def api_keys(person_rule: str = figures.PERSONS) -> list[str]:
    """The figures the API answers, persons counted by `person_rule` (人 or 人次)."""
    other = figures.POSTINGS if person_rule == figures.PERSONS else figures.PERSONS
    return [
        key
        for key, spec in FIGURES.items()
        if spec.api and not key.startswith(f"persons_dispatched_{other}")
    ]


# --- the bulletin check -------------------------------------------------------------------


def claimed(metric: str, tags: Iterable[str]) -> tuple[FigureSpec, Claimed] | None:
    """The figure that answers a bulletin claim of `metric` with `tags` (None: none does)."""
    found = tuple(tags)
    for spec in FIGURES.values():
        for answer in spec.bulletin:
            if answer.metric == metric and answer.when(found):
                return spec, answer
    return None


def claim_figure(metric: str, tags: Iterable[str], window: Window) -> tuple[Figure | None, str]:
    """The ledger's figure for a bulletin claim, or why there is none: the refusal its
    metric declares, or "cannot check" for a metric no figure answers."""
    found = tuple(tags)
    match = claimed(metric, found)
    if match is None:
        refusals = [
            str(answer.refusal)
            for spec in FIGURES.values()
            for answer in spec.bulletin
            if answer.metric == metric and answer.refusal
        ]
        return None, refusals[0] if refusals else _("无法核对此类数字")
    spec, answer = match
    figure = answer.figure(window, found) if answer.figure is not None else spec.make(window, None)
    if answer.if_kept and not kept(figure, window):
        return None, _("台账中没有该结对关系的%(records)s，无法核对") % {
            "records": figure.records.model._meta.verbose_name
        }
    return figure, ""


def kept(figure: Figure, window: Window) -> bool:
    """Whether the window's pairings have any record of the figure's type, of any date."""
    records: QuerySet[Any] = figure.records.model._default_manager.all()
    return records.filter(pairing_id__in=window.pairing_ids).exists()

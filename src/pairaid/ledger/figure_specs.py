"""Every figure the product shows for pairings, declared once (`FIGURES`).

A `FigureSpec` says how a figure is made for one window (label, unit, rule and records, from
`figures.py` and `breakdowns.py`), how it is counted for many pairings at once
(`figure_sets.compute`), which records a page lists behind it and how it drills down, which
target indicator it measures, which bulletin metric(s) it answers
(`bulletin.checks.ledger_figure`) and whether the API answers it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pairaid.ledger import breakdowns, figures, figures_labour, rollups
from pairaid.ledger.figures import Figure, Window
from pairaid.ledger.models import FundFlow, Person, Target
from pairaid.ledger.money import ZERO

# --- how each figure is counted in sets --------------------------------------------------------

Additive = Callable[[Window], dict[int, Any]]  # union window → {pairing id: value}
Distinct = Callable[[Window], QuerySet]  # union window → records with a pairing_id and person
Make = Callable[[Window, Any], Figure]  # a subject's window and value → its figure


def grouped_count(records: QuerySet, path: str = "pairing_id") -> dict[int, int]:
    rows = records.order_by().values(path).annotate(n=Count("pk"))
    return {row[path]: row["n"] for row in rows}


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


Tags = tuple[str, ...]  # a bulletin claim's tags: 计划, 财政, 人次, 组团式, 派出 …


def always(tags: Tags) -> bool:
    return True


@dataclass(frozen=True)
class Claimed:
    """A bulletin metric (`bulletin.extract.Claim.metric`) a figure answers, for claims whose
    tags fit `when`; `figure(window, tags)` makes the figure for the claim (None: the
    figure as declared, `make(window, None)`). `refusal`: why a claim of this metric that no
    figure fits cannot be checked."""

    metric: str
    when: Callable[[Tags], bool] = always
    figure: Callable[[Window, Tags], Figure] | None = None
    refusal: str | Promise = ""


@dataclass(frozen=True)
class DrillDown:
    """How a figure drills down to the list of its records (`web.drilldown`): the filters
    (extras) its list takes — a fund year, a source, a sector … —; or, with `as_figure`, it
    is listed as that figure's records narrowed by the `fixed` extras (教师 → persons
    dispatched with profession=teacher)."""

    extras: tuple[str, ...] = ()
    as_figure: str = ""
    fixed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FigureSpec:
    """A figure, declared once: how it is made for one window (its label, unit, rule and
    records: `make(window, None)` counts it from the records), how it is counted for many
    pairings at once (`additive` per pairing, or `distinct` persons; neither: one window at a
    time), which records a page lists behind it, which target indicator it measures, which
    bulletin metrics it answers and whether the API answers it."""

    make: Make
    additive: Additive | None = None
    distinct: Distinct | None = None
    zero: Any = 0
    records: str = ""  # fund_flows, projects, postings, persons, tasks, obligations
    indicator: str | None = None
    api: bool = False
    bulletin: tuple[Claimed, ...] = field(default=())
    drill: DrillDown = field(default=DrillDown())
    # The assessment area it is shown under (a key of `record_types.AREAS`) on the dashboard,
    # the annual report and the briefing; "" for the money, projects and people figures, which
    # have sections of their own.
    area: str = ""
    # Whether it counts records that need someone's attention (assets idle or never handed
    # over): the dashboard shows it highlighted, one click from its list.
    attention: bool = False

    @property
    def drills(self) -> bool:
        """Whether a list page lists its own records (not another figure's, narrowed)."""
        return bool(self.records) and not self.drill.as_figure

    def drill_to(self, key: str) -> tuple[str, dict[str, str]]:
        """The figure whose list a drill of figure `key` opens, with its fixed extras."""
        if self.drill.as_figure:
            return self.drill.as_figure, dict(self.drill.fixed)
        return key, {}

    @property
    def in_sets(self) -> bool:
        """Whether `figure_sets.compute` counts it for many pairings at once."""
        return self.additive is not None or self.distinct is not None


# The bulletin metric of persons dispatched, by category (None: all persons).
PERSON_METRICS = {
    None: "persons",
    Person.Category.CADRE: "cadres",
    Person.Category.PROFESSIONAL: "professionals",
}


def counted_in_postings(tags: Tags) -> bool:
    return "人次" in tags


def counted_in_persons(tags: Tags) -> bool:
    return "人次" not in tags


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
CLAIMED_KINDS = {
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
        additive=lambda w: grouped_count(figures.started_projects(w)),
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
    "guided_investment": FigureSpec(
        make=lambda w, v: breakdowns.guided_investment(w),
        bulletin=(Claimed("investment"),),
    ),
}


# --- labour cooperation (劳务协作) --------------------------------------------------------------

LABOUR = "labour"
LABOUR_INDICATORS = {
    figures_labour.placed_key(): Target.Indicator.JOBS,
    figures_labour.placed_key(poor=True): Target.Indicator.JOBS_POOR,
    "trained": Target.Indicator.TRAINED,
    "workshop_jobs": Target.Indicator.WORKSHOP_JOBS,
}


def poor_claim(tags: Tags) -> bool:
    return "脱贫" in tags


def not_poor_claim(tags: Tags) -> bool:
    return "脱贫" not in tags


def _placed(part: str = "", poor: bool = False) -> FigureSpec:
    key = figures_labour.placed_key(part, poor)
    claim = () if part else (Claimed("jobs", poor_claim if poor else not_poor_claim),)
    return FigureSpec(
        make=lambda w, v: figures_labour.persons_placed(w, part, poor=poor, value=v),
        additive=lambda w: figures_labour.persons_placed_by_pairing(w, part, poor),
        records="placements",
        indicator=LABOUR_INDICATORS.get(key),
        api=True,
        bulletin=claim,
        area=LABOUR,
    )


TRAINED_IN_PERSONS = gettext_lazy("台账按人次记录培训，无法核对培训人数；请核对人次")


def _trained(key: str) -> FigureSpec:
    claim = (
        (Claimed("trained", counted_in_postings, refusal=TRAINED_IN_PERSONS),)
        if key == "trained"
        else ()
    )
    return FigureSpec(
        make=lambda w, v: figures_labour.training(w, key, value=v),
        additive=lambda w: figures_labour.training_by_pairing(w, key),
        records="trainings",
        indicator=LABOUR_INDICATORS.get(key),
        api=True,
        bulletin=claim,
        area=LABOUR,
    )


def _workshops(key: str) -> FigureSpec:
    return FigureSpec(
        make=lambda w, v: figures_labour.workshops(w, key, value=v),
        additive=lambda w: figures_labour.workshops_by_pairing(w, key),
        records="workshops",
        indicator=LABOUR_INDICATORS.get(key),
        api=True,
        area=LABOUR,
    )


FIGURES.update(
    {
        figures_labour.placed_key(part, poor): _placed(part, poor)
        for part in ("", *figures_labour.PARTS)
        for poor in (False, True)
        if not (part and poor)
    }
    | {key: _trained(key) for key in figures_labour.TRAINING_FIGURES}
    | {key: _workshops(key) for key in figures_labour.WORKSHOP_FIGURES}
    | {
        "vocational_students": FigureSpec(
            make=lambda w, v: figures_labour.vocational_students(w, value=v),
            additive=figures_labour.vocational_by_pairing,
            records="vocational",
            api=True,
            area=LABOUR,
        )
    }
)


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
    if answer.figure is not None:
        return answer.figure(window, found), ""
    return spec.make(window, None), ""

"""Figures for many pairings at once, in a fixed number of grouped queries.

`compute(keys, subjects, as_of=…, user=…)` answers, for every subject — a pairing alone, or
a pairing with the pairings below it that the user sees (`access.figure_scope`'s rule) —
the same `Figure` that the single-pairing functions of `figures.py` and `breakdowns.py`
answer for `figures.window_for(pairing, …, include_children=…, user=user)`: same value,
rule, window and records. It asks the database once per record family, whatever the number
of subjects:

- the pairing tree and the pairings the user sees, fetched once (two queries);
- sums and counts that add up (money, projects, postings, overdue tasks …): one query
  grouped by pairing over every pairing any subject covers, then each subject adds the rows
  of its pairings in Python (money through `rollups.money_by_pairing`);
- distinct persons, which do not add up across pairings (one person posted in two): one
  query per *layer* — subjects whose pairings do not overlap — grouping the records by a
  CASE expression that maps each pairing to its subject. A tree's subjects fall into as many
  layers as it has levels (a child with its subtree, the parent's own records, the parent's
  total), never into as many as it has pairings.

Subjects are grouped by their fund years (a pairing's default first year is the year it
started), so a set of pairings that started in different years costs one round of queries
per distinct first year — bounded by the calendar, not by the number of pairings.

The records behind each figure stay the single-pairing functions' own querysets, built
lazily: the rules live in `figures.py` and `breakdowns.py` and are only grouped here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.ledger import access, breakdowns, figures, rollups
from pairaid.ledger.figures import Figure, Window
from pairaid.ledger.models import FundFlow, Pairing, Person, Target
from pairaid.ledger.money import ZERO


@dataclass(frozen=True)
class Subject:
    """What one figure covers: a pairing, with the pairings below it or not, over fund years
    (None: from the pairing's first year, to the as-of year)."""

    pairing: Pairing
    children: bool = False
    from_year: int | None = None
    to_year: int | None = None


# --- the tree and the user's view, fetched once -----------------------------------------------


class Tree:
    """The pairing tree (ids only) and the pairings the user sees."""

    def __init__(self, user: Any) -> None:
        self.below: dict[int, list[int]] = defaultdict(list)
        for pk, parent_id in Pairing.objects.order_by("valid_from", "id").values_list(
            "pk", "parent_id"
        ):
            if parent_id is not None:
                self.below[parent_id].append(pk)
        self.sees_all = access.is_administrator(user)
        self.seen: set[int] = (
            set()
            if self.sees_all
            else set(access.visible_pairings(user).values_list("pk", flat=True))
        )

    def has_children(self, pk: int) -> bool:
        return bool(self.below.get(pk))

    def scope(self, pk: int, children: bool) -> tuple[int, ...]:
        """`access.figure_scope(user, pairing, children=children)`, from the tree in hand:
        the pairing, then (breadth first) every pairing below it that the user sees."""
        if not children:
            return (pk,)
        found: list[int] = []
        frontier = [pk]
        while frontier:
            frontier = [child for parent in frontier for child in self.below.get(parent, [])]
            found.extend(frontier)
        if not self.sees_all:
            found = [child for child in found if child in self.seen]
        return (pk, *found)


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


@dataclass(frozen=True)
class FigureSpec:
    """A figure, declared once: how it is made for one window (its label, unit, rule and
    records: `make(window, None)` counts it from the records), how it is counted for many
    pairings at once (`additive` per pairing, or `distinct` persons), which records a page
    lists behind it, which target indicator it measures and whether the API answers it."""

    make: Make
    additive: Additive | None = None
    distinct: Distinct | None = None
    zero: Any = 0
    records: str = ""  # fund_flows, projects, postings, persons, tasks, obligations
    indicator: str | None = None
    api: bool = False


def _persons(category: str | None, indicator: str | None = None) -> FigureSpec:
    return FigureSpec(
        make=lambda w, v: figures.persons_dispatched(w, figures.PERSONS, category, value=v),
        distinct=lambda w: figures.postings_in_window(w, category),
        records="persons",
        indicator=indicator,
        api=True,
    )


def _postings(category: str | None) -> FigureSpec:
    return FigureSpec(
        make=lambda w, v: figures.persons_dispatched(w, figures.POSTINGS, category, value=v),
        additive=lambda w: grouped_count(figures.postings_in_window(w, category)),
        records="postings",
        api=True,
    )


def _money(kind: str) -> FigureSpec:
    return FigureSpec(
        make=lambda w, v: figures.funds(w, kind, value=v),
        additive=money(kind),
        zero=ZERO,
        records="fund_flows",
        indicator=Target.Indicator.FUNDS_TRANSFERRED if kind == FundFlow.Kind.TRANSFER else None,
        api=True,
    )


TEACHER = Person.Profession.TEACHER
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
    ),
    "persons_dispatched_persons": _persons(None, Target.Indicator.PERSONS_DISPATCHED),
    "persons_dispatched_persons_cadre": _persons(CADRE),
    "persons_dispatched_persons_professional": _persons(PROFESSIONAL),
    "persons_dispatched_postings": _postings(None),
    "persons_dispatched_postings_cadre": _postings(CADRE),
    "persons_dispatched_postings_professional": _postings(PROFESSIONAL),
    f"persons_dispatched_{TEACHER}": FigureSpec(
        make=lambda w, v: breakdowns.professionals_dispatched(w, TEACHER, value=v),
        distinct=lambda w: breakdowns.professionals_dispatched(w, TEACHER).records,
        records="persons",
        indicator=Target.Indicator.TEACHERS,
    ),
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
}


def api_keys(person_rule: str = figures.PERSONS) -> list[str]:
    """The figures the API answers, persons counted by `person_rule` (人 or 人次)."""
    other = figures.POSTINGS if person_rule == figures.PERSONS else figures.PERSONS
    return [
        key
        for key, spec in FIGURES.items()
        if spec.api and not key.startswith(f"persons_dispatched_{other}")
    ]


# --- computing ----------------------------------------------------------------------------------


def layers(scopes: Sequence[tuple[int, ...]]) -> list[list[int]]:
    """The indexes of `scopes` in groups whose pairings do not overlap (first fit)."""
    found: list[tuple[list[int], set[int]]] = []
    for index, ids in enumerate(scopes):
        for members, covered in found:
            if covered.isdisjoint(ids):
                members.append(index)
                covered.update(ids)
                break
        else:
            found.append(([index], set(ids)))
    return [members for members, _covered in found]


def distinct_persons(
    records: QuerySet, scopes: Sequence[tuple[int, ...]], person: str = "person_id"
) -> list[int]:
    """The distinct persons of `records` in each scope (a list of pairing ids), one query per
    layer of scopes that do not overlap."""
    counts = [0] * len(scopes)
    for layer in layers(scopes):
        covered = [pk for index in layer for pk in scopes[index]]
        subject = Case(
            *(When(pairing_id__in=scopes[index], then=Value(index)) for index in layer),
            output_field=IntegerField(),
        )
        rows = (
            records.order_by()
            .filter(pairing_id__in=covered)
            .annotate(subject_index=subject)
            .values("subject_index")
            .annotate(n=Count(person, distinct=True))
        )
        for row in rows:
            counts[row["subject_index"]] = row["n"]
    return counts


def compute(
    keys: Iterable[str],
    subjects: Iterable[Subject],
    *,
    as_of: dt.date | None = None,
    confirmed_only: bool = False,
    user: Any = None,
    tree: Tree | None = None,
    within: Iterable[int] | None = None,
) -> dict[Subject, dict[str, Figure]]:
    """{subject: {key: Figure}} for every key of `RULES`, each figure as the single-pairing
    function answers it for `figures.window_for(subject.pairing, …, user=user)`; with
    `within`, never counting a pairing outside those."""
    keys = list(keys)
    subjects = list(dict.fromkeys(subjects))
    as_of = as_of or timezone.localdate()
    tree = tree or Tree(user)
    allowed = None if within is None else set(within)
    windows = {
        subject: Window(
            pairing_ids=tuple(
                pk
                for pk in tree.scope(subject.pairing.pk, subject.children)
                if allowed is None or pk in allowed
            ),
            from_year=(
                subject.from_year
                if subject.from_year is not None
                else subject.pairing.valid_from.year
            ),
            to_year=subject.to_year if subject.to_year is not None else as_of.year,
            as_of=as_of,
            confirmed_only=confirmed_only,
        )
        for subject in subjects
    }
    by_years: dict[tuple[int, int], list[Subject]] = defaultdict(list)
    for subject, window in windows.items():
        by_years[(window.from_year, window.to_year)].append(subject)
    result: dict[Subject, dict[str, Figure]] = {subject: {} for subject in subjects}
    for (from_year, to_year), group in by_years.items():
        scopes = [windows[subject].pairing_ids for subject in group]
        union = Window(
            pairing_ids=tuple(sorted({pk for ids in scopes for pk in ids})),
            from_year=from_year,
            to_year=to_year,
            as_of=as_of,
            confirmed_only=confirmed_only,
        )
        for key in keys:
            rule = FIGURES[key]
            if rule.additive is not None:
                per_pairing = rule.additive(union)
                values = [
                    sum((per_pairing.get(pk, rule.zero) for pk in ids), rule.zero) for ids in scopes
                ]
            else:
                assert rule.distinct is not None
                values = distinct_persons(rule.distinct(union), scopes)
            for subject, value in zip(group, values, strict=True):
                result[subject][key] = rule.make(windows[subject], value)
    return result


def summaries(
    pairings: Sequence[Pairing],
    *,
    as_of: dt.date | None = None,
    person_rule: str = figures.PERSONS,
    user: Any = None,
) -> list[figures.PairingSummary]:
    """The article's sentence for each pairing (`figures.pairing_summary`), a coordinating
    pairing (市对州) speaking for the pairings below it that the user sees; all at once."""
    tree = Tree(user)
    subjects = [Subject(p, tree.has_children(p.pk)) for p in pairings]
    persons = f"persons_dispatched_{person_rule}"
    keys = ["funds_transfer", "projects_implemented", persons]
    computed = compute(keys, subjects, as_of=as_of, user=user, tree=tree)
    return [
        figures.PairingSummary(
            pairing=subject.pairing,
            funds=computed[subject]["funds_transfer"],
            projects=computed[subject]["projects_implemented"],
            persons=computed[subject][persons],
        )
        for subject in subjects
    ]


# --- targets against actuals ---------------------------------------------------------------

# The figure each target indicator is measured by, from the declarations above (indicators
# with no records yet — consumption assistance, jobs — have none).
INDICATOR_FIGURES: dict[str, str] = {
    spec.indicator: key for key, spec in FIGURES.items() if spec.indicator
}


@dataclass(frozen=True)
class TargetActual:
    target: Target
    actual: Figure | None  # None: the ledger does not record this indicator yet
    children: bool = False  # measured with the pairings below the target's pairing

    @property
    def percent(self) -> Decimal | None:
        if self.actual is None:
            return None
        return figures.ratio(Decimal(self.actual.value), self.target.value)


def targets_against_actuals(
    window: Window, year: int, *, user: Any = None, tree: Tree | None = None
) -> list[TargetActual]:
    """Each target of the window's pairings for `year`, measured over that year on its own
    pairing (with the pairings below it when it coordinates some, never beyond the window's
    pairings, which its caller scoped to `user`), all in one `compute`."""
    targets = list(
        Target.objects.filter(pairing_id__in=window.pairing_ids, year=year)
        .select_related(
            "pairing__helper_region",
            "pairing__helper_organisation",
            "pairing__recipient_region",
            "pairing__recipient_organisation",
        )
        .order_by("pairing_id", "indicator")
    )
    tree = tree or Tree(user)
    subjects = {
        t.pairing_id: Subject(t.pairing, tree.has_children(t.pairing_id), year, year)
        for t in targets
    }
    keys = {INDICATOR_FIGURES[t.indicator] for t in targets if t.indicator in INDICATOR_FIGURES}
    computed = compute(
        sorted(keys),
        subjects.values(),
        as_of=window.as_of,
        confirmed_only=window.confirmed_only,
        user=user,
        tree=tree,
        within=window.pairing_ids,
    )
    result = []
    for target in targets:
        subject = subjects[target.pairing_id]
        key = INDICATOR_FIGURES.get(target.indicator)
        actual = computed[subject][key] if key else None
        result.append(TargetActual(target, actual, subject.children))
    return result

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.utils import timezone

from pairaid.ledger import access, figures
from pairaid.ledger.figure_specs import FIGURES as FIGURES
from pairaid.ledger.figure_specs import FigureSpec as FigureSpec
from pairaid.ledger.figure_specs import api_keys as api_keys
from pairaid.ledger.figure_specs import tasks_overdue as tasks_overdue
from pairaid.ledger.figures import Figure, Window
from pairaid.ledger.models import Pairing, Target


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
        return self.tree(pk, children)[0]

    def tree(self, pk: int, children: bool) -> tuple[tuple[int, ...], bool]:
        """`access.figure_tree`: the scope, and whether it is the pairing's whole tree."""
        if not children:
            return (pk,), False
        found: list[int] = []
        frontier = [pk]
        while frontier:
            frontier = [child for parent in frontier for child in self.below.get(parent, [])]
            found.extend(frontier)
        whole = len(found)
        if not self.sees_all:
            found = [child for child in found if child in self.seen]
        return (pk, *found), len(found) == whole


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
    records: QuerySet[Any], scopes: Sequence[tuple[int, ...]], person: str = "person_id"
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


def window_of(
    subject: Subject,
    tree: Tree,
    as_of: dt.date,
    confirmed_only: bool = False,
    allowed: set[int] | None = None,
) -> Window:
    """The window of `subject` (never counting a pairing outside `allowed`)."""
    scope, whole = tree.tree(subject.pairing.pk, subject.children)
    pairing_ids = tuple(pk for pk in scope if allowed is None or pk in allowed)
    return Window(
        pairing_ids=pairing_ids,
        from_year=(
            subject.from_year if subject.from_year is not None else subject.pairing.valid_from.year
        ),
        to_year=subject.to_year if subject.to_year is not None else as_of.year,
        as_of=as_of,
        confirmed_only=confirmed_only,
        whole_tree_of=subject.pairing.pk if whole and len(pairing_ids) == len(scope) else None,
    )


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
        subject: window_of(subject, tree, as_of, confirmed_only, allowed) for subject in subjects
    }
    by_years: dict[tuple[int, int], list[Subject]] = defaultdict(list)
    for subject, window in windows.items():
        by_years[(window.from_year, window.to_year)].append(subject)
    result: dict[Subject, dict[str, Figure]] = {subject: {} for subject in subjects}
    for (from_year, to_year), group in by_years.items():
        period = Window((), from_year, to_year, as_of, confirmed_only)
        for key in keys:
            rule = FIGURES[key]
            # whole trees from the subtree tables, all at once; the other subjects (and trees
            # the tables cannot answer) by adding or counting their pairings' records
            roots = [root for s in group if (root := windows[s].whole_tree_of) is not None]
            in_trees = rule.trees(period, roots) if rule.trees and roots else {}
            rest: list[Subject] = []
            for subject in group:
                root = windows[subject].whole_tree_of
                if root is not None and root in in_trees:
                    result[subject][key] = rule.make(windows[subject], in_trees[root])
                else:
                    rest.append(subject)
            if not rest:
                continue
            scopes = [windows[subject].pairing_ids for subject in rest]
            union = Window(
                pairing_ids=tuple(sorted({pk for ids in scopes for pk in ids})),
                from_year=from_year,
                to_year=to_year,
                as_of=as_of,
                confirmed_only=confirmed_only,
            )
            if rule.additive is not None:
                per_pairing = rule.additive(union)
                values = [
                    sum((per_pairing.get(pk, rule.zero) for pk in ids), rule.zero) for ids in scopes
                ]
            elif rule.distinct is not None:
                values = distinct_persons(rule.distinct(union), scopes)
            else:
                raise ValueError(f"{key} is counted for one window at a time, not in sets")
            for subject, value in zip(rest, values, strict=True):
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


def indicator_figures() -> dict[str, str]:
    """The figure each target indicator is measured by: the first figure whose declaration
    names it (`FigureSpec.indicator`), read from `FIGURES` when asked, so a figure declared
    for a new indicator measures its targets with no other edit. Indicators no figure
    answers have none (their actual is "—")."""
    found: dict[str, str] = {}
    for key, spec in FIGURES.items():
        if spec.indicator:
            found.setdefault(spec.indicator, key)
    return found


# The same, as declared when the module was loaded.
INDICATOR_FIGURES: dict[str, str] = indicator_figures()


@dataclass(frozen=True)
class TargetActual:
    target: Target
    actual: Figure | None  # None: the ledger does not record this indicator yet
    children: bool = False  # measured with the pairings below the target's pairing
    key: str | None = None  # the declared figure (`FIGURES`) that measures it

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
    measured_by = indicator_figures()
    keys = {measured_by[t.indicator] for t in targets if t.indicator in measured_by}
    computed = compute(
        sorted(key for key in keys if FIGURES[key].in_sets),
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
        key = measured_by.get(target.indicator)
        actual = None
        if key is not None:
            # A figure counted one window at a time is made for this target's window alone.
            found = computed[subject]
            if key not in found:
                alone = window_of(
                    subject, tree, window.as_of, window.confirmed_only, set(window.pairing_ids)
                )
                found[key] = FIGURES[key].make(alone, None)
            actual = found[key]
        result.append(TargetActual(target, actual, subject.children, key))
    return result

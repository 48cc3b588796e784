"""What a figure's declaration says (`FigureSpec`), apart from the figures declared
(`figure_specs.FIGURES`, `figure_specs_areas.AREA_FIGURES`): how it is counted for many
pairings, which bulletin claims it answers (`Claimed`) and how it drills down (`DrillDown`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.functional import Promise

from pairaid.ledger.figures import Figure, Window

Additive = Callable[[Window], dict[int, Any]]  # union window → {pairing id: value}
Distinct = Callable[[Window], QuerySet[Any]]  # union window → records with a pairing_id and person
Make = Callable[[Window, Any], Figure]  # a subject's window and value → its figure
# A period's window and the pairings whose whole trees are counted → {pairing id: value}, from
# the subtree tables; a pairing left out is counted as `additive` or `distinct` count it.
Trees = Callable[[Window, Sequence[int]], dict[int, Any]]
# Figures already made on a page, by declaration and period (`FigureSpec.shown`).
Made = dict[tuple[int, int, int, Any, bool, bool], Figure]


class DeferredFigure(Figure):
    """A figure whose value is known (stored, or counted for many pairings at once) and
    whose words are another figure's of the same declaration and period: its records are
    made only when something reads them (a drill-down, an export, a report's count), never
    for a page that only shows the value."""

    def __init__(self, like: Figure, window: Window, value: Any, make: Make) -> None:
        for name, given in (
            ("key", like.key),
            ("label", like.label),
            ("value", value),
            ("unit", like.unit),
            ("rule", like.rule),
            ("window", window),
        ):
            object.__setattr__(self, name, given)
        object.__setattr__(self, "_make", make)

    @cached_property
    def records(self) -> QuerySet[Any]:
        made: Make = self.__dict__["_make"]
        return made(self.window, self.value).records


def grouped_count(records: QuerySet[Any], path: str = "pairing_id") -> dict[int, int]:
    rows = records.order_by().values(path).annotate(n=Count("pk"))
    return {row[path]: row["n"] for row in rows}


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
    # Unknown, not 0, for pairings that keep no record of the figure's type at all (a ledger
    # that never recorded consumption assistance does not say there was none).
    if_kept: bool = False


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
    # The figure of whole trees (`Window.whole_tree_of`) read from the subtree tables, for
    # many trees at once (`figure_sets.compute`), instead of adding every pairing of them.
    trees: Trees | None = None
    zero: Any = 0
    records: str = ""  # fund_flows, projects, postings, persons, tasks, obligations; a Pages slug
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
    # The field of its records whose sum it is ("value" of assets; "": it counts them, or it
    # is money of fund flows or distinct persons).
    summed: str = ""
    # The field whose distinct values (per pairing) it counts, where one record is not one
    # of what it counts (an enterprise that invested twice is one enterprise).
    counts_distinct: str = ""

    @property
    def drills(self) -> bool:
        """Whether a list page lists its own records (not another figure's, narrowed)."""
        return bool(self.records) and not self.drill.as_figure

    def drill_to(self, key: str) -> tuple[str, dict[str, str]]:
        """The figure whose list a drill of figure `key` opens, with its fixed extras."""
        if self.drill.as_figure:
            return self.drill.as_figure, dict(self.drill.fixed)
        return key, {}

    def shown(self, window: Window, value: Any, made: Made) -> Figure:
        """`make(window, value)` for a value already known, for one of many windows on a page:
        the first figure of a period (years, as-of date, confirmed-only) is made, the others
        take its words (a figure's label, unit and rule say nothing of its pairings) and make
        their records only when something reads them. `made`: the page's figures so far."""
        period = (
            id(self),
            window.from_year,
            window.to_year,
            window.as_of,
            window.confirmed_only,
            value is None,
        )
        like = made.get(period)
        if like is None:
            like = made[period] = self.make(window, value)
            return like
        return DeferredFigure(like, window, value, self.make)

    @property
    def in_sets(self) -> bool:
        """Whether `figure_sets.compute` counts it for many pairings at once."""
        return self.additive is not None or self.distinct is not None


def counted_in_postings(tags: Tags) -> bool:
    return "人次" in tags


def counted_in_persons(tags: Tags) -> bool:
    return "人次" not in tags

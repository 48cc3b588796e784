"""The dashboard's 协作考核 section: the assessment areas' figures (`ledger.areas`), each
linking to the records behind it, and a chart per area of its figures over the window's
years.

Everything is read from the declarations (`FigureSpec.area`, `record_types.AREAS`): a figure
declared under an area appears here with no edit. An area with figures but no records shows
zeros; an area with no figures is not shown. A figure declared with `attention` (records
that need someone's attention) is shown highlighted, one click from its list.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from pairaid.ledger import areas, figure_sets, figure_store
from pairaid.ledger.access import Viewer
from pairaid.ledger.figures import Figure
from pairaid.web import charts, figure_text
from pairaid.web.drilldown import SPECS, Drill, Scope

MONEY = "元"


@dataclass(frozen=True)
class Shown:
    """A figure on the page, and the list of its records ("" when no list shows them)."""

    drill: Drill
    attention: bool = False

    @property
    def figure(self) -> Figure:
        return self.drill.figure

    @property
    def href(self) -> str:
        return self.drill.url if self.drill.key in SPECS else ""


@dataclass(frozen=True)
class Chart:
    """An area's figures of one unit over the period: the chart and its data table."""

    svg: SafeString
    axis_unit: str
    labels: list[str]
    rows: list[tuple[str, list[Shown]]]


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    figures: list[Shown]
    charts: list[Chart]

    @property
    def attention(self) -> list[Shown]:
        return [shown for shown in self.figures if shown.attention and shown.figure.value]


# The units of the area figures, for an English axis (a count's unit is a Chinese measure
# word: 个, 家, 所 need no word in English).
ENGLISH_UNITS = {"人": "persons", "人次": "person-times", "户": "households"}


def axis_unit(unit: str) -> str:
    if unit == MONEY:
        return _("万元")
    if translation.get_language() == "en":
        return ENGLISH_UNITS.get(unit, "")
    return unit


def part(shown: Shown) -> charts.Part:
    figure = shown.figure
    title = f"{figure.label} {figure_text.value(figure)}"
    return charts.Part(figure.value, title, shown.href if figure.value else "")


def chart(period: str, shown: list[Shown]) -> Chart:
    """One bar per figure of `shown` (all of one unit) over the dashboard's period, each
    linking to its records. By the figures the page computed already: no query of its own
    (a chart by year would cost one query per figure and year)."""
    unit = shown[0].figure.unit
    labels = [item.figure.label for item in shown]
    svg = charts.grouped(
        labels,
        [(period, [part(item) for item in shown])],
        title=_("%(labels)s（%(period)s）") % {"labels": "、".join(labels), "period": period},
        axis_unit=axis_unit(unit),
        scale=Decimal(10000) if unit == MONEY else Decimal(1),
    )
    return Chart(svg, axis_unit(unit), labels, [(period, shown)])


def sections(
    scope: Scope,
    user: Viewer,
    tree: figure_sets.Tree | None = None,
    known_heads: figure_store.Heads | None = None,
) -> list[Section]:
    """The 协作考核 section of the dashboard of `scope`, area by area."""
    found = areas.areas()
    if not found:
        return []
    tree = tree or figure_sets.Tree(user)
    keys = [key for area in found for key in area.keys]
    subject = figure_sets.Subject(scope.pairing, scope.children, scope.from_year, scope.to_year)
    computed = figure_store.compute(
        keys,
        [subject],
        tree=tree,
        known_heads=known_heads,
        as_of=scope.as_of,
        confirmed_only=scope.confirmed,
        user=user,
    )[subject]
    window = scope.window
    period = _("%(from_year)s—%(to_year)s年") % {
        "from_year": window.from_year,
        "to_year": window.to_year,
    }
    result = []
    for area in found:
        shown = [
            Shown(scope.drill(key, computed[key]), figure_sets.FIGURES[key].attention)
            for key in area.keys
        ]
        units: dict[str, list[Shown]] = {}
        for item in shown:
            units.setdefault(item.figure.unit, []).append(item)
        drawn = [chart(period, same) for same in units.values()]
        result.append(Section(area.key, str(area.label), shown, drawn))
    return result

"""The assessment areas (消费帮扶, 劳务协作, 产业合作, 资产管护) in the reports: in the annual
report a section with a table per area (figure, value, unit, rule), in the briefing a
paragraph per area, both made of the figures' own labels, values and rules.

The areas and their figures are read from the declarations (`ledger.areas`): a figure
declared under an area appears in both with no edit here, and an area with no figure is
left out. Every figure of every area is computed together (`ledger.areas.compute`: one
grouped query per figure counted in sets), whatever the number of pairings.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from pairaid.ledger import areas, figure_sets
from pairaid.ledger.figures import Figure
from pairaid.ledger.models import Pairing
from pairaid.reports.common import Options, is_coordinating, money_text
from pairaid.reports.content import TEXT, Column, Section, Table

NUMERALS = "一二三四五六七八九十"

AreaFigures = list[tuple[areas.Area, list[Figure]]]


def area_figures(
    pairing: Pairing, options: Options, from_year: int | None, to_year: int | None
) -> AreaFigures:
    """Each area with figures and its figures for `pairing` (with the pairings below it
    that the report's user sees, when it coordinates some) over the years given."""
    found = areas.areas()
    if not found:
        return []
    tree = figure_sets.Tree(options.user)
    subject = figure_sets.Subject(pairing, is_coordinating(pairing), from_year, to_year)
    keys = [key for area in found for key in area.keys]
    computed = areas.compute(
        keys, [subject], as_of=options.as_of_date, user=options.user, tree=tree
    )[subject]
    return [(area, [computed[key] for key in area.keys]) for area in found]


def value_text(figure: Figure, style: str) -> str:
    """A figure's value in prose: money in 万元 (as the style writes it), counts with their
    unit."""
    if figure.unit == "元":
        return money_text(Decimal(figure.value), style)
    value = figure.value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return f"{value}{figure.unit}"


def sentence(area: areas.Area, found: list[Figure], style: str) -> str:
    """ "消费帮扶方面，<label><value>，<label><value>。" from the figures' own labels."""
    items = "，".join(f"{figure.label}{value_text(figure, style)}" for figure in found)
    return _("%(area)s方面，%(figures)s。") % {"area": area.label, "figures": items}


def area_table(area: areas.Area, found: list[Figure]) -> Table:
    table = Table(
        str(area.label),
        [Column(_("指标")), Column(_("数值"), TEXT), Column(_("单位")), Column(_("口径"))],
        sheet=str(area.label),
    )
    for figure in found:
        table.add(figure.label, figure.value, figure.unit, figure.rule)
    return table


def annual_section(title: str, found: AreaFigures, style: str) -> list[Section]:
    """The annual report's 协作考核 section (titled `title`) and one subsection per area:
    its sentence and its table. None when no area has figures."""
    if not found:
        return []
    section = Section(title)
    section.para(_("以下为东西部协作考核其他领域的数字，均由台账记录计算；口径见各表。"), "note")
    parts = [section]
    for index, (area, figures) in enumerate(found):
        numeral = NUMERALS[index] if index < len(NUMERALS) else str(index + 1)
        part = Section(f"（{numeral}）{area.label}", level=2)
        part.para(sentence(area, figures, style))
        part.table(area_table(area, figures))
        parts.append(part)
    return parts


def briefing_section(found: AreaFigures, style: str) -> list[Section]:
    """The briefing's 协作考核 section: a paragraph per area, and the figures' rules."""
    if not found:
        return []
    section = Section(_("协作考核"))
    for area, figures in found:
        section.para(sentence(area, figures, style))
    table = Table(
        _("协作考核数字的口径"),
        [
            Column(_("考核领域")),
            Column(_("指标")),
            Column(_("数值"), TEXT),
            Column(_("单位")),
            Column(_("口径")),
        ],
        sheet=_("协作考核"),
    )
    for area, figures in found:
        for figure in figures:
            table.add(str(area.label), figure.label, figure.value, figure.unit, figure.rule)
    section.table(table)
    return [section]

"""The figure cards of the dashboards and the project page, written in Python (one
format_html each) rather than through a template include per figure: a city's dashboard
shows about fifty. The HTML is what `web/_figure.html` (an include per figure, now gone) and
the area loop of `dashboard/_areas.html` wrote (tests/test_figure_cards.py compares them)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from pairaid.web import figure_text
from pairaid.web.drilldown import Drill

register = template.Library()

CARD = (
    '\n<div class="figure{}" data-figure="{}">\n  <div class="label">{}</div>\n'
    '  <a class="value" href="{}">{}</a>\n'
    '  <details class="rule"><summary>{}</summary><p>{}</p></details>\n</div>\n\n'
)


@register.simple_tag
def figure_cards(drills: Iterable[Drill], big: bool = False) -> SafeString:
    """A card per drill: its figure's label, value (a link to its records) and rule."""
    rule = _("口径")
    extra = " big" if big else ""
    return format_html_join(
        "",
        CARD,
        (
            (
                extra,
                drill.figure.key,
                figure_text.label(drill.figure),
                drill.url,
                figure_text.value(drill.figure),
                rule,
                figure_text.rule(drill.figure),
            )
            for drill in drills
        ),
    )


AREA_CARD = (
    '\n      <div class="figure{}" data-figure="{}">\n'
    '        <div class="label">{}{}</div>\n'
    "        {}\n"
    '        <details class="rule"><summary>{}</summary><p>{}</p></details>\n'
    "      </div>\n      "
)


@register.simple_tag
def area_cards(figures: Iterable[Any]) -> SafeString:
    """The cards of an area's figures (`dashboard_areas.Shown`): highlighted when they need
    attention, a link to their records when a list shows them."""
    rule = _("口径")
    attention = format_html(' <span class="tag warn">{}</span>', _("需关注"))
    parts = []
    for shown in figures:
        figure = shown.figure
        value = figure_text.value(figure)
        href = shown.href
        link = (
            format_html('<a class="value" href="{}">{}</a>', href, value)
            if href
            else format_html('<span class="value">{}</span>', value)
        )
        parts.append(
            format_html(
                AREA_CARD,
                " attention" if shown.attention else "",
                shown.drill.key,
                figure_text.label(figure),
                attention if shown.attention else "",
                link,
                rule,
                figure_text.rule(figure),
            )
        )
    return mark_safe("".join(parts))  # each part escaped by format_html

"""A figure's value and unit in the page's language.

Labels and rules come translated from the figures module itself (`ledger/figures.py`
formats each rule's catalogue template with the figure's own parameters); this module only
writes values and counts ("154个" / "154 projects").
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language, npgettext
from django.utils.translation import gettext as _

from pairaid.ledger import figures
from pairaid.ledger.figures import Figure, Window
from pairaid.ledger.money import format_wan, to_wan


def chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


# --- values and units ---------------------------------------------------------------------


def count(number: int, what: str) -> str:
    """154 → "154个" / "154 projects"; `what` says what is counted."""
    forms = {
        "projects": lambda n: npgettext("帮扶项目", "%(number)s个", "%(number)s个", n),
        "items": lambda n: npgettext("事项", "%(number)s项", "%(number)s项", n),
        "records": lambda n: npgettext("记录", "%(number)s条", "%(number)s条", n),
        "agreements": lambda n: npgettext("协议", "%(number)s份", "%(number)s份", n),
        "events": lambda n: npgettext("活动", "%(number)s次", "%(number)s次", n),
        "persons": lambda n: npgettext("人数", "%(number)s人", "%(number)s人", n),
        "postings": lambda n: npgettext("人次", "%(number)s人次", "%(number)s人次", n),
    }
    shown = str(number) if chinese() else f"{number:,}"
    return forms.get(what, forms["items"])(number) % {"number": shown}


UNIT_COUNTS = {"个": "projects", "人": "persons", "人次": "postings", "项": "items"}


def value(figure: Figure) -> str:
    if figure.key.startswith(("tasks", "obligations")):
        return count(int(figure.value), "items")
    return quantity(figure.value, figure.unit)


def quantity(number: Decimal | int, unit: str) -> str:
    """A value in a figure's unit: yuan in 万元, counts with their unit ("154个", "3家");
    a unit this module has no plural forms for follows the number as the figure gives it."""
    if unit == "元":
        if chinese():
            return format_wan(Decimal(number))
        amount = f"{to_wan(Decimal(number)):,}"
        return _("%(amount)s万元") % {"amount": amount}
    if unit in UNIT_COUNTS or not unit:
        return count(int(number), UNIT_COUNTS.get(unit, "items"))
    whole = Decimal(number) == Decimal(number).to_integral_value()
    shown = int(number) if whole else Decimal(number).normalize()
    if chinese():
        return f"{shown}{unit}"
    english = _(unit)
    if english == unit and whole:  # no English for the unit: counted as items
        return count(int(number), "items")
    return f"{shown:,} {english}"


# --- labels and rules ------------------------------------------------------------------------
# The figures module writes them through the catalogue, in the active language.


def label(figure: Figure) -> str:
    return figure.label


def rule(figure: Figure) -> str:
    return figure.rule


def window_text(window: Window) -> str:
    """Window.describe(), in the active language."""
    return window.describe()


def rate_label(key: str) -> str:
    return str(figures.RATE_TEXTS[key][0]) if key in figures.RATE_TEXTS else key


def rate_rule(key: str) -> str:
    return str(figures.RATE_TEXTS[key][1]) if key in figures.RATE_TEXTS else ""

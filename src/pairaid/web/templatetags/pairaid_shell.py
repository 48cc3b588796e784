"""The page shell's tags: the main menu, drawn from `web.menu.entries`."""

from __future__ import annotations

from typing import Any

from django import template

from pairaid.ledger.access import Viewer
from pairaid.web import menu as main_menu

register = template.Library()


@register.simple_tag
def menu_entries(user: Viewer) -> list[dict[str, Any]]:
    return main_menu.entries(user)

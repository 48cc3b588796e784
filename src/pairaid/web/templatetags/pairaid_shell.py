"""The page shell's tags: the main menu, drawn from `web.menu.entries`."""

from __future__ import annotations

from typing import Any

from django import template

from pairaid.web import menu as main_menu

register = template.Library()


@register.simple_tag
def menu_entries(user: Any) -> list[dict[str, Any]]:
    return main_menu.entries(user)

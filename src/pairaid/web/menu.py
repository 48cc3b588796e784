"""The main menu as a list: each entry is its section (what `{% section %}` names the page
by), the URL name, its label and, where only some users see it, who. The base template
draws whatever this list holds: the pages of no record type here, and between them each
record type's entry as declared in `ledger/record_types.py` (`web.registry.menu`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from pairaid.ledger.access import Viewer
from pairaid.web import access, registry


@dataclass(frozen=True)
class Entry:
    section: str
    url_name: str
    label: Any
    audit_only: bool = False
    badge_url: str = ""  # a count fetched after the page (htmx), never by the page itself


HEAD: tuple[Entry, ...] = (
    Entry("overview", "web:overview", pgettext_lazy("菜单", "概览")),
    Entry("inbox", "web:inbox", pgettext_lazy("菜单", "待办"), badge_url="web:inbox_count"),
)
# After the record types' entries: the 协作考核 page, which lists the types declared with
# `Pages` under their assessment areas (`views/records_list.assessment`).
ASSESSMENT: tuple[Entry, ...] = (
    Entry(registry.ASSESSMENT, "web:assessment", pgettext_lazy("菜单", "协作考核")),
)
TAIL: tuple[Entry, ...] = (
    Entry("reports", "reports:index", pgettext_lazy("菜单", "报告")),
    Entry("exchange", "exchange:index", pgettext_lazy("菜单", "导入导出")),
    Entry("bulletin", "bulletin:index", pgettext_lazy("菜单", "核对文本")),
    Entry("audit", "web:audit", pgettext_lazy("菜单", "审计"), audit_only=True),
)


def entries(user: Viewer) -> list[dict[str, Any]]:
    """The entries the user sees, with their URLs (no query beyond the user's roles)."""
    may_audit = access.can(user, None, access.AUDIT)

    def shown(fixed: tuple[Entry, ...]) -> list[dict[str, Any]]:
        return [
            {
                "section": entry.section,
                "url": reverse(entry.url_name),
                "label": entry.label,
                "badge_url": reverse(entry.badge_url) if entry.badge_url else "",
            }
            for entry in fixed
            if may_audit or not entry.audit_only
        ]

    records = [
        {"section": entry.section, "url": entry.url, "label": entry.label, "badge_url": ""}
        for entry in registry.menu(user)
    ]
    return shown(HEAD) + records + shown(ASSESSMENT) + shown(TAIL)

"""The main menu as a list: each entry is its section (what `{% section %}` names the page
by), the URL name, its label and, where only some users see it, who. The base template
draws whatever this list holds, so a registry of record types can drive it later."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from pairaid.web import access


@dataclass(frozen=True)
class Entry:
    section: str
    url_name: str
    label: Any
    audit_only: bool = False
    badge_url: str = ""  # a count fetched after the page (htmx), never by the page itself


MENU: tuple[Entry, ...] = (
    Entry("overview", "web:overview", pgettext_lazy("菜单", "概览")),
    Entry("inbox", "web:inbox", pgettext_lazy("菜单", "待办"), badge_url="web:inbox_count"),
    Entry("projects", "web:projects", pgettext_lazy("菜单", "项目")),
    Entry("funds", "web:funds", pgettext_lazy("菜单", "资金")),
    Entry("persons", "web:persons", pgettext_lazy("菜单", "干部人才")),
    Entry("postings", "web:postings", pgettext_lazy("菜单", "选派")),
    Entry("agreements", "web:agreements", pgettext_lazy("菜单", "协议合同")),
    Entry("obligations", "web:obligations", pgettext_lazy("菜单", "履约事项")),
    Entry("events", "web:events", pgettext_lazy("菜单", "活动")),
    Entry("tasks", "web:tasks", pgettext_lazy("菜单", "清单")),
    Entry("reports", "reports:index", pgettext_lazy("菜单", "报告")),
    Entry("exchange", "exchange:index", pgettext_lazy("菜单", "导入导出")),
    Entry("bulletin", "bulletin:index", pgettext_lazy("菜单", "核对文本")),
    Entry("audit", "web:audit", pgettext_lazy("菜单", "审计"), audit_only=True),
)


def entries(user: Any) -> list[dict[str, Any]]:
    """The entries the user sees, with their URLs (no query beyond the user's roles)."""
    may_audit = access.can(user, None, access.AUDIT)
    return [
        {
            "section": entry.section,
            "url": reverse(entry.url_name),
            "label": entry.label,
            "badge_url": reverse(entry.badge_url) if entry.badge_url else "",
        }
        for entry in MENU
        if may_audit or not entry.audit_only
    ]

"""Display filters: money (万元 and yuan), percentages, figures, and sortable column heads.

Money stays `Decimal` yuan until here; these filters only format it (money.py rounds)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.http import HttpRequest, QueryDict
from django.utils.html import format_html
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from pairaid.ledger.access import Viewer
from pairaid.ledger.figures import Figure
from pairaid.ledger.money import CENT, format_wan, to_wan
from pairaid.web import access, figure_text, registry

register = template.Library()


def chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def grouped(value: Decimal) -> str:
    """Thousands separators in English; the plain figure in Chinese, as published."""
    return str(value) if chinese() else f"{value:,}"


@register.filter
def wan(value: Decimal | int | str | None) -> str:
    """146547300.00 → 14654.73万元 (as `pairaid summary` prints it) / 14,654.73 × 10,000 yuan."""
    if value is None or value == "":
        return ""
    if chinese():
        return format_wan(Decimal(value))
    return _("%(amount)s万元") % {"amount": grouped(to_wan(Decimal(value)))}


@register.filter
def wan_number(value: Decimal | int | str | None) -> str:
    """The amount in 万元 without its unit (for tables whose heading names the unit)."""
    if value is None or value == "":
        return ""
    return grouped(to_wan(Decimal(value)))


@register.filter
def yuan(value: Decimal | int | str | None) -> str:
    """146547300 → 146,547,300.00 (the unit is in the heading or after the filter)."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).quantize(CENT):,}"


@register.filter
def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value}%"


@register.filter
def figure_value(figure: Figure) -> str:
    """A figure's value with its unit, in the active language."""
    return figure_text.value(figure)


@register.filter
def figure_label(figure: Figure) -> str:
    return figure_text.label(figure)


@register.filter
def figure_rule(figure: Figure) -> str:
    return figure_text.rule(figure)


@register.simple_tag(takes_context=True)
def sort_link(context: template.Context, key: str, label: str) -> str:
    """A column heading that sorts the list by `key`, and reverses on a second click."""
    request = context["request"]
    current = request.GET.get("sort", context.get("sort", ""))
    ascending = current == key
    params: QueryDict = request.GET.copy()
    params["sort"] = f"-{key}" if ascending else key
    params.pop("page", None)
    arrow = "▲" if ascending else "▼" if current == f"-{key}" else ""
    url = f"?{params.urlencode()}"
    return format_html(
        '<a href="{}" hx-get="{}" hx-target="#results" hx-push-url="true" class="sort{}">'
        '{} <span aria-hidden="true">{}</span></a>',
        url,
        url,
        " sorted" if arrow else "",
        label,
        arrow,
    )


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None


# Pages of no record type; a record type's pages belong to its menu entry (`web.registry`).
SECTIONS = {
    "overview": "overview",
    "pairing": "overview",
    "inbox": "inbox",
    "inbox_confirm": "inbox",
}


@register.simple_tag(takes_context=True)
def section(context: template.Context) -> str:
    """Which part of the navigation the page belongs to."""
    request = context.get("request")
    match = request.resolver_match if isinstance(request, HttpRequest) else None
    if match is None:
        return ""
    if match.namespace != "web":
        return match.namespace
    name = match.url_name or ""
    return SECTIONS.get(name) or registry.section_of(name)


def audit_verbs() -> dict[str, str]:
    return {
        "created": pgettext("审计", "新建"),
        "updated": pgettext("审计", "修改"),
        "deleted": pgettext("审计", "删除"),
        "recorded": pgettext("审计", "登记"),
        "reversed": pgettext("审计", "冲销"),
        "confirmed": pgettext("审计", "确认"),
        "disputed": pgettext("审计", "提出异议"),
        "personal_data_viewed": pgettext("审计", "查看个人信息"),
        "submitted": pgettext("审计", "报送"),
        "approved": pgettext("审计", "审核通过并锁定"),
        "returned": pgettext("审计", "退回"),
        "reopened": pgettext("审计", "重新开放"),
        "revoked": pgettext("审计", "撤销"),
        "frozen": pgettext("审计", "冻结"),
        "uploaded": pgettext("审计", "上传"),
        "removed": pgettext("审计", "移除"),
    }


def audit_actors() -> dict[str, str]:
    return {
        "web": pgettext("审计", "网页"),
        "admin": pgettext("审计", "管理后台"),
        "cli": pgettext("审计", "命令行"),
        "demo": pgettext("审计", "演示数据"),
        "import": pgettext("审计", "导入"),
        "api": pgettext("审计", "接口"),
    }


@register.filter
def audit_action(code: str) -> str:
    """ "project.updated" → "修改" (the record type is the page's own)."""
    verb = code.rsplit(".", 1)[-1]
    return audit_verbs().get(verb, code)


@register.filter
def audit_actor(code: str) -> str:
    return audit_actors().get(code, code)


@register.simple_tag
def may_audit(user: Viewer) -> bool:
    """Whether the menu offers the audit list (AUDIT on at least one pairing)."""
    return access.can(user, None, access.AUDIT)

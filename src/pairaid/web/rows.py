"""The rows of the list pages, written in Python rather than by the template engine.

A list shows 50 rows of 6–10 cells; drawn by a `{% for %}` loop, every cell is a variable
lookup, a filter or two and a lazily translated choice label, which made template rendering
the largest part of a list page's CPU time. Here each row is one `format_html` call, each
choice label is translated once per page (`Labels`) and each record's URL is made from one
reversed URL per page (`web.links.Links`). The HTML is the one the templates wrote before,
character for character; the templates still hold the table's head and the empty row.

One `Page` lives as long as one page is drawn: nothing is kept between requests, so the
language of each request and any change of the URLconf are always respected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from pairaid.web.links import Links
from pairaid.web.templatetags.pairaid_web import audit_actors, wan, wan_number, yuan

DASH = "—"


def day(value: dt.date | None, fmt: str = "Y-m-d") -> str:
    """`{{ value|date:"Y-m-d" }}` (or "m-d"): "" for no date."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    if fmt == "m-d":
        return f"{value.month:02d}-{value.day:02d}"
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def moment(value: dt.datetime | None) -> str:
    """`{{ value|date:"Y-m-d H:i:s" }}` of an aware datetime, in the current time zone."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{day(value)} {value.hour:02d}:{value.minute:02d}:{value.second:02d}"


def or_dash(value: object) -> object:
    """`{{ value|default:"—" }}`."""
    return value if value else DASH


def related(record: Model, name: str) -> Any:
    """A reverse one-to-one relation, None when there is none (as the template reads it)."""
    try:
        return getattr(record, name)
    except ObjectDoesNotExist:
        return None


class Page:
    """What every row of one page shares: the links and the choice labels, translated once."""

    def __init__(self) -> None:
        self.links = Links()
        self._labels: dict[tuple[type[Model], str], dict[Any, Any]] = {}

    def label(self, record: Model, field: str) -> object:
        """`record.get_<field>_display()`, the field's choices translated once per page."""
        key = (type(record), field)
        table = self._labels.get(key)
        if table is None:
            # a field with choices is a concrete Field (the stubs also allow a reverse relation)
            choices = record._meta.get_field(field).flatchoices  # type: ignore[union-attr]
            table = {value: str(label) for value, label in choices}
            self._labels[key] = table
        value = getattr(record, field)
        return table.get(value, value)

    def url(self, name: str, pk: int) -> str:
        return self.links.url(name, pk)


Row = Callable[[Page, Any, Mapping[str, Any]], SafeString]


def fund(page: Page, flow: Any, context: Mapping[str, Any]) -> SafeString:
    url = page.url("web:fund", flow.pk)
    project: str
    tag: str
    if flow.project is not None:
        project = format_html(
            '<a href="{}">{}</a>', page.url("web:project", flow.project_id), flow.project.code
        )
    else:
        project = DASH
    if flow.is_reversal:
        tag = format_html('<span class="tag">{}</span>', context["reversal"])
    elif related(flow, "reversed_by"):
        tag = format_html('<span class="tag muted">{}</span>', context["reversed"])
    else:
        tag = ""
    return format_html(
        "\n<tr{}>\n"
        '  <td class="nw"><a href="{}">{}</a></td>\n'
        "  <td>{}</td>\n"
        "  <td>{}</td>\n"
        '  <td class="nw">{}</td>\n'
        "  <td>{}</td>\n"
        "  <td>{}</td>\n"
        "  <td>{}</td>\n"
        '  <td class="num"><a href="{}">{}</a></td>\n'
        '  <td><span class="status c-{}">{}</span></td>\n'
        '  <td class="text">{} {}</td>\n'
        "</tr>\n",
        mark_safe(' class="reversal"') if flow.is_reversal else "",
        url,
        day(flow.date),
        page.label(flow, "kind"),
        flow.fund_year,
        flow.pairing,
        page.label(flow, "source"),
        project,
        or_dash(flow.voucher),
        url,
        yuan(flow.amount),
        flow.confirmation,
        page.label(flow, "confirmation"),
        tag,
        flow.note,
    )


def fund_context() -> dict[str, Any]:
    return {"reversal": _("冲销记录"), "reversed": _("已被冲销")}


def project(page: Page, item: Any, context: Mapping[str, Any]) -> SafeString:
    url = page.url("web:project", item.pk)
    return format_html(
        "\n<tr>\n"
        '  <td><a href="{}">{}</a></td>\n'
        '  <td class="text"><a href="{}">{}</a></td>\n'
        '  <td class="nw">{}</td>\n'
        "  <td>{}</td>\n"
        '  <td><span class="status s-{}">{}</span></td>\n'
        '  <td class="nw">{}</td>\n'
        '  <td class="num">{}</td>\n'
        '  <td class="num">{}%</td>\n'
        "</tr>\n",
        url,
        item.code,
        url,
        item.name,
        item.pairing,
        page.label(item, "sector"),
        item.status,
        page.label(item, "status"),
        or_dash(day(item.start_date)),
        wan_number(item.planned_budget),
        item.progress,
    )


def person(page: Page, item: Any, context: Mapping[str, Any]) -> SafeString:
    url = page.url("web:person", item.pk)
    return format_html(
        "\n<tr>\n"
        '  <td><a href="{}">{}</a></td>\n'
        '  <td><a href="{}">{}</a></td>\n'
        "  <td>{}</td>\n"
        "  <td>{}</td>\n"
        "  <td>{}</td>\n"
        "  <td>{}</td>\n"
        "  <td>{}</td>\n"
        '  <td class="num">{}</td>\n'
        "</tr>\n",
        url,
        item.number,
        url,
        item.name,
        page.label(item, "gender"),
        or_dash(item.ethnicity),
        page.label(item, "category"),
        page.label(item, "profession") if item.profession else DASH,
        or_dash(item.home_organisation),
        item.posting_count,
    )


def posting(page: Page, item: Any, context: Mapping[str, Any]) -> SafeString:
    status = getattr(item, "effective_status", "")
    return format_html(
        "\n<tr>\n"
        '  <td><a href="{}">{}</a></td>\n'
        '  <td class="nw">{}</td>\n'
        "  <td>{}</td>\n"
        "  <td>{}</td>\n"
        '  <td class="num">{}</td>\n'
        '  <td class="nw">{}</td>\n'
        '  <td class="nw">{}</td>\n'
        '  <td><span class="status p-{}">{}</span></td>\n'
        '  <td><span class="status c-{}">{}</span></td>\n'
        "</tr>\n",
        page.url("web:person", item.person_id),
        item.person.name,
        item.pairing,
        or_dash(item.host_organisation),
        or_dash(item.post),
        or_dash(item.batch),
        day(item.start_date),
        or_dash(day(item.planned_end)),
        status,
        effective_label(page, item, status),
        item.confirmation,
        page.label(item, "confirmation"),
    )


def effective_label(page: Page, item: Any, status: str) -> str:
    """`item.effective_status_display` (the annotated status's label), translated once."""
    key = (type(item), "effective_status")
    table = page._labels.get(key)
    if table is None:
        table = {value: str(label) for value, label in type(item).EffectiveStatus.choices}
        page._labels[key] = table
    found = table.get(status)
    return found if found is not None else str(item.effective_status_display)


def agreement(page: Page, item: Any, context: Mapping[str, Any]) -> SafeString:
    status = getattr(item, "effective_status", "")
    event: str
    if item.event is not None:
        event = format_html('<a href="{}">{}</a>', page.url("web:event", item.event_id), item.event)
    else:
        event = DASH
    return format_html(
        "\n<tr>\n"
        '  <td class="text"><a href="{}">{}</a></td>\n'
        "  <td>{}</td>\n"
        '  <td class="nw">{}</td>\n'
        '  <td class="nw">{}</td>\n'
        '  <td><span class="status a-{}">{}</span></td>\n'
        '  <td class="num">{}</td>\n'
        '  <td class="num">{}</td>\n'
        "  <td>{}</td>\n"
        "</tr>\n",
        page.url("web:agreement", item.pk),
        item.title,
        page.label(item, "kind"),
        item.pairing,
        or_dash(day(item.signed_date)),
        status,
        effective_label(page, item, status),
        wan_number(item.amount) if item.amount is not None else DASH,
        mark_safe(
            context["counts"]
            % {
                "all": conditional_escape(item.obligation_count),
                "open": conditional_escape(item.open_count),
            }
        ),
        event,
    )


def agreement_context() -> dict[str, Any]:
    return {"counts": _("%(all)s（%(open)s）")}


def overdue(item: Any, context: Mapping[str, Any]) -> bool:
    due = item.due_date
    return bool(due and due < context["today"] and item.status in context["open"])


def obligation(page: Page, item: Any, context: Mapping[str, Any]) -> SafeString:
    late = overdue(item, context)
    return format_html(
        "\n<tr{}>\n"
        '  <td class="text">{}</td>\n'
        '  <td><a href="{}">{}</a></td>\n'
        "  <td>{}</td>\n"
        "  <td>{}</td>\n"
        '  <td class="nw">{}</td>\n'
        '  <td><span class="status w-{}">{}</span>{}</td>\n'
        "</tr>\n",
        mark_safe(' class="overdue"') if late else "",
        item.deliverable,
        page.url("web:agreement", item.agreement_id),
        item.agreement,
        item.agreement.pairing,
        or_dash(item.owner),
        or_dash(day(item.due_date)),
        item.status,
        page.label(item, "status"),
        format_html(' <span class="tag warn">{}</span>', context["late"]) if late else "",
    )


def overdue_context() -> dict[str, Any]:
    return {"late": _("逾期")}


def event(page: Page, item: Any, context: Mapping[str, Any]) -> SafeString:
    end = item.end_date
    return format_html(
        "\n<tr>\n"
        '  <td class="nw">{}{}</td>\n'
        '  <td class="text"><a href="{}">{}</a></td>\n'
        "  <td>{}</td>\n"
        '  <td class="nw">{}</td>\n'
        '  <td class="num">{}</td>\n'
        '  <td class="num">{}</td>\n'
        '  <td class="num">{}</td>\n'
        "</tr>\n",
        day(item.start_date),
        f"{DASH}{day(end, 'm-d')}" if end and end != item.start_date else "",
        page.url("web:event", item.pk),
        item.title,
        page.label(item, "kind"),
        item.pairing,
        item.participant_count,
        item.agreement_count,
        item.task_count,
    )


def task(page: Page, item: Any, context: Mapping[str, Any]) -> SafeString:
    late = overdue(item, context)
    origin: str
    if item.event:
        origin = format_html(
            '<a href="{}">{}</a>', page.url("web:event", item.event_id), item.event
        )
    elif item.agreement:
        origin = format_html(
            '<a href="{}">{}</a>', page.url("web:agreement", item.agreement_id), item.agreement
        )
    elif item.plan_year:
        origin = mark_safe(context["plan"] % {"year": conditional_escape(item.plan_year)})
    else:
        origin = DASH
    return format_html(
        "\n<tr{}>\n"
        '  <td class="text"><a href="{}">{}</a></td>\n'
        '  <td class="nw">{}</td>\n'
        "  <td>{}</td>\n"
        '  <td class="nw">{}</td>\n'
        '  <td><span class="status w-{}">{}</span>{}</td>\n'
        "  <td>{}</td>\n"
        "</tr>\n",
        mark_safe(' class="overdue"') if late else "",
        page.url("web:task", item.pk),
        item.title,
        item.pairing,
        or_dash(item.owner),
        or_dash(day(item.due_date)),
        item.status,
        page.label(item, "status"),
        format_html(' <span class="tag warn">{}</span>', context["late"]) if late else "",
        origin,
    )


def task_context() -> dict[str, Any]:
    return {"late": _("逾期"), "plan": _("%(year)s年度计划")}


# Each list's row and what its rows share (words translated once per page).
LISTS: dict[str, tuple[Row, Callable[[], dict[str, Any]]]] = {
    "funds": (fund, fund_context),
    "projects": (project, dict),
    "persons": (person, dict),
    "postings": (posting, dict),
    "agreements": (agreement, agreement_context),
    "obligations": (obligation, overdue_context),
    "events": (event, dict),
    "tasks": (task, task_context),
}


def render(kind: str, records: Iterable[Any], **context: Any) -> SafeString:
    """Every row of `records` as the list `kind` shows it (`LISTS`)."""
    row, shared = LISTS[kind]
    page = Page()
    words = {**shared(), **context}
    return mark_safe("".join(row(page, record, words) for record in records))


def value(cell: Any, linked: bool) -> SafeString | str:
    """A generic list's cell's value (`records/_value.html`): `linked` is the first cell, a
    link to the row's record itself, so a record it names is not linked again."""
    kind = cell.kind
    if kind == "empty":
        return DASH
    if kind == "yuan":
        return yuan(cell.value)
    if kind == "money":
        return wan(cell.value)
    if kind == "date":
        return day(cell.value)
    if kind == "datetime":
        shown = timezone.localtime(cell.value) if timezone.is_aware(cell.value) else cell.value
        return f"{day(shown)} {shown.hour:02d}:{shown.minute:02d}"
    if cell.url and not linked:
        return format_html('<a href="{}">{}</a>', cell.url, cell.value)
    return linebreaksbr(str(cell.value), autoescape=True)


def table(rows: Iterable[Mapping[str, Any]]) -> SafeString:
    """The rows of a generic list (`records/_table.html`, `views/records_list.rows_of`)."""
    out: list[str] = []
    for row in rows:
        out.append("\n<tr>")
        for i, cell in enumerate(row["cells"]):
            if cell.numeric:
                td = '<td class="num">'
            elif cell.kind == "date" or i == 0:
                td = '<td class="nw">'
            else:
                td = "<td>"
            shown = conditional_escape(value(cell, i == 0))
            if i == 0:
                shown = format_html('<a href="{}">{}</a>', row["url"], shown)
            out.append(f"\n  {td}{shown}</td>")
        out.append("\n</tr>\n")
    return mark_safe("".join(out))


def audit(rows: Iterable[Any]) -> SafeString:
    """The rows of the audit list (`web/audit_display.describe`), the actors' names
    translated once per page."""
    actors = audit_actors()
    out: list[str] = []
    for row in rows:
        entry = row.entry
        changes: str
        if row.changes:
            changes = format_html(
                "<dl>{}\n  </dl>",
                mark_safe(
                    "".join(
                        format_html(
                            "\n    <dt>{}</dt><dd>{}</dd>",
                            change.label,
                            format_html("{} → {}", change.before, change.after)
                            if change.paired
                            else change.value,
                        )
                        for change in row.changes
                    )
                ),
            )
        else:
            changes = DASH
        user = entry.user.get_username() if entry.user is not None else ""
        out.append(
            format_html(
                '\n<tr data-entry="{}">\n'
                '  <td class="nw">{}</td>\n'
                "  <td>{}</td>\n"
                "  <td>{}</td>\n"
                '  <td title="{}">{}</td>\n'
                '  <td class="audit-record"><span class="record-type">{}</span> {}</td>\n'
                "  <td>{}</td>\n"
                '  <td class="audit-changes">{}</td>\n'
                "</tr>\n",
                entry.pk,
                moment(entry.at),
                or_dash(user),
                actors.get(entry.actor, entry.actor),
                entry.action,
                row.verb,
                row.record_type,
                or_dash(entry.record_repr),
                or_dash(entry.pairing),
                changes,
            )
        )
    return mark_safe("".join(out))

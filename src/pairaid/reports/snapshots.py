"""Freezing a briefing's figures and comparing them with the ledger later.

A snapshot keeps, for each figure of the briefing, its value, rule and window, and the ids
of the records behind it ("fundflow:12", "project:7", "posting:31") with a description of
each. Comparing regenerates the briefing with the same options and tells, per figure, the
old and new value and which records were added or dropped: the ones that made the
difference (a transfer recorded since, a reversal, a project that has now started).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pairaid.ledger import access
from pairaid.ledger.figures import Figure
from pairaid.ledger.models import FundFlow, Posting, Project
from pairaid.reports import briefing
from pairaid.reports.briefing import BriefingPart
from pairaid.reports.common import Options
from pairaid.reports.content import COUNT, Column, Report, Table
from pairaid.reports.models import FrozenBriefing

SNAPSHOT_VERSION = 1


class SnapshotItem(TypedDict):
    """One figure of a frozen briefing, as kept in `FrozenBriefing.figures` (JSON)."""

    key: str
    pairing_id: int
    pairing: str
    label: str
    value: str | int  # a Decimal is kept as its text
    unit: str
    rule: str
    as_of: str
    from_year: int
    to_year: int
    records: list[str]


class Snapshot(TypedDict):
    """`FrozenBriefing.figures`: the figures, the pairings counted, the records behind."""

    version: int
    pairing_ids: list[int]
    figures: list[SnapshotItem]
    records: dict[str, str]


RECORD_NAMES = {"fundflow": "资金记录", "project": "项目", "posting": "选派记录"}


def record_ref(obj: models.Model) -> str:
    return f"{obj._meta.model_name}:{obj.pk}"


def describe_flow(flow: FundFlow) -> str:
    parts = [
        f"{flow.get_kind_display()} {flow.date.isoformat()}",
        f"{flow.fund_year}年度",
        flow.get_source_display(),
        f"{flow.amount}元",
    ]
    if flow.voucher:
        parts.append(_("凭证%(voucher)s") % {"voucher": flow.voucher})
    if flow.reverses_id:
        parts.append(_("冲销第%(id)s号记录") % {"id": flow.reverses_id})
    return " ".join(parts)


def describe_project(project: Project) -> str:
    start = project.start_date.isoformat() if project.start_date else "—"
    return f"{project.code} {project.name}（{project.get_status_display()}，开工{start}）"


def describe_posting(posting: Posting) -> str:
    return (
        f"{posting.person.name}（{posting.person.get_category_display()}）"
        f"{posting.post} 到岗{posting.start_date.isoformat()}"
    )


def describe_records(figure: Figure) -> dict[str, str]:
    """Each record behind a figure, by reference, with its description."""
    records = figure.records.order_by()
    model = records.model
    if model is FundFlow:
        return {record_ref(f): describe_flow(f) for f in records}
    if model is Project:
        return {record_ref(p): describe_project(p) for p in records}
    if model is Posting:
        return {record_ref(p): describe_posting(p) for p in records.select_related("person")}
    return {record_ref(obj): str(obj) for obj in records}


def snapshot(parts: list[BriefingPart]) -> Snapshot:
    """The figures of the parts, the records behind them, and the pairings the briefing
    covered (its first part's window: the pairing and the pairings below it it counted)."""
    descriptions: dict[str, str] = {}
    items: list[SnapshotItem] = []
    for part in parts:
        for item in part.figures():
            figure = item.figure
            described = describe_records(figure)
            descriptions.update(described)
            value = figure.value
            items.append(
                {
                    "key": item.key,
                    "pairing_id": part.pairing.pk,
                    "pairing": str(part.pairing),
                    "label": item.label,
                    "value": str(value) if isinstance(value, Decimal) else value,
                    "unit": figure.unit,
                    "rule": figure.rule,
                    "as_of": figure.as_of.isoformat(),
                    "from_year": figure.window.from_year,
                    "to_year": figure.window.to_year,
                    "records": sorted(described, key=ref_order),
                }
            )
    return {
        "version": SNAPSHOT_VERSION,
        "pairing_ids": list(parts[0].window.pairing_ids) if parts else [],
        "figures": items,
        "records": descriptions,
    }


def covered_pairing_ids(frozen: FrozenBriefing) -> list[int]:
    """The pairings whose records a frozen briefing counted. Briefings frozen before this
    was kept counted every pairing below theirs."""
    kept = frozen.figures.get("pairing_ids")
    if kept:
        return [int(pk) for pk in kept]
    return [pairing.pk for pairing in frozen.pairing.with_descendants()]


def may_open(user: access.Viewer, frozen: FrozenBriefing) -> bool:
    """A frozen briefing is shown only to a user who sees every pairing it counted: its
    figures and text would otherwise tell a hidden pairing's amounts and name."""
    return access.sees_all(user, covered_pairing_ids(frozen))


def ref_order(ref: str) -> tuple[str, int]:
    model, _sep, pk = ref.partition(":")
    return model, int(pk) if pk.isdigit() else 0


def briefing_text(parts: list[BriefingPart], style: str) -> str:
    return "\n".join(sentence for part in parts for sentence in part.sentences(style))


# --- comparing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordChange:
    ref: str
    description: str

    @property
    def model(self) -> str:
        return self.ref.partition(":")[0]

    @property
    def pk(self) -> int:
        return int(self.ref.partition(":")[2])

    def __str__(self) -> str:
        name = RECORD_NAMES.get(self.model, self.model)
        return f"{name}#{self.pk}（{self.description}）"


@dataclass
class FigureChange:
    key: str
    pairing: str
    label: str
    unit: str
    old: Decimal | int | None
    new: Decimal | int | None
    old_rule: str
    new_rule: str
    added: list[RecordChange] = field(default_factory=list)
    removed: list[RecordChange] = field(default_factory=list)

    @property
    def difference(self) -> Decimal | int | None:
        if self.old is None or self.new is None:
            return None
        return self.new - self.old

    @property
    def changed(self) -> bool:
        return self.old != self.new or bool(self.added or self.removed)


@dataclass
class Comparison:
    frozen: FrozenBriefing
    as_of: dt.date
    text: str
    changes: list[FigureChange]

    @property
    def changed(self) -> list[FigureChange]:
        return [change for change in self.changes if change.changed]


def plain_value(value: object) -> Decimal | int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return Decimal(str(value))


def regenerate(
    frozen: FrozenBriefing, user: access.Viewer = None
) -> tuple[Options, list[BriefingPart]]:
    options = Options.from_dict(frozen.pairing, frozen.options, user=user)
    return options, briefing.briefing_parts(options)


def compare(frozen: FrozenBriefing, user: access.Viewer = None) -> Comparison:
    """The briefing regenerated now with the frozen options, figure by figure, as `user`
    sees the ledger (None: the operator, who sees every pairing). Figures are frozen in the
    language of record, and regenerated in it, so that their rules compare."""
    with translation.override(settings.LANGUAGE_CODE):
        options, parts = regenerate(frozen, user)
        now = snapshot(parts)
    old_items: dict[str, SnapshotItem] = {
        item["key"]: item for item in frozen.figures.get("figures", [])
    }
    new_items = {item["key"]: item for item in now["figures"]}
    old_records: dict[str, str] = frozen.figures.get("records", {})
    new_records: dict[str, str] = now["records"]
    changes = []
    for key in [*old_items, *[k for k in new_items if k not in old_items]]:
        old, new = old_items.get(key), new_items.get(key)
        either = new_items[key] if key in new_items else old_items[key]
        old_refs = set(old["records"]) if old else set()
        new_refs = set(new["records"]) if new else set()
        changes.append(
            FigureChange(
                key=key,
                pairing=either["pairing"],
                label=either["label"],
                unit=either["unit"],
                old=plain_value(old["value"]) if old else None,
                new=plain_value(new["value"]) if new else None,
                old_rule=old["rule"] if old else "",
                new_rule=new["rule"] if new else "",
                added=[
                    RecordChange(ref, new_records.get(ref, ref))
                    for ref in sorted(new_refs - old_refs, key=ref_order)
                ],
                removed=[
                    RecordChange(ref, old_records.get(ref, ref))
                    for ref in sorted(old_refs - new_refs, key=ref_order)
                ],
            )
        )
    return Comparison(
        frozen=frozen,
        as_of=options.as_of_date,
        text=briefing_text(parts, options.style),
        changes=changes,
    )


def build_comparison(comparison: Comparison) -> Report:
    frozen = comparison.frozen
    report = Report(
        kind="comparison",
        title=_("简报数字变化对照"),
        subtitle=frozen.title,
        meta=[
            (_("冻结时间"), f"{timezone.localtime(frozen.created_at):%Y-%m-%d %H:%M}"),
            (_("冻结人"), str(frozen.created_by or _("系统"))),
            (_("冻结时截至"), frozen.as_of.isoformat()),
            (_("本次截至"), comparison.as_of.isoformat()),
        ],
        filename=_("简报对照-%(id)s") % {"id": frozen.pk},
    )
    summary = report.section(_("结论"))
    changed = comparison.changed
    if not changed:
        summary.para(_("与冻结时相比，各项数字及其依据的记录均无变化。"), "lead")
    for change in changed:
        summary.para(change_sentence(change), "lead")
    summary.para(_("冻结时的简报："), "note")
    for line in frozen.text.splitlines():
        summary.para(line)
    summary.para(_("现在重新生成："), "note")
    for line in comparison.text.splitlines():
        summary.para(line)

    figures = report.section(_("各项数字对照"))
    table = Table(
        _("数字对照"),
        [
            Column(_("结对关系")),
            Column(_("指标")),
            Column(_("冻结时")),
            Column(_("现在")),
            Column(_("变化")),
            Column(_("单位")),
            Column(_("新增记录"), COUNT),
            Column(_("减少记录"), COUNT),
        ],
        sheet=_("数字对照"),
    )
    for change in comparison.changes:
        table.add(
            change.pairing,
            change.label,
            change.old,
            change.new,
            change.difference,
            change.unit,
            len(change.added),
            len(change.removed),
        )
    figures.table(table)

    records = report.section(_("造成变化的记录"))
    detail = Table(
        _("新增或减少的记录"),
        [
            Column(_("结对关系")),
            Column(_("指标")),
            Column(_("变化")),
            Column(_("记录")),
            Column(_("编号"), COUNT),
            Column(_("说明")),
        ],
        sheet=_("变化记录"),
    )
    for change in changed:
        for kind, items in ((_("新增"), change.added), (_("减少"), change.removed)):
            for item in items:
                name = RECORD_NAMES.get(item.model, item.model)
                detail.add(change.pairing, change.label, kind, name, item.pk, item.description)
    records.table(detail)
    if any(change.old_rule != change.new_rule for change in changed):
        records.para(_("注意：部分数字的口径与冻结时不同，见各数字的口径说明。"), "note")
    return report


def change_sentence(change: FigureChange) -> str:
    difference = change.difference
    sign = "+" if difference is not None and difference > 0 else ""
    first = _("%(pairing)s %(label)s：冻结时%(old)s%(unit)s，现在%(new)s%(unit)s（%(diff)s）") % {
        "pairing": change.pairing,
        "label": change.label,
        "old": "—" if change.old is None else change.old,
        "new": "—" if change.new is None else change.new,
        "unit": change.unit,
        "diff": "—" if difference is None else f"{sign}{difference}",
    }
    reasons = [_("新增%(record)s") % {"record": item} for item in change.added[:5]]
    reasons += [_("减少%(record)s") % {"record": item} for item in change.removed[:5]]
    more = len(change.added) + len(change.removed) - len(reasons)
    if more > 0:
        reasons.append(_("等，共%(n)s条记录") % {"n": len(change.added) + len(change.removed)})
    return first + ("；" + "；".join(reasons) if reasons else "") + "。"

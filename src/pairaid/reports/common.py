"""What every report shares: its options and window, and the tables that list records or
stages of money. A report asks `figures` and `breakdowns` for figures and lays them out; it
never sums records itself. The arithmetic it does do is between figures (a balance is
transferred − allocated) and says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.ledger import access, breakdowns, figures
from pairaid.ledger.figures import Figure, Rate, Window
from pairaid.ledger.models import FundFlow, Pairing, Posting, Project
from pairaid.ledger.money import format_published_wan, format_wan
from pairaid.reports.content import (
    COUNT,
    DATE,
    MONEY,
    PERCENT,
    WAN,
    YUAN,
    Column,
    Section,
    Table,
    Value,
)

BRIEFING, ANNUAL, RECONCILIATION = "briefing", "annual", "reconciliation"
KINDS = {
    BRIEFING: "情况简报",
    ANNUAL: "年度报告",
    RECONCILIATION: "资金对账报告",
}
EXACT, PUBLISHED = "exact", "published"
STAGE_LABELS = {
    FundFlow.Kind.PLAN: "计划",
    FundFlow.Kind.TRANSFER: "拨付",
    FundFlow.Kind.ALLOCATE: "分配到项目",
    FundFlow.Kind.SPEND: "项目支出",
}
PAIRING_RELATED = (
    "helper_region",
    "helper_organisation",
    "recipient_region",
    "recipient_organisation",
)


class ReportError(ValueError):
    """Options that cannot make a report (a year after the as-of date, …); the message is
    for the user, in Chinese."""


@dataclass(frozen=True)
class Options:
    """What a report covers. `year` is the report's year (annual, reconciliation) or the
    last fund year of a briefing; empty values take the defaults of `figures.window_for`."""

    pairing: Pairing
    year: int | None = None
    from_year: int | None = None
    as_of: dt.date | None = None
    style: str = EXACT
    person_rule: str = figures.PERSONS
    # Whom the report is for: a coordinating pairing's figures hold only the pairings below
    # it that this user sees (`ledger.access.figure_scope`). None: the operator, who sees all.
    user: access.Viewer = field(default=None, compare=False, repr=False)

    @property
    def as_of_date(self) -> dt.date:
        return self.as_of or timezone.localdate()

    @property
    def report_year(self) -> int:
        return self.year or self.as_of_date.year

    def to_dict(self) -> dict[str, object]:
        """The options as given (empty ones stay empty: "as of today" stays rolling)."""
        return {
            "year": self.year,
            "from_year": self.from_year,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "style": self.style,
            "person_rule": self.person_rule,
        }

    @classmethod
    def from_dict(
        cls, pairing: Pairing, data: dict[str, object], user: access.Viewer = None
    ) -> Options:
        as_of = data.get("as_of")
        return cls(
            pairing=pairing,
            # the options as to_dict() kept them (JSON): the years are ints or None
            year=data.get("year"),  # type: ignore[arg-type]
            from_year=data.get("from_year"),  # type: ignore[arg-type]  # as above
            as_of=dt.date.fromisoformat(str(as_of)) if as_of else None,
            style=str(data.get("style") or EXACT),
            person_rule=str(data.get("person_rule") or figures.PERSONS),
            user=user,
        )


def is_coordinating(pairing: Pairing) -> bool:
    return pairing.children.exists()


def window_of(pairing: Pairing, options: Options, *, to_year: int | None = None) -> Window:
    """A pairing's window: its start (or `from_year`) to the report year, as of the date;
    a coordinating pairing speaks for the pairings below it that the report's user sees."""
    return figures.window_for(
        pairing,
        as_of=options.as_of_date,
        from_year=options.from_year,
        to_year=to_year if to_year is not None else options.year,
        include_children=is_coordinating(pairing),
        user=options.user,
    )


def check(options: Options) -> None:
    if options.year and options.year > options.as_of_date.year:
        raise ReportError(
            _("年度 %(year)s 晚于截至日期 %(as_of)s")
            % {"year": options.year, "as_of": options.as_of_date.isoformat()}
        )
    if options.from_year and options.year and options.from_year > options.year:
        raise ReportError(_("起始年度不能晚于截止年度"))
    if options.style not in (EXACT, PUBLISHED):
        raise ReportError(_("未知的写法：%(style)s") % {"style": options.style})


def child_pairings(pairing: Pairing, user: access.Viewer) -> list[Pairing]:
    """The pairings below a coordinating one that get a part (a row) of their own in its
    report: those `user` sees (`ledger.access.figure_scope`), each the topmost seen of its
    branch — a direct child, or a pairing whose own parent the user does not see."""
    below = set(access.figure_scope(user, pairing)[1:])
    found = Pairing.objects.filter(pk__in=below).select_related(*PAIRING_RELATED).order_by("id")
    return [p for p in found if p.parent_id == pairing.pk or p.parent_id not in below]


def money_text(value: Decimal, style: str) -> str:
    return format_published_wan(value) if style == PUBLISHED else format_wan(value)


def yuan_text(value: Decimal) -> str:
    """An exact amount in prose: 26,907,178.00元."""
    return f"{value:,.2f}元"


def percent_text(rate: Decimal | None) -> str:
    return f"{rate}%" if rate is not None else "—"


def heading_meta(options: Options, window: Window) -> list[tuple[str, str]]:
    return [
        (_("结对关系"), str(options.pairing)),
        (_("统计范围"), window.describe()),
        (_("生成时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        (_("数据来源"), _("pairaid 台账记录逐笔汇总")),
    ]


def filename(options: Options, kind: str, suffix: str = "") -> str:
    pairing = options.pairing
    name = f"{pairing.helper_name}-{pairing.recipient_name}"
    return f"{name}-{suffix}{KINDS.get(kind, kind)}"


def date_cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- record lists (the records behind a figure) ---------------------------------------------


HELPER_RELATED = ("pairing__helper_region", "pairing__helper_organisation")


def flow_table(title: str, flows: QuerySet[FundFlow], sheet: str, unit: str = YUAN) -> Table:
    table = Table(
        title,
        [
            Column(_("编号"), COUNT),
            Column(_("日期"), DATE),
            Column(_("资金年度"), COUNT),
            Column(_("类型")),
            Column(_("来源")),
            Column(_("金额"), MONEY, unit),
            Column(_("凭证或文号")),
            Column(_("受援方确认")),
            Column(_("摘要")),
        ],
        sheet=sheet,
    )
    helpers = []
    for flow in flows.select_related(*HELPER_RELATED).order_by("date", "id"):
        helpers.append(flow.pairing.helper_name)
        table.add(
            flow.pk,
            flow.date,
            flow.fund_year,
            flow.get_kind_display(),
            flow.get_source_display(),
            flow.amount,
            flow.voucher,
            flow.get_confirmation_display(),
            flow.note,
        )
    return with_helpers(table, helpers)


def project_table(title: str, projects: QuerySet[Project], sheet: str) -> Table:
    table = Table(
        title,
        [
            Column(_("编号"), COUNT),
            Column(_("项目编号")),
            Column(_("项目名称")),
            Column(_("领域")),
            Column(_("状态")),
            Column(_("进度（%）"), COUNT),
            Column(_("开工日期"), DATE),
            Column(_("完工日期"), DATE),
        ],
        sheet=sheet,
    )
    helpers = []
    for project in projects.select_related(*HELPER_RELATED).order_by("pairing_id", "code"):
        helpers.append(project.pairing.helper_name)
        table.add(
            project.pk,
            project.code,
            project.name,
            project.get_sector_display(),
            project.get_status_display(),
            project.progress,
            project.start_date,
            project.end_date,
        )
    return with_helpers(table, helpers)


def posting_table(title: str, postings: QuerySet[Posting], sheet: str, day: dt.date) -> Table:
    """Postings with their status as of `day` (`Posting.status_on`)."""
    table = Table(
        title,
        [
            Column(_("编号"), COUNT),
            Column(_("姓名")),
            Column(_("类别")),
            Column(_("挂职（服务）单位")),
            Column(_("挂任职务")),
            Column(_("批次"), COUNT),
            Column(_("到岗日期"), DATE),
            Column(_("计划期满"), DATE),
            Column(_("状态")),
        ],
        sheet=sheet,
    )
    postings = postings.select_related("person", "host_organisation", *HELPER_RELATED)
    helpers = []
    for posting in postings.order_by("start_date", "id"):
        helpers.append(posting.pairing.helper_name)
        table.add(
            posting.pk,
            posting.person.name,
            posting.person.get_category_display(),
            str(posting.host_organisation or ""),
            posting.post,
            posting.batch,
            posting.start_date,
            posting.planned_end,
            posting.effective_status_display(day),
        )
    return with_helpers(table, helpers)


def with_helpers(table: Table, helpers: list[str]) -> Table:
    """Records of several pairings (a coordinating office's) say whose they are, after
    their number; records of one pairing need not."""
    if len(set(helpers)) > 1:
        table.columns.insert(1, Column(_("帮扶方")))
        for row, helper in zip(table.rows, helpers, strict=True):
            row.insert(1, helper)
    return table


# --- stages of money, the rules ---------------------------------------------------------


@dataclass
class FigureList:
    """The figures a report printed, for its 口径 table."""

    items: list[tuple[str, Figure]] = field(default_factory=list)

    def add(self, figure: Figure, label: str = "") -> Figure:
        self.items.append((label or figure.label, figure))
        return figure


UNALLOCATED, UNSPENT = "unallocated", "unspent"


def stage_table(
    title: str,
    first: str,
    rows: Iterable[tuple[str, dict[str, Figure]]],
    totals: dict[str, Figure],
    sheet: str,
    unit: str = WAN,
    balances: tuple[str, ...] = (),
) -> Table:
    """Rows of the four stages (one figure each), with 拨付率 and 使用率, and a total row
    made of the whole figures (the rows add up to them: same record sets, split).

    `balances` adds differences between stages: UNALLOCATED (transferred − allocated,
    meaningful by source, not by sector: transfers are not for a project) and UNSPENT
    (allocated − spent)."""
    columns = [Column(first)]
    columns += [Column(STAGE_LABELS[kind], MONEY, unit) for kind in breakdowns.STAGES]
    if UNALLOCATED in balances:
        columns.append(Column(_("未分配结余"), MONEY, unit))
    if UNSPENT in balances:
        columns.append(Column(_("已分配未支出"), MONEY, unit))
    columns += [Column(_("拨付率"), PERCENT), Column(_("使用率"), PERCENT)]
    table = Table(title, columns, sheet=sheet, has_total=True)

    def add(label: str, stage: dict[str, Figure]) -> None:
        values = [stage[kind].value for kind in breakdowns.STAGES]
        plan, transfer, allocate, spend = (Decimal(v) for v in values)
        row: list[Value] = [label, *values]
        if UNALLOCATED in balances:
            row.append(transfer - allocate)
        if UNSPENT in balances:
            row.append(allocate - spend)
        row += [figures.ratio(transfer, plan), figures.ratio(spend, allocate)]
        table.add(*row)

    for label, stage in rows:
        add(label, stage)
    add(_("合计"), totals)
    return table


def by_source_rows(window: Window) -> list[tuple[str, dict[str, Figure]]]:
    split = {kind: breakdowns.funds_by_source(window, kind) for kind in breakdowns.STAGES}
    return [
        (str(label), {kind: split[kind][source] for kind in breakdowns.STAGES})
        for source, label in FundFlow.Source.choices
    ]


def by_sector_rows(window: Window) -> list[tuple[str, dict[str, Figure]]]:
    split = {kind: breakdowns.funds_by_sector(window, kind) for kind in breakdowns.STAGES}
    keys = [*Project.Sector.values, breakdowns.NO_PROJECT]
    rows: list[tuple[str, dict[str, Figure]]] = []
    for key in keys:
        stage: dict[str, Figure] = {kind: split[kind][key] for kind in breakdowns.STAGES}
        if any(figure.value for figure in stage.values()):
            rows.append((stage[FundFlow.Kind.PLAN].label, stage))
    return rows


def rule_section(shown: FigureList, rates: list[Rate]) -> Section:
    section = Section(_("附：口径说明"))
    table = Table(
        _("主要数字的口径"),
        [
            Column(_("指标")),
            Column(_("数值")),
            Column(_("单位")),
            Column(_("口径")),
            Column(_("记录条数"), COUNT),
        ],
        sheet=_("口径"),
    )
    for label, figure in shown.items:
        table.add(label, figure.value, figure.unit, figure.rule, figure.records.count())
    for rate in rates:
        table.add(
            rate.label,
            rate.percent,
            "%",
            f"{rate.rule}（{rate.numerator.rule}）",
            rate.numerator.records.count(),
        )
    section.table(table)
    section.para(
        _("统计范围：%(window)s。每个数字都可在台账中追溯到所依据的记录。")
        % {"window": next(iter(shown.items))[1].window.describe() if shown.items else ""},
        "note",
    )
    return section

"""The one module of figures (DESIGN.md, "Counting rules (口径）").

Every figure the product shows — on a page, in a report, through the API, in a bulletin
check — is computed here, returned with its rule and its as-of date, and with the records
behind it (`Figure.records`) so that it can be drilled down and re-counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from pairaid.ledger import access
from pairaid.ledger.models import Confirmation, FundFlow, Pairing, Posting, Project
from pairaid.ledger.money import format_published_wan, format_wan
from pairaid.ledger.moneyfield import MoneySum

PERSONS = "persons"
POSTINGS = "postings"


@dataclass(frozen=True)
class Window:
    """Which pairings and which period a figure covers.

    Fund years run from `from_year` to `to_year`; nothing dated after `as_of` counts.
    """

    pairing_ids: tuple[int, ...]
    from_year: int
    to_year: int
    as_of: dt.date
    confirmed_only: bool = False

    @property
    def start(self) -> dt.date:
        return dt.date(self.from_year, 1, 1)

    @property
    def end(self) -> dt.date:
        return min(self.as_of, dt.date(self.to_year, 12, 31))

    def describe(self) -> str:
        scope = "仅已确认记录" if self.confirmed_only else "含待确认记录"
        return f"{self.from_year}—{self.to_year}年，截至{self.as_of.isoformat()}，{scope}"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: Decimal | int
    unit: str
    rule: str
    window: Window
    records: QuerySet = field(compare=False, repr=False)

    @property
    def as_of(self) -> dt.date:
        return self.window.as_of

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "label": self.label,
            "value": str(self.value) if isinstance(self.value, Decimal) else self.value,
            "unit": self.unit,
            "rule": self.rule,
            "as_of": self.as_of.isoformat(),
            "from_year": self.window.from_year,
            "to_year": self.window.to_year,
            "confirmed_only": self.window.confirmed_only,
        }


def window_for(
    pairing: Pairing,
    *,
    as_of: dt.date | None = None,
    from_year: int | None = None,
    to_year: int | None = None,
    include_children: bool = False,
    confirmed_only: bool = False,
    user: Any = None,
) -> Window:
    """The default window: the pairing's first year up to the as-of date (today).

    With `include_children`, the pairings below it — those `user` may see
    (`access.figure_scope`): a hidden child's records never count. `user=None` is the
    system (a command run by the operator), which sees every pairing."""
    as_of = as_of or timezone.localdate()
    return Window(
        pairing_ids=access.figure_scope(user, pairing, children=include_children),
        from_year=from_year if from_year is not None else pairing.valid_from.year,
        to_year=to_year if to_year is not None else as_of.year,
        as_of=as_of,
        confirmed_only=confirmed_only,
    )


# --- money ----------------------------------------------------------------------------------

KIND_LABELS = {
    FundFlow.Kind.PLAN: ("计划帮扶资金", "计划"),
    FundFlow.Kind.TRANSFER: ("累计投入各类帮扶资金", "拨付（交付）"),
    FundFlow.Kind.ALLOCATE: ("分配到项目资金", "分配到项目"),
    FundFlow.Kind.SPEND: ("项目支出资金", "项目支出"),
}


def fund_flows(window: Window, kind: str, sources: Sequence[str] | None = None) -> QuerySet:
    """The fund-ledger entries behind a money figure, reversals included (they are negative)."""
    flows = FundFlow.objects.filter(
        pairing_id__in=window.pairing_ids,
        kind=kind,
        fund_year__gte=window.from_year,
        fund_year__lte=window.to_year,
        date__lte=window.as_of,
    )
    if sources:
        flows = flows.filter(source__in=sources)
    if window.confirmed_only:
        flows = flows.filter(confirmation=Confirmation.CONFIRMED)
    return flows


def sum_amount(flows: QuerySet) -> Decimal:
    total = flows.aggregate(total=MoneySum("amount"))["total"]
    return Decimal(total).quantize(Decimal("0.01"))


def funds(
    window: Window,
    kind: str = FundFlow.Kind.TRANSFER,
    sources: Sequence[str] | None = None,
    *,
    value: Decimal | None = None,
) -> Figure:
    """A stage's money; `value`, when given, is the figure's value already summed from the
    same records for many pairings at once (`figure_sets.compute`)."""
    label, stage = KIND_LABELS[FundFlow.Kind(kind)]
    source_names = (
        "、".join(str(FundFlow.Source(s).label) for s in sources)
        if sources
        else "各类来源（财政援助资金、社会帮扶资金、捐物折价、其他）"
    )
    flows = fund_flows(window, kind, sources)
    if sources:  # a part of the total is named after its sources, never as the total
        label = f"{label.replace('各类', '')}（{source_names}）"
    return Figure(
        key=f"funds_{kind}" + "".join(f"_{source}" for source in sorted(sources or [])),
        label=label,
        value=sum_amount(flows) if value is None else value,
        unit="元",
        rule=(
            f"{stage}记录金额之和（冲销记录为负数），{source_names}，"
            f"资金年度{window.from_year}—{window.to_year}年，日期不晚于{window.as_of.isoformat()}；"
            "不含引导企业投资"
        ),
        window=window,
        records=flows,
    )


def funds_invested(window: Window) -> Figure:
    """资金投入: transfers of all sources."""
    return funds(window, FundFlow.Kind.TRANSFER)


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """A percentage with two places, half-up; None when there is nothing to divide by."""
    if not denominator:
        return None
    return (numerator * 100 / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    percent: Decimal | None
    numerator: Figure
    denominator: Figure
    rule: str


def transfer_rate(window: Window) -> Rate:
    """拨付率 = transferred / planned."""
    transferred = funds(window, FundFlow.Kind.TRANSFER)
    planned = funds(window, FundFlow.Kind.PLAN)
    return Rate(
        "transfer_rate",
        "拨付率",
        ratio(transferred.value, planned.value),
        transferred,
        planned,
        "拨付金额 ÷ 计划金额",
    )


def usage_rate(window: Window) -> Rate:
    """使用率 = spent / allocated."""
    spent = funds(window, FundFlow.Kind.SPEND)
    allocated = funds(window, FundFlow.Kind.ALLOCATE)
    return Rate(
        "usage_rate",
        "使用率",
        ratio(spent.value, allocated.value),
        spent,
        allocated,
        "项目支出金额 ÷ 分配到项目金额",
    )


# --- projects -------------------------------------------------------------------------------


def started_projects(window: Window) -> QuerySet:
    return Project.objects.filter(
        pairing_id__in=window.pairing_ids,
        status__in=Project.STARTED,
        start_date__gte=window.start,
        start_date__lte=window.end,
    )


def projects_implemented(window: Window, *, value: int | None = None) -> Figure:
    """实施项目: projects that have started (in progress or later), not cancelled."""
    projects = started_projects(window)
    return Figure(
        key="projects_implemented",
        label="实施帮扶项目",
        value=projects.count() if value is None else value,
        unit="个",
        rule=(
            f"已开工（实施中、已完工、已移交、运营中）且开工日期在{window.start.isoformat()}至"
            f"{window.end.isoformat()}之间的项目个数，不含计划、已立项未开工和已取消的项目"
        ),
        window=window,
        records=projects,
    )


# --- people ---------------------------------------------------------------------------------


def postings_in_window(window: Window, category: str | None = None) -> QuerySet:
    postings = Posting.objects.filter(
        pairing_id__in=window.pairing_ids,
        start_date__gte=window.start,
        start_date__lte=window.end,
    )
    if category:
        postings = postings.filter(person__category=category)
    if window.confirmed_only:
        postings = postings.filter(confirmation=Confirmation.CONFIRMED)
    return postings


CATEGORY_LABELS = {None: "干部人才", "cadre": "党政干部", "professional": "专业技术人才"}


def persons_dispatched(
    window: Window,
    rule: str = PERSONS,
    category: str | None = None,
    *,
    value: int | None = None,
) -> Figure:
    """选派干部人才: distinct persons (default) or postings (人次） that started in the window."""
    postings = postings_in_window(window, category)
    who = CATEGORY_LABELS[category]
    if rule == POSTINGS:
        value = postings.count() if value is None else value
        unit, counted = "人次", "选派人次（一人多次选派计多次）"
    elif rule == PERSONS:
        if value is None:
            value = postings.aggregate(n=Count("person", distinct=True))["n"]
        unit, counted = "人", "不重复人数（一人多次选派计一人）"
    else:
        raise ValueError(f"unknown rule {rule!r}")
    return Figure(
        key=f"persons_dispatched_{rule}" + (f"_{category}" if category else ""),
        label=f"选派{who}人次" if rule == POSTINGS else f"选派{who}",
        value=value,
        unit=unit,
        rule=(
            f"到岗日期在{window.start.isoformat()}至{window.end.isoformat()}之间的选派记录，"
            f"{counted}"
        ),
        window=window,
        records=postings,
    )


# --- the article's sentence -----------------------------------------------------------------


@dataclass(frozen=True)
class PairingSummary:
    pairing: Pairing
    funds: Figure
    projects: Figure
    persons: Figure

    def sentence(self, style: str = "exact") -> str:
        money = (
            format_published_wan(self.funds.value)
            if style == "published"
            else format_wan(self.funds.value)
        )
        return (
            f"{self.pairing.helper_name}累计投入各类帮扶资金{money}，"
            f"实施帮扶项目{self.projects.value}个，选派干部人才{self.persons.value}人"
        )

    def to_dict(self, style: str = "exact") -> dict[str, object]:
        return {
            "pairing": {
                "id": self.pairing.pk,
                "name": str(self.pairing),
                "helper": self.pairing.helper_name,
                "recipient": self.pairing.recipient_name,
                "scheme": self.pairing.scheme,
            },
            "as_of": self.funds.as_of.isoformat(),
            "sentence": self.sentence(style),
            "figures": [self.funds.to_dict(), self.projects.to_dict(), self.persons.to_dict()],
        }


def pairing_summary(
    pairing: Pairing, window: Window | None = None, person_rule: str = PERSONS
) -> PairingSummary:
    window = window or window_for(pairing)
    return PairingSummary(
        pairing=pairing,
        funds=funds_invested(window),
        projects=projects_implemented(window),
        persons=persons_dispatched(window, person_rule),
    )

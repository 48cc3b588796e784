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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pairaid.ledger import access, rollups, status_history, subtree_reads
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
    # The pairing whose whole tree `pairing_ids` is (every pairing below it): its figures may
    # read the subtree rollups (`subtree_rollups`); None for any other set of pairings.
    whole_tree_of: int | None = None

    @property
    def start(self) -> dt.date:
        return dt.date(self.from_year, 1, 1)

    @property
    def end(self) -> dt.date:
        return min(self.as_of, dt.date(self.to_year, 12, 31))

    def describe(self) -> str:
        """The window in words, in the active language (Chinese: the language of record)."""
        scope = _("仅已确认记录") if self.confirmed_only else _("含待确认记录")
        return _("%(from_year)s—%(to_year)s年，截至%(as_of)s，%(scope)s") % {
            "from_year": self.from_year,
            "to_year": self.to_year,
            "as_of": self.as_of.isoformat(),
            "scope": scope,
        }


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: Decimal | int
    unit: str
    rule: str
    window: Window
    records: QuerySet[Any] = field(compare=False, repr=False)

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
    pairing_ids, whole = access.figure_tree(user, pairing, children=include_children)
    return Window(
        pairing_ids=pairing_ids,
        from_year=from_year if from_year is not None else pairing.valid_from.year,
        to_year=to_year if to_year is not None else as_of.year,
        as_of=as_of,
        confirmed_only=confirmed_only,
        whole_tree_of=pairing.pk if whole else None,
    )


# --- money ----------------------------------------------------------------------------------

# Labels and rules are written once, here, in Chinese (the language of record) and wrapped
# for translation: each figure formats its rule's template with its own parameters (years,
# sources, stage, person rule, as-of date), so an English page reads the catalogue's
# translation of the rule actually applied.

# Each stage: (label of the figure of all sources, the stage in a rule, label of a part).
KIND_LABELS = {
    FundFlow.Kind.PLAN: (
        gettext_lazy("计划帮扶资金"),
        gettext_lazy("计划"),
        gettext_lazy("计划帮扶资金"),
    ),
    FundFlow.Kind.TRANSFER: (
        gettext_lazy("累计投入各类帮扶资金"),
        gettext_lazy("拨付（交付）"),
        gettext_lazy("累计投入帮扶资金"),  # a part is never "各类" (all sources)
    ),
    FundFlow.Kind.ALLOCATE: (
        gettext_lazy("分配到项目资金"),
        gettext_lazy("分配到项目"),
        gettext_lazy("分配到项目资金"),
    ),
    FundFlow.Kind.SPEND: (
        gettext_lazy("项目支出资金"),
        gettext_lazy("项目支出"),
        gettext_lazy("项目支出资金"),
    ),
}


def fund_flows(
    window: Window, kind: str, sources: Sequence[str] | None = None
) -> QuerySet[FundFlow]:
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


def total_funds(window: Window, kind: str, sources: Sequence[str] | None = None) -> Decimal:
    """The sum of `fund_flows(window, kind, sources)`, read through the rollup table (whole
    months) and the as-of month's records: the same value, in a time that hardly grows with
    the records."""
    if window.whole_tree_of is not None:
        return subtree_reads.money_of_tree(
            window.whole_tree_of,
            window.pairing_ids,
            kind=kind,
            from_year=window.from_year,
            to_year=window.to_year,
            as_of=window.as_of,
            sources=sources,
            confirmed_only=window.confirmed_only,
        )
    totals = rollups.money_by_pairing(
        window.pairing_ids,
        kind=kind,
        from_year=window.from_year,
        to_year=window.to_year,
        as_of=window.as_of,
        sources=sources,
        confirmed_only=window.confirmed_only,
    )
    return sum(totals.values(), Decimal("0.00"))


def sum_amount(flows: QuerySet[FundFlow]) -> Decimal:
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
    label, stage, part = KIND_LABELS[FundFlow.Kind(kind)]
    source_names = (
        _("、").join(str(FundFlow.Source(s).label) for s in sources)
        if sources
        else _("各类来源（财政援助资金、社会帮扶资金、捐物折价、其他）")
    )
    flows = fund_flows(window, kind, sources)
    heading = str(label)
    if sources:  # a part of the total is named after its sources, never as the total
        heading = _("%(label)s（%(sources)s）") % {"label": part, "sources": source_names}
    return Figure(
        key=f"funds_{kind}" + "".join(f"_{source}" for source in sorted(sources or [])),
        label=heading,
        value=total_funds(window, kind, sources) if value is None else value,
        unit="元",
        rule=_(
            "%(stage)s记录金额之和（冲销记录为负数），%(sources)s，资金年度%(from_year)s—%(to_year)s年，"
            "日期不晚于%(as_of)s；不含引导企业投资"
        )
        % {
            "stage": stage,
            "sources": source_names,
            "from_year": window.from_year,
            "to_year": window.to_year,
            "as_of": window.as_of.isoformat(),
        },
        window=window,
        records=flows,
    )


def funds_invested(window: Window) -> Figure:
    """资金投入: transfers of all sources."""
    return funds(window, FundFlow.Kind.TRANSFER)


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """A percentage with two places, half-up; None when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


RATE_TEXTS = {
    "transfer_rate": (gettext_lazy("拨付率"), gettext_lazy("拨付金额 ÷ 计划金额")),
    "usage_rate": (gettext_lazy("使用率"), gettext_lazy("项目支出金额 ÷ 分配到项目金额")),
    "task_completion": (
        gettext_lazy("清单完成率"),
        gettext_lazy("已完成事项 ÷ 清单事项（不含已撤销）"),
    ),
}


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    percent: Decimal | None
    numerator: Figure
    denominator: Figure
    rule: str


def rate(key: str, numerator: Figure, denominator: Figure) -> Rate:
    """拨付率 or 使用率 of two figures already computed."""
    label, rule = RATE_TEXTS[key]
    return Rate(
        key,
        str(label),
        ratio(numerator.value, denominator.value),
        numerator,
        denominator,
        str(rule),
    )


def transfer_rate(window: Window) -> Rate:
    """拨付率 = transferred / planned."""
    transferred = funds(window, FundFlow.Kind.TRANSFER)
    planned = funds(window, FundFlow.Kind.PLAN)
    label, rule = RATE_TEXTS["transfer_rate"]
    return Rate(
        "transfer_rate",
        str(label),
        ratio(transferred.value, planned.value),
        transferred,
        planned,
        str(rule),
    )


def usage_rate(window: Window) -> Rate:
    """使用率 = spent / allocated."""
    spent = funds(window, FundFlow.Kind.SPEND)
    allocated = funds(window, FundFlow.Kind.ALLOCATE)
    label, rule = RATE_TEXTS["usage_rate"]
    return Rate(
        "usage_rate",
        str(label),
        ratio(spent.value, allocated.value),
        spent,
        allocated,
        str(rule),
    )


# --- projects -------------------------------------------------------------------------------


def counts_past_statuses(window: Window) -> bool:
    """Whether the window ends before today, so that its projects count by their status on
    that day (`status_history`, annotated as `status_then`) and not by their present one,
    which is all the project rollups hold."""
    return window.end < timezone.localdate()


def started_projects(window: Window) -> QuerySet[Project]:
    """Projects started in the window; as of a past date, by their status on that date
    (`status_history`), so that a later cancellation does not rewrite a past figure."""
    projects = Project.objects.filter(
        pairing_id__in=window.pairing_ids,
        start_date__gte=window.start,
        start_date__lte=window.end,
    )
    if counts_past_statuses(window):
        return status_history.started_on(projects, window.end)
    return projects.filter(status__in=Project.STARTED)


def started_by_pairing(window: Window) -> dict[int, int]:
    """{pairing id: its projects started in the window}: `started_projects(window)` counted
    per pairing in one query; as of today or later through the project rollup table."""
    if counts_past_statuses(window):
        projects = started_projects(window).order_by().values("pairing_id")
        return {row["pairing_id"]: row["n"] for row in projects.annotate(n=Count("pk"))}
    return rollups.started_by_pairing(window.pairing_ids, start=window.start, end=window.end)


def projects_implemented(window: Window, *, value: int | None = None) -> Figure:
    """实施项目: projects that have started (in progress or later), not cancelled."""
    projects = started_projects(window)
    if value is None and window.whole_tree_of is not None and window.end >= timezone.localdate():
        value = subtree_reads.started_in_tree(
            window.whole_tree_of, window.pairing_ids, start=window.start, end=window.end
        )
    if value is None:
        value = sum(started_by_pairing(window).values())
    return Figure(
        key="projects_implemented",
        label=_("实施帮扶项目"),
        value=value,
        unit="个",
        rule=_(
            "已开工（实施中、已完工、已移交、运营中）且开工日期在%(start)s至%(end)s之间的项目个数，"
            "不含计划、已立项未开工和已取消的项目"
        )
        % {"start": window.start.isoformat(), "end": window.end.isoformat()},
        window=window,
        records=projects,
    )


# --- people ---------------------------------------------------------------------------------


def postings_in_window(window: Window, category: str | None = None) -> QuerySet[Posting]:
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


def persons_in_tree(window: Window) -> int | None:
    """The distinct persons of a whole tree's window from `SubtreePerson`, when its rows
    answer it exactly (`subtree_reads.persons_in_tree`); None otherwise."""
    if window.whole_tree_of is None:
        return None
    return subtree_reads.persons_in_tree(window.whole_tree_of, start=window.start, end=window.end)


# Persons (人) and postings (人次) are told apart by their labels wherever both show.
PERSON_LABELS = {
    None: gettext_lazy("选派干部人才"),
    "cadre": gettext_lazy("选派党政干部"),
    "professional": gettext_lazy("选派专业技术人才"),
}
POSTING_LABELS = {
    None: gettext_lazy("选派干部人才人次"),
    "cadre": gettext_lazy("选派党政干部人次"),
    "professional": gettext_lazy("选派专业技术人才人次"),
}


def persons_dispatched(
    window: Window,
    rule: str = PERSONS,
    category: str | None = None,
    *,
    value: int | None = None,
) -> Figure:
    """选派干部人才: distinct persons (default) or postings (人次） that started in the window."""
    postings = postings_in_window(window, category)
    if rule == POSTINGS:
        value = postings.count() if value is None else value
        unit, counted, label = "人次", _("选派人次（一人多次选派计多次）"), POSTING_LABELS[category]
    elif rule == PERSONS:
        if value is None and category is None and not window.confirmed_only:
            value = persons_in_tree(window)
        if value is None:
            value = postings.aggregate(n=Count("person", distinct=True))["n"]
        unit, counted, label = "人", _("不重复人数（一人多次选派计一人）"), PERSON_LABELS[category]
    else:
        raise ValueError(f"unknown rule {rule!r}")
    return Figure(
        key=f"persons_dispatched_{rule}" + (f"_{category}" if category else ""),
        label=str(label),
        value=value,
        unit=unit,
        rule=_("到岗日期在%(start)s至%(end)s之间的选派记录，%(counted)s")
        % {
            "start": window.start.isoformat(),
            "end": window.end.isoformat(),
            "counted": counted,
        },
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
            format_published_wan(Decimal(self.funds.value))
            if style == "published"
            else format_wan(Decimal(self.funds.value))
        )
        return (
            f"{self.pairing.helper_name}累计投入各类帮扶资金{money}，"
            f"实施帮扶项目{self.projects.value}个，"
            # 人 for distinct persons, 人次 when postings are counted (the figure's own unit)
            f"选派干部人才{self.persons.value}{self.persons.unit}"
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

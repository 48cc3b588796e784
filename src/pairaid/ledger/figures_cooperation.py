"""Figures of consumption assistance (消费帮扶) and industrial cooperation (产业合作).

Each figure is made from its records for one window (`Figure.records` sums or counts to its
value) and, for many pairings at once, from one query grouped by pairing (the `*_by_pairing`
functions, `figure_specs.FIGURES[...].additive`).

- 消费帮扶 counts purchases (采购) and helped sales (帮助销售) dated in the window; the total
  adds both directions, and the two parts are always shown beside it.
- 共建产业园区 counts the parks whose joint building began in the window.
- Enterprise investment (引导落地企业) is counted by the investment's year (年度) in the
  window and its date up to the as-of day, like the fund years of assistance funds, and never
  summed with them: arrived investment (实际到位), agreed investment (协议投资), and the
  enterprises that invested (each enterprise once per pairing: one that landed in two
  recipient counties counts in each).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pairaid.ledger.figures import Figure, Window
from pairaid.ledger.models import ConsumptionRecord, GuidedInvestment, IndustrialPark
from pairaid.ledger.money import CENT
from pairaid.ledger.moneyfield import MoneySum

Direction = ConsumptionRecord.Direction

# The consumption figures: key → (direction or None for both, label).
CONSUMPTION = {
    "consumption_total": (None, gettext_lazy("消费帮扶金额")),
    "consumption_purchased": (Direction.PURCHASED, gettext_lazy("其中采购")),
    "consumption_sold_helped": (Direction.SOLD_HELPED, gettext_lazy("其中帮助销售")),
}
CONSUMPTION_KEY: dict[str | None, str] = {
    direction: key for key, (direction, _label) in CONSUMPTION.items()
}


def total_of(records: QuerySet[Any], field: str = "amount") -> Decimal:
    return Decimal(records.aggregate(total=MoneySum(field))["total"]).quantize(CENT)


def sums_by_pairing(records: QuerySet[Any], field: str = "amount") -> dict[int, Decimal]:
    rows = records.order_by().values("pairing_id").annotate(total=MoneySum(field))
    return {row["pairing_id"]: Decimal(row["total"]).quantize(CENT) for row in rows}


def counts_by_pairing(
    records: QuerySet[Any], what: str = "pk", distinct: bool = False
) -> dict[int, int]:
    rows = records.order_by().values("pairing_id").annotate(n=Count(what, distinct=distinct))
    return {row["pairing_id"]: row["n"] for row in rows}


def in_period(window: Window) -> dict[str, str]:
    return {"start": window.start.isoformat(), "end": window.end.isoformat()}


# --- consumption assistance ---------------------------------------------------------------


def consumption_records(
    window: Window, direction: str | None = None
) -> QuerySet[ConsumptionRecord]:
    records = ConsumptionRecord.objects.filter(
        pairing_id__in=window.pairing_ids, date__gte=window.start, date__lte=window.end
    )
    return records.filter(direction=direction) if direction else records


def consumption(window: Window, direction: str | None = None, *, value: Any = None) -> Figure:
    """消费帮扶: purchases and helped sales added (`direction` None), or one of the two."""
    key = CONSUMPTION_KEY[direction]
    records = consumption_records(window, direction)
    if direction is None:
        rule = _(
            "消费帮扶记录金额之和，采购与帮助销售两项相加，日期在%(start)s至%(end)s之间；"
            "不计入帮扶资金"
        )
    else:
        rule = _("消费帮扶记录中方式为“%(direction)s”的金额之和，日期在%(start)s至%(end)s之间")
    return Figure(
        key=key,
        label=str(CONSUMPTION[key][1]),
        value=total_of(records) if value is None else value,
        unit="元",
        rule=rule
        % {"direction": Direction(direction).label if direction else "", **in_period(window)},
        window=window,
        records=records,
    )


def consumption_by_pairing(direction: str | None) -> Callable[[Window], dict[int, Decimal]]:
    return lambda window: sums_by_pairing(consumption_records(window, direction))


# --- industrial parks ---------------------------------------------------------------------


def park_records(window: Window) -> QuerySet[IndustrialPark]:
    return IndustrialPark.objects.filter(
        pairing_id__in=window.pairing_ids,
        established__gte=window.start,
        established__lte=window.end,
    )


def parks(window: Window, *, value: Any = None) -> Figure:
    records = park_records(window)
    return Figure(
        key="parks",
        label=_("共建产业园区"),
        value=records.count() if value is None else value,
        unit="个",
        rule=_("共建日期在%(start)s至%(end)s之间的共建产业园区个数") % in_period(window),
        window=window,
        records=records,
    )


def parks_by_pairing(window: Window) -> dict[int, int]:
    return counts_by_pairing(park_records(window))


# --- enterprises and their investment -----------------------------------------------------


def investment_records(window: Window) -> QuerySet[GuidedInvestment]:
    """Investment of the window's years (年度), dated up to the as-of day."""
    return GuidedInvestment.objects.filter(
        pairing_id__in=window.pairing_ids,
        year__gte=window.from_year,
        year__lte=window.to_year,
        date__lte=window.as_of,
    )


def years(window: Window) -> dict[str, str]:
    return {
        "from_year": str(window.from_year),
        "to_year": str(window.to_year),
        "as_of": window.as_of.isoformat(),
    }


def investment_arrived(window: Window, *, value: Any = None) -> Figure:
    """实际到位投资: recorded apart from assistance funds and never summed into them."""
    records = investment_records(window)
    return Figure(
        key="investment_arrived",
        label=_("引导企业实际到位投资"),
        value=total_of(records) if value is None else value,
        unit="元",
        rule=_(
            "引导落地企业记录的实际到位投资之和，年度%(from_year)s—%(to_year)s年，"
            "日期不晚于%(as_of)s；不计入帮扶资金"
        )
        % years(window),
        window=window,
        records=records,
    )


def investment_agreed(window: Window, *, value: Any = None) -> Figure:
    records = investment_records(window).filter(agreed_amount__isnull=False)
    return Figure(
        key="investment_agreed",
        label=_("引导企业协议投资"),
        value=total_of(records, "agreed_amount") if value is None else value,
        unit="元",
        rule=_(
            "引导落地企业记录的协议投资之和（未填写协议投资的不计），年度%(from_year)s—"
            "%(to_year)s年，日期不晚于%(as_of)s；不计入帮扶资金"
        )
        % years(window),
        window=window,
        records=records,
    )


def enterprises_landed(window: Window, *, value: Any = None) -> Figure:
    records = investment_records(window)
    if value is None:
        value = sum(counts_by_pairing(records, "enterprise", distinct=True).values())
    return Figure(
        key="enterprises_landed",
        label=_("引导落地企业"),
        value=value,
        unit="家",
        rule=_(
            "年度%(from_year)s—%(to_year)s年、日期不晚于%(as_of)s有到位投资的企业，"
            "每个结对关系内按企业名称不重复计数"
        )
        % years(window),
        window=window,
        records=records,
    )


def investment_by_pairing(field: str) -> Callable[[Window], dict[int, Decimal]]:
    def sums(window: Window) -> dict[int, Decimal]:
        records = investment_records(window)
        if field != "amount":
            records = records.filter(**{f"{field}__isnull": False})
        return sums_by_pairing(records, field)

    return sums


def enterprises_by_pairing(window: Window) -> dict[int, int]:
    return counts_by_pairing(investment_records(window), "enterprise", distinct=True)

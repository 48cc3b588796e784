"""The figures of what projects leave behind (资产管护) and of the people projects reach.

Assets formed and handed over are flows (dated in the window, like money); assets in use and
assets that need attention are a stock: every asset formed by the window's last day, read in
the state of its latest yearly check up to that day's year (one correlated subquery per
asset over the unique index on asset and year, so that a count for many pairings stays one
grouped query). Beneficiaries are the people the window's implemented projects
(`figures.started_projects`) say they reach.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from pairaid.ledger import figures
from pairaid.ledger.figures import Figure, Window
from pairaid.ledger.models import Asset, AssetCheck
from pairaid.ledger.money import CENT
from pairaid.ledger.moneyfield import MoneySum

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# An asset formed this many days before the day looked at and still not handed over needs
# attention: hand-over (移交) usually follows completion within a few months, so half a year
# without one means it has been forgotten rather than that it is under way.
HANDOVER_GRACE_DAYS = 180

IN_USE, IDLE, DAMAGED, DISPOSED = (
    AssetCheck.State.IN_USE,
    AssetCheck.State.IDLE,
    AssetCheck.State.DAMAGED,
    AssetCheck.State.DISPOSED,
)


def _span(window: Window) -> dict[str, str]:
    return {"start": window.start.isoformat(), "end": window.end.isoformat()}


def _money(total: Decimal | None) -> Decimal:
    return Decimal(total or 0).quantize(CENT)


def money_by_pairing(records: QuerySet[Any], field: str) -> dict[int, Decimal]:
    """{pairing id: the sum of a money field of `records`}, one grouped query."""
    rows = records.order_by().values("pairing_id").annotate(total=MoneySum(field))
    return {row["pairing_id"]: _money(row["total"]) for row in rows}


def total_by_pairing(records: QuerySet[Any], field: str) -> dict[int, int]:
    """{pairing id: the sum of an integer field of `records`}, one grouped query."""
    total = Coalesce(Sum(field), Value(0), output_field=IntegerField())
    rows = records.order_by().values("pairing_id").annotate(total=total)
    return {row["pairing_id"]: row["total"] for row in rows}


# --- the records behind the figures --------------------------------------------------------


def formed(window: Window) -> QuerySet[Asset]:
    """Assets of the window's pairings formed in the window."""
    return Asset.objects.filter(
        pairing_id__in=window.pairing_ids, formed_on__gte=window.start, formed_on__lte=window.end
    )


def handed_over(window: Window) -> QuerySet[Asset]:
    """Assets of the window's pairings handed over in the window."""
    return Asset.objects.filter(
        pairing_id__in=window.pairing_ids,
        handed_over_on__gte=window.start,
        handed_over_on__lte=window.end,
    )


class LatestState(TypedDict):
    """What `with_latest_state` annotates: for type checks."""

    latest_state: Any  # (as django-stubs types an annotation)


def with_latest_state(
    assets: QuerySet[Asset], year: int
) -> QuerySet[WithAnnotations[Asset, LatestState]]:
    """`assets` annotated with `latest_state`: the state of each one's latest yearly check
    of `year` or before (NULL: none yet)."""
    latest = AssetCheck.objects.filter(asset=OuterRef("pk"), year__lte=year).order_by("-year")
    return assets.annotate(latest_state=Subquery(latest.values("state")[:1]))


def held(window: Window) -> QuerySet[WithAnnotations[Asset, LatestState]]:
    """Every asset of the window's pairings formed by the window's last day, whenever (a
    stock, not a flow), with its latest state up to that day's year."""
    assets = Asset.objects.filter(pairing_id__in=window.pairing_ids, formed_on__lte=window.end)
    return with_latest_state(assets, window.end.year)


def in_use(window: Window) -> QuerySet[Asset]:
    return held(window).filter(latest_state=IN_USE)


def handover_due(day: dt.date) -> dt.date:
    """Assets formed before this day and not handed over by `day` are overdue."""
    return day - dt.timedelta(days=HANDOVER_GRACE_DAYS)


def needing_attention(window: Window) -> QuerySet[Asset]:
    """Assets idle or damaged in their latest check, or formed more than the grace period
    before the window's last day and not handed over by then (unless disposed of)."""
    day = window.end
    not_handed_over = Q(handed_over_on__isnull=True) | Q(handed_over_on__gt=day)
    not_disposed = Q(latest_state__isnull=True) | Q(latest_state__in=[IN_USE, IDLE, DAMAGED])
    forgotten = Q(formed_on__lt=handover_due(day)) & not_handed_over & not_disposed
    return held(window).filter(Q(latest_state__in=[IDLE, DAMAGED]) | forgotten)


def checks_in(window: Window) -> QuerySet[AssetCheck]:
    """Yearly checks of the window's pairings for the window's years up to its last day's."""
    return AssetCheck.objects.filter(
        pairing_id__in=window.pairing_ids,
        year__gte=window.from_year,
        year__lte=window.end.year,
    )


# --- the figures ---------------------------------------------------------------------------


def _figure(
    key: str,
    label: str,
    value: Decimal | int,
    unit: str,
    rule: str,
    window: Window,
    records: QuerySet[Any],
) -> Figure:
    return Figure(
        key=key, label=label, value=value, unit=unit, rule=rule, window=window, records=records
    )


def assets_formed(window: Window, *, value: Decimal | None = None) -> Figure:
    records = formed(window)
    return _figure(
        "assets_formed",
        _("形成项目资产"),
        _money(records.aggregate(t=MoneySum("value"))["t"]) if value is None else value,
        "元",
        _("形成日期在%(start)s至%(end)s之间的帮扶项目资产价值（形成时的价值）之和") % _span(window),
        window,
        records,
    )


def assets_formed_count(window: Window, *, value: int | None = None) -> Figure:
    records = formed(window)
    return _figure(
        "assets_formed_count",
        _("形成项目资产个数"),
        records.count() if value is None else value,
        "个",
        _("形成日期在%(start)s至%(end)s之间的帮扶项目资产个数") % _span(window),
        window,
        records,
    )


def assets_handed_over(window: Window, *, value: Decimal | None = None) -> Figure:
    records = handed_over(window)
    return _figure(
        "assets_handed_over",
        _("移交项目资产"),
        _money(records.aggregate(t=MoneySum("value"))["t"]) if value is None else value,
        "元",
        _("移交日期在%(start)s至%(end)s之间的帮扶项目资产价值（形成时的价值）之和") % _span(window),
        window,
        records,
    )


def assets_in_use(window: Window, *, value: int | None = None) -> Figure:
    records = in_use(window)
    return _figure(
        "assets_in_use",
        _("在用项目资产"),
        records.count() if value is None else value,
        "个",
        _(
            "截至%(end)s已形成的帮扶项目资产中，%(year)s年及以前最近一次年度状态为“在用”的资产个数"
            "（尚无年度状态的不计）"
        )
        % {"end": window.end.isoformat(), "year": window.end.year},
        window,
        records,
    )


def assets_attention(window: Window, *, value: int | None = None) -> Figure:
    records = needing_attention(window)
    return _figure(
        "assets_attention",
        _("需关注的项目资产（闲置、损毁或未移交）"),
        records.count() if value is None else value,
        "个",
        _(
            "截至%(end)s已形成的帮扶项目资产中，%(year)s年及以前最近一次年度状态为闲置或损毁的，"
            "或形成日期早于%(due)s（形成超过%(days)s天）而截至%(end)s仍未移交的（已处置的除外）"
            "资产个数"
        )
        % {
            "end": window.end.isoformat(),
            "year": window.end.year,
            "due": handover_due(window.end).isoformat(),
            "days": HANDOVER_GRACE_DAYS,
        },
        window,
        records,
    )


def asset_income(window: Window, *, value: Decimal | None = None) -> Figure:
    records = checks_in(window)
    return _figure(
        "asset_income",
        _("项目资产收益"),
        _money(records.aggregate(t=MoneySum("income"))["t"]) if value is None else value,
        "元",
        _("%(from_year)s—%(to_year)s年度资产年度状态记录的当年收益之和")
        % {"from_year": window.from_year, "to_year": window.end.year},
        window,
        records,
    )


BENEFICIARY_FIELDS = {"人": "beneficiary_persons", "户": "beneficiary_households"}


def beneficiaries(window: Window, unit: str = "人", *, value: int | None = None) -> Figure:
    """受益群众: the people (人) or households (户) the window's implemented projects say they
    reach, project by project."""
    field = BENEFICIARY_FIELDS[unit]
    records = figures.started_projects(window)
    if value is None:
        value = records.aggregate(t=Coalesce(Sum(field), Value(0)))["t"]
    label = _("项目受益人数") if unit == "人" else _("项目受益户数")
    rule = _(
        "已开工（实施中、已完工、已移交、运营中）且开工日期在%(start)s至%(end)s之间的项目所填"
        "%(what)s之和；受益于多个项目的群众按项目分别计入，不去重"
    ) % {**_span(window), "what": _("受益人数") if unit == "人" else _("受益户数")}
    key = "beneficiaries" if unit == "人" else "beneficiary_households"
    return _figure(key, label, value, unit, rule, window, records)

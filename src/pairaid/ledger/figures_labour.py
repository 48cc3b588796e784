"""The figures of labour cooperation (劳务协作): persons helped into work (of whom 脱贫劳动力,
in stable work, by destination), training (人次, certificates), assistance workshops and their
jobs, vocational-school students.

Each figure is a `figures.Figure` with its rule and the records behind it; each has an
`additive` twin (`*_by_pairing`: one query grouped by pairing for every pairing of a window)
that `figure_specs.FIGURES` declares, so `figure_sets.compute` counts many pairings at once.

Placements and workshops are witnessed by the recipient side: a confirmed-only window counts
only those it confirmed, as money figures do; training and enrolments have no confirmation.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pairaid.ledger.figures import Figure, Window
from pairaid.ledger.models import (
    Confirmation,
    Placement,
    TrainingSession,
    VocationalEnrolment,
    Workshop,
)


def total(records: QuerySet[Any], field: str) -> int:
    return int(records.aggregate(n=Coalesce(Sum(field), 0))["n"])


def by_pairing(records: QuerySet[Any], field: str) -> dict[int, int]:
    """{pairing id: the sum of `field`}, in one grouped query."""
    rows = records.order_by().values("pairing_id").annotate(n=Sum(field))
    return {row["pairing_id"]: int(row["n"] or 0) for row in rows}


def witnessed(window: Window) -> str:
    """What a confirmed-only window leaves out, in a rule."""
    if window.confirmed_only:
        return _("仅计受援方已确认的记录")
    return _("含受援方待确认和有异议的记录")


def span(window: Window) -> dict[str, str]:
    return {"start": window.start.isoformat(), "end": window.end.isoformat()}


def _figure(
    key: str, label: str, unit: str, rule: str, window: Window, records: QuerySet[Any], value: int
) -> Figure:
    return Figure(
        key=key, label=label, value=value, unit=unit, rule=rule, window=window, records=records
    )


# --- placements ---------------------------------------------------------------------------

STABLE = "stable"
# The parts of persons_placed, by the suffix of their keys: stable work, each destination.
PARTS = (STABLE, *Placement.Destination.values)
PLACED_LABELS = {
    "": gettext_lazy("帮助就业"),
    STABLE: gettext_lazy("稳定就业"),
    Placement.Destination.HELPER: gettext_lazy("到帮扶方地区就业"),
    Placement.Destination.IN_PROVINCE: gettext_lazy("省内就近就业"),
    Placement.Destination.ELSEWHERE: gettext_lazy("到其他地区就业"),
}


def placements(window: Window, part: str = "") -> QuerySet[Placement]:
    """The placements dated in the window (confirmed ones only, in a confirmed-only one):
    all, those in stable work (`STABLE`) or those of one destination."""
    records = Placement.objects.filter(
        pairing_id__in=window.pairing_ids, date__gte=window.start, date__lte=window.end
    )
    if window.confirmed_only:
        records = records.filter(confirmation=Confirmation.CONFIRMED)
    if part == STABLE:
        return records.filter(stable_months__gte=settings.PAIRAID_STABLE_JOB_MONTHS)
    if part:
        return records.filter(destination=part)
    return records


def placed_key(part: str = "", poor: bool = False) -> str:
    return "persons_placed" + (f"_{part}" if part else "") + ("_poor" if poor else "")


def persons_placed(
    window: Window, part: str = "", *, poor: bool = False, value: int | None = None
) -> Figure:
    """帮助就业 (persons helped into work): the sum of the placements' persons (with `poor`,
    of their 脱贫劳动力); `part` narrows to stable work or one destination."""
    records = placements(window, part)
    if part == STABLE:
        which = _("最近一次回访时已连续在岗满%(months)s个月（稳定就业）的") % {
            "months": settings.PAIRAID_STABLE_JOB_MONTHS
        }
    elif part:
        which = _("就业去向为“%(destination)s”的") % {
            "destination": Placement.Destination(part).label
        }
    else:
        which = ""
    label = str(PLACED_LABELS[part])
    if poor:
        label = _("%(label)s（其中脱贫劳动力）") % {"label": label}
    return _figure(
        placed_key(part, poor),
        label,
        "人",
        _("就业日期在%(start)s至%(end)s之间的%(which)s劳务协作就业记录的%(counted)s之和，%(scope)s")
        % {
            **span(window),
            "which": which,
            "counted": _("其中脱贫劳动力人数") if poor else _("就业人数"),
            "scope": witnessed(window),
        },
        window,
        records,
        total(records, "poor_persons" if poor else "persons") if value is None else value,
    )


def persons_placed_by_pairing(window: Window, part: str = "", poor: bool = False) -> dict[int, Any]:
    return by_pairing(placements(window, part), "poor_persons" if poor else "persons")


# --- training -----------------------------------------------------------------------------


def trainings(window: Window) -> QuerySet[TrainingSession]:
    """Training sessions that began in the window (training has no confirmation)."""
    return TrainingSession.objects.filter(
        pairing_id__in=window.pairing_ids, start_date__gte=window.start, start_date__lte=window.end
    )


TRAINING_FIGURES = {
    # key: (summed field, label, unit, what is summed)
    "trained": ("attendance", gettext_lazy("培训"), "人次", gettext_lazy("培训人次")),
    "trained_poor": (
        "poor_attendance",
        gettext_lazy("培训脱贫劳动力"),
        "人次",
        gettext_lazy("其中脱贫劳动力人次"),
    ),
    "certificates": (
        "certificates",
        gettext_lazy("培训取得证书"),
        "人",
        gettext_lazy("取得证书人数"),
    ),
}


def training(window: Window, key: str = "trained", *, value: int | None = None) -> Figure:
    """培训 in 人次 (one person at two sessions counts twice), of whom 脱贫劳动力, and the
    certificates obtained."""
    field, label, unit, counted = TRAINING_FIGURES[key]
    records = trainings(window)
    return _figure(
        key,
        str(label),
        unit,
        _("开始日期在%(start)s至%(end)s之间的培训的%(counted)s之和（一人参加多期计多人次）")
        % {**span(window), "counted": counted},
        window,
        records,
        total(records, field) if value is None else value,
    )


def training_by_pairing(window: Window, key: str) -> dict[int, Any]:
    return by_pairing(trainings(window), TRAINING_FIGURES[key][0])


# --- workshops ----------------------------------------------------------------------------


def operating_workshops(window: Window) -> QuerySet[Workshop]:
    """Workshops built by the window's end that are operating (their state now: a workshop's
    jobs and state are kept current, not dated), witnessed ones only in a confirmed-only
    window. A stock, not a flow: a workshop built before the window still counts."""
    records = Workshop.objects.filter(
        pairing_id__in=window.pairing_ids,
        established__lte=window.end,
        status=Workshop.Status.OPERATING,
    )
    if window.confirmed_only:
        records = records.filter(confirmation=Confirmation.CONFIRMED)
    return records


WORKSHOP_FIGURES = {
    # key: (summed field or "" to count, label, unit, what is counted)
    "workshops": ("", gettext_lazy("运营中的帮扶车间"), "个", gettext_lazy("个数")),
    "workshop_jobs": (
        "jobs",
        gettext_lazy("帮扶车间吸纳就业"),
        "人",
        gettext_lazy("吸纳就业人数之和"),
    ),
    "workshop_jobs_poor": (
        "poor_jobs",
        gettext_lazy("帮扶车间吸纳脱贫劳动力就业"),
        "人",
        gettext_lazy("其中脱贫劳动力人数之和"),
    ),
}


def workshops(window: Window, key: str = "workshops", *, value: int | None = None) -> Figure:
    field, label, unit, counted = WORKSHOP_FIGURES[key]
    records = operating_workshops(window)
    if value is None:
        value = total(records, field) if field else records.count()
    return _figure(
        key,
        str(label),
        unit,
        _("建成日期不晚于%(end)s、当前状态为运营中的帮扶车间的%(counted)s，%(scope)s")
        % {"end": window.end.isoformat(), "counted": counted, "scope": witnessed(window)},
        window,
        records,
        value,
    )


def workshops_by_pairing(window: Window, key: str) -> dict[int, Any]:
    field = WORKSHOP_FIGURES[key][0]
    records = operating_workshops(window)
    if not field:
        rows = records.order_by().values("pairing_id").annotate(n=Count("pk"))
        return {row["pairing_id"]: row["n"] for row in rows}
    return by_pairing(records, field)


# --- vocational schools -------------------------------------------------------------------


def enrolments(window: Window) -> QuerySet[VocationalEnrolment]:
    """Enrolments of the window's years, up to the year of its end (as-of date)."""
    return VocationalEnrolment.objects.filter(
        pairing_id__in=window.pairing_ids,
        year__gte=window.from_year,
        year__lte=min(window.to_year, window.end.year),
    )


def vocational_students(window: Window, *, value: int | None = None) -> Figure:
    records = enrolments(window)
    last = min(window.to_year, window.end.year)
    return _figure(
        "vocational_students",
        _("职业院校招生"),
        "人",
        _("招生年度在%(from_year)s—%(to_year)s年的职业院校招生记录的招生人数之和")
        % {"from_year": window.from_year, "to_year": last},
        window,
        records,
        total(records, "students") if value is None else value,
    )


def vocational_by_pairing(window: Window) -> dict[int, Any]:
    return by_pairing(enrolments(window), "students")

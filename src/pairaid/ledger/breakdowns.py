"""Breakdowns of the figures: by source, sector, status, profession and year, and the
records that reports and dashboards list beside them (overdue obligations and tasks,
targets against actuals, unconfirmed transfers).

This is the second half of the figures layer: every function here starts from
`figures.fund_flows`, `figures.started_projects` or `figures.postings_in_window` (or, for
records figures.py does not count — agreements, obligations, tasks, targets — from the
window's pairings and dates) and returns `figures.Figure`s with their rule and the records
behind them, so that a breakdown always adds up to the figure it breaks down. Pages,
reports and the API lay them out; none of them counts by itself.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from pairaid.ledger import figures, status_history
from pairaid.ledger.figures import Figure, Rate, Window
from pairaid.ledger.messages import FIRST_YEAR
from pairaid.ledger.models import (
    Agreement,
    FundFlow,
    Obligation,
    Organisation,
    Person,
    Posting,
    ProgressUpdate,
    Project,
    Task,
    Team,
    WorkStatus,
)
from pairaid.ledger.money import CENT, ZERO
from pairaid.ledger.moneyfield import MoneySum

STAGES = (
    FundFlow.Kind.PLAN,
    FundFlow.Kind.TRANSFER,
    FundFlow.Kind.ALLOCATE,
    FundFlow.Kind.SPEND,
)
NO_PROJECT = "none"
NO_PROJECT_LABEL = "未关联项目"
OPEN_WORK = (WorkStatus.OPEN, WorkStatus.IN_PROGRESS)
EARLIEST_YEAR = FIRST_YEAR  # the fund-year validator's lower bound


def count_figure(
    key: str,
    label: str,
    records: QuerySet[Any],
    rule: str,
    window: Window,
    unit: str = "个",
    value: int | None = None,
) -> Figure:
    return Figure(
        key=key,
        label=label,
        value=records.count() if value is None else value,
        unit=unit,
        rule=rule,
        window=window,
        records=records,
    )


def span(window: Window) -> dict[str, str]:
    """The window's first and last day, as a rule's %(start)s and %(end)s."""
    return {"start": window.start.isoformat(), "end": window.end.isoformat()}


def money_figure(key: str, label: str, flows: QuerySet[Any], rule: str, window: Window) -> Figure:
    return Figure(
        key=key,
        label=label,
        value=figures.sum_amount(flows),
        unit="元",
        rule=rule,
        window=window,
        records=flows,
    )


# --- money by stage, source and sector ----------------------------------------------------


def stages(window: Window) -> dict[str, Figure]:
    """Planned, transferred, allocated and spent: four separate figures, never mixed."""
    return {kind: figures.funds(window, kind) for kind in STAGES}


def funds_by_source(window: Window, kind: str) -> dict[str, Figure]:
    """One stage split by source; the parts add up to `figures.funds(window, kind)`."""
    return {
        source: figures.funds(window, kind, sources=[source]) for source in FundFlow.Source.values
    }


def funds_by_sector(window: Window, kind: str) -> dict[str, Figure]:
    """One stage split by the sector of the project the money is for; entries with no
    project (plans and transfers are usually for the whole pairing) are kept apart."""
    flows = figures.fund_flows(window, kind)
    stage = str(figures.KIND_LABELS[FundFlow.Kind(kind)][1])
    result: dict[str, Figure] = {}
    for sector, label in Project.Sector.choices:
        result[sector] = money_figure(
            f"funds_{kind}_sector_{sector}",
            str(label),
            flows.filter(project__sector=sector),
            _("%(stage)s记录中项目领域为“%(sector)s”的金额之和（冲销为负数），%(window)s")
            % {"stage": stage, "sector": label, "window": window.describe()},
            window,
        )
    result[NO_PROJECT] = money_figure(
        f"funds_{kind}_sector_{NO_PROJECT}",
        _("未关联项目"),
        flows.filter(project__isnull=True),
        _("%(stage)s记录中未关联具体项目的金额之和（冲销为负数），%(window)s")
        % {"stage": stage, "window": window.describe()},
        window,
    )
    return result


@dataclass(frozen=True)
class ProjectMoney:
    project: Project
    allocated: Decimal
    spent: Decimal

    @property
    def balance(self) -> Decimal:
        """Allocated to the project and not yet spent (negative: spent beyond allocation)."""
        return self.allocated - self.spent


def project_money(window: Window, projects: QuerySet[Any] | None = None) -> list[ProjectMoney]:
    """Allocated and spent per project, from the same flows as `figures.funds(window,
    allocate|spend)` (so the column totals equal those figures), for the projects that
    have any (or for `projects`, with zeros where they have none)."""
    allocated = figures.fund_flows(window, FundFlow.Kind.ALLOCATE)
    spent = figures.fund_flows(window, FundFlow.Kind.SPEND)
    totals: dict[int, dict[str, Decimal]] = {}
    for name, flows in (("allocated", allocated), ("spent", spent)):
        rows = flows.values("project_id").annotate(total=MoneySum("amount"))
        for row in rows:
            totals.setdefault(row["project_id"], {})[name] = Decimal(row["total"])
    if projects is None:
        projects = Project.objects.filter(pk__in=totals)
    result = []
    for project in projects.select_related("pairing").order_by("pairing_id", "code"):
        amounts = totals.get(project.pk, {})
        result.append(
            ProjectMoney(
                project,
                amounts.get("allocated", ZERO).quantize(CENT),
                amounts.get("spent", ZERO).quantize(CENT),
            )
        )
    return result


# --- projects -----------------------------------------------------------------------------


def implemented_by(window: Window, field: str) -> dict[str, Figure]:
    """Projects implemented (`figures.projects_implemented`) split by `sector` or `status`;
    the parts add up to the figure. Status is the project's status on the window's end
    (`_status_column`), the day the figure counts them on."""
    projects = figures.started_projects(window)
    choices = (
        Project.Sector.choices
        if field == "sector"
        else [(s, Project.Status(s).label) for s in Project.STARTED]
    )
    column = field if field == "sector" else _status_column(window)
    if field == "sector":
        rule = _(
            "实施帮扶项目中领域为“%(value)s”的个数（已开工未取消，开工日期在%(start)s至%(end)s之间）"
        )
    elif column == "status":
        rule = _(
            "实施帮扶项目中当前状态为“%(value)s”的个数（已开工未取消，开工日期在"
            "%(start)s至%(end)s之间）"
        )
    else:
        rule = _(
            "实施帮扶项目中截至%(end)s状态为“%(value)s”的个数（已开工未取消，开工日期在"
            "%(start)s至%(end)s之间）"
        )
    return {
        value: count_figure(
            f"projects_implemented_{field}_{value}",
            str(label),
            projects.filter(**{column: value}),
            rule % {"value": label, **span(window)},
            window,
        )
        for value, label in choices
    }


def implemented_by_sector_and_status(window: Window) -> dict[tuple[str, str], int]:
    """Projects implemented counted by (sector, status on the window's end); the cells add
    up to the rows and columns of `implemented_by` and to `figures.projects_implemented`."""
    column = _status_column(window)
    rows = (
        figures.started_projects(window).values("sector", column).annotate(n=Count("id")).order_by()
    )
    return {(row["sector"], row[column]): row["n"] for row in rows}


def _status_column(window: Window) -> str:
    """Where a project's status as the window counts it is: `status_then` (its status on the
    window's end, which `figures.started_projects` annotates when
    `figures.counts_past_statuses`), else `status`.
    A project cancelled or completed after that day is split by what it was then, so the
    parts add up to the figure."""
    return "status_then" if figures.counts_past_statuses(window) else "status"


def projects_completed(window: Window) -> Figure:
    """Implemented projects, whenever they started, whose completion date is in the window."""
    since_ever = dataclasses.replace(window, from_year=EARLIEST_YEAR)
    projects = figures.started_projects(since_ever).filter(
        status__in=(
            Project.Status.COMPLETED,
            Project.Status.HANDED_OVER,
            Project.Status.OPERATING,
        ),
        end_date__gte=window.start,
        end_date__lte=window.end,
    )
    return count_figure(
        "projects_completed",
        _("完工项目"),
        projects,
        _("已完工（含已移交、运营中）且完工日期在%(start)s至%(end)s之间的项目个数") % span(window),
        window,
    )


def projects_not_started(window: Window) -> dict[str, Figure]:
    """Projects of the pairings not (or never) implemented: planned, approved, cancelled."""
    projects = Project.objects.filter(pairing_id__in=window.pairing_ids).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=window.end)
    )
    statuses = (Project.Status.PLANNED, Project.Status.APPROVED, Project.Status.CANCELLED)
    return {
        status: count_figure(
            f"projects_{status}",
            str(Project.Status(status).label),
            projects.filter(status=status),
            f"当前状态为“{Project.Status(status).label}”的项目个数（未开工或开工日期不晚于"
            f"{window.end.isoformat()}）",
            window,
        )
        for status in statuses
    }


def projects_with_money_but_no_progress(window: Window) -> QuerySet[Project]:
    """Projects that received an allocation in the window, are not finished, and have no
    progress report dated in the year up to the window's end: still at 0%, or reported on
    before but not for a year (`status_history.without_recent_update`)."""
    funded = figures.fund_flows(window, FundFlow.Kind.ALLOCATE).values("project_id")
    reported = ProgressUpdate.objects.filter(project=OuterRef("pk"), date__lte=window.end)
    unfinished = Project.objects.filter(pk__in=funded, progress__lt=100).filter(
        Q(progress=0) | Exists(reported)
    )
    return (
        status_history.without_recent_update(unfinished, window.end)
        .exclude(status=Project.Status.CANCELLED)
        .select_related("pairing")
        .order_by("pairing_id", "code")
    )


# --- people --------------------------------------------------------------------------------


def professionals_dispatched(
    window: Window, profession: str, *, team_only: bool = False, value: int | None = None
) -> Figure:
    """Professionals of one profession dispatched (distinct persons); with `team_only`, only
    those posted in a 组团式 team."""
    label = Person.Profession(profession).label
    postings = figures.postings_in_window(window, Person.Category.PROFESSIONAL).filter(
        person__profession=profession
    )
    if team_only:
        postings = postings.filter(team__isnull=False)
    rule = (
        _(
            "“组团式”团队中专业类别为“%(profession)s”、到岗日期在%(start)s至%(end)s之间的"
            "专业技术人才，不重复人数"
        )
        if team_only
        else _(
            "专业类别为“%(profession)s”、到岗日期在%(start)s至%(end)s之间的专业技术人才，不重复人数"
        )
    )
    return Figure(
        key=f"persons_dispatched_{profession}" + ("_team" if team_only else ""),
        label=_("选派%(profession)s") % {"profession": label},
        value=postings.aggregate(n=Count("person", distinct=True))["n"] if value is None else value,
        unit="人",
        rule=rule
        % {"profession": label, "start": window.start.isoformat(), "end": window.end.isoformat()},
        window=window,
        records=postings,
    )


def persons_by_profession(window: Window) -> dict[str, Figure]:
    """Professionals dispatched (distinct persons) split by profession."""
    return {
        profession: professionals_dispatched(window, profession)
        for profession in Person.Profession.values
        if profession
    }


def team_schools(window: Window, side: str) -> Figure:
    """The distinct sending (`from`) or receiving (`to`) schools of the 组团式 teams of the
    window's pairings that had started by the as-of date."""
    teams = Team.objects.filter(pairing_id__in=window.pairing_ids).exclude(
        start_date__gt=window.as_of
    )
    relation = "teams_sent" if side == "from" else "teams_received"
    schools = Organisation.objects.filter(
        **{f"{relation}__in": teams}, kind=Organisation.Kind.SCHOOL
    ).distinct()
    label, rule = (
        (
            _("“组团式”派出学校"),
            _("截至%(as_of)s已开始的“组团式”团队的派出学校（类别为学校），不重复计数"),
        )
        if side == "from"
        else (
            _("“组团式”受援学校"),
            _("截至%(as_of)s已开始的“组团式”团队的受援学校（类别为学校），不重复计数"),
        )
    )
    return Figure(
        key=f"team_schools_{side}",
        label=label,
        value=schools.count(),
        unit="所",
        rule=rule % {"as_of": window.as_of.isoformat()},
        window=window,
        records=schools,
    )


def persons_in_post(window: Window, *, value: int | None = None) -> Figure:
    """Distinct persons in post on the window's end date (any posting of the pairings,
    whenever it started): at the post then and not past the planned end (a posting past
    it with no departure recorded is 期满未离岗, `postings_overdue`)."""
    day = window.end
    postings = (
        Posting.objects.filter(pairing_id__in=window.pairing_ids)
        .with_effective_status(day)
        .filter(
            effective_status__in=(Posting.EffectiveStatus.IN_POST, Posting.EffectiveStatus.EXTENDED)
        )
    )
    return Figure(
        key="persons_in_post",
        label=_("在岗干部人才"),
        value=postings.aggregate(n=Count("person", distinct=True))["n"] if value is None else value,
        unit="人",
        rule=_(
            "%(day)s在岗（到岗日期不晚于该日、未登记离岗，状态为延期，或状态为在岗且未过计划期满）"
            "的不重复人数；期满未离岗的不计"
        )
        % {"day": day.isoformat()},
        window=window,
        records=postings,
    )


def postings_overdue(window: Window) -> QuerySet[Posting]:
    """Postings past their planned end on the as-of date with no departure recorded by
    then and not extended (期满未离岗, `Posting.status_on`)."""
    return (
        Posting.objects.filter(pairing_id__in=window.pairing_ids)
        .with_effective_status(window.as_of)
        .filter(effective_status=Posting.EffectiveStatus.OVERDUE)
        .select_related("person", "pairing", "host_organisation")
        .order_by("planned_end", "id")
    )


def postings_overdue_count(window: Window, *, value: int | None = None) -> Figure:
    """期满未离岗: the postings of `postings_overdue`, counted (人次)."""
    postings = postings_overdue(window)
    return Figure(
        key="postings_overdue",
        label=_("期满未离岗"),
        value=postings.count() if value is None else value,
        unit="人次",
        rule=_("计划期满早于%(as_of)s、至该日未登记离岗且未办理延期的选派人次，不计入在岗")
        % {"as_of": window.as_of.isoformat()},
        window=window,
        records=postings,
    )


# --- agreements, obligations, tasks -------------------------------------------------------


def agreements_signed(window: Window) -> Figure:
    agreements = Agreement.objects.filter(
        pairing_id__in=window.pairing_ids,
        signed_date__gte=window.start,
        signed_date__lte=window.end,
    ).exclude(status=Agreement.Status.DRAFT)
    return count_figure(
        "agreements_signed",
        _("签订协议合同"),
        agreements,
        _("签订日期在%(start)s至%(end)s之间的协议合同份数（不含草拟）") % span(window),
        window,
        unit="份",
    )


def obligations_due(window: Window, status: str | None = None) -> Figure:
    """Obligations of the pairings' agreements due in the window (with `status`: only
    those in that status now, e.g. done)."""
    obligations = Obligation.objects.filter(
        agreement__pairing_id__in=window.pairing_ids,
        due_date__gte=window.start,
        due_date__lte=window.end,
    )
    if status:
        label = WorkStatus(status).label
        return count_figure(
            f"obligations_due_{status}",
            _("到期履约事项中%(status)s") % {"status": label},
            obligations.filter(status=status),
            _("完成时限在%(start)s至%(end)s之间的协议履约事项中当前状态为“%(status)s”的")
            % {"status": label, **span(window)},
            window,
            unit="项",
        )
    return count_figure(
        "obligations_due",
        _("到期履约事项"),
        obligations,
        _("完成时限在%(start)s至%(end)s之间的协议履约事项") % span(window),
        window,
        unit="项",
    )


def obligations_overdue(window: Window, *, value: int | None = None) -> Figure:
    obligations = Obligation.objects.filter(
        agreement__pairing_id__in=window.pairing_ids,
        due_date__lt=window.as_of,
        status__in=OPEN_WORK,
    )
    return count_figure(
        "obligations_overdue",
        _("逾期未完成履约事项"),
        obligations,
        _("完成时限早于%(as_of)s、状态仍为未开始或推进中的协议履约事项")
        % {"as_of": window.as_of.isoformat()},
        window,
        unit="项",
        value=value,
    )


def tasks_of(window: Window) -> QuerySet[Task]:
    """The 清单 of the window: tasks from the annual plans of its years, due in it, or
    produced by an event held or an agreement signed in it."""
    start, end = window.start, window.end
    return Task.objects.filter(pairing_id__in=window.pairing_ids).filter(
        Q(plan_year__gte=window.from_year, plan_year__lte=window.to_year)
        | Q(due_date__gte=start, due_date__lte=end)
        | Q(event__start_date__gte=start, event__start_date__lte=end)
        | Q(agreement__signed_date__gte=start, agreement__signed_date__lte=end)
    )


def task_completion(window: Window) -> Rate:
    """完成率 of the 清单 = done ÷ (all − cancelled)."""
    tasks = tasks_of(window)
    counted = tasks.exclude(status=WorkStatus.CANCELLED)
    done = counted.filter(status=WorkStatus.DONE)
    scope = _(
        "%(from_year)s—%(to_year)s年度计划的、完成时限在%(start)s至%(end)s之间的、"
        "或由期间活动和协议产生的清单事项（状态为当前状态）"
    ) % {"from_year": window.from_year, "to_year": window.to_year, **span(window)}
    done_figure = count_figure(
        "tasks_done",
        _("已完成事项"),
        done,
        _("%(scope)s中已完成的") % {"scope": scope},
        window,
        unit="项",
    )
    all_figure = count_figure(
        "tasks_counted",
        _("清单事项"),
        counted,
        _("%(scope)s（不含已撤销）") % {"scope": scope},
        window,
        unit="项",
    )
    label, rule = figures.RATE_TEXTS["task_completion"]
    return Rate(
        "task_completion",
        str(label),
        figures.ratio(Decimal(done_figure.value), Decimal(all_figure.value)),
        done_figure,
        all_figure,
        str(rule),
    )


def tasks_overdue(window: Window) -> QuerySet[Task]:
    return (
        tasks_of(window)
        .filter(due_date__lt=window.as_of, status__in=OPEN_WORK)
        .select_related("owner", "pairing")
        .order_by("due_date", "id")
    )


def year_window(window: Window, year: int) -> Window:
    """The same pairings and as-of date, one fund year."""
    return dataclasses.replace(window, from_year=year, to_year=year)


def unconfirmed_transfers(window: Window) -> QuerySet[FundFlow]:
    """Transfers of the window the recipient has not confirmed (waiting or disputed);
    reversals and the entries they cancel are left out: there is nothing to confirm."""
    return (
        figures.fund_flows(window, FundFlow.Kind.TRANSFER)
        .exclude(confirmation=FundFlow.Confirmation.CONFIRMED)
        .filter(reverses__isnull=True, reversed_by__isnull=True)
        .select_related("pairing")
        .order_by("date", "id")
    )

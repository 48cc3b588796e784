"""The annual report of a pairing or a coordinating office: money by stage, source and
sector; projects by status and sector with the year's progress; people; agreements and
obligations; the task list; targets against actuals; the assessment's other areas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pairaid.ledger import breakdowns, figure_sets, figures
from pairaid.ledger.figures import Rate, Window
from pairaid.ledger.models import (
    Agreement,
    FundFlow,
    Obligation,
    Pairing,
    Person,
    Project,
    Task,
    WorkStatus,
)
from pairaid.ledger.money import format_wan
from pairaid.reports.areas import annual_section, area_figures
from pairaid.reports.common import (
    ANNUAL,
    STAGE_LABELS,
    FigureList,
    Options,
    by_sector_rows,
    by_source_rows,
    check,
    child_pairings,
    date_cn,
    filename,
    heading_meta,
    is_coordinating,
    percent_text,
    rule_section,
    stage_table,
    window_of,
)
from pairaid.reports.content import (
    COUNT,
    DATE,
    MONEY,
    PERCENT,
    WAN,
    YUAN,
    Chart,
    Column,
    Report,
    Section,
    Series,
    Table,
)


@dataclass
class Year:
    """What every section of the annual report works from."""

    options: Options
    year: int
    cumulative: Window  # the pairing's first year to the report year
    window: Window  # the report year
    shown: FigureList = field(default_factory=FigureList)

    @property
    def pairing(self) -> Pairing:
        return self.options.pairing


def build_annual(options: Options) -> Report:
    check(options)
    pairing = options.pairing
    year = options.report_year
    cumulative = window_of(pairing, options, to_year=year)
    context = Year(options, year, cumulative, breakdowns.year_window(cumulative, year))
    report = Report(
        kind=ANNUAL,
        title=_("%(pairing)s%(year)s年度对口帮扶工作报告")
        % {"pairing": pairing.helper_name, "year": year},
        subtitle=_("%(helper)s帮扶%(recipient)s · 截至%(date)s")
        % {
            "helper": pairing.helper_name,
            "recipient": pairing.recipient_name,
            "date": date_cn(context.window.as_of),
        },
        meta=heading_meta(options, context.window),
        filename=filename(options, ANNUAL, f"{year}"),
    )
    transfer_rate = figures.transfer_rate(context.window)
    usage_rate = figures.usage_rate(context.window)
    tasks = breakdowns.task_completion(context.window)
    report.sections += [
        overview_section(context, transfer_rate, usage_rate, tasks),
        money_section(context),
        projects_section(context),
        people_section(context),
        agreements_section(context),
        tasks_section(context, tasks),
        targets_section(context),
        *annual_section(
            _("八、协作考核"), area_figures(pairing, options, year, year), options.style
        ),
        rule_section(context.shown, [transfer_rate, usage_rate, tasks]),
    ]
    return report


def overview_section(context: Year, transfer_rate: Rate, usage_rate: Rate, tasks: Rate) -> Section:
    section = Section(_("一、总体情况"))
    window, shown, year = context.window, context.shown, context.year
    person_rule = context.options.person_rule
    summary = figures.pairing_summary(context.pairing, context.cumulative, person_rule)
    section.para(
        _("自%(from)s年以来，%(sentence)s。")
        % {
            "from": context.cumulative.from_year,
            "sentence": summary.sentence(context.options.style),
        },
        "lead",
    )
    stage = breakdowns.stages(window)
    started = shown.add(figures.projects_implemented(window), _("本年新开工项目"))
    completed = shown.add(breakdowns.projects_completed(window), _("本年完工项目"))
    persons = shown.add(figures.persons_dispatched(window, person_rule), _("本年选派"))
    in_post = shown.add(breakdowns.persons_in_post(window))
    agreements = shown.add(breakdowns.agreements_signed(window))
    for kind in breakdowns.STAGES:
        shown.add(stage[kind], f"{year}年{STAGE_LABELS[kind]}")
    shown.add(summary.funds, _("累计投入资金"))
    shown.add(summary.projects, _("累计实施项目"))
    shown.add(summary.persons, _("累计选派干部人才"))
    section.para(
        _(
            "%(year)s年，计划帮扶资金%(plan)s，拨付%(transfer)s（拨付率%(transfer_rate)s），"
            "分配到项目%(allocate)s，项目支出%(spend)s（使用率%(usage_rate)s）；"
            "新开工项目%(started)s个，完工%(completed)s个；选派干部人才%(persons)s%(unit)s，"
            "年末在岗%(in_post)s人；签订协议合同%(agreements)s份；清单事项%(tasks)s项，"
            "完成率%(task_rate)s。"
        )
        % {
            "year": year,
            "plan": format_wan(Decimal(stage[FundFlow.Kind.PLAN].value)),
            "transfer": format_wan(Decimal(stage[FundFlow.Kind.TRANSFER].value)),
            "transfer_rate": percent_text(transfer_rate.percent),
            "allocate": format_wan(Decimal(stage[FundFlow.Kind.ALLOCATE].value)),
            "spend": format_wan(Decimal(stage[FundFlow.Kind.SPEND].value)),
            "usage_rate": percent_text(usage_rate.percent),
            "started": started.value,
            "completed": completed.value,
            "persons": persons.value,
            "unit": persons.unit,
            "in_post": in_post.value,
            "agreements": agreements.value,
            "tasks": tasks.denominator.value,
            "task_rate": percent_text(tasks.percent),
        }
    )
    if is_coordinating(context.pairing):
        section.table(children_table(context.pairing, context.options, year))
    return section


def money_section(context: Year) -> Section:
    section = Section(_("二、帮扶资金"))
    window, year = context.window, context.year
    stage = breakdowns.stages(window)
    section.para(
        _(
            "资金按计划、拨付、分配到项目、项目支出四个环节分别统计，互不混计；拨付率 = 拨付 ÷ "
            "计划，使用率 = 项目支出 ÷ 分配到项目。金额单位：万元。"
        ),
        "note",
    )
    section.table(
        stage_table(
            _("%(year)s年资金按来源") % {"year": year},
            _("资金来源"),
            by_source_rows(window),
            stage,
            _("资金按来源"),
        )
    )
    section.table(
        stage_table(
            _("%(year)s年资金按项目领域") % {"year": year},
            _("项目领域"),
            by_sector_rows(window),
            stage,
            _("资金按领域"),
        )
    )
    section.chart(
        Chart(
            _("%(year)s年资金各环节（万元）") % {"year": year},
            [STAGE_LABELS[kind] for kind in breakdowns.STAGES],
            [Series(_("金额"), [stage[kind].value for kind in breakdowns.STAGES])],
            unit=WAN,
            money=True,
            sheet=_("图-资金环节"),
        )
    )
    years = list(range(context.cumulative.from_year, year + 1))
    transferred = [figures.funds(breakdowns.year_window(window, y)).value for y in years]
    section.chart(
        Chart(
            _("历年拨付资金（万元）"),
            [f"{y}年" for y in years],
            [Series(_("拨付"), transferred)],
            unit=WAN,
            money=True,
            sheet=_("图-历年拨付"),
        )
    )
    return section


def projects_section(context: Year) -> Section:
    section = Section(_("三、帮扶项目"))
    cumulative, window = context.cumulative, context.window
    section.table(project_status_table(cumulative, window))
    not_started = breakdowns.projects_not_started(cumulative)
    items = "、".join(f"{figure.label}{figure.value}个" for figure in not_started.values())
    section.para(_("另有%(items)s。") % {"items": items}, "note")
    by_sector = [f for f in breakdowns.implemented_by(window, "sector").values() if f.value]
    section.chart(
        Chart(
            _("%(year)s年新开工项目按领域（个）") % {"year": context.year},
            [f.label for f in by_sector],
            [Series(_("项目"), [f.value for f in by_sector])],
            unit=_("个"),
            sheet=_("图-新开工项目"),
        )
    )
    section.table(year_projects_table(cumulative, window))
    return section


def people_section(context: Year) -> Section:
    section = Section(_("四、选派干部人才"))
    window = context.window
    section.table(people_table(context.cumulative, window, context.options.person_rule))
    in_post = breakdowns.persons_in_post(window)
    section.para(
        _("%(day)s在岗%(n)s人（%(rule)s）。")
        % {"day": date_cn(window.end), "n": in_post.value, "rule": in_post.rule},
        "note",
    )
    return section


def agreements_section(context: Year) -> Section:
    section = Section(_("五、协议签订与履约"))
    window = context.window
    section.table(agreement_table(breakdowns.agreements_signed(window).records, window.end))
    due = context.shown.add(breakdowns.obligations_due(window))
    done = breakdowns.obligations_due(window, WorkStatus.DONE)
    overdue = context.shown.add(breakdowns.obligations_overdue(window))
    section.para(
        _("本年到期履约事项%(due)s项，其中已完成%(done)s项；截至%(day)s逾期未完成%(overdue)s项。")
        % {
            "due": due.value,
            "done": done.value,
            "day": date_cn(window.as_of),
            "overdue": overdue.value,
        }
    )
    if overdue.value:
        section.table(obligation_table(overdue.records))
    return section


def tasks_section(context: Year, tasks: Rate) -> Section:
    section = Section(_("六、任务清单落实"))
    section.para(
        _("清单事项%(all)s项，已完成%(done)s项，完成率%(rate)s（%(rule)s）。")
        % {
            "all": tasks.denominator.value,
            "done": tasks.numerator.value,
            "rate": percent_text(tasks.percent),
            "rule": tasks.rule,
        }
    )
    section.table(task_table(breakdowns.tasks_of(context.window)))
    return section


def targets_section(context: Year) -> Section:
    section = Section(_("七、年度目标完成情况"))
    items = figure_sets.targets_against_actuals(
        context.window, context.year, user=context.options.user
    )
    section.table(target_table(items))
    return section


def children_table(pairing: Pairing, options: Options, year: int) -> Table:
    """One row per pairing below the coordinating one, one for its own direct work, and
    the whole (which the rows add up to, but for persons counted once across pairings)."""
    table = Table(
        _("%(year)s年各结对关系主要指标") % {"year": year},
        [
            Column(_("结对关系")),
            Column(_("计划"), MONEY, WAN),
            Column(_("拨付"), MONEY, WAN),
            Column(_("拨付率"), PERCENT),
            Column(_("项目支出"), MONEY, WAN),
            Column(_("新开工项目"), COUNT),
            Column(_("选派干部人才"), COUNT),
        ],
        sheet=_("各结对关系"),
        has_total=True,
    )
    # Every row's figures in one computation: the queries do not grow with the rows.
    tree = figure_sets.Tree(options.user)
    persons = f"persons_dispatched_{options.person_rule}"
    lines = [
        (str(child), figure_sets.Subject(child, tree.has_children(child.pk), year, year))
        for child in child_pairings(pairing, options.user)
    ]
    lines.append(
        (
            _("%(pairing)s本级") % {"pairing": pairing},
            figure_sets.Subject(pairing, False, year, year),
        )
    )
    lines.append((_("合计"), figure_sets.Subject(pairing, True, year, year)))
    computed = figure_sets.compute(
        ["funds_plan", "funds_transfer", "funds_spend", "projects_implemented", persons],
        [subject for _label, subject in lines],
        as_of=options.as_of_date,
        user=options.user,
        tree=tree,
    )
    for label, subject in lines:
        found = computed[subject]
        plan, transfer = found["funds_plan"].value, found["funds_transfer"].value
        table.add(
            label,
            plan,
            transfer,
            figures.ratio(transfer, plan),
            found["funds_spend"].value,
            found["projects_implemented"].value,
            found[persons].value,
        )
    return table


def project_status_table(cumulative: Window, window: Window) -> Table:
    statuses = list(Project.STARTED)
    table = Table(
        _("实施项目按领域和当前状态（累计）"),
        [
            Column(_("领域")),
            *[Column(str(Project.Status(s).label), COUNT) for s in statuses],
            Column(_("累计实施"), COUNT),
            Column(_("其中本年新开工"), COUNT),
        ],
        sheet=_("项目按领域状态"),
        has_total=True,
    )
    by_sector_year = breakdowns.implemented_by(window, "sector")
    by_sector_all = breakdowns.implemented_by(cumulative, "sector")
    counts = breakdowns.implemented_by_sector_and_status(cumulative)
    for sector, label in Project.Sector.choices:
        total = by_sector_all[sector].value
        if not total:
            continue
        table.add(
            str(label),
            *[counts.get((sector, status), 0) for status in statuses],
            total,
            by_sector_year[sector].value,
        )
    by_status = breakdowns.implemented_by(cumulative, "status")
    table.add(
        _("合计"),
        *[by_status[status].value for status in statuses],
        figures.projects_implemented(cumulative).value,
        figures.projects_implemented(window).value,
    )
    return table


def year_projects_table(cumulative: Window, window: Window) -> Table:
    """The year's projects: implemented, not finished before the year, with the year's
    allocations and spending."""
    projects = figures.started_projects(cumulative).exclude(end_date__lt=window.start)
    money = breakdowns.project_money(window, projects)
    table = Table(
        _("本年在建及完工项目进展"),
        [
            Column(_("项目编号")),
            Column(_("项目名称")),
            Column(_("领域")),
            Column(_("状态")),
            Column(_("进度（%）"), COUNT),
            Column(_("本年分配"), MONEY, WAN),
            Column(_("本年支出"), MONEY, WAN),
        ],
        sheet=_("本年项目进展"),
    )
    for item in money:
        project = item.project
        table.add(
            project.code,
            project.name,
            project.get_sector_display(),
            project.get_status_display(),
            project.progress,
            item.allocated,
            item.spent,
        )
    return table


def people_table(cumulative: Window, window: Window, person_rule: str) -> Table:
    table = Table(
        _("选派干部人才按类别"),
        [
            Column(_("类别")),
            Column(_("本年选派"), COUNT),
            Column(_("累计选派"), COUNT),
        ],
        note=_("人数为不重复人数（一人多次选派计一人）") if person_rule == figures.PERSONS else "",
        sheet=_("干部人才"),
        has_total=True,
    )
    for category, label in Person.Category.choices:
        table.add(
            str(label),
            figures.persons_dispatched(window, person_rule, category).value,
            figures.persons_dispatched(cumulative, person_rule, category).value,
        )
        if category == Person.Category.PROFESSIONAL:
            year_split = breakdowns.persons_by_profession(window)
            all_split = breakdowns.persons_by_profession(cumulative)
            for profession, figure in all_split.items():
                label = Person.Profession(profession).label
                table.add(
                    _("其中：%(label)s") % {"label": label},
                    year_split[profession].value,
                    figure.value,
                )
    table.add(
        _("合计"),
        figures.persons_dispatched(window, person_rule).value,
        figures.persons_dispatched(cumulative, person_rule).value,
    )
    return table


def agreement_table(agreements: QuerySet[Agreement], day: dt.date) -> Table:
    """Agreements with their status as of `day` (`Agreement.status_on`)."""
    table = Table(
        _("本年签订的协议合同"),
        [
            Column(_("名称")),
            Column(_("类型")),
            Column(_("签订日期"), DATE),
            Column(_("签订地点")),
            Column(_("合同金额"), MONEY, WAN),
            Column(_("状态")),
        ],
        sheet=_("协议合同"),
    )
    for agreement in agreements.order_by("signed_date", "id"):
        table.add(
            agreement.title,
            agreement.get_kind_display(),
            agreement.signed_date,
            agreement.signed_place,
            agreement.amount,
            agreement.effective_status_display(day),
        )
    return table


def obligation_table(obligations: QuerySet[Obligation]) -> Table:
    table = Table(
        _("逾期未完成的履约事项"),
        [
            Column(_("协议")),
            Column(_("履约事项")),
            Column(_("责任单位")),
            Column(_("完成时限"), DATE),
            Column(_("状态")),
        ],
        sheet=_("逾期履约"),
    )
    for obligation in obligations.select_related("agreement", "owner").order_by("due_date", "id"):
        table.add(
            obligation.agreement.title,
            obligation.deliverable,
            str(obligation.owner or ""),
            obligation.due_date,
            obligation.get_status_display(),
        )
    return table


def task_table(tasks: QuerySet[Task]) -> Table:
    table = Table(
        _("任务清单"),
        [
            Column(_("事项")),
            Column(_("责任单位")),
            Column(_("完成时限"), DATE),
            Column(_("状态")),
            Column(_("佐证材料")),
        ],
        sheet=_("任务清单"),
    )
    for task in tasks.select_related("owner").order_by("due_date", "id"):
        table.add(
            task.title,
            str(task.owner or ""),
            task.due_date,
            task.get_status_display(),
            task.evidence,
        )
    return table


def target_table(items: list[figure_sets.TargetActual]) -> Table:
    table = Table(
        _("年度目标与完成情况"),
        [
            Column(_("结对关系")),
            Column(_("指标")),
            Column(_("目标")),
            Column(_("完成")),
            Column(_("完成率"), PERCENT),
            Column(_("完成数口径")),
        ],
        note=_("完成数由台账记录计算，不手工填报；台账尚未记录的指标显示为“—”。"),
        sheet=_("目标完成"),
    )
    for item in items:
        money = item.actual is not None and item.actual.unit == YUAN
        target_value = item.target.value if money or item.actual is None else int(item.target.value)
        table.add(
            str(item.target.pairing),
            item.target.get_indicator_display(),
            target_value,
            item.actual.value if item.actual is not None else None,
            item.percent,
            item.actual.rule if item.actual is not None else _("台账暂未记录此项指标"),
        )
    return table

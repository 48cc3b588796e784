"""Reconciliation of a pairing's year: planned, transferred, allocated and spent side by
side, the balances, and the lists an office must clear before it hands in its accounts."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from pairaid.ledger import breakdowns
from pairaid.ledger.models import FundFlow
from pairaid.reports.common import (
    RECONCILIATION,
    UNALLOCATED,
    UNSPENT,
    Options,
    by_sector_rows,
    by_source_rows,
    check,
    date_cn,
    filename,
    flow_table,
    heading_meta,
    posting_table,
    project_table,
    stage_table,
    window_of,
    yuan_text,
)
from pairaid.reports.content import COUNT, MONEY, YUAN, Column, Report, Table


def build_reconciliation(options: Options) -> Report:
    check(options)
    pairing = options.pairing
    year = options.report_year
    window = breakdowns.year_window(window_of(pairing, options, to_year=year), year)
    report = Report(
        kind=RECONCILIATION,
        title=_("%(pairing)s%(year)s年度帮扶资金对账报告")
        % {"pairing": pairing.helper_name, "year": year},
        subtitle=_("%(helper)s帮扶%(recipient)s · 截至%(date)s")
        % {
            "helper": pairing.helper_name,
            "recipient": pairing.recipient_name,
            "date": date_cn(window.as_of),
        },
        meta=heading_meta(options, window),
        filename=filename(options, RECONCILIATION, f"{year}"),
    )
    stage = breakdowns.stages(window)
    unconfirmed = breakdowns.unconfirmed_transfers(window)
    idle = breakdowns.projects_with_money_but_no_progress(window)
    overdue = breakdowns.postings_overdue(window)
    balances = breakdowns.project_money(window)
    overspent = [item for item in balances if item.balance < 0]

    overview = report.section(_("一、对账结论"))
    transfer = Decimal(stage[FundFlow.Kind.TRANSFER].value)
    allocate = Decimal(stage[FundFlow.Kind.ALLOCATE].value)
    spend = Decimal(stage[FundFlow.Kind.SPEND].value)
    overview.para(
        _(
            "%(year)s年度资金：计划%(plan)s，拨付%(transfer)s，分配到项目%(allocate)s，"
            "项目支出%(spend)s；未分配结余（拨付 − 分配）%(unallocated)s，"
            "已分配未支出（分配 − 支出）%(unspent)s。"
        )
        % {
            "year": year,
            "plan": yuan_text(Decimal(stage[FundFlow.Kind.PLAN].value)),
            "transfer": yuan_text(transfer),
            "allocate": yuan_text(allocate),
            "spend": yuan_text(spend),
            "unallocated": yuan_text(transfer - allocate),
            "unspent": yuan_text(allocate - spend),
        },
        "lead",
    )
    overview.para(
        _(
            "待受援方确认（含有异议）的拨付%(unconfirmed)s笔，有资金无进展的项目%(idle)s个，"
            "支出超过分配的项目%(overspent)s个，超过计划期满仍未离岗的选派%(overdue)s人次。"
        )
        % {
            "unconfirmed": unconfirmed.count(),
            "idle": idle.count(),
            "overspent": len(overspent),
            "overdue": overdue.count(),
        }
    )

    money = report.section(_("二、资金四环节对账"))
    money.para(
        _("金额单位：元。资金年度为%(year)s年、日期不晚于%(as_of)s的记录；冲销记录以负数计入。")
        % {"year": year, "as_of": window.as_of.isoformat()},
        "note",
    )
    money.table(
        stage_table(
            _("按资金来源"),
            _("资金来源"),
            by_source_rows(window),
            stage,
            _("四环节按来源"),
            YUAN,
            balances=(UNALLOCATED, UNSPENT),
        )
    )
    money.table(
        stage_table(
            _("按项目领域"),
            _("项目领域"),
            by_sector_rows(window),
            stage,
            _("四环节按领域"),
            YUAN,
            balances=(UNSPENT,),
        )
    )

    projects = report.section(_("三、项目资金结余"))
    table = Table(
        _("各项目分配与支出"),
        [
            Column(_("项目编号")),
            Column(_("项目名称")),
            Column(_("状态")),
            Column(_("进度（%）"), COUNT),
            Column(_("分配"), MONEY, YUAN),
            Column(_("支出"), MONEY, YUAN),
            Column(_("结余"), MONEY, YUAN),
        ],
        note=_("结余为负表示支出超过分配，须核查。"),
        sheet=_("项目结余"),
        has_total=True,
    )
    for item in balances:
        table.add(
            item.project.code,
            item.project.name,
            item.project.get_status_display(),
            item.project.progress,
            item.allocated,
            item.spent,
            item.balance,
        )
    table.add(_("合计"), "", "", None, allocate, spend, allocate - spend)
    projects.table(table)

    confirm = report.section(_("四、待受援方确认的拨付"))
    confirm.para(
        _("拨付记录中受援方尚未确认或提出异议的（不含冲销记录及已被冲销的记录）。"), "note"
    )
    confirm.table(flow_table(_("未确认的拨付"), unconfirmed, _("未确认拨付")))

    idle_section = report.section(_("五、有资金无进展的项目"))
    idle_section.para(_("本年度已分配资金、进度仍为0且未取消的项目。"), "note")
    idle_section.table(project_table(_("有资金无进展的项目"), idle, _("有资金无进展")))

    posts = report.section(_("六、超期未离岗的选派"))
    posts.para(
        _("计划期满早于%(day)s、未登记离岗且未办理延期的选派。")
        % {"day": window.as_of.isoformat()},
        "note",
    )
    posts.table(posting_table(_("超期未离岗的选派"), overdue, _("超期选派"), window.as_of))
    return report

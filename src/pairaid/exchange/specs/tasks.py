"""Importing tasks (by title within the pairing) and targets (by year and indicator)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from pairaid.exchange.columns import (
    ChoiceColumn,
    DateColumn,
    DecimalColumn,
    RefColumn,
    TextColumn,
    YearColumn,
)
from pairaid.exchange.specs.base import Context, Importer, _organisation_column, _pairing_column
from pairaid.ledger import access
from pairaid.ledger.models import (
    Pairing,
    Target,
    Task,
    WorkStatus,
)


class TaskImporter(Importer):
    label = gettext_lazy("清单事项")
    model = Task
    key = ("pairing", "title")
    key_column = "title"
    key_words = gettext_lazy("结对关系和事项")
    columns = (
        _pairing_column(example="江阳区→盐源县"),
        TextColumn(
            "title",
            gettext_lazy("事项"),
            "title",
            required=True,
            width=40,
            example="制定2024年对口帮扶资金计划",
        ),
        _organisation_column("owner", gettext_lazy("责任单位"), "owner"),
        DateColumn("due_date", gettext_lazy("完成时限"), "due date", example="2024年1月31日"),
        ChoiceColumn(
            "status", gettext_lazy("状态"), "status", choices=WorkStatus, example="推进中"
        ),
        TextColumn("evidence", gettext_lazy("佐证材料"), "evidence", width=30),
        RefColumn("event", gettext_lazy("来源活动"), "event", lookup=Context.event),
        RefColumn("agreement", gettext_lazy("来源协议"), "agreement", lookup=Context.agreement),
        YearColumn("plan_year", gettext_lazy("来源年度计划"), "plan year", nullable=True),
    )

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        return (
            super()
            .export_queryset(pairings)
            .select_related("pairing", "owner", "event", "agreement")
            .order_by("due_date", "id")
        )


class TargetImporter(Importer):
    label = gettext_lazy("年度目标")
    model = Target
    key = ("pairing", "year", "indicator")
    key_column = "indicator"
    key_words = gettext_lazy("结对关系、年度和指标")
    action = (access.TARGETS,)
    columns = (
        _pairing_column(example="江阳区→盐源县"),
        YearColumn("year", gettext_lazy("年度"), "year", required=True, example=2023),
        ChoiceColumn(
            "indicator",
            gettext_lazy("指标"),
            "indicator",
            required=True,
            choices=Target.Indicator,
            example="拨付资金（元）",
        ),
        DecimalColumn(
            "value",
            gettext_lazy("目标值"),
            "value",
            required=True,
            note=gettext_lazy("金额类指标以元计，人数、个数填整数"),
            example=26000000,
        ),
    )

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        return (
            super()
            .export_queryset(pairings)
            .select_related("pairing")
            .order_by("pairing_id", "year", "indicator")
        )

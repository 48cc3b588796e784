"""Importing projects (natural key: the code within a pairing)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from pairaid.exchange.columns import (
    ChoiceColumn,
    CodeColumn,
    DateColumn,
    IntColumn,
    MoneyColumn,
    TextColumn,
)
from pairaid.exchange.specs.base import (
    Context,
    Importer,
    _organisation_column,
    _pairing_column,
    _region_column,
)
from pairaid.ledger import access, services
from pairaid.ledger.models import (
    Pairing,
    Project,
)

# --- the record types ------------------------------------------------------------------------


class ProjectImporter(Importer):
    label = gettext_lazy("帮扶项目")
    model = Project
    key = ("pairing", "code")
    key_column = "code"
    key_words = gettext_lazy("结对关系和项目编号")
    action = (access.EDIT, access.PROGRESS)
    columns = (
        _pairing_column(example="江阳区→盐源县"),
        CodeColumn("code", gettext_lazy("项目编号"), "code", required=True, example="JY-2023-001"),
        TextColumn(
            "name",
            gettext_lazy("项目名称"),
            "name",
            required=True,
            example="润盐镇花椒产业园",
            width=30,
        ),
        ChoiceColumn(
            "sector",
            gettext_lazy("领域"),
            "sector",
            required=True,
            choices=Project.Sector,
            example="产业",
        ),
        ChoiceColumn(
            "mode",
            gettext_lazy("帮扶方式"),
            "mode",
            required=True,
            choices=Project.Mode,
            example="造血",
        ),
        _region_column("location", gettext_lazy("实施地点"), "location", example="润盐镇"),
        _organisation_column("implementing_organisation", gettext_lazy("实施单位"), "implementer"),
        MoneyColumn("planned_budget", gettext_lazy("计划投资"), "planned budget", example=1200000),
        DateColumn("start_date", gettext_lazy("开工日期"), "start date", example="2023年3月1日"),
        DateColumn("end_date", gettext_lazy("完工日期"), "end date"),
        ChoiceColumn(
            "status", gettext_lazy("状态"), "status", choices=Project.Status, example="实施中"
        ),
        IntColumn("progress", gettext_lazy("进度（%）"), "progress", maximum=100, example=30),
        IntColumn("beneficiary_households", gettext_lazy("受益户数"), "households"),
        IntColumn("beneficiary_persons", gettext_lazy("受益人数"), "persons"),
        TextColumn("outcomes", gettext_lazy("成效"), "outcomes", width=30),
        TextColumn(
            "after_completion", gettext_lazy("资产移交与后续管护"), "after completion", width=30
        ),
    )

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        return (
            super()
            .export_queryset(pairings)
            .select_related("pairing", "location", "implementing_organisation")
            .order_by("pairing_id", "code")
        )

    def may_write(
        self, context: Context, pairing: Pairing | None, changed: Iterable[str] | None
    ) -> bool:
        if context.user is None:
            return True
        if access.can(context.user, pairing, access.EDIT):
            return True
        # The recipient side may update progress on existing projects.
        return (
            changed is not None
            and set(changed) <= services.PROGRESS_FIELDS
            and access.can(context.user, pairing, access.PROGRESS)
        )

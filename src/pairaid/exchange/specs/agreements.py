"""Importing agreements (natural key: the title within the pairing)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from pairaid.exchange.columns import (
    ChoiceColumn,
    ComputedColumn,
    DateColumn,
    MoneyColumn,
    RefColumn,
    TextColumn,
)
from pairaid.exchange.specs.base import Context, Importer, _pairing_column
from pairaid.ledger.models import (
    Agreement,
    Pairing,
)


class AgreementImporter(Importer):
    label = gettext_lazy("协议合同")
    model = Agreement
    key = ("pairing", "title")
    key_column = "title"
    key_words = gettext_lazy("结对关系和协议名称")
    columns = (
        _pairing_column(example="江阳区→盐源县"),
        TextColumn(
            "title",
            gettext_lazy("协议名称"),
            "title",
            required=True,
            width=30,
            example="2023年度对口帮扶协议",
        ),
        ChoiceColumn(
            "kind",
            gettext_lazy("类型"),
            "kind",
            required=True,
            choices=Agreement.Kind,
            example="年度协议",
        ),
        DateColumn("signed_date", gettext_lazy("签订日期"), "signed date", example="2023年3月1日"),
        TextColumn("signed_place", gettext_lazy("签订地点"), "signed place"),
        RefColumn(
            "event",
            gettext_lazy("签约（见证）活动"),
            "event",
            note=gettext_lazy("活动标题"),
            lookup=Context.event,
        ),
        MoneyColumn("amount", gettext_lazy("合同金额"), "amount", nullable=True),
        DateColumn("term_start", gettext_lazy("期限起"), "term start"),
        DateColumn("term_end", gettext_lazy("期限止"), "term end"),
        ChoiceColumn(
            "status", gettext_lazy("状态"), "status", choices=Agreement.Status, example="已签订"
        ),
        ComputedColumn(
            "effective_status",
            gettext_lazy("截至今日状态"),
            "status today",
            compute=lambda agreement: agreement.effective_status_display(),
        ),
    )

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        return (
            super()
            .export_queryset(pairings)
            .select_related("pairing", "event")
            .order_by("signed_date", "id")
        )

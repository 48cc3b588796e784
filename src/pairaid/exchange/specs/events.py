"""Importing events (natural key: title and start date)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from pairaid.exchange.columns import (
    ChoiceColumn,
    DateColumn,
    TextColumn,
)
from pairaid.exchange.specs.base import Importer, _pairing_column
from pairaid.ledger.models import (
    Event,
    Pairing,
)


class EventImporter(Importer):
    label = gettext_lazy("活动")
    model = Event
    key = ("pairing", "title", "start_date")
    key_column = "title"
    key_words = gettext_lazy("结对关系、标题和开始日期")
    columns = (
        _pairing_column(example="江阳区→盐源县"),
        ChoiceColumn(
            "kind",
            gettext_lazy("类型"),
            "kind",
            required=True,
            choices=Event.Kind,
            example="联席会议",
        ),
        TextColumn(
            "title",
            gettext_lazy("标题"),
            "title",
            required=True,
            width=30,
            example="2023年对口帮扶联席会议",
        ),
        DateColumn(
            "start_date",
            gettext_lazy("开始日期"),
            "start date",
            required=True,
            example="2023年5月8日",
        ),
        DateColumn("end_date", gettext_lazy("结束日期"), "end date"),
        TextColumn("places", gettext_lazy("地点"), "places", width=24),
        TextColumn("summary", gettext_lazy("概要"), "summary", width=40),
    )

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        return (
            super().export_queryset(pairings).select_related("pairing").order_by("start_date", "id")
        )

"""Importing fund flows (natural key: voucher within pairing, kind and source). A changed
row is a correction (reversal plus new entry), never an edit."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pairaid.exchange import cells, copy_export
from pairaid.exchange.columns import (
    ChoiceColumn,
    CodeColumn,
    ComputedColumn,
    DateColumn,
    MoneyColumn,
    RefColumn,
    TextColumn,
    YearColumn,
)
from pairaid.exchange.specs.base import (
    HISTORY_STATES,
    Context,
    Importer,
    _pairing_column,
    fund_state,
)
from pairaid.ledger import services
from pairaid.ledger.models import (
    Confirmation,
    FundFlow,
    Pairing,
)


def fund_state_sql() -> models.Expression:
    """`fund_state` in SQL, on any queryset of fund flows."""
    return models.Case(
        models.When(reverses__isnull=False, then=models.Value(str(_("冲销记录")))),
        models.When(
            models.Exists(FundFlow.objects.filter(reverses=models.OuterRef("pk"))),
            then=models.Value(str(_("已冲销"))),
        ),
        default=models.Value(str(_("有效"))),
        output_field=models.CharField(),
    )


class FundImporter(Importer):
    label = gettext_lazy("资金记录")
    model = FundFlow
    key = ("pairing", "kind", "voucher", "source")
    key_column = "voucher"
    key_words = gettext_lazy("结对关系、类型、资金来源和凭证或文号")
    columns = (
        _pairing_column(example="江阳区→盐源县"),
        ChoiceColumn(
            "kind",
            gettext_lazy("类型"),
            "kind",
            required=True,
            choices=FundFlow.Kind,
            example="拨付",
        ),
        YearColumn("fund_year", gettext_lazy("资金年度"), "fund year", required=True, example=2023),
        DateColumn("date", gettext_lazy("日期"), "date", required=True, example="2023年6月1日"),
        MoneyColumn("amount", gettext_lazy("金额"), "amount", required=True, example=3580000),
        ChoiceColumn(
            "source",
            gettext_lazy("资金来源"),
            "source",
            required=True,
            choices=FundFlow.Source,
            example="财政援助资金",
        ),
        RefColumn(
            "project",
            gettext_lazy("项目编号"),
            "project code",
            note=gettext_lazy("分配到项目、支出必填；须是该结对关系的项目"),
            lookup=Context.project,
            display=lambda project: project.code,
        ),
        CodeColumn(
            "voucher",
            gettext_lazy("凭证或文号"),
            "voucher",
            required=True,
            note=gettext_lazy("用于识别记录：再次导入时按凭证更新而不重复登记"),
            example="JYCZ-2023-01",
            width=20,
        ),
        TextColumn(
            "note", gettext_lazy("摘要"), "note", example="2023年财政援助资金第1批拨付", width=30
        ),
        TextColumn(
            "cross_year_reason",
            gettext_lazy("跨年度说明"),
            "cross-year reason",
            note=gettext_lazy("日期与资金年度相差超过一年时必填"),
            width=24,
        ),
        ComputedColumn(
            "confirmation",
            gettext_lazy("受援方确认"),
            "confirmation",
            compute=lambda flow: str(flow.get_confirmation_display()),
            sql=lambda: copy_export.choice_label("confirmation", Confirmation),
        ),
        ComputedColumn(
            "state", gettext_lazy("记录状态"), "state", compute=fund_state, sql=fund_state_sql
        ),
    )

    def base_queryset(self) -> QuerySet[Any]:
        # Only live entries carry a key: a reversed entry and its reversal are history.
        return FundFlow.objects.filter(reverses__isnull=True, reversed_by__isnull=True)

    def is_history(self, cells_by_field: dict[str, Any]) -> bool:
        state = cells_by_field.get("state")
        return bool(state) and cells.normalise(cells.parse_text(state)).casefold() in HISTORY_STATES

    def create(
        self, rows: list[Any], context: Context, *, validated: bool = False
    ) -> list[models.Model]:
        created: list[models.Model] = [
            *services.bulk_record_fund_flows(
                rows, acting_user=context.user, via=context.via, validated=validated
            )
        ]
        return created

    def change(
        self, obj: models.Model, changes: dict[str, Any], context: Context, reason: str
    ) -> tuple[str, dict[str, Any]]:
        assert isinstance(obj, FundFlow)
        reversal, replacement = services.correct_fund_flow(
            obj, acting_user=context.user, via=context.via, reason=reason, **changes
        )
        return "corrected", {
            "record_id": obj.pk,
            "reversal_id": reversal.pk,
            "replacement_id": replacement.pk,
        }

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        # django-stubs cannot annotate a queryset of records of no one model
        rows: QuerySet[Any] = (
            super()
            .export_queryset(pairings)
            .select_related("pairing", "project")
            .annotate(
                is_reversed=models.Exists(FundFlow.objects.filter(reverses=models.OuterRef("pk")))
            )
            .order_by("date", "id")
        )
        return rows

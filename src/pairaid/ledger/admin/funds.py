"""The fund ledger in the admin: entries are recorded, reversed and confirmed, never edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from pairaid.ledger import services
from pairaid.ledger.admin.base import (
    VIA,
    PairingFilter,
    ServiceAdmin,
    adopt,
    ask_reason,
    call_service,
    values_of,
    yuan,
)
from pairaid.ledger.models import FundFlow

ADD_FIELDS = [
    "pairing",
    "kind",
    "fund_year",
    "date",
    "amount",
    "source",
    "project",
    "voucher",
    "note",
]


VIEW_FIELDS = [
    "reverses",
    "reversed_by_entry",
    "confirmation",
    "confirmed_at",
    "confirmation_note",
    "recorded_at",
    "is_demo",
]


class ReversalFilter(admin.SimpleListFilter):
    title = _("冲销")
    parameter_name = "reversal"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("original", _("正常记录（未冲销）")),
            ("reversed", _("已被冲销")),
            ("reversal", _("冲销记录")),
        ]

    def queryset(self, request: Any, queryset: Any) -> Any:
        if self.value() == "original":
            return queryset.filter(reverses__isnull=True, reversed_by__isnull=True)
        if self.value() == "reversed":
            return queryset.filter(reversed_by__isnull=False)
        if self.value() == "reversal":
            return queryset.filter(reverses__isnull=False)
        return queryset


@admin.register(FundFlow)
class FundFlowAdmin(ServiceAdmin):
    list_display = [
        "id",
        "date",
        "pairing",
        "kind",
        "fund_year",
        "money",
        "source",
        "project",
        "voucher",
        "confirmation",
        "reversal",
    ]
    list_display_links = ["id", "date"]
    list_filter = [
        ("pairing", PairingFilter),
        "kind",
        "fund_year",
        "source",
        "confirmation",
        ReversalFilter,
    ]
    list_select_related = ["pairing", "project", "reversed_by"]
    search_fields = ["voucher", "note", "project__code", "project__name"]
    autocomplete_fields = ["pairing", "project"]
    date_hierarchy = "date"
    ordering = ["-date", "-id"]
    actions = ["reverse_selected", "confirm_selected"]

    @admin.display(description=_("金额（元）"), ordering="amount")
    def money(self, flow: FundFlow) -> str:
        return yuan(flow.amount)

    @admin.display(description=_("冲销"))
    def reversal(self, flow: FundFlow) -> str:
        if flow.reverses_id:
            return _("冲销 #%(id)s") % {"id": flow.reverses_id}
        reversed_by = getattr(flow, "reversed_by", None)
        if reversed_by is not None:
            return _("已被 #%(id)s 冲销") % {"id": reversed_by.pk}
        return ""

    @admin.display(description=_("被冲销于"))
    def reversed_by_entry(self, flow: FundFlow) -> str:
        reversed_by = getattr(flow, "reversed_by", None)
        return f"#{reversed_by.pk} {reversed_by.date:%Y-%m-%d} {reversed_by}" if reversed_by else ""

    # --- the ledger is append-only ----------------------------------------------------

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_reverse_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("ledger.add_fundflow")

    def has_confirm_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("ledger.change_fundflow")

    def get_fields(self, request: Any, obj: Any = None) -> Any:
        if obj is None:
            return ADD_FIELDS
        return [*ADD_FIELDS, *VIEW_FIELDS]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        return [] if obj is None else self.get_fields(request, obj)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        flow = call_service(
            services.record_fund_flow, acting_user=request.user, via=VIA, **values_of(obj)
        )
        adopt(obj, flow)

    # --- actions ------------------------------------------------------------------------

    @admin.action(description=_("冲销所选资金记录"), permissions=["reverse"])
    def reverse_selected(self, request: Any, queryset: Any) -> HttpResponse | None:
        flows = list(queryset.select_related("pairing").order_by("date", "id"))
        reason = ask_reason(
            self,
            request,
            flows,
            action="reverse_selected",
            title=_("冲销资金记录"),
            intro=_("将为以下资金记录各登记一条金额相反的冲销记录，原记录保持不变："),
            label=_("冲销原因"),
            submit=_("确认冲销"),
        )
        if not isinstance(reason, str):
            return reason
        for flow in flows:
            call_service(
                services.reverse_fund_flow, flow, acting_user=request.user, via=VIA, reason=reason
            )
        self.message_user(
            request, _("已冲销 %(count)d 条资金记录") % {"count": len(flows)}, messages.SUCCESS
        )
        return None

    @admin.action(description=_("确认收到"), permissions=["confirm"])
    def confirm_selected(self, request: Any, queryset: Any) -> None:
        pending = queryset.exclude(confirmation=FundFlow.Confirmation.CONFIRMED)
        count = 0
        for flow in pending:
            call_service(
                services.confirm_record, flow, acting_user=request.user, via=VIA, accept=True
            )
            count += 1
        self.message_user(
            request, _("已确认收到 %(count)d 条资金记录") % {"count": count}, messages.SUCCESS
        )

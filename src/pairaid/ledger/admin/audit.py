"""The audit trail in the admin: read, searched and filtered, never written here."""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pairaid.ledger import access
from pairaid.ledger.admin.base import LedgerAdmin, PairingFilter
from pairaid.ledger.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(LedgerAdmin):
    list_display = ["at", "action", "kind", "record_id", "record_repr", "actor", "user"]
    list_display_links = ["at", "action"]
    list_filter = ["action", "record_type", "actor", ("pairing", PairingFilter)]
    list_select_related = ["user"]
    search_fields = ["action", "record_type", "record_id", "record_repr", "actor", "user__username"]
    date_hierarchy = "at"
    ordering = ["-at", "-id"]
    list_per_page = 100
    fields = (
        "at",
        "action",
        "record_type",
        "record_id",
        "record_repr",
        "pairing",
        "actor",
        "user",
        "changed_values",
        "prev_hash",
        "hash",
    )
    readonly_fields = fields

    def get_queryset(self, request: Any) -> Any:
        """Administrators read the whole trail; others the entries of the pairings where
        they may audit (`access.AUDIT`)."""
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if access.is_administrator(request.user):
            return queryset
        auditable = access.pairings(request.user, access.AUDIT).values("pk")
        return queryset.filter(pairing_id__in=auditable)

    @admin.display(description=_("记录类型"), ordering="record_type")
    def kind(self, entry: AuditEntry) -> str:
        try:
            return str(apps.get_model("ledger", entry.record_type)._meta.verbose_name)
        except LookupError:
            return entry.record_type

    @admin.display(description=_("变更内容"))
    def changed_values(self, entry: AuditEntry) -> str:
        text = json.dumps(entry.changes, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html("<pre>{}</pre>", text)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

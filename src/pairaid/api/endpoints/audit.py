"""The audit trail, read-only: for those who may read it (审计监督, 协调办公室, 系统管理员),
over the pairings they may audit. Entries about records outside any pairing (regions,
organisations, persons, tokens) are for administrators."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from pairaid.api.common import (
    LIST_ERRORS,
    READ_ERRORS,
    PageParams,
    RecordId,
    fetch,
    page_of,
    paginate,
    user_of,
)
from pairaid.api.errors import error_responses
from pairaid.api.schemas import AuditEntryOut
from pairaid.api.types import Id, Text
from pairaid.ledger import access
from pairaid.ledger.models import AuditEntry

router = Router()


class AuditFilters(Schema):
    pairing: Annotated[Id, Field(None, description="结对关系编号")]
    action: Annotated[str, Text(64), Field(None, description="操作，如 fundflow.recorded")]
    record_type: Annotated[str, Text(64), Field(None, description="记录类型，如 fundflow")]
    record_id: Annotated[str, Text(64), Field(None, description="记录编号")]

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        if self.pairing:
            entries = entries.filter(pairing_id=self.pairing)
        if self.action:
            entries = entries.filter(action=self.action)
        if self.record_type:
            entries = entries.filter(record_type=self.record_type)
        if self.record_id:
            entries = entries.filter(record_id=self.record_id)
        return entries


def audit_entries(request: HttpRequest) -> QuerySet[AuditEntry]:
    user = user_of(request)
    entries = AuditEntry.objects.select_related("user")
    if access.is_administrator(user):
        return entries
    if access.AUDIT not in access.actions_anywhere(user):
        raise PermissionDenied(_("无权查看审计记录"))
    pairings = access.visible_pairings(user).select_related(
        "helper_organisation", "recipient_organisation"
    )
    audited = [pairing.pk for pairing in pairings if access.can(user, pairing, access.AUDIT)]
    return entries.filter(pairing_id__in=audited)


@router.get(
    "/audit-entries/",
    response={200: page_of(AuditEntryOut), **LIST_ERRORS, **error_responses(403)},
    tags=["审计记录"],
    summary="列出审计记录（只读）",
)
def list_audit_entries(
    request: HttpRequest, filters: Query[AuditFilters], page: Query[PageParams]
) -> dict[str, Any]:
    return paginate(filters.apply(audit_entries(request)), page)


@router.get(
    "/audit-entries/{id}/",
    response={200: AuditEntryOut, **READ_ERRORS, **error_responses(403)},
    tags=["审计记录"],
    summary="读取审计记录",
)
def get_audit_entry(request: HttpRequest, id: int = RecordId) -> AuditEntry:
    return fetch(audit_entries(request), id)

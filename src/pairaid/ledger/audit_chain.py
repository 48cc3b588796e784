"""Checking the audit trail's hash chain (see AuditEntry.compute_hash)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from pairaid.ledger.models import AuditEntry


@dataclass(frozen=True)
class Break:
    entry_id: int
    reason: str


def verify_chain(batch_size: int = 2000) -> tuple[int, list[Break]]:
    """Walk the trail in order; return how many entries were checked and every break:
    an entry whose content no longer matches its hash (edited), or whose link does not
    match the entry before it (an entry deleted or inserted)."""
    breaks: list[Break] = []
    checked = 0
    prev_hash = ""
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        checked += 1
        if entry.prev_hash != prev_hash:
            breaks.append(Break(entry.pk, _("与前一条记录的摘要不衔接：其前有记录被删除或插入")))
        if entry.compute_hash(entry.prev_hash) != entry.hash:
            breaks.append(Break(entry.pk, _("内容与摘要不符：该记录被改动")))
        prev_hash = entry.hash
    return checked, breaks

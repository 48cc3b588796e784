"""Checking and anchoring the audit trail's hash chains (see AuditEntry.compute_hash).

The trail is one chain per pairing, one for records outside any pairing and the closed
`legacy` chain of entries written before the split. Each chain's head (AuditChain) names its
newest entry; anchors (AuditAnchor) record every head from time to time, so that removing
the newest entries of a chain — which leaves no broken link behind — is still found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.ledger.models import AuditAnchor, AuditChain, AuditEntry


@dataclass(frozen=True)
class Break:
    chain: str
    entry_id: int | None
    reason: str


@dataclass
class _Walk:
    prev_hash: str = ""
    seen: int = 0
    at_head: bool = False


def verify_chain(batch_size: int = 2000) -> tuple[int, list[Break]]:
    """Walk every chain in order; return how many entries were checked and every break: an
    entry whose content no longer matches its hash (edited), whose link does not match the
    entry before it in its chain (an entry deleted or inserted), a chain whose head or an
    anchor names an entry that is gone or changed (newest entries deleted)."""
    # Heads first: entries committed while we walk come after them and are checked too.
    heads = {head.name: head for head in AuditChain.objects.all()}
    breaks: list[Break] = []
    walks: dict[str, _Walk] = {}
    anchored = _anchored_entries()
    found: dict[int, tuple[str, str]] = {}
    checked = 0
    entries = AuditEntry.objects.order_by("chain", "id").iterator(chunk_size=batch_size)
    for entry in entries:
        checked += 1
        walk = walks.setdefault(entry.chain, _Walk())
        head = heads.get(entry.chain)
        if entry.prev_hash != walk.prev_hash:
            breaks.append(
                Break(entry.chain, entry.pk, _("与前一条记录的摘要不衔接：其前有记录被删除或插入"))
            )
        if entry.compute_hash(entry.prev_hash) != entry.hash:
            breaks.append(Break(entry.chain, entry.pk, _("内容与摘要不符：该记录被改动")))
        walk.prev_hash = entry.hash
        if head is None or head.last_id is None or entry.pk <= head.last_id:
            walk.seen += 1
        if head is not None and entry.pk == head.last_id:
            walk.at_head = entry.hash == head.last_hash
        if entry.pk in anchored:
            found[entry.pk] = (entry.chain, entry.hash)
    for name, head in heads.items():
        walk = walks.get(name, _Walk())
        if head.last_id is None:
            continue
        if not walk.at_head or walk.seen != head.length:
            breaks.append(
                Break(
                    name,
                    head.last_id,
                    _("链头记载的最新记录或记录数与链不符：链尾记录被删除或改动"),
                )
            )
    for name in walks.keys() - heads.keys():
        breaks.append(Break(name, None, _("该链没有链头：审计记录被绕过系统写入")))
    for entry_id, (anchor_id, name, digest) in anchored.items():
        if found.get(entry_id) != (name, digest):
            breaks.append(
                Break(
                    name,
                    entry_id,
                    _("锚点#%(anchor)s 记载的这条记录已不存在或被改动：链尾记录被删除")
                    % {"anchor": anchor_id},
                )
            )
    breaks.extend(_anchor_breaks())
    return checked, breaks


def _anchored_entries() -> dict[int, tuple[int, str, str]]:
    """Every entry some anchor names, with the newest anchor naming it, its chain and
    hash."""
    anchored: dict[int, tuple[int, str, str]] = {}
    for anchor in AuditAnchor.objects.order_by("id").iterator(chunk_size=100):
        for name, head in anchor.heads.items():
            if isinstance(head, dict) and head.get("id") is not None:
                anchored[int(head["id"])] = (anchor.pk, name, str(head.get("hash", "")))
    return anchored


def _anchor_breaks() -> list[Break]:
    return [
        Break("", None, _("锚点#%(anchor)s 的摘要与其内容不符：锚点被改动") % {"anchor": a.pk})
        for a in AuditAnchor.objects.order_by("id").iterator(chunk_size=100)
        if AuditAnchor.compute_digest(a.at, a.heads) != a.digest
    ]


def record_anchor() -> AuditAnchor:
    """Record the committed head of every chain and a hash over all of them. Reads the head
    rows without locking them: no writer waits for an anchor."""
    with transaction.atomic():
        heads = {
            head.name: {"id": head.last_id, "hash": head.last_hash, "length": head.length}
            for head in AuditChain.objects.exclude(last_id=None).order_by("name")
        }
        at = timezone.now()
        return AuditAnchor.objects.create(
            at=at, heads=heads, digest=AuditAnchor.compute_digest(at, heads)
        )


def lock_chains(pairing_ids: Iterable[int | None]) -> list[str]:
    """Lock the chain heads of these pairings (None: records outside any pairing) until the
    transaction commits, all at once and in name order, the order every append takes them.

    A transaction that logs to several pairings one call at a time would otherwise lock
    their heads in the order it touches them, and two such transactions touching the same
    pairings in opposite orders would wait on each other (a deadlock on PostgreSQL). Call it
    first, inside the transaction, with every pairing the work may log to; the appends that
    follow find their heads already held. Returns the chains' names."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("lock_chains needs a transaction")
    names = sorted({AuditEntry.chain_for(pk) for pk in pairing_ids})
    existing = set(AuditChain.objects.filter(name__in=names).values_list("name", flat=True))
    missing = [name for name in names if name not in existing]
    if missing:  # a chain's first entry: make its head (racing writers meet on the name)
        AuditChain.objects.bulk_create(
            [AuditChain(name=name) for name in missing], ignore_conflicts=True
        )
    list(
        AuditChain.objects.select_for_update()
        .filter(name__in=names)
        .order_by("name")
        .values_list("name", flat=True)
    )
    return names

"""The audit log: entries, the hash chain over them and its anchors."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models.pairings import Pairing

# --- the audit trail -------------------------------------------------------------------------


class AuditEntry(models.Model):
    """Who did what to which record, when, and the changed values."""

    # Indexed by `audit_by_at` (at, id), which serves every lookup by time: a second index
    # on `at` alone would only cost each entry written another index update.
    at = models.DateTimeField(_("时间"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    actor = models.CharField(_("操作来源"), max_length=100, help_text=_("如 admin、cli、import"))
    # Indexed by `audit_by_action` (a plain index: `db_index` on PostgreSQL also made one for
    # LIKE 'x%' that no query uses, migration 0022).
    action = models.CharField(_("操作"), max_length=64)
    record_type = models.CharField(_("记录类型"), max_length=64)
    record_id = models.CharField(_("记录编号"), max_length=64)
    record_repr = models.CharField(_("记录"), max_length=300)
    # No index of its own: audit_by_pairing_at starts with it (migration 0022).
    pairing = models.ForeignKey(
        Pairing,
        verbose_name=_("结对关系"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_entries",
        db_index=False,
    )
    changes = models.JSONField(_("变更内容"), default=dict)
    # The trail is a set of hash chains, one per pairing (`pairing:<id>`) and one for
    # records outside any pairing (`unpaired`), so that writes to different pairings never
    # wait for each other; entries written before the split form the closed chain `legacy`.
    # Each entry's hash covers its content and the previous entry's hash in its chain, so
    # an entry edited or deleted behind the application's back breaks the chain, and a
    # deleted chain tail is caught by the anchors (`pairaid audit verify`).
    chain = models.CharField(_("审计链"), max_length=40, default="")
    prev_hash = models.CharField(_("前一条摘要"), max_length=64, blank=True)
    hash = models.CharField(_("摘要"), max_length=64, blank=True)

    LEGACY = "legacy"
    UNPAIRED = "unpaired"

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["record_type", "record_id"], name="audit_by_record"),
            models.Index(fields=["chain", "id"], name="audit_by_chain"),
            # the audit list's order, with and without a pairing (web/views/review.py)
            models.Index(fields=["at", "id"], name="audit_by_at"),
            models.Index(fields=["pairing", "at", "id"], name="audit_by_pairing_at"),
            models.Index(fields=["action"], name="audit_by_action"),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.action} {self.record_repr}"

    def content(self) -> dict[str, object]:
        """What the hash covers: everything but the database id and the hashes."""
        return {
            "at": self.at.astimezone(dt.UTC).isoformat(),
            "user": self.user_id,
            "actor": self.actor,
            "action": self.action,
            "record_type": self.record_type,
            "record_id": self.record_id,
            "record_repr": self.record_repr,
            "pairing": self.pairing_id,
            "changes": self.changes,
            # Entries of the single chain before the split were hashed without a chain.
            **({} if self.chain == self.LEGACY else {"chain": self.chain}),
        }

    @classmethod
    def chain_for(cls, pairing_id: int | None) -> str:
        return f"pairing:{pairing_id}" if pairing_id else cls.UNPAIRED

    def compute_hash(self, prev_hash: str) -> str:
        payload = json.dumps(
            {"prev": prev_hash, **self.content()},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()


class AuditChain(models.Model):
    """The head of one audit chain: its newest entry and length. Appending to a chain
    locks this row (SELECT … FOR UPDATE) until the transaction commits, so entries of one
    chain are linked one after another while other chains go on in parallel."""

    name = models.CharField(_("审计链"), max_length=40, unique=True)
    last_id = models.BigIntegerField(_("最新记录编号"), null=True, blank=True)
    last_hash = models.CharField(_("最新摘要"), max_length=64, blank=True)
    length = models.PositiveBigIntegerField(_("记录数"), default=0)

    class Meta:
        verbose_name = _("审计链")
        verbose_name_plural = _("审计链")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.length})"


class AuditAnchor(models.Model):
    """A snapshot of every chain's head and a hash over all of them, recorded from time to
    time (`pairaid audit anchor`, `pairaid audit verify`, every N entries). An entry the
    anchor saw that has since vanished — even a chain's newest one — breaks verification."""

    at = models.DateTimeField(_("时间"), db_index=True)
    heads = models.JSONField(_("各链最新记录"), default=dict)
    digest = models.CharField(_("摘要"), max_length=64)

    class Meta:
        verbose_name = _("审计锚点")
        verbose_name_plural = _("审计锚点")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.digest[:12]}"

    @staticmethod
    def compute_digest(at: dt.datetime, heads: Mapping[str, object]) -> str:
        payload = json.dumps(
            {"at": at.astimezone(dt.UTC).isoformat(), "heads": heads},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()

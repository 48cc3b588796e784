"""The yearly review of a pairing (a year's figures confirmed and locked)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models.pairings import Pairing

# --- review and lock ------------------------------------------------------------------------


class PairingYear(models.Model):
    """A pairing's year of data under review. Once approved, the year is locked: no record
    of that year changes until a coordinator reopens it, with a reason."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("填报中")
        SUBMITTED = "submitted", _("已报送")
        APPROVED = "approved", _("已审核锁定")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    comment = models.TextField(_("意见"), blank=True)
    changed_at = models.DateTimeField(_("变更时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度审核")
        verbose_name_plural = _("年度审核")
        ordering = ["pairing_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "year"], name="pairing_year_once")
        ]

    def __str__(self) -> str:
        return f"{self.pairing} {self.year}年 {self.get_status_display()}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED

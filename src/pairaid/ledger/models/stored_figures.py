"""Figures kept once computed (`ledger/figure_store.py` writes and reads them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredFigures(models.Model):
    """The values of some figures over one window, computed once and read by every process
    (every server and worker) until a write changes what they count.

    `key` is a digest of everything that decides the answer: the figures, the pairings
    counted (the user's view of a tree), the fund years, the as-of date, confirmed-only, and
    the head of each counted pairing's audit chain (every write of a record of a pairing
    appends to its chain in the same transaction) and of the chain of records outside any
    pairing. A write moves a head, so the old key is never asked for again: nothing is
    updated or deleted to invalidate, and old rows are pruned by age. Values only (numbers,
    no words): labels and rules are made in the reader's language."""

    key = models.CharField(_("键"), max_length=64, unique=True)
    as_of = models.DateField(_("截至日期"))
    values = models.JSONField(_("数值"), default=dict)
    stored_at = models.DateTimeField(_("计算时间"), db_index=True)

    class Meta:
        verbose_name = _("已计算数字")
        verbose_name_plural = _("已计算数字")

    def __str__(self) -> str:
        return f"{self.key[:12]} {self.as_of}"

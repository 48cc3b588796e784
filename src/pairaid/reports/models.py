"""Frozen briefings: a briefing's figures as they stood, to compare with the ledger later."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models import Pairing


class FrozenBriefing(models.Model):
    """What a briefing said and why: each figure with its value, rule, as-of date and the
    ids of the records behind it (with a readable description of each, kept in case the
    record is later changed or removed). Written once by `services.freeze_briefing`."""

    pairing = models.ForeignKey(
        Pairing,
        verbose_name=_("结对关系"),
        on_delete=models.PROTECT,
        related_name="frozen_briefings",
    )
    title = models.CharField(_("标题"), max_length=300)
    # The options as given; an empty as-of date means "as of the day it is regenerated".
    options = models.JSONField(_("生成选项"), default=dict)
    as_of = models.DateField(_("截至日期"))
    text = models.TextField(_("简报文字"))
    # {"figures": [{key, pairing_id, pairing, label, value, unit, rule, as_of, from_year,
    #   to_year, records: ["fundflow:12", …]}], "records": {"fundflow:12": "描述", …}}
    figures = models.JSONField(_("数字与依据"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("冻结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("冻结时间"))
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("冻结的简报")
        verbose_name_plural = _("冻结的简报")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}）"

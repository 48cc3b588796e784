"""Consumption assistance (消费帮扶): products of the recipient's region bought by the helper
side (采购) or sold with its help (帮助销售)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models.common import DemoMixin, VersionMixin, money_in_range
from pairaid.ledger.models.pairings import Pairing
from pairaid.ledger.models.place_rules import refuse_outside
from pairaid.ledger.models.places import Region
from pairaid.ledger.moneyfield import MoneyField


def refuse_after_today(value: date | None, field: str) -> None:
    """Something that happened is not dated after today: no as-of figure counts it early."""
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天")})


class ConsumptionRecord(VersionMixin, DemoMixin):
    """One purchase of the recipient region's products by the helper side (采购), or one
    sale made with its help (帮助销售): the two directions of 消费帮扶, added together in the
    assessment's total and always shown apart beside it."""

    class Direction(models.TextChoices):
        PURCHASED = "purchased", _("采购")
        SOLD_HELPED = "sold_helped", _("帮助销售")

    class BuyerKind(models.TextChoices):
        PUBLIC_BODY = "public_body", _("机关单位")
        UNION = "union", _("工会")
        ENTERPRISE = "enterprise", _("企业")
        INDIVIDUAL = "individual", _("个人及社会渠道")

    class Channel(models.TextChoices):
        PLATFORM_832 = "platform_832", _("832平台")
        FAIR = "fair", _("展销会")
        UNION = "union", _("工会采购")
        LIVESTREAM = "livestream", _("直播带货")
        OTHER = "other", _("其他")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="consumption"
    )
    direction = models.CharField(
        _("方式"),
        max_length=16,
        choices=Direction.choices,
        help_text=_("采购：帮扶方单位、职工或企业购买；帮助销售：经帮扶方牵线、展销卖出"),
    )
    buyer = models.CharField(
        _("购买方"), max_length=200, help_text=_("购买的单位、工会、企业或销售渠道")
    )
    buyer_kind = models.CharField(_("购买方类别"), max_length=16, choices=BuyerKind.choices)
    product = models.CharField(_("产品"), max_length=200)
    origin = models.ForeignKey(
        Region,
        verbose_name=_("产地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consumption",
        help_text=_("受援方的县、乡镇或村；不清楚时可空"),
    )
    amount = MoneyField(_("金额（元）"))
    quantity = models.DecimalField(
        _("数量"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(
        _("计量单位"), max_length=20, blank=True, help_text=_("如斤、吨、箱；与数量同填或同空")
    )
    date = models.DateField(_("日期"), help_text=_("采购或销售成交的日期"))
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("消费帮扶记录")
        verbose_name_plural = _("消费帮扶记录")
        ordering = ["-date", "-id"]
        indexes = [
            # the list's default sort, with and without a pairing (web/listing.py)
            models.Index(fields=["pairing", "-date"], name="consumption_by_pairing_date"),
            models.Index(fields=["-date", "-id"], name="consumption_by_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="consumption_amount_positive"),
            money_in_range("amount", "consumption_amount_in_range"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0),
                name="consumption_quantity_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.product} {self.amount}元"

    def clean(self) -> None:
        if self.amount is not None and self.amount <= 0:
            raise ValidationError({"amount": _("金额必须大于0")})
        if self.quantity is not None and self.quantity <= 0:
            raise ValidationError({"quantity": _("数量必须大于0")})
        if (self.quantity is None) != (not self.unit.strip()):
            raise ValidationError({"unit": _("数量和计量单位须同时填写或同时不填")})
        refuse_after_today(self.date, "date")
        if self.pairing_id:
            refuse_outside(self.pairing, self.origin_id, "origin")

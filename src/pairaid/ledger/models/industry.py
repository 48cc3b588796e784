"""Industrial cooperation (产业合作): parks the two sides build together. The enterprises the
pairing brings in and their investment are `funds.GuidedInvestment` (引导落地企业)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models.common import DemoMixin, VersionMixin
from pairaid.ledger.models.consumption import refuse_after_today
from pairaid.ledger.models.pairings import Pairing
from pairaid.ledger.models.place_rules import refuse_outside
from pairaid.ledger.models.places import Region


class IndustrialPark(VersionMixin, DemoMixin):
    """A park built together (共建产业园区) in the recipient's region."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="parks"
    )
    code = models.CharField(
        _("园区编号"), max_length=64, help_text=_("本结对关系内唯一，导入文件以此指明园区")
    )
    name = models.CharField(_("园区名称"), max_length=200)
    location = models.ForeignKey(
        Region,
        verbose_name=_("所在地"),
        on_delete=models.PROTECT,
        related_name="parks",
        help_text=_("受援方的县、乡镇或村"),
    )
    established = models.DateField(_("共建日期"), help_text=_("双方签约或挂牌共建的日期"))
    area_mu = models.DecimalField(
        _("面积（亩）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    enterprises_settled = models.PositiveIntegerField(
        _("入驻企业（家）"), null=True, blank=True, help_text=_("目前入驻园区的企业数")
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("共建产业园区")
        verbose_name_plural = _("共建产业园区")
        ordering = ["-established", "-id"]
        indexes = [
            models.Index(fields=["pairing", "-established"], name="park_by_pairing_established"),
            models.Index(fields=["-established", "-id"], name="park_by_established"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "code"], name="park_unique_code_in_pairing"),
            models.CheckConstraint(
                condition=Q(area_mu__isnull=True) | Q(area_mu__gt=0), name="park_area_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        refuse_after_today(self.established, "established")
        if self.pairing_id:
            refuse_outside(self.pairing, self.location_id, "location")

"""Agreements: parties, obligations and attached files."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models.common import (
    DemoMixin,
    VersionMixin,
    WorkStatus,
    dates_in_order,
    money_in_range,
)
from pairaid.ledger.models.events import Event
from pairaid.ledger.models.pairings import Pairing

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from pairaid.ledger.models.common import EffectiveStatusAnnotation
from pairaid.ledger.models.places import Organisation
from pairaid.ledger.moneyfield import MoneyField


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def with_effective_status(
        self, day: date
    ) -> models.QuerySet[WithAnnotations[Agreement, EffectiveStatusAnnotation]]:
        """Annotate `effective_status`: each agreement's status as of `day`."""
        records: models.QuerySet[Agreement] = self
        return records.annotate(effective_status=Agreement.effective_status_expression(day))


class Agreement(VersionMixin, DemoMixin):
    class Kind(models.TextChoices):
        FRAMEWORK = "framework", _("框架协议")
        ANNUAL = "annual", _("年度协议")
        PURCHASE = "purchase", _("采购合同")
        OPERATION = "operation", _("运营合作协议")
        TALENT = "talent", _("人才协议")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草拟")
        SIGNED = "signed", _("已签订")
        IN_FORCE = "in_force", _("履行中")
        COMPLETED = "completed", _("已完成")
        TERMINATED = "terminated", _("已终止")

    class EffectiveStatus(models.TextChoices):
        """The status as of a day (`status_on`): signed or in force past the term's end is
        已到期."""

        DRAFT = "draft", _("草拟")
        SIGNED = "signed", _("已签订")
        IN_FORCE = "in_force", _("履行中")
        EXPIRED = "expired", _("已到期")
        COMPLETED = "completed", _("已完成")
        TERMINATED = "terminated", _("已终止")

    RUNNING = (Status.SIGNED, Status.IN_FORCE)

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="agreements"
    )
    title = models.CharField(_("名称"), max_length=300)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    signed_date = models.DateField(_("签订日期"), null=True, blank=True)
    signed_place = models.CharField(_("签订地点"), max_length=200, blank=True)
    event = models.ForeignKey(
        Event,
        verbose_name=_("签约（见证）活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    amount = MoneyField(_("合同金额（元）"), null=True, blank=True)
    term_start = models.DateField(_("期限起"), null=True, blank=True)
    term_end = models.DateField(_("期限止"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("协议合同")
        verbose_name_plural = _("协议合同")
        ordering = ["signed_date", "id"]
        # the list pages' default sorts, with and without a pairing (web/listing.py)
        indexes = [
            models.Index(fields=["signed_date", "id"], name="agreement_by_signed"),
            models.Index(
                fields=["pairing", "signed_date", "id"], name="agreement_by_pairing_signed"
            ),
        ]
        constraints = [
            dates_in_order("term_start", "term_end", "agreement_term_in_order"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="agreement_amount_not_negative",
            ),
            money_in_range("amount", "agreement_amount_in_range"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("期限止不能早于期限起")})
        if self.status != self.Status.DRAFT and not self.signed_date:
            raise ValidationError({"signed_date": _("已签订的协议须填写签订日期")})
        # The witnessing event may belong to the pairing or to the pairing above it
        # (a city's visit witnesses its districts' agreements).
        if (
            self.event_id
            and self.pairing_id
            and self.event is not None
            and self.event.pairing_id not in {self.pairing_id, self.pairing.parent_id}
        ):
            raise ValidationError({"event": _("活动不属于该结对关系")})

    def status_on(self, day: date) -> str:
        """The status as of `day` (an `EffectiveStatus` value): an agreement signed or in
        force whose term ended before the day is 已到期, not 履行中.
        `effective_status_expression` is the same rule in SQL."""
        if self.status in self.RUNNING and self.term_end is not None and self.term_end < day:
            return self.EffectiveStatus.EXPIRED
        return self.status

    @classmethod
    def effective_status_expression(cls, day: date) -> models.Case:
        return models.Case(
            models.When(
                status__in=cls.RUNNING,
                term_end__lt=day,
                then=models.Value(cls.EffectiveStatus.EXPIRED),
            ),
            default=F("status"),
            output_field=models.CharField(),
        )

    def effective_status_display(self, day: date | None = None) -> str:
        """The label of the status as of `day` (today), or of the annotated one."""
        value = getattr(self, "effective_status", None) if day is None else None
        return str(self.EffectiveStatus(value or self.status_on(day or timezone.localdate())).label)


class AgreementParty(models.Model):
    class Role(models.TextChoices):
        PARTY_A = "party_a", _("甲方")
        PARTY_B = "party_b", _("乙方")
        PARTY_C = "party_c", _("丙方")
        WITNESS = "witness", _("见证方")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("协议"), on_delete=models.CASCADE, related_name="parties"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="agreement_roles",
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("协议当事方")
        verbose_name_plural = _("协议当事方")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation", "role"], name="agreement_party_once_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}:{self.organisation}"


class Obligation(VersionMixin):
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("协议"), on_delete=models.CASCADE, related_name="obligations"
    )
    deliverable = models.CharField(_("履约事项"), max_length=300)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=WorkStatus.choices, default=WorkStatus.OPEN
    )
    evidence = models.TextField(_("佐证材料"), blank=True)

    class Meta:
        verbose_name = _("履约事项")
        verbose_name_plural = _("履约事项")
        ordering = ["due_date", "id"]
        # the list pages' default sorts, with and without a pairing (web/listing.py)
        indexes = [
            models.Index(fields=["due_date", "id"], name="obligation_by_due"),
        ]

    def __str__(self) -> str:
        return self.deliverable


class AgreementFile(models.Model):
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("协议"), on_delete=models.CASCADE, related_name="files"
    )
    title = models.CharField(_("文件名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="agreements/%Y/")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("协议附件")
        verbose_name_plural = _("协议附件")

    def __str__(self) -> str:
        return self.title

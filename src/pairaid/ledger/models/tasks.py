"""The work list: tasks taken from events, agreements and plans, and yearly targets."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.messages import FIRST_YEAR, LAST_YEAR
from pairaid.ledger.models.agreements import Agreement
from pairaid.ledger.models.common import DemoMixin, VersionMixin, WorkStatus, money_in_range
from pairaid.ledger.models.events import Event
from pairaid.ledger.models.pairings import Pairing
from pairaid.ledger.models.places import Organisation
from pairaid.ledger.moneyfield import MoneyField


class Task(VersionMixin, DemoMixin):
    """One line of the 清单 managed "一项一项抓好落实"."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField(_("事项"), max_length=300)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=WorkStatus.choices, default=WorkStatus.OPEN
    )
    evidence = models.TextField(_("佐证材料"), blank=True)
    event = models.ForeignKey(
        Event,
        verbose_name=_("来源活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("来源协议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    plan_year = models.PositiveSmallIntegerField(_("来源年度计划"), null=True, blank=True)

    class Meta:
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        ordering = ["due_date", "id"]
        # the list pages' default sorts, with and without a pairing (web/listing.py)
        indexes = [
            models.Index(fields=["due_date", "id"], name="task_by_due"),
            models.Index(fields=["pairing", "due_date", "id"], name="task_by_pairing_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # As the API and the importer look them up: the event of the task's pairing or of the
        # pairing above it (a city's joint meeting sets its districts' tasks), the agreement
        # of its own pairing.
        if not self.pairing_id:
            return
        event, agreement = self.event, self.agreement
        if event is not None and event.pairing_id not in {self.pairing_id, self.pairing.parent_id}:
            raise ValidationError({"event": _("活动不属于该结对关系")})
        if agreement is not None and agreement.pairing_id != self.pairing_id:
            raise ValidationError({"agreement": _("协议不属于该结对关系")})


class Target(VersionMixin, DemoMixin):
    class Indicator(models.TextChoices):
        FUNDS_TRANSFERRED = "funds_transferred", _("拨付资金（元）")
        PROJECTS_STARTED = "projects_started", _("实施项目（个）")
        PERSONS_DISPATCHED = "persons_dispatched", _("选派干部人才（人）")
        TEACHERS = "teachers", _("选派教师（人）")
        CONSUMPTION = "consumption", _("消费帮扶（元）")
        JOBS = "jobs", _("帮助就业（人）")
        JOBS_POOR = "jobs_poor", _("其中脱贫劳动力就业（人）")
        TRAINED = "trained", _("培训（人次）")
        WORKSHOP_JOBS = "workshop_jobs", _("帮扶车间吸纳就业（人）")
        PARKS = "parks", _("共建产业园区（个）")
        ENTERPRISES = "enterprises", _("引导落地企业（家）")
        INVESTMENT = "investment", _("实际到位投资（元）")
        ASSETS_HANDED_OVER = "assets_handed_over", _("移交资产（元）")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    indicator = models.CharField(_("指标"), max_length=32, choices=Indicator.choices)
    value = MoneyField(_("目标值"))

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        ordering = ["year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "year", "indicator"], name="target_once_per_indicator_and_year"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_not_negative"),
            money_in_range("value", "target_value_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_indicator_display()} {self.value}"

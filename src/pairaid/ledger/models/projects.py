"""Projects carried out under a pairing."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models.common import DemoMixin, VersionMixin, dates_in_order, money_in_range
from pairaid.ledger.models.pairings import Pairing
from pairaid.ledger.models.place_rules import EITHER_SIDE, RECIPIENT, refuse_outside
from pairaid.ledger.models.places import Organisation, Region
from pairaid.ledger.moneyfield import MoneyField

# --- projects and money --------------------------------------------------------------------


class Project(VersionMixin, DemoMixin):
    """A project of a pairing (帮扶项目). Its place (`location`) lies in the recipient's region
    or below it; for work done at the helper's end (`HELPER_SIDE_SECTORS`: 消费帮扶, 人才培训,
    就业与劳务) it may lie in the helper's region instead (`clean_location`)."""

    class Sector(models.TextChoices):
        INDUSTRY = "industry", _("产业")
        EDUCATION = "education", _("教育")
        HEALTH = "health", _("医疗卫生")
        INFRASTRUCTURE = "infrastructure", _("基础设施")
        EMPLOYMENT = "employment", _("就业与劳务")
        TRAINING = "training", _("人才培训")
        CONSUMPTION = "consumption", _("消费帮扶")
        RURAL_REVITALISATION = "rural_revitalisation", _("乡村振兴示范")
        PARTY_BUILDING = "party_building", _("党建")
        OTHER = "other", _("其他")

    class Mode(models.TextChoices):
        DIRECT_AID = "direct_aid", _("输血")
        CAPACITY_BUILDING = "capacity_building", _("造血")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划")
        APPROVED = "approved", _("已立项")
        IN_PROGRESS = "in_progress", _("实施中")
        COMPLETED = "completed", _("已完工")
        HANDED_OVER = "handed_over", _("已移交")
        OPERATING = "operating", _("运营中")
        CANCELLED = "cancelled", _("已取消")

    # A project counts as implemented (实施) once it has started, whatever came after.
    STARTED = (Status.IN_PROGRESS, Status.COMPLETED, Status.HANDED_OVER, Status.OPERATING)
    # Sectors whose work may be done in the helper's own region (see `clean_location`).
    HELPER_SIDE_SECTORS = (Sector.CONSUMPTION, Sector.TRAINING, Sector.EMPLOYMENT)

    # No index of its own: the composite indexes below start with it (migration 0023).
    pairing = models.ForeignKey(
        Pairing,
        verbose_name=_("结对关系"),
        on_delete=models.PROTECT,
        related_name="projects",
        db_index=False,
    )
    code = models.CharField(_("项目编号"), max_length=64)
    name = models.CharField(_("项目名称"), max_length=300)
    sector = models.CharField(_("领域"), max_length=32, choices=Sector.choices)
    mode = models.CharField(_("帮扶方式"), max_length=32, choices=Mode.choices)
    location = models.ForeignKey(
        Region,
        verbose_name=_("实施地点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    implementing_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("实施单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    planned_budget = MoneyField(_("计划投资（元）"), default=Decimal("0.00"))
    start_date = models.DateField(_("开工日期"), null=True, blank=True)
    end_date = models.DateField(_("完工日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("进度（%）"), default=0, validators=[MaxValueValidator(100)]
    )
    beneficiary_households = models.PositiveIntegerField(_("受益户数"), default=0)
    beneficiary_persons = models.PositiveIntegerField(_("受益人数"), default=0)
    outcomes = models.TextField(_("成效"), blank=True)
    after_completion = models.TextField(_("资产移交与后续管护"), blank=True)

    class Meta:
        verbose_name = _("帮扶项目")
        verbose_name_plural = _("帮扶项目")
        ordering = ["pairing_id", "code"]
        # the list pages' default sorts, with and without a pairing (web/listing.py)
        indexes = [
            models.Index(fields=["code", "id"], name="project_by_code"),
            # the as-of month of projects started (rollups.started_by_pairing), from the index
            models.Index(fields=["pairing", "start_date", "status"], name="project_started"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "code"], name="project_unique_code_in_pairing"
            ),
            dates_in_order("start_date", "end_date", "project_dates_in_order"),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="project_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(planned_budget__gte=0), name="project_budget_not_negative"
            ),
            money_in_range("planned_budget", "project_budget_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("完工日期不能早于开工日期")})
        if self.status in self.STARTED and not self.start_date:
            raise ValidationError({"start_date": _("已开工的项目须填写开工日期")})
        self.clean_location()

    def clean_location(self) -> None:
        """The place (实施地点) lies in the recipient's region (itself or any region below
        it); for the sectors whose work is done at the helper's end (`HELPER_SIDE_SECTORS`:
        消费帮扶 sales halls, 人才培训 in the helper's city, 就业与劳务 placements there) it may
        lie in the helper's region instead. A side that is an organisation counts with the
        region it belongs to."""
        if not self.location_id or not self.pairing_id:
            return
        helper_too = self.sector in self.HELPER_SIDE_SECTORS
        if helper_too:
            message = _("实施地点应在受援方或帮扶方（%(recipient)s、%(helper)s）的区划范围内")
        else:
            message = _("实施地点应在受援方（%(recipient)s）的区划范围内")
        sides = EITHER_SIDE if helper_too else RECIPIENT
        refuse_outside(self.pairing, self.location_id, "location", sides, message)

    @property
    def has_started(self) -> bool:
        return self.status in self.STARTED

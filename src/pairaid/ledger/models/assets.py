"""What projects leave behind (帮扶项目资产): each asset, its hand-over (资产移交), its owner
(确权) and who maintains it (后续管护), and its state and income year by year."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.messages import FIRST_YEAR, LAST_YEAR
from pairaid.ledger.models.common import DemoMixin, VersionMixin, dates_in_order, money_in_range
from pairaid.ledger.models.pairings import Pairing
from pairaid.ledger.models.projects import Project
from pairaid.ledger.moneyfield import MoneyField

# The statuses of a project that has finished its works: only such a project leaves assets.
FINISHED = (Project.Status.COMPLETED, Project.Status.HANDED_OVER, Project.Status.OPERATING)


class Asset(VersionMixin, DemoMixin):
    """An asset a project of the pairing formed (帮扶项目资产): a road, a school building, a
    workshop, livestock given to households. Its project is one of the same pairing that has
    finished its works (已完工, 已移交 or 运营中, its status when the asset is recorded: a
    completion is often recorded months after the fact, so the status history's dates are not
    the day the works ended) and the asset was formed no earlier than the project started."""

    class Kind(models.TextChoices):
        PUBLIC = "public", _("公益性资产")
        OPERATING = "operating", _("经营性资产")
        HOUSEHOLD = "household", _("到户类资产")

    class Ownership(models.TextChoices):
        VILLAGE = "village", _("村集体")
        TOWNSHIP = "township", _("乡镇")
        COUNTY = "county", _("县级部门")
        ENTERPRISE = "enterprise", _("企业")
        HOUSEHOLD = "household", _("农户")
        UNCONFIRMED = "unconfirmed", _("未确权")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="assets"
    )
    code = models.CharField(
        _("资产编号"), max_length=64, help_text=_("在本结对关系内唯一，导入时据此找到资产")
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("所属项目"),
        on_delete=models.PROTECT,
        related_name="assets",
        help_text=_("形成该资产的帮扶项目，须属于同一结对关系且已完工"),
    )
    name = models.CharField(_("资产名称"), max_length=200)
    kind = models.CharField(
        _("资产类别"),
        max_length=16,
        choices=Kind.choices,
        help_text=_(
            "公益性资产：道路、饮水、学校、卫生室等；经营性资产：车间、大棚、商铺、设备等；"
            "到户类资产：直接发放到户的牲畜、农机等"
        ),
    )
    quantity = models.DecimalField(
        _("数量"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(
        _("计量单位"), max_length=16, blank=True, help_text=_("如：公里、平方米、座、台、头")
    )
    value = MoneyField(_("资产价值（元）"), help_text=_("形成资产时的价值（元）"))
    formed_on = models.DateField(_("形成日期"), help_text=_("竣工验收或交付使用的日期"))
    handed_over_to = models.CharField(
        _("移交对象"),
        max_length=200,
        blank=True,
        help_text=_("接收资产的单位或集体，如“润盐镇龙口河村村民委员会”；未移交不填"),
    )
    handed_over_on = models.DateField(
        _("移交日期"), null=True, blank=True, help_text=_("与移交对象同时填写；未移交不填")
    )
    ownership = models.CharField(
        _("确权归属"),
        max_length=16,
        choices=Ownership.choices,
        default=Ownership.UNCONFIRMED,
        help_text=_("资产确权后的所有者"),
    )
    maintainer = models.CharField(
        _("管护主体"), max_length=200, help_text=_("负责后续管护的单位、集体或个人")
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("帮扶项目资产")
        verbose_name_plural = _("帮扶项目资产")
        ordering = ["-formed_on", "-id"]
        # the list pages' default sort, with and without a pairing
        indexes = [
            models.Index(fields=["formed_on", "id"], name="asset_by_formed"),
            models.Index(fields=["pairing", "formed_on", "id"], name="asset_by_pairing_formed"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "code"], name="asset_unique_code_in_pairing"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="asset_value_not_negative"),
            money_in_range("value", "asset_value_in_range"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="asset_quantity_not_negative",
            ),
            dates_in_order("formed_on", "handed_over_on", "asset_handed_over_after_formed"),
            models.CheckConstraint(
                condition=Q(handed_over_on__isnull=True, handed_over_to="")
                | (Q(handed_over_on__isnull=False) & ~Q(handed_over_to="")),
                name="asset_handover_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        today = timezone.localdate()
        errors: dict[str, object] = {}
        if self.formed_on and self.formed_on > today:
            errors["formed_on"] = _("形成日期不能晚于今天")
        if self.handed_over_on and self.handed_over_on > today:
            errors["handed_over_on"] = _("移交日期不能晚于今天")
        elif self.handed_over_on and self.formed_on and self.handed_over_on < self.formed_on:
            errors["handed_over_on"] = _("移交日期不能早于形成日期")
        if bool(self.handed_over_on) != bool((self.handed_over_to or "").strip()):
            field = "handed_over_to" if self.handed_over_on else "handed_over_on"
            errors.setdefault(field, _("移交对象和移交日期须同时填写或同时不填"))
        if self.project_id and self.pairing_id:
            errors.update(self._project_errors())
        if errors:
            raise ValidationError(errors)

    def _project_errors(self) -> dict[str, object]:
        project = self.project
        if project.pairing_id != self.pairing_id:
            return {"project": _("项目不属于该结对关系")}
        if project.status not in FINISHED:
            return {"project": _("项目尚未完工（须为已完工、已移交或运营中），不能登记其资产")}
        if self.formed_on and project.start_date and self.formed_on < project.start_date:
            return {"formed_on": _("形成日期不能早于项目开工日期")}
        return {}


class AssetCheck(VersionMixin, DemoMixin):
    """An asset's state in one year (资产年度状态): in use, idle, damaged or disposed of, the
    income it yielded that year and how that income was shared (收益分配, 联农带农)."""

    class State(models.TextChoices):
        IN_USE = "in_use", _("在用")
        IDLE = "idle", _("闲置")
        DAMAGED = "damaged", _("损毁")
        DISPOSED = "disposed", _("处置")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="asset_checks"
    )
    asset = models.ForeignKey(
        Asset,
        verbose_name=_("资产"),
        on_delete=models.PROTECT,
        related_name="checks",
        help_text=_("同一结对关系的资产"),
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    state = models.CharField(_("使用状态"), max_length=16, choices=State.choices)
    income = MoneyField(
        _("当年收益（元）"), default=Decimal("0.00"), help_text=_("资产当年产生的收益；无收益填0")
    )
    income_sharing = models.CharField(
        _("收益分配"),
        max_length=300,
        blank=True,
        help_text=_("收益如何分配、如何联农带农，如“村集体30%，脱贫户分红70%”"),
    )
    households_benefited = models.PositiveIntegerField(
        _("带动农户（户）"), null=True, blank=True, help_text=_("当年从该资产受益的农户数")
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("资产年度状态")
        verbose_name_plural = _("资产年度状态")
        ordering = ["-year", "-id"]
        # the list pages' default sort, with and without a pairing; (asset, year) for an
        # asset's latest check
        indexes = [
            models.Index(fields=["year", "id"], name="assetcheck_by_year"),
            models.Index(fields=["pairing", "year", "id"], name="assetcheck_by_pairing_year"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["asset", "year"], name="assetcheck_once_per_year"),
            models.CheckConstraint(
                condition=Q(income__gte=0), name="assetcheck_income_not_negative"
            ),
            money_in_range("income", "assetcheck_income_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_state_display()}"

    def clean(self) -> None:
        if self.year and self.year > timezone.localdate().year:
            raise ValidationError({"year": _("年度不能晚于今年")})
        if not self.asset_id:
            return
        asset = self.asset
        if self.pairing_id and asset.pairing_id != self.pairing_id:
            raise ValidationError({"asset": _("资产不属于该结对关系")})
        if self.year and asset.formed_on and self.year < asset.formed_on.year:
            raise ValidationError({"year": _("年度不能早于资产形成的年度")})

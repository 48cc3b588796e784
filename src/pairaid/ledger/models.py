"""The records of paired assistance (see DESIGN.md, "The records").

Rules every entry point must respect live in `clean()` here and, where a rule is absolute,
in a database constraint too. Changes go through `pairaid.ledger.services`, never through
`.save()` called from a view, a command or the admin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.messages import FIRST_YEAR, LAST_YEAR
from pairaid.ledger.money import MAX_AMOUNT
from pairaid.ledger.moneyfield import MoneyField
from pairaid.lib.personal_data import EncryptedTextField


def dates_in_order(start: str, end: str, name: str) -> models.CheckConstraint:
    """A database rule: `end` is empty or not before `start`."""
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        name=name,
    )


def money_in_range(field: str, name: str) -> models.CheckConstraint:
    """A database rule: an amount (whole fen) is within the ledger's limit, either sign."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | (Q(**{f"{field}__gte": -MAX_AMOUNT}) & Q(**{f"{field}__lte": MAX_AMOUNT})),
        name=name,
    )


class DemoMixin(models.Model):
    is_demo = models.BooleanField(
        _("演示数据"), default=False, help_text=_("由 pairaid demo 生成的虚构或示意数据")
    )

    class Meta:
        abstract = True


class VersionMixin(models.Model):
    """A record that pages and the API edit carries the number of its version: an edit
    says which version it was made on, and an edit made on an older one is refused
    (`services.update_record(..., expected_version=)`), so that no change is lost."""

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True


class Confirmation(models.TextChoices):
    """The recipient side's answer to money sent or a person posted (two-sided records)."""

    UNCONFIRMED = "unconfirmed", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DISPUTED = "disputed", _("有异议")


class ConfirmationMixin(models.Model):
    confirmation = models.CharField(
        _("受援方确认"),
        max_length=16,
        choices=Confirmation.choices,
        default=Confirmation.UNCONFIRMED,
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmation_note = models.CharField(_("确认说明"), max_length=300, blank=True)

    class Meta:
        abstract = True


# --- places and bodies -------------------------------------------------------------------


class Region(VersionMixin, DemoMixin):
    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        PREFECTURE = "prefecture", _("地级")
        COUNTY = "county", _("县级")
        TOWNSHIP = "township", _("乡级")
        VILLAGE = "village", _("村级")

    code = models.CharField(
        _("区划代码"),
        max_length=12,
        unique=True,
        help_text=_("6位（县级及以上）或12位统计用区划代码"),
    )
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("启用日期"), null=True, blank=True)
    valid_to = models.DateField(_("停用日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            dates_in_order("valid_from", "valid_to", "region_valid_dates_in_order"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^([0-9]{6}|[0-9]{12})$"),
                name="region_code_6_or_12_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.code and (not self.code.isdigit() or len(self.code) not in (6, 12)):
            raise ValidationError({"code": _("区划代码应为6位或12位数字")})

    # How many levels one query climbs (a village is four levels below its province).
    LINEAGE_STEP = 5

    @classmethod
    def lineage(cls, region_id: int) -> set[int]:
        """The region and every region above it, by their ids: one query climbs five levels
        through `parent` (a village's whole chain), another only for a deeper tree. Codes
        are not trusted for this: a town's code need not start with its county's."""
        found: set[int] = set()
        current: int | None = region_id
        up = [
            "__".join(["parent"] * level) + "_id" if level else "id"
            for level in range(cls.LINEAGE_STEP + 1)
        ]
        while current is not None and current not in found:
            row = cls.objects.filter(pk=current).values_list(*up).first()
            if row is None:
                break
            current = None
            for ancestor in row:
                if ancestor is None or ancestor in found:
                    break
                found.add(ancestor)
                current = ancestor
            else:
                current = row[-1]
                found.discard(current)  # climb on from the last one found
        return found

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Organisation(VersionMixin, DemoMixin):
    class Kind(models.TextChoices):
        PARTY_GOVERNMENT = "party_government", _("党政机关")
        DEPARTMENT = "department", _("部门")
        SCHOOL = "school", _("学校")
        HOSPITAL = "hospital", _("医院")
        ENTERPRISE = "enterprise", _("企业")
        SOCIAL = "social", _("社会组织")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="organisations"
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="organisation_unique_name_in_region"
            )
        ]

    def __str__(self) -> str:
        return self.name


# --- the pairing everything hangs off ------------------------------------------------------


class PairingQuerySet(models.QuerySet["Pairing"]):
    def matching(self, name_or_code: str) -> PairingQuerySet:
        """Pairings whose helper or recipient is named or coded `name_or_code`."""
        term = name_or_code.strip()
        return self.filter(
            Q(helper_region__name=term)
            | Q(helper_region__code=term)
            | Q(recipient_region__name=term)
            | Q(recipient_region__code=term)
            | Q(helper_organisation__name=term)
            | Q(recipient_organisation__name=term)
            | Q(name=term)
        )


class Pairing(VersionMixin, DemoMixin):
    class Scheme(models.TextChoices):
        IN_PROVINCE = "in_province", _("省内对口帮扶")
        EAST_WEST = "east_west", _("东西部协作")
        COUNTERPART_SUPPORT = "counterpart_support", _("对口支援")
        DESIGNATED = "designated", _("定点帮扶")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=200, blank=True)
    helper_region = models.ForeignKey(
        Region,
        verbose_name=_("帮扶方（区划）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings_as_helper",
    )
    helper_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("帮扶方（单位）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings_as_helper",
    )
    recipient_region = models.ForeignKey(
        Region,
        verbose_name=_("受援方（区划）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings_as_recipient",
    )
    recipient_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("受援方（单位）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings_as_recipient",
    )
    scheme = models.CharField(_("帮扶类型"), max_length=32, choices=Scheme.choices)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级结对关系"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对关系")
        verbose_name_plural = _("结对关系")
        ordering = ["valid_from", "id"]
        constraints = [
            dates_in_order("valid_from", "valid_to", "pairing_valid_dates_in_order"),
            models.CheckConstraint(
                condition=Q(helper_region__isnull=False) | Q(helper_organisation__isnull=False),
                name="pairing_has_helper",
            ),
            models.CheckConstraint(
                condition=Q(recipient_region__isnull=False)
                | Q(recipient_organisation__isnull=False),
                name="pairing_has_recipient",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")), name="pairing_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.helper_name}→{self.recipient_name}"

    @property
    def helper_name(self) -> str:
        helper = self.helper_region or self.helper_organisation
        return str(helper) if helper else ""

    @property
    def recipient_name(self) -> str:
        recipient = self.recipient_region or self.recipient_organisation
        return str(recipient) if recipient else ""

    def clean(self) -> None:
        if not (self.helper_region_id or self.helper_organisation_id):
            raise ValidationError(_("请填写帮扶方（区划或单位）"))
        if not (self.recipient_region_id or self.recipient_organisation_id):
            raise ValidationError(_("请填写受援方（区划或单位）"))
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("终止日期不能早于起始日期")})
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("上级结对关系不能是自身或其下级")})
            ancestor = ancestor.parent
        if not self.name:
            self.name = f"{self.helper_name}→{self.recipient_name}"

    def with_descendants(self) -> list[Pairing]:
        """This pairing and every pairing below it, breadth first (few levels in practice)."""
        found = [self]
        frontier = [self.pk]
        while frontier:
            children = list(Pairing.objects.filter(parent_id__in=frontier))
            found.extend(children)
            frontier = [child.pk for child in children]
        return found


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

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="projects"
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
        pairing = self.pairing
        recipient = pairing.recipient_region_id or (
            pairing.recipient_organisation.region_id if pairing.recipient_organisation_id else None
        )
        helper = pairing.helper_region_id or (
            pairing.helper_organisation.region_id if pairing.helper_organisation_id else None
        )
        allowed = {recipient} | ({helper} if self.sector in self.HELPER_SIDE_SECTORS else set())
        allowed.discard(None)
        if not allowed or allowed & Region.lineage(self.location_id):
            return
        if self.sector in self.HELPER_SIDE_SECTORS:
            message = _("实施地点应在受援方或帮扶方（%(recipient)s、%(helper)s）的区划范围内")
        else:
            message = _("实施地点应在受援方（%(recipient)s）的区划范围内")
        raise ValidationError(
            {
                "location": message
                % {"recipient": pairing.recipient_name, "helper": pairing.helper_name}
            }
        )

    @property
    def has_started(self) -> bool:
        return self.status in self.STARTED


class FundFlow(ConfirmationMixin, DemoMixin):
    """One entry of the fund ledger. Never edited once recorded: a correction is a
    reversing entry (negative amount, pointing at the original) plus a new entry.

    Dates keep every as-of figure right (`clean()`, so every entry point obeys them):

    - money is not dated after today: a figure as of any day never counts money that had
      not moved yet (only a reversal may carry its original's date, so that an entry
      already dated ahead can still be cancelled);
    - a reversal is not dated before its original: at no as-of date does a reversal count
      without the entry it cancels;
    - a date more than one year away from the fund year (资金年度) needs a reason
      (`cross_year_reason`, 跨年度说明), e.g. a project paying out its start year's money
      three years later; a mistyped year is caught instead of counted in the wrong year.
    """

    # How far (in years) the date may lie from the fund year without a reason.
    CROSS_YEAR_TOLERANCE = 1

    class Kind(models.TextChoices):
        PLAN = "plan", _("计划")
        TRANSFER = "transfer", _("拨付")
        ALLOCATE = "allocate", _("分配到项目")
        SPEND = "spend", _("支出")

    class Source(models.TextChoices):
        FISCAL = "fiscal", _("财政援助资金")
        SOCIAL_CASH = "social_cash", _("社会帮扶资金")
        IN_KIND = "in_kind", _("捐物折价")
        OTHER = "other", _("其他")

    Confirmation = Confirmation

    # allocate and spend are about a project; plan and transfer may be.
    NEEDS_PROJECT = (Kind.ALLOCATE, Kind.SPEND)

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="fund_flows"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    fund_year = models.PositiveSmallIntegerField(
        _("资金年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    date = models.DateField(_("日期"))
    amount = MoneyField(_("金额（元）"))
    source = models.CharField(_("资金来源"), max_length=16, choices=Source.choices)
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_flows",
    )
    voucher = models.CharField(_("凭证或文号"), max_length=100, blank=True)
    note = models.CharField(_("摘要"), max_length=300, blank=True)
    cross_year_reason = models.CharField(
        _("跨年度说明"),
        max_length=200,
        blank=True,
        help_text=_("日期与资金年度相差超过一年时必填，如项目跨年度实施"),
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲销的记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资金记录")
        verbose_name_plural = _("资金记录")
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["pairing", "kind", "fund_year"], name="fundflow_by_pairing_kind")
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(amount__gt=0))
                | (Q(reverses__isnull=False) & Q(amount__lt=0)),
                name="fundflow_positive_or_reversal",
            ),
            money_in_range("amount", "fundflow_amount_in_range"),
            models.CheckConstraint(
                condition=~Q(kind__in=["allocate", "spend"]) | Q(project__isnull=False),
                name="fundflow_allocate_spend_have_project",
            ),
        ]
        # A fund flow's project belongs to the same pairing: enforced by a trigger
        # (migration 0002), since a check constraint cannot look into another table.

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.fund_year} {self.amount}元"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    def clean(self) -> None:
        if self.amount is not None and not self.reverses_id and self.amount <= 0:
            raise ValidationError({"amount": _("金额必须大于0；更正请使用冲销")})
        if self.kind in self.NEEDS_PROJECT and not self.project_id:
            raise ValidationError({"project": _("分配和支出须指明项目")})
        if self.project_id and self.pairing_id and self.project.pairing_id != self.pairing_id:
            raise ValidationError({"project": _("项目不属于该结对关系")})
        if self.amount is not None and self.amount.as_tuple().exponent < -2:
            raise ValidationError({"amount": _("金额最多保留两位小数（分）")})
        self.clean_dates()

    def clean_dates(self) -> None:
        """The date rules of the class docstring."""
        if self.date is None:
            return
        original = self.reverses if self.reverses_id else None
        if original is not None and self.date < original.date:
            raise ValidationError(
                {
                    "date": _("冲销日期不能早于原记录的日期（%(date)s）")
                    % {"date": original.date.isoformat()}
                }
            )
        same_day_reversal = original is not None and self.date == original.date
        if self.date > timezone.localdate() and not same_day_reversal:
            raise ValidationError({"date": _("日期不能晚于今天")})
        if (
            original is None
            and self.fund_year is not None
            and abs(self.date.year - self.fund_year) > self.CROSS_YEAR_TOLERANCE
            and not self.cross_year_reason.strip()
        ):
            raise ValidationError(
                {
                    "cross_year_reason": _(
                        "日期与资金年度（%(year)s年）相差超过一年，请填写跨年度说明"
                    )
                    % {"year": self.fund_year}
                }
            )


class GuidedInvestment(DemoMixin):
    """Enterprise investment the pairing brought in (引导企业投资): recorded apart and never
    summed into assistance funds."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="investments"
    )
    enterprise = models.CharField(_("企业"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    date = models.DateField(_("日期"))
    amount = MoneyField(_("到位投资（元）"))
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("引导企业投资")
        verbose_name_plural = _("引导企业投资")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="investment_amount_positive"),
            money_in_range("amount", "investment_amount_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.amount}元"

    def clean(self) -> None:
        # Money is not dated after today (as FundFlow): an as-of figure never counts
        # investment that had not arrived yet.
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("日期不能晚于今天")})


# --- people ----------------------------------------------------------------------------------


class Person(VersionMixin, DemoMixin):
    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    class Category(models.TextChoices):
        CADRE = "cadre", _("党政干部")
        PROFESSIONAL = "professional", _("专业技术人才")

    class Profession(models.TextChoices):
        NONE = "", _("—")
        TEACHER = "teacher", _("教师")
        DOCTOR = "doctor", _("医生")
        AGRONOMIST = "agronomist", _("农技")
        OTHER = "other", _("其他")

    number = models.CharField(_("人员编号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    home_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("派出单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    profession = models.CharField(
        _("专业类别"), max_length=16, choices=Profession.choices, blank=True, default=""
    )
    # Personal data: never shown in lists or downloads for viewers (see issue on access).
    id_number = EncryptedTextField(_("身份证号"), blank=True)
    phone = EncryptedTextField(_("联系电话"), blank=True)

    class Meta:
        verbose_name = _("干部人才")
        verbose_name_plural = _("干部人才")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category="professional") | Q(profession=""),
                name="person_profession_only_for_professionals",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.number})"

    def clean(self) -> None:
        if self.category == self.Category.CADRE and self.profession:
            raise ValidationError({"profession": _("党政干部不填写专业类别")})


class Team(VersionMixin, DemoMixin):
    """A 组团式 group posting: people from several bodies to several bodies."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(_("名称"), max_length=200)
    from_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("派出单位"), related_name="teams_sent", blank=True
    )
    to_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("受援单位"), related_name="teams_received", blank=True
    )
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("组团式帮扶团队")
        verbose_name_plural = _("组团式帮扶团队")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PostingQuerySet(models.QuerySet["Posting"]):
    def with_effective_status(self, day: date) -> PostingQuerySet:
        """Annotate `effective_status`: each posting's status as of `day`, in the database
        (so that lists filter, sort and count by it)."""
        return self.annotate(effective_status=Posting.effective_status_expression(day))


class Posting(VersionMixin, ConfirmationMixin, DemoMixin):
    class Status(models.TextChoices):
        IN_POST = "in_post", _("在岗")
        COMPLETED = "completed", _("期满")
        EXTENDED = "extended", _("延期")
        RECALLED = "recalled", _("召回")

    class EffectiveStatus(models.TextChoices):
        """The status as of a day, from the stored status and the dates (`status_on`)."""

        NOT_STARTED = "not_started", _("未到岗")
        IN_POST = "in_post", _("在岗")
        EXTENDED = "extended", _("延期")
        OVERDUE = "overdue", _("期满未离岗")
        COMPLETED = "completed", _("期满")
        RECALLED = "recalled", _("召回")

    # Effective statuses of a person still at the post on the day.
    AT_POST = (EffectiveStatus.IN_POST, EffectiveStatus.EXTENDED, EffectiveStatus.OVERDUE)

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="postings"
    )
    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="postings"
    )
    host_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("挂职（服务）单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_postings",
    )
    post = models.CharField(_("挂任职务"), max_length=200, blank=True)
    batch = models.PositiveSmallIntegerField(_("批次"), null=True, blank=True)
    start_date = models.DateField(_("到岗日期"))
    planned_end = models.DateField(_("计划期满"), null=True, blank=True)
    actual_end = models.DateField(_("实际离岗"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.IN_POST
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("组团式团队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="postings",
    )

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("选派")
        verbose_name_plural = _("选派")
        ordering = ["start_date", "id"]
        constraints = [
            dates_in_order("start_date", "planned_end", "posting_planned_end_after_start"),
            dates_in_order("start_date", "actual_end", "posting_actual_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.post}".strip()

    def clean(self) -> None:
        if self.start_date and self.planned_end and self.planned_end < self.start_date:
            raise ValidationError({"planned_end": _("计划期满不能早于到岗日期")})
        if self.start_date and self.actual_end and self.actual_end < self.start_date:
            raise ValidationError({"actual_end": _("实际离岗不能早于到岗日期")})
        if self.team_id and self.pairing_id and self.team.pairing_id != self.pairing_id:
            raise ValidationError({"team": _("团队不属于该结对关系")})

    def status_on(self, day: date) -> str:
        """The status as of `day` (an `EffectiveStatus` value): a posting whose planned end
        has passed with no departure recorded by then, and not extended (延期), is 期满未离岗,
        not 在岗; a recorded departure on or before the day is 期满 (or 召回); one not yet
        begun is 未到岗.
        `effective_status_expression` is the same rule in SQL."""
        status = self.EffectiveStatus
        if self.start_date > day:
            return status.NOT_STARTED
        if self.actual_end is not None and self.actual_end <= day:
            return status.RECALLED if self.status == self.Status.RECALLED else status.COMPLETED
        if self.actual_end is None and self.status in (self.Status.COMPLETED, self.Status.RECALLED):
            return self.status
        if (
            self.planned_end is not None
            and self.planned_end < day
            and self.status != self.Status.EXTENDED
        ):
            return status.OVERDUE
        return status.EXTENDED if self.status == self.Status.EXTENDED else status.IN_POST

    @classmethod
    def effective_status_expression(cls, day: date) -> models.Case:
        status = cls.EffectiveStatus
        return models.Case(
            models.When(start_date__gt=day, then=models.Value(status.NOT_STARTED)),
            models.When(
                actual_end__lte=day,
                status=cls.Status.RECALLED,
                then=models.Value(status.RECALLED),
            ),
            models.When(actual_end__lte=day, then=models.Value(status.COMPLETED)),
            models.When(
                actual_end__isnull=True,
                status__in=(cls.Status.COMPLETED, cls.Status.RECALLED),
                then=F("status"),
            ),
            models.When(
                Q(planned_end__lt=day) & ~Q(status=cls.Status.EXTENDED),
                then=models.Value(status.OVERDUE),
            ),
            models.When(status=cls.Status.EXTENDED, then=models.Value(status.EXTENDED)),
            default=models.Value(status.IN_POST),
            output_field=models.CharField(),
        )

    def effective_status_display(self, day: date | None = None) -> str:
        """The label of the status as of `day` (today), or of the annotated one."""
        value = getattr(self, "effective_status", None) if day is None else None
        return str(self.EffectiveStatus(value or self.status_on(day or timezone.localdate())).label)


# --- agreements, events, tasks, targets ------------------------------------------------------


class Event(VersionMixin, DemoMixin):
    class Kind(models.TextChoices):
        VISIT = "visit", _("调研")
        JOINT_MEETING = "joint_meeting", _("联席会议")
        FORUM = "forum", _("座谈")
        SIGNING = "signing", _("签约")
        FUND_HANDOVER = "fund_handover", _("资金交付")
        OTHER = "other", _("其他")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=300)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    places = models.TextField(_("地点"), blank=True)
    summary = models.TextField(_("概要"), blank=True)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["start_date", "id"]
        constraints = [dates_in_order("start_date", "end_date", "event_dates_in_order")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期")})


class EventParticipant(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="participants"
    )
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=200, blank=True)
    side = models.CharField(_("所属方"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("参加人员")
        verbose_name_plural = _("参加人员")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}({self.title})" if self.title else self.name


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def with_effective_status(self, day: date) -> AgreementQuerySet:
        """Annotate `effective_status`: each agreement's status as of `day`."""
        return self.annotate(effective_status=Agreement.effective_status_expression(day))


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


class WorkStatus(models.TextChoices):
    OPEN = "open", _("未开始")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已撤销")


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

    def __str__(self) -> str:
        return self.title


class Target(VersionMixin, DemoMixin):
    class Indicator(models.TextChoices):
        FUNDS_TRANSFERRED = "funds_transferred", _("拨付资金（元）")
        PROJECTS_STARTED = "projects_started", _("实施项目（个）")
        PERSONS_DISPATCHED = "persons_dispatched", _("选派干部人才（人）")
        TEACHERS = "teachers", _("选派教师（人）")
        CONSUMPTION = "consumption", _("消费帮扶（元）")
        JOBS = "jobs", _("帮助就业（人）")

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


# --- the audit trail -------------------------------------------------------------------------


class AuditEntry(models.Model):
    """Who did what to which record, when, and the changed values."""

    at = models.DateTimeField(_("时间"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    actor = models.CharField(_("操作来源"), max_length=100, help_text=_("如 admin、cli、import"))
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    record_type = models.CharField(_("记录类型"), max_length=64)
    record_id = models.CharField(_("记录编号"), max_length=64)
    record_repr = models.CharField(_("记录"), max_length=300)
    pairing = models.ForeignKey(
        Pairing,
        verbose_name=_("结对关系"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_entries",
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
    def compute_digest(at: dt.datetime, heads: dict[str, object]) -> str:
        payload = json.dumps(
            {"at": at.astimezone(dt.UTC).isoformat(), "heads": heads},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()

"""Labour cooperation (劳务协作): persons helped into work, training, assistance workshops and
vocational-school enrolments (DESIGN.md, "The records"; the assessment's 劳务协作 area).

Placements and a workshop's jobs are two-sided (`ConfirmationMixin`): the helper side records
them, the recipient side witnesses them through `services.confirm_record`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.messages import FIRST_YEAR, LAST_YEAR
from pairaid.ledger.models.common import (
    ConfirmationMixin,
    DemoMixin,
    VersionMixin,
    dates_in_order,
)
from pairaid.ledger.models.pairings import Pairing
from pairaid.ledger.models.place_rules import EITHER_SIDE, RECIPIENT, refuse_outside
from pairaid.ledger.models.places import Region
from pairaid.lib.personal_data import EncryptedTextField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _not_after_today(record: models.Model, field: str, label: StrOrPromise) -> None:
    day = getattr(record, field)
    if day and day > timezone.localdate():
        raise ValidationError({field: _("%(field)s不能晚于今天") % {"field": label}})


def _part_of_whole(record: models.Model, part: str, whole: str, message: StrOrPromise) -> None:
    value, total = getattr(record, part), getattr(record, whole)
    if value is not None and total is not None and value > total:
        raise ValidationError({part: message})


class Placement(VersionMixin, ConfirmationMixin, DemoMixin):
    """劳务输出、帮助就业: persons the pairing helped into work, on one day, with one employer
    (or a batch to one destination). The recipient side witnesses it (受援方确认)."""

    class Destination(models.TextChoices):
        HELPER = "helper", _("到帮扶方地区")
        IN_PROVINCE = "in_province", _("省内就近就业")
        ELSEWHERE = "elsewhere", _("其他地区")

    # What the recipient side witnesses: changing it takes the confirmation back.
    WITNESSED = ("date", "persons", "poor_persons", "destination", "employer")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="placements"
    )
    date = models.DateField(_("就业日期"), help_text=_("上岗（签订劳动合同）的日期，不晚于今天"))
    persons = models.PositiveIntegerField(
        _("就业人数"), validators=[MinValueValidator(1)], help_text=_("本次帮助实现就业的人数")
    )
    poor_persons = models.PositiveIntegerField(
        _("其中脱贫劳动力"),
        default=0,
        help_text=_("就业人数中脱贫劳动力（含监测对象）的人数，不超过就业人数"),
    )
    destination = models.CharField(_("就业去向"), max_length=16, choices=Destination.choices)
    employer = models.CharField(_("用工单位"), max_length=200)
    stable_months = models.PositiveSmallIntegerField(
        _("稳定就业月数"),
        null=True,
        blank=True,
        help_text=_("最近一次回访时已连续在岗的月数；未回访的留空"),
    )
    # Personal data: encrypted at rest, never listed (Pages.columns leaves it out).
    names = EncryptedTextField(
        _("就业人员名单"), blank=True, help_text=_("个人信息，加密保存，不在列表中显示")
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("劳务协作就业")
        verbose_name_plural = _("劳务协作就业")
        ordering = ["date", "id"]
        # the list pages' default sorts, with and without a pairing (web/listing.py)
        indexes = [
            models.Index(fields=["date", "id"], name="placement_by_date"),
            models.Index(fields=["pairing", "date", "id"], name="placement_by_pairing_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(persons__gte=1), name="placement_persons_positive"),
            models.CheckConstraint(
                condition=Q(poor_persons__lte=F("persons")), name="placement_poor_within_persons"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.persons}人"

    @property
    def is_stable(self) -> bool:
        """稳定就业: in work at the last check for at least `PAIRAID_STABLE_JOB_MONTHS`."""
        months = self.stable_months
        return months is not None and months >= settings.PAIRAID_STABLE_JOB_MONTHS

    def clean(self) -> None:
        _not_after_today(self, "date", _("就业日期"))
        _part_of_whole(self, "poor_persons", "persons", _("其中脱贫劳动力不能超过就业人数"))


class TrainingSession(VersionMixin, DemoMixin):
    """培训: one training course or session, counted in 人次 (attendances)."""

    class Kind(models.TextChoices):
        SKILLS = "skills", _("劳动力技能培训")
        CADRES = "cadres", _("干部培训")
        PROFESSIONALS = "professionals", _("专业技术人才培训")
        OTHER = "other", _("其他")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="trainings"
    )
    title = models.CharField(_("培训名称"), max_length=200)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    kind = models.CharField(_("培训类别"), max_length=16, choices=Kind.choices)
    attendance = models.PositiveIntegerField(
        _("培训人次"), validators=[MinValueValidator(1)], help_text=_("一人参加多期的计多人次")
    )
    poor_attendance = models.PositiveIntegerField(
        _("其中脱贫劳动力人次"), default=0, help_text=_("不超过培训人次")
    )
    certificates = models.PositiveIntegerField(
        _("取得证书人数"), default=0, help_text=_("取得职业技能等级证书等的人数，不超过培训人次")
    )
    location = models.ForeignKey(
        Region,
        verbose_name=_("培训地点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
        help_text=_("帮扶方或受援方区划内（可到乡镇）"),
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["start_date", "id"]
        indexes = [
            models.Index(fields=["start_date", "id"], name="training_by_start"),
            models.Index(fields=["pairing", "start_date", "id"], name="training_by_pairing_start"),
        ]
        constraints = [
            dates_in_order("start_date", "end_date", "training_dates_in_order"),
            models.CheckConstraint(
                condition=Q(attendance__gte=1), name="training_attendance_positive"
            ),
            models.CheckConstraint(
                condition=Q(poor_attendance__lte=F("attendance")),
                name="training_poor_within_attendance",
            ),
            models.CheckConstraint(
                condition=Q(certificates__lte=F("attendance")),
                name="training_certificates_within_attendance",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        _not_after_today(self, "start_date", _("开始日期"))
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期")})
        _part_of_whole(
            self, "poor_attendance", "attendance", _("其中脱贫劳动力人次不能超过培训人次")
        )
        _part_of_whole(self, "certificates", "attendance", _("取得证书人数不能超过培训人次"))
        if self.pairing_id:
            refuse_outside(
                self.pairing,
                self.location_id,
                "location",
                EITHER_SIDE,
                _("培训地点应在受援方或帮扶方（%(recipient)s、%(helper)s）的区划范围内"),
            )


class Workshop(VersionMixin, ConfirmationMixin, DemoMixin):
    """帮扶车间: a workshop in the recipient county that employs local people, the poor among
    them. Its jobs are its state now (updated as they change); the recipient side witnesses
    them (受援方确认)."""

    class Status(models.TextChoices):
        OPERATING = "operating", _("运营中")
        SUSPENDED = "suspended", _("停产")
        CLOSED = "closed", _("关闭")

    # What the recipient side witnesses: changing it takes the confirmation back.
    WITNESSED = ("jobs", "poor_jobs")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="workshops"
    )
    code = models.CharField(
        _("车间编号"), max_length=40, help_text=_("在本结对关系中唯一，导入时用以识别车间")
    )
    name = models.CharField(_("车间名称"), max_length=200)
    location = models.ForeignKey(
        Region,
        verbose_name=_("车间所在地"),
        on_delete=models.PROTECT,
        related_name="workshops",
        help_text=_("受援方区划内（可到乡镇、村）"),
    )
    established = models.DateField(_("建成日期"))
    jobs = models.PositiveIntegerField(_("吸纳就业人数"), default=0)
    poor_jobs = models.PositiveIntegerField(
        _("其中脱贫劳动力"), default=0, help_text=_("不超过吸纳就业人数")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.OPERATING
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("帮扶车间")
        verbose_name_plural = _("帮扶车间")
        ordering = ["pairing_id", "code"]
        indexes = [
            models.Index(fields=["code", "id"], name="workshop_by_code"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "code"], name="workshop_unique_code_in_pairing"
            ),
            models.CheckConstraint(
                condition=Q(poor_jobs__lte=F("jobs")), name="workshop_poor_within_jobs"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        _not_after_today(self, "established", _("建成日期"))
        _part_of_whole(self, "poor_jobs", "jobs", _("其中脱贫劳动力不能超过吸纳就业人数"))
        if self.pairing_id:
            refuse_outside(
                self.pairing,
                self.location_id,
                "location",
                RECIPIENT,
                _("帮扶车间应在受援方（%(recipient)s）的区划范围内"),
            )


class VocationalEnrolment(VersionMixin, DemoMixin):
    """职业院校招生: students of the recipient county taken into (the helper's) vocational
    schools in one year."""

    pairing = models.ForeignKey(
        Pairing,
        verbose_name=_("结对关系"),
        on_delete=models.PROTECT,
        related_name="vocational_enrolments",
    )
    year = models.PositiveSmallIntegerField(
        _("招生年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    school = models.CharField(_("职业院校"), max_length=200)
    students = models.PositiveIntegerField(_("招生人数"), validators=[MinValueValidator(1)])
    poor_students = models.PositiveIntegerField(
        _("其中脱贫家庭学生"), default=0, help_text=_("不超过招生人数")
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("职业院校招生")
        verbose_name_plural = _("职业院校招生")
        ordering = ["year", "id"]
        indexes = [
            models.Index(fields=["year", "id"], name="vocational_by_year"),
            models.Index(fields=["pairing", "year", "id"], name="vocational_by_pairing_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(students__gte=1), name="vocational_students_positive"
            ),
            models.CheckConstraint(
                condition=Q(poor_students__lte=F("students")),
                name="vocational_poor_within_students",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.school} {self.students}人"

    def clean(self) -> None:
        if self.year and self.year > timezone.localdate().year:
            raise ValidationError({"year": _("招生年度不能晚于今年")})
        _part_of_whole(self, "poor_students", "students", _("其中脱贫家庭学生不能超过招生人数"))

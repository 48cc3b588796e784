"""People: persons, teams of dispatched cadres and their postings."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models.common import ConfirmationMixin, DemoMixin, VersionMixin, dates_in_order
from pairaid.ledger.models.pairings import Pairing

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from pairaid.ledger.models.common import EffectiveStatusAnnotation
from pairaid.ledger.models.places import Organisation
from pairaid.lib.personal_data import EncryptedTextField

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
    def with_effective_status(
        self, day: date
    ) -> models.QuerySet[WithAnnotations[Posting, EffectiveStatusAnnotation]]:
        """Annotate `effective_status`: each posting's status as of `day`, in the database
        (so that lists filter, sort and count by it)."""
        records: models.QuerySet[Posting] = self
        return records.annotate(effective_status=Posting.effective_status_expression(day))


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
    # No index of its own: the composite indexes below start with it (migration 0023).
    pairing = models.ForeignKey(
        Pairing,
        verbose_name=_("结对关系"),
        on_delete=models.PROTECT,
        related_name="postings",
        db_index=False,
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
        # the list pages' default sorts, with and without a pairing (web/listing.py)
        indexes = [
            models.Index(fields=["start_date", "id"], name="posting_by_start"),
            models.Index(fields=["pairing", "start_date", "id"], name="posting_by_pairing_start"),
            # distinct persons dispatched (figures.persons_dispatched) read from the index alone
            models.Index(fields=["pairing", "start_date", "person"], name="posting_persons"),
        ]
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
        if (
            self.team_id
            and self.pairing_id
            and self.team is not None
            and self.team.pairing_id != self.pairing_id
        ):
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

"""Evidence (佐证材料), progress reports over time and the status history of projects.

- `Evidence`: a file (a voucher, a report, a photo, a signed scan) attached to exactly one
  record of a pairing, stored outside the web root (`settings.PAIRAID_EVIDENCE_DIR`) under a
  generated name, and served only through a view that checks the user's scope. Removal is
  a soft delete, like a reversal: the record and the file stay, marked removed.
- `ProgressUpdate`: a dated report on a project (progress %, text, spending to date), the
  timeline of its page.
- `ProjectStatusChange`: every status a project took, from which date, recorded by the
  services, so that a figure as of a past date can use the status on that date
  (`ledger.status_history.status_on`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models.agreements import Agreement, Obligation
from pairaid.ledger.models.common import DemoMixin, money_in_range
from pairaid.ledger.models.events import Event
from pairaid.ledger.models.funds import FundFlow
from pairaid.ledger.models.pairings import Pairing
from pairaid.ledger.models.people import Posting
from pairaid.ledger.models.projects import Project
from pairaid.ledger.models.tasks import Task
from pairaid.ledger.moneyfield import MoneyField


class EvidenceStorage(FileSystemStorage):
    """Files kept in `settings.PAIRAID_EVIDENCE_DIR`, read at each use (so a test or a
    restored installation may move it), never under MEDIA_ROOT: no URL serves them."""

    @property
    def base_location(self) -> Any:
        return str(settings.PAIRAID_EVIDENCE_DIR)

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> str:
        """No address serves these files: pages link to the view that checks scope."""
        return ""


evidence_storage = EvidenceStorage()


def get_evidence_storage() -> EvidenceStorage:
    return evidence_storage


# The records evidence attaches to: the field of `Evidence` naming each.
LINKS = ("fund_flow", "project", "agreement", "posting", "event", "task", "obligation", "update")


def _exactly_one_link() -> Q:
    condition = Q(pk__in=[])
    for name in LINKS:
        others = {f"{other}__isnull": True for other in LINKS if other != name}
        condition |= Q(**{f"{name}__isnull": False}, **others)
    return condition


class Evidence(DemoMixin):
    """A file attached to one record (佐证材料)."""

    class Kind(models.TextChoices):
        VOUCHER = "voucher", _("拨付凭证")
        START_REPORT = "start_report", _("开工报告")
        ACCEPTANCE = "acceptance", _("验收报告")
        PHOTO = "photo", _("照片")
        SIGNED_SCAN = "signed_scan", _("签署文本")
        OTHER = "other", _("其他材料")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="evidence_files"
    )
    fund_flow = models.ForeignKey(
        FundFlow, verbose_name=_("资金记录"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="evidence_files",
    )  # fmt: skip
    project = models.ForeignKey(
        Project, verbose_name=_("帮扶项目"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="evidence_files",
    )  # fmt: skip
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("协议"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="evidence_files",
    )  # fmt: skip
    posting = models.ForeignKey(
        Posting, verbose_name=_("选派"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="evidence_files",
    )  # fmt: skip
    event = models.ForeignKey(
        Event, verbose_name=_("活动"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="evidence_files",
    )  # fmt: skip
    task = models.ForeignKey(
        Task, verbose_name=_("清单事项"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="evidence_files",
    )  # fmt: skip
    obligation = models.ForeignKey(
        Obligation, verbose_name=_("履约事项"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="evidence_files",
    )  # fmt: skip
    update = models.ForeignKey(
        "ProgressUpdate", verbose_name=_("进展报告"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="evidence_files",
    )  # fmt: skip
    title = models.CharField(_("材料名称"), max_length=200)
    kind = models.CharField(_("材料类型"), max_length=16, choices=Kind.choices)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(_("文件"), storage=get_evidence_storage, max_length=200, editable=False)
    thumbnail = models.FileField(
        _("缩略图"), storage=get_evidence_storage, max_length=200, blank=True, editable=False
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    uploaded_at = models.DateTimeField(_("上传时间"))
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("移除人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    removal_reason = models.CharField(_("移除原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one_link(), name="evidence_one_record"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    @property
    def record(self) -> models.Model:
        """The record the file is attached to."""
        for name in LINKS:
            if getattr(self, f"{name}_id"):
                record: models.Model = getattr(self, name)
                return record
        raise ValueError("evidence without a record")


class ProgressUpdate(DemoMixin):
    """A dated report on a project's progress (进展报告), like an update in Akvo RSR."""

    project = models.ForeignKey(
        Project, verbose_name=_("帮扶项目"), on_delete=models.PROTECT, related_name="updates"
    )
    date = models.DateField(_("报告日期"))
    progress = models.PositiveSmallIntegerField(_("进度（%）"), validators=[MaxValueValidator(100)])
    text = models.TextField(_("进展情况"))
    spent_to_date = MoneyField(_("累计支出（元）"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    reported_at = models.DateTimeField(_("填报时间"))

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["project_id", "-date", "-id"]
        indexes = [models.Index(fields=["project", "date"], name="update_project_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="update_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(spent_to_date__isnull=True) | Q(spent_to_date__gte=0),
                name="update_spent_not_negative",
            ),
            money_in_range("spent_to_date", "update_spent_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.progress}%"


class ProjectStatusChange(models.Model):
    """A status a project took (`status`), holding from `effective_on`; who recorded it and
    when. Written by the services at each change, never edited."""

    project = models.ForeignKey(
        Project, verbose_name=_("帮扶项目"), on_delete=models.CASCADE, related_name="statuses"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Project.Status.choices)
    effective_on = models.DateField(_("起始日期"))
    changed_at = models.DateTimeField(_("记录时间"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("项目状态变更")
        verbose_name_plural = _("项目状态变更")
        ordering = ["project_id", "effective_on", "id"]
        indexes = [
            models.Index(fields=["project", "effective_on"], name="status_project_effective")
        ]

    def __str__(self) -> str:
        return f"{self.effective_on.isoformat()} {self.get_status_display()}"

"""Import batches: who imported which file, what it did, and how to undo it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def stale_before() -> dt.datetime:
    """The moment before which a busy batch's last sign of life means it is stale."""
    return timezone.now() - dt.timedelta(minutes=settings.PAIRAID_IMPORT_STALE_MINUTES)


class ImportBatch(models.Model):
    """One file imported (or being checked, or rolled back) as a whole."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        VALIDATING = "validating", _("校验中")
        INVALID = "invalid", _("有错误")
        VALID = "valid", _("校验通过，待导入")
        IMPORTING = "importing", _("导入中")
        IMPORTED = "imported", _("已导入")
        FAILED = "failed", _("导入失败")
        ROLLING_BACK = "rolling_back", _("撤销中")
        ROLLED_BACK = "rolled_back", _("已撤销")

    BUSY = (Status.QUEUED, Status.VALIDATING, Status.IMPORTING, Status.ROLLING_BACK)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    via = models.CharField(_("导入方式"), max_length=32, default="import")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/", blank=True)
    sha256 = models.CharField(_("文件摘要（SHA-256）"), max_length=64, db_index=True)
    kind = models.CharField(_("记录类型"), max_length=16, blank=True)
    sheet = models.CharField(_("工作表"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    valid_only = models.BooleanField(_("仅导入有效行"), default=False)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    stage = models.CharField(_("阶段"), max_length=32, blank=True)
    added = models.PositiveIntegerField(_("新增"), default=0)
    changed = models.PositiveIntegerField(_("修改"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    rejected = models.PositiveIntegerField(_("拒绝"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误（前若干条）"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    preview = models.JSONField(_("预览"), default=dict, blank=True)
    rejected_file = models.FileField(_("被拒绝的行"), upload_to="imports/rejected/", blank=True)
    message = models.TextField(_("说明"), blank=True)
    heartbeat_at = models.DateTimeField(
        _("最近一次进展"),
        null=True,
        blank=True,
        help_text=_("校验或导入时定时更新；长时间未更新说明处理进程已中断"),
    )
    rolled_back_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def is_busy(self) -> bool:
        return self.status in self.BUSY

    @property
    def is_stale(self) -> bool:
        """Busy, but its process has given no sign of life for PAIRAID_IMPORT_STALE_MINUTES
        (a worker that died, a server restarted mid-import): it can be resumed or discarded."""
        if not self.is_busy or self.status == self.Status.ROLLING_BACK:
            return False
        last = self.heartbeat_at or self.created_at
        return last is not None and last < stale_before()

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    def counts(self) -> dict[str, int]:
        return {
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "kind": self.kind,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "status": self.status,
            **self.counts(),
        }


class ImportChange(models.Model):
    """What a batch did to the ledger, kept to undo it: the records it created (ids, a
    chunk per entry), or one record it updated (old and new values) or corrected (a fund
    flow's reversal and replacement)."""

    class Action(models.TextChoices):
        CREATED = "created", _("新增")
        UPDATED = "updated", _("修改")
        CORRECTED = "corrected", _("更正（冲销并重新登记）")

    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("导入批次"), on_delete=models.CASCADE, related_name="changes"
    )
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    record_type = models.CharField(_("记录类型"), max_length=64)
    data = models.JSONField(_("内容"), default=dict)

    class Meta:
        verbose_name = _("导入变更")
        verbose_name_plural = _("导入变更")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.action} {self.record_type}"

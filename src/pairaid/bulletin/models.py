"""Published texts that were checked, and the claims found in them.

A claim is what a text says, never a ledger record: it is stored with its document, and
the verdict beside it is the answer the ledger gave on the day of the check.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

METRIC_LABELS = {
    "funds": _("帮扶资金"),
    "projects": _("帮扶项目"),
    "persons": _("选派干部人才"),
    "cadres": _("党政干部"),
    "professionals": _("专业技术人才"),
    "teachers": _("教师"),
    "doctors": _("医生"),
    "schools": _("学校"),
    "consumption": _("消费帮扶"),
    "jobs": _("帮助就业"),
    "beneficiaries": _("受益群众"),
    "trained": _("培训"),
    "enterprises": _("企业"),
    "investment": _("引导企业投资"),
    "workshops": _("帮扶车间"),
    "parks": _("共建产业园区"),
    "other": _("其他"),
}
QUALIFIER_LABELS = {
    "exact": _("确数"),
    "more_than": _("多于（余、多、逾、超过、以上）"),
    "nearly": _("接近（近）"),
    "about": _("约数（约、左右）"),
}


class SourceDocument(models.Model):
    source = models.CharField(
        _("来源"), max_length=500, blank=True, help_text=_("网址、文件名或“粘贴”")
    )
    title = models.CharField(_("标题"), max_length=300, blank=True)
    published = models.DateField(_("发布日期"), null=True, blank=True)
    as_of = models.DateField(_("核对截至日期"))
    raw_text = models.TextField(_("原文"))
    clean_text = models.TextField(_("规范化文本"))
    sha256 = models.CharField(_("原文摘要（SHA-256）"), max_length=64, db_index=True)
    repair_flags = models.JSONField(_("乱码修复记录"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核对人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bulletin_documents",
    )
    created_at = models.DateTimeField(_("核对时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公开文本")
        verbose_name_plural = _("公开文本")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title or self.source or f"#{self.pk}"


class Claim(models.Model):
    class Verdict(models.TextChoices):
        AGREES = "agrees", _("相符")
        DISAGREES = "disagrees", _("不符")
        UNKNOWN = "unknown", _("无法核对")

    document = models.ForeignKey(
        SourceDocument, verbose_name=_("公开文本"), on_delete=models.CASCADE, related_name="claims"
    )
    position = models.PositiveIntegerField(_("序号"))
    subject = models.CharField(_("主体（原文）"), max_length=200, blank=True)
    subject_name = models.CharField(_("主体"), max_length=200, blank=True)
    subject_carried = models.BooleanField(_("主体承接上文"), default=False)
    subject_ref = models.JSONField(_("对应结对关系"), null=True, blank=True)
    metric = models.CharField(_("指标"), max_length=16, choices=list(METRIC_LABELS.items()))
    value = models.DecimalField(_("数值（元或个、人）"), max_digits=24, decimal_places=4)
    unit = models.CharField(_("单位（原文）"), max_length=16)
    qualifier = models.CharField(_("限定"), max_length=16, choices=list(QUALIFIER_LABELS.items()))
    period = models.CharField(_("时段"), max_length=40, blank=True)
    span_start = models.PositiveIntegerField(_("起始位置"))
    span_end = models.PositiveIntegerField(_("结束位置"))
    quote = models.CharField(_("原文数字"), max_length=100)
    tags = models.JSONField(_("标记"), default=list, blank=True)
    uncertain = models.BooleanField(_("存疑"), default=False)
    why_uncertain = models.CharField(_("存疑原因"), max_length=300, blank=True)
    verdict = models.CharField(_("核对结果"), max_length=16, choices=Verdict.choices)
    reason = models.TextField(_("说明"), blank=True)
    ledger_value = models.DecimalField(
        _("台账数值"), max_digits=24, decimal_places=4, null=True, blank=True
    )
    rule = models.TextField(_("口径"), blank=True)
    records = models.PositiveIntegerField(_("依据记录数"), null=True, blank=True)

    class Meta:
        verbose_name = _("数字表述")
        verbose_name_plural = _("数字表述")
        ordering = ["document_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "position"], name="bulletin_claim_position_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} {self.quote}"

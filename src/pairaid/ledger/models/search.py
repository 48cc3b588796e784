"""The search keys: one row per findable record (see `ledger.search`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchKey(models.Model):
    """A findable record's label and key (name, code, full pinyin and initials, without
    tones), kept by the services; `pairing_id` is the pairing it hangs off, for scope."""

    class Kind(models.TextChoices):
        PAIRING = "pairing", _("结对关系")
        PROJECT = "project", _("项目")
        PERSON = "person", _("干部人才")
        AGREEMENT = "agreement", _("协议合同")
        ORGANISATION = "organisation", _("单位")
        REGION = "region", _("行政区划")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    record_id = models.BigIntegerField(_("记录编号"))
    pairing_id = models.BigIntegerField(_("结对关系"), null=True, blank=True, db_index=True)
    label = models.CharField(_("名称"), max_length=300)
    key = models.CharField(_("检索键"), max_length=1000, db_index=True)

    class Meta:
        verbose_name = _("检索键")
        verbose_name_plural = _("检索键")
        constraints = [
            models.UniqueConstraint(fields=["kind", "record_id"], name="search_key_once")
        ]
        indexes = [models.Index(fields=["kind", "label"], name="search_key_by_kind_label")]

    def __str__(self) -> str:
        return self.label

"""Events held together (visits, meetings, signings) and who took part."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models.common import DemoMixin, VersionMixin, dates_in_order
from pairaid.ledger.models.pairings import Pairing

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
        # the list pages' default sorts, with and without a pairing (web/listing.py)
        indexes = [
            models.Index(fields=["start_date", "id"], name="event_by_start"),
            models.Index(fields=["pairing", "start_date", "id"], name="event_by_pairing_start"),
        ]
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

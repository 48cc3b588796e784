"""What the records share: mixins for demo data, versions and confirmation, and database
rules (`dates_in_order`, `money_in_range`)."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.money import MAX_AMOUNT


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


class EffectiveStatusAnnotation(TypedDict):
    """What `with_effective_status(day)` annotates (postings, agreements): for type checks."""

    effective_status: Any  # (as django-stubs types an annotation)


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


class WorkStatus(models.TextChoices):
    OPEN = "open", _("未开始")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已撤销")

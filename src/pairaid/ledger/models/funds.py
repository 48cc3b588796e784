"""Money: fund flows, and the investment of the enterprises a pairing brought in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.messages import FIRST_YEAR, LAST_YEAR
from pairaid.ledger.models.common import (
    Confirmation,
    ConfirmationMixin,
    DemoMixin,
    VersionMixin,
    money_in_range,
)
from pairaid.ledger.models.industry import IndustrialPark
from pairaid.ledger.models.pairings import Pairing
from pairaid.ledger.models.projects import Project
from pairaid.ledger.moneyfield import MoneyField


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

    # No index of its own: fundflow_by_pairing_kind and fundflow_by_pairing_date start with
    # it and serve every lookup by pairing (migration 0022).
    pairing = models.ForeignKey(
        Pairing,
        verbose_name=_("结对关系"),
        on_delete=models.PROTECT,
        related_name="fund_flows",
        db_index=False,
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
            models.Index(fields=["pairing", "kind", "fund_year"], name="fundflow_by_pairing_kind"),
            # the fund list's default sort, with and without a pairing (web/listing.py)
            models.Index(fields=["date", "id"], name="fundflow_by_date"),
            # one kind in date order: a stage's drill-down over many pairings (migration 0024)
            models.Index(fields=["kind", "date", "id"], name="fundflow_by_kind_date"),
            models.Index(fields=["pairing", "date", "id"], name="fundflow_by_pairing_date"),
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
        if (
            self.project_id
            and self.pairing_id
            and self.project is not None
            and self.project.pairing_id != self.pairing_id
        ):
            raise ValidationError({"project": _("项目不属于该结对关系")})
        if self.amount is not None and int(self.amount.as_tuple().exponent) < -2:
            raise ValidationError({"amount": _("金额最多保留两位小数（分）")})
        self.clean_dates()

    @classmethod
    def clean_columns(
        cls,
        values: Mapping[str, Sequence[Any]],
        count: int,
        *,
        today: dt.date,
        project_pairings: Mapping[int, int],
    ) -> set[int]:
        """`clean()`'s rules for `count` new entries given a column at a time (a field's
        values by attname; a field not given has its default in every row), none of them a
        reversal: the rows whose `clean()` may refuse them (their own `clean()` says why).
        `project_pairings` is each named project's pairing id. Keep in step with `clean()`
        and `clean_dates()` (`tests/test_import_columnar.py` compares them)."""
        if cls.clean is not _CLEAN_OF_COLUMNS:  # another clean(): its own rules, row by row
            return set(range(count))
        blank = cls()

        def column(name: str) -> Sequence[Any]:
            found = values.get(name)
            return found if found is not None else [getattr(blank, name)] * count

        suspects: set[int] = set()
        if any(value is not None for value in values.get("reverses_id", ())):
            return set(range(count))
        rows = zip(
            column("amount"),
            column("kind"),
            column("project_id"),
            column("pairing_id"),
            column("date"),
            column("fund_year"),
            column("cross_year_reason"),
            strict=True,
        )
        needs_project = frozenset(cls.NEEDS_PROJECT)
        tolerance = cls.CROSS_YEAR_TOLERANCE
        for index, (amount, kind, project, pairing, day, year, reason) in enumerate(rows):
            try:
                refused = (
                    (amount is not None and (amount <= 0 or int(amount.as_tuple().exponent) < -2))
                    or (kind in needs_project and not project)
                    or (bool(project and pairing) and project_pairings.get(project) != pairing)
                    or (
                        day is not None
                        and (
                            day > today
                            or (
                                year is not None
                                and abs(day.year - year) > tolerance
                                and not reason.strip()
                            )
                        )
                    )
                )
            except Exception:  # a value of another type: the row's own clean() answers
                refused = True
            if refused:
                suspects.add(index)
        return suspects

    def today(self) -> dt.date:
        """Today, or the day given for a whole batch being checked at once (`checked_on`):
        one look at the clock per batch instead of one per row."""
        return self.__dict__.get("_checked_on") or timezone.localdate()

    def checked_on(self, day: dt.date) -> None:
        """Check this record's dates as of `day` (the caller's today, read once)."""
        self.__dict__["_checked_on"] = day

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
        if self.date > self.today() and not same_day_reversal:
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


# The clean() that clean_columns writes column-wise (a subclass's, or a replaced one, is not).
_CLEAN_OF_COLUMNS = FundFlow.clean


class GuidedInvestment(VersionMixin, DemoMixin):
    """An enterprise the pairing brought in (引导落地企业) and its investment in one project:
    the investment agreed (协议投资) and the investment arrived by the record's date (实际到位
    投资, `amount`). Recorded apart from assistance funds and never summed into them."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="investments"
    )
    enterprise = models.CharField(_("企业"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    date = models.DateField(_("日期"), help_text=_("投资到位的日期"))
    agreed_amount = MoneyField(
        _("协议投资（元）"),
        null=True,
        blank=True,
        help_text=_("投资协议约定的金额；不清楚时可空"),
    )
    amount = MoneyField(_("实际到位投资（元）"))
    landed = models.DateField(
        _("落地日期"), null=True, blank=True, help_text=_("企业注册或投产落地的日期")
    )
    park = models.ForeignKey(
        IndustrialPark,
        verbose_name=_("所在园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="investments",
        help_text=_("落地在共建产业园区时填写"),
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("引导落地企业")
        verbose_name_plural = _("引导落地企业")
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["pairing", "-date"], name="investment_by_pairing_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="investment_amount_positive"),
            money_in_range("amount", "investment_amount_in_range"),
            models.CheckConstraint(
                condition=Q(agreed_amount__isnull=True) | Q(agreed_amount__gt=0),
                name="investment_agreed_positive",
            ),
            money_in_range("agreed_amount", "investment_agreed_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.amount}元"

    def clean(self) -> None:
        # Money is not dated after today (as FundFlow): an as-of figure never counts
        # investment that had not arrived yet.
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("日期不能晚于今天")})
        if self.landed and self.landed > timezone.localdate():
            raise ValidationError({"landed": _("日期不能晚于今天")})
        if self.agreed_amount is not None and self.agreed_amount <= 0:
            raise ValidationError({"agreed_amount": _("协议投资必须大于0")})
        if (
            self.park_id
            and self.pairing_id
            and self.park is not None
            and self.park.pairing_id != self.pairing_id
        ):
            raise ValidationError({"park": _("园区不属于该结对关系")})

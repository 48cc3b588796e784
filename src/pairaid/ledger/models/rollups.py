"""Money totals kept up to date beside the fund ledger (`ledger/rollups.py` maintains and
reads them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models.common import Confirmation
from pairaid.ledger.models.funds import FundFlow
from pairaid.ledger.models.pairings import Pairing
from pairaid.ledger.moneyfield import MoneyField


class FundRollup(models.Model):
    """The sum and the number of a pairing's fund-flow records of one kind, source, fund
    year, month (of their `date`) and confirmation state: a total derived from the records,
    never typed in and never a record itself.

    Fund flows are never edited (a correction is a reversing entry), so a rollup only ever
    adds: each write of a fund flow (record, reverse, the recipient's answer moving it from
    one confirmation state to another) adds to its row in the same transaction
    (`rollups.add`). `pairaid rollups rebuild --check` compares the table with the records.
    """

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=FundFlow.Kind.choices)
    source = models.CharField(_("资金来源"), max_length=16, choices=FundFlow.Source.choices)
    fund_year = models.PositiveSmallIntegerField(_("资金年度"))
    month = models.DateField(_("月份"), help_text=_("记录日期所在月份的第一天"))
    confirmation = models.CharField(_("受援方确认"), max_length=16, choices=Confirmation.choices)
    amount = MoneyField(_("金额合计（元）"))
    flow_count = models.BigIntegerField(_("记录条数"))

    class Meta:
        verbose_name = _("资金汇总")
        verbose_name_plural = _("资金汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "kind", "source", "fund_year", "month", "confirmation"],
                name="fundrollup_one_row_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pairing_id} {self.kind} {self.fund_year} {self.month:%Y-%m} {self.amount}元"

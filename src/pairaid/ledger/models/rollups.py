"""Money totals kept up to date beside the fund ledger (`ledger/rollups.py` maintains and
reads them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models.common import Confirmation
from pairaid.ledger.models.funds import FundFlow
from pairaid.ledger.models.pairings import Pairing
from pairaid.ledger.models.people import Person
from pairaid.ledger.models.projects import Project
from pairaid.ledger.moneyfield import MoneyField


class FundTotals(models.Model):
    """The key (kind, source, fund year, month, confirmation) and the sums (amount in fen,
    number of records) that every money rollup shares; each table adds whose totals they are
    (a pairing, or every pairing below an ancestor)."""

    kind = models.CharField(_("类型"), max_length=16, choices=FundFlow.Kind.choices)
    source = models.CharField(_("资金来源"), max_length=16, choices=FundFlow.Source.choices)
    fund_year = models.PositiveSmallIntegerField(_("资金年度"))
    month = models.DateField(_("月份"), help_text=_("记录日期所在月份的第一天"))
    confirmation = models.CharField(_("受援方确认"), max_length=16, choices=Confirmation.choices)
    amount = MoneyField(_("金额合计（元）"))
    flow_count = models.BigIntegerField(_("记录条数"))

    class Meta:
        abstract = True


class ProjectTotals(models.Model):
    """The key (status, month of the start date) and the count that every project rollup
    shares."""

    status = models.CharField(_("状态"), max_length=16, choices=Project.Status.choices)
    month = models.DateField(_("月份"), help_text=_("开工日期所在月份的第一天"))
    project_count = models.BigIntegerField(_("项目个数"))

    class Meta:
        abstract = True


class BelowAncestor(models.Model):
    """Totals of every pairing below `ancestor` (through `PairingTreeLink`)."""

    ancestor = models.ForeignKey(
        Pairing, verbose_name=_("上级结对关系"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True


class FundRollup(FundTotals):
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

    class Meta:
        verbose_name = _("资金汇总")
        verbose_name_plural = _("资金汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "kind", "source", "fund_year", "month", "confirmation"],
                name="fundrollup_one_row_per_key",
            )
        ]
        # a figure's whole months (rollups.money_by_pairing) read from the index alone
        indexes = [
            models.Index(
                fields=[
                    "pairing",
                    "kind",
                    "fund_year",
                    "month",
                    "source",
                    "confirmation",
                    "amount",
                ],
                name="fundrollup_sums",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pairing_id} {self.kind} {self.fund_year} {self.month:%Y-%m} {self.amount}元"


class ProjectRollup(ProjectTotals):
    """The number of a pairing's projects of one status whose start date (开工日期) falls in
    one month: a count derived from the records, never typed in and never a record itself.

    Projects change (status, start date, even pairing), so the table is kept by database
    triggers on the project table (migration 0017) in the same statement as every insert,
    update or delete of a project, whoever writes it: services, bulk services, the importer
    and its rollback, the demo and national loaders. Projects without a start date are not
    counted (no figure counts them). `pairaid rollups rebuild --check` compares the table
    with the records.
    """

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("项目汇总")
        verbose_name_plural = _("项目汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "status", "month"], name="projectrollup_one_row_per_key"
            )
        ]
        indexes = [  # the whole months of a figure read from the index alone
            models.Index(
                fields=["pairing", "status", "month", "project_count"], name="projectrollup_counts"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pairing_id} {self.status} {self.month:%Y-%m} {self.project_count}"


class SubtreeFundRollup(BelowAncestor, FundTotals):
    """`FundRollup` summed over every pairing *below* `ancestor` (at any depth, through
    `PairingTreeLink`; the ancestor's own flows stay in `FundRollup`): a figure of a pairing
    with all its children reads its own rows and these, a few hundred rows, instead of every
    descendant's months. These are the compacted rows: a fund-flow write adds its change as
    rows of `SubtreeFundDelta` (no writer updates these rows, so writers to sibling pairings
    never wait for each other), which `subtree_compaction.compact` sums in here later; a
    reader reads both. A pairing moved to another parent rebuilds its old and new ancestors'
    rows (`subtree_rollups.place_pairings`)."""

    class Meta:
        verbose_name = _("下级资金汇总")
        verbose_name_plural = _("下级资金汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["ancestor", "kind", "source", "fund_year", "month", "confirmation"],
                name="subtreefundrollup_one_row_per_key",
            )
        ]
        indexes = [
            models.Index(
                fields=[
                    *("ancestor", "kind", "fund_year", "month"),
                    *("source", "confirmation", "amount"),
                ],
                name="subtreefundrollup_sums",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.ancestor_id}+ {self.kind} {self.fund_year} {self.month:%Y-%m} {self.amount}元"
        )


class SubtreeProjectRollup(BelowAncestor, ProjectTotals):
    """`ProjectRollup` summed over every pairing below `ancestor` (through
    `PairingTreeLink`): the compacted rows. Database triggers on the project table (migration
    0021) add each project write's change as rows of `SubtreeProjectDelta`, summed in here
    later (`subtree_compaction.compact`); a reader reads both. A pairing moved to another
    parent rebuilds its old and new ancestors' rows (`subtree_rollups.place_pairings`)."""

    class Meta:
        verbose_name = _("下级项目汇总")
        verbose_name_plural = _("下级项目汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["ancestor", "status", "month"],
                name="subtreeprojectrollup_one_row_per_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["ancestor", "status", "month", "project_count"],
                name="subtreeprojectrollup_counts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id}+ {self.status} {self.month:%Y-%m} {self.project_count}"


class SubtreePerson(models.Model):
    """A person posted in `ancestor`'s tree (the pairing itself or any pairing below it), with
    the earliest start of their postings there. When a window starts on or before the
    earliest start of the whole tree (the default window), "a posting started in the window"
    is "the first posting started on or before its end": the persons dispatched are counted
    from these rows alone (`subtree_reads.persons_in_tree`). The triggers on the posting
    table (migration 0021) never touch these rows: each posting write marks its person in
    every tree holding it (`SubtreePersonDelta`), readers count a marked person from the
    postings, and `subtree_compaction.compact` recounts the marked persons' rows later; a
    pairing moved to another parent rebuilds its old and new ancestors' rows."""

    ancestor = models.ForeignKey(
        Pairing, verbose_name=_("上级结对关系"), on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+"
    )
    first_start = models.DateField(_("最早到岗日期"))

    class Meta:
        verbose_name = _("下级选派人员")
        verbose_name_plural = _("下级选派人员")
        constraints = [
            models.UniqueConstraint(
                fields=["ancestor", "person"], name="subtreeperson_one_row_per_person"
            )
        ]
        indexes = [
            models.Index(fields=["ancestor", "first_start"], name="subtreeperson_first_start")
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id}+ {self.person_id} {self.first_start}"


class SubtreeFundDelta(BelowAncestor, FundTotals):
    """A change to `SubtreeFundRollup` not yet summed into it: the fund flows one write added
    below `ancestor`, grouped by key (a reversal or a confirmation moved counts negative).
    Only inserted, by the writing transaction (`rollups.add`); no two writers touch the same
    row, so sibling pairings write side by side. No unique key: readers add these rows to the
    compacted ones, and `subtree_compaction.compact` sums them in and deletes them."""

    class Meta:
        verbose_name = _("下级资金汇总增量")
        verbose_name_plural = _("下级资金汇总增量")
        indexes = [
            models.Index(
                fields=[
                    *("ancestor", "kind", "fund_year", "month"),
                    *("source", "confirmation", "amount"),
                ],
                name="subtreefunddelta_sums",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.ancestor_id}+ {self.kind} {self.fund_year} {self.month:%Y-%m} {self.amount:+}元"
        )


class SubtreeProjectDelta(BelowAncestor, ProjectTotals):
    """A change to `SubtreeProjectRollup` not yet summed into it (+1 a project counted, -1 one
    no longer counted under that status and month), inserted by the project triggers
    (migration 0021); summed in and deleted by `subtree_compaction.compact`."""

    class Meta:
        verbose_name = _("下级项目汇总增量")
        verbose_name_plural = _("下级项目汇总增量")
        indexes = [
            models.Index(
                fields=["ancestor", "status", "month", "project_count"],
                name="subtreeprojectdelta_counts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id}+ {self.status} {self.month:%Y-%m} {self.project_count:+}"


class SubtreePersonDelta(BelowAncestor):
    """A person whose row of `SubtreePerson` under `ancestor` may be out of date: a posting of
    theirs in the tree was written (inserted by the posting triggers, migration 0021).
    Readers count such a person from the postings; `subtree_compaction.compact` recounts
    their row and deletes the mark."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("下级选派人员变动")
        verbose_name_plural = _("下级选派人员变动")
        indexes = [models.Index(fields=["ancestor", "person"], name="subtreepersondelta_person")]

    def __str__(self) -> str:
        return f"{self.ancestor_id}+ {self.person_id}?"

"""Pairings: which district helps which."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models.common import DemoMixin, VersionMixin, dates_in_order
from pairaid.ledger.models.places import Organisation, Region

# --- the pairing everything hangs off ------------------------------------------------------


MAX_DEPTH = 32  # levels walked below a pairing (a tree has four: country to village)


class PairingQuerySet(models.QuerySet["Pairing"]):
    def with_names(self) -> PairingQuerySet:
        """With the helper and recipient read in the same query: a pairing without a name
        of its own is labelled from them (`__str__`), one query each otherwise."""
        return self.select_related(
            "helper_region", "helper_organisation", "recipient_region", "recipient_organisation"
        )

    def matching(self, name_or_code: str) -> PairingQuerySet:
        """Pairings whose helper or recipient is named or coded `name_or_code`."""
        term = name_or_code.strip()
        return self.filter(
            Q(helper_region__name=term)
            | Q(helper_region__code=term)
            | Q(recipient_region__name=term)
            | Q(recipient_region__code=term)
            | Q(helper_organisation__name=term)
            | Q(recipient_organisation__name=term)
            | Q(name=term)
        )


class Pairing(VersionMixin, DemoMixin):
    class Scheme(models.TextChoices):
        IN_PROVINCE = "in_province", _("省内对口帮扶")
        EAST_WEST = "east_west", _("东西部协作")
        COUNTERPART_SUPPORT = "counterpart_support", _("对口支援")
        DESIGNATED = "designated", _("定点帮扶")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=200, blank=True)
    helper_region = models.ForeignKey(
        Region,
        verbose_name=_("帮扶方（区划）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings_as_helper",
    )
    helper_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("帮扶方（单位）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings_as_helper",
    )
    recipient_region = models.ForeignKey(
        Region,
        verbose_name=_("受援方（区划）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings_as_recipient",
    )
    recipient_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("受援方（单位）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings_as_recipient",
    )
    scheme = models.CharField(_("帮扶类型"), max_length=32, choices=Scheme.choices)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级结对关系"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对关系")
        verbose_name_plural = _("结对关系")
        ordering = ["valid_from", "id"]
        constraints = [
            dates_in_order("valid_from", "valid_to", "pairing_valid_dates_in_order"),
            models.CheckConstraint(
                condition=Q(helper_region__isnull=False) | Q(helper_organisation__isnull=False),
                name="pairing_has_helper",
            ),
            models.CheckConstraint(
                condition=Q(recipient_region__isnull=False)
                | Q(recipient_organisation__isnull=False),
                name="pairing_has_recipient",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")), name="pairing_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.helper_name}→{self.recipient_name}"

    @property
    def helper_name(self) -> str:
        helper = self.helper_region or self.helper_organisation
        return str(helper) if helper else ""

    @property
    def recipient_name(self) -> str:
        recipient = self.recipient_region or self.recipient_organisation
        return str(recipient) if recipient else ""

    def clean(self) -> None:
        if not (self.helper_region_id or self.helper_organisation_id):
            raise ValidationError(_("请填写帮扶方（区划或单位）"))
        if not (self.recipient_region_id or self.recipient_organisation_id):
            raise ValidationError(_("请填写受援方（区划或单位）"))
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("终止日期不能早于起始日期")})
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("上级结对关系不能是自身或其下级")})
            ancestor = ancestor.parent
        if not self.name:
            self.name = f"{self.helper_name}→{self.recipient_name}"

    def with_descendants(self) -> list[Pairing]:
        """This pairing and every pairing below it, breadth first: one query whatever the
        depth (a recursive walk of the tree in the database; SQLite and PostgreSQL)."""
        table = self._meta.db_table
        below = Pairing.objects.raw(
            f"WITH RECURSIVE tree(id, depth) AS ("
            f"SELECT id, 1 FROM {table} WHERE parent_id = %s "
            f"UNION ALL SELECT child.id, tree.depth + 1 FROM {table} AS child "
            f"JOIN tree ON child.parent_id = tree.id WHERE tree.depth < {MAX_DEPTH}) "
            f"SELECT pairing.* FROM {table} AS pairing JOIN tree ON tree.id = pairing.id "
            f"ORDER BY tree.depth, pairing.id",
            [self.pk],
        )
        return [self, *below]

    def descendant_ids(self) -> list[int]:
        """The ids of every pairing below this one, in `with_descendants`' order, without
        making the pairings (a province's tree is hundreds of them)."""
        table = self._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH RECURSIVE tree(id, depth) AS ("
                f"SELECT id, 1 FROM {table} WHERE parent_id = %s "
                f"UNION ALL SELECT child.id, tree.depth + 1 FROM {table} AS child "
                f"JOIN tree ON child.parent_id = tree.id WHERE tree.depth < {MAX_DEPTH}) "
                f"SELECT id FROM tree ORDER BY depth, id",
                [self.pk],
            )
            return [int(pk) for (pk,) in cursor.fetchall()]


class PairingTreeLink(models.Model):
    """One pair of the pairing tree's closure: `ancestor` is `descendant` itself (depth 0) or a
    pairing above it (depth 1: its parent, 2: the parent's parent …). Derived from the
    pairings' parents, never typed in: kept by `subtree_rollups.place_pairings` whenever the
    services create a pairing or change its parent, rebuilt by `pairaid rollups rebuild`. The
    subtree rollups (`SubtreeFundRollup`, `SubtreeProjectRollup`) add each record to every
    ancestor through it. Declared right after `Pairing` so that a restore loads it before the
    records whose triggers read it."""

    ancestor = models.ForeignKey(
        Pairing, verbose_name=_("上级结对关系"), on_delete=models.CASCADE, related_name="+"
    )
    descendant = models.ForeignKey(
        Pairing, verbose_name=_("下级结对关系"), on_delete=models.CASCADE, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(_("层级差"))

    class Meta:
        verbose_name = _("结对关系层级")
        verbose_name_plural = _("结对关系层级")
        constraints = [
            models.UniqueConstraint(
                fields=["descendant", "ancestor"], name="pairingtreelink_one_row_per_pair"
            )
        ]
        indexes = [
            models.Index(fields=["ancestor", "depth", "descendant"], name="pairingtreelink_below")
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id} ⊇ {self.descendant_id} ({self.depth})"

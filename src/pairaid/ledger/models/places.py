"""Places and bodies: regions and the organisations in them."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models.common import DemoMixin, VersionMixin, dates_in_order

# --- places and bodies -------------------------------------------------------------------


class Region(VersionMixin, DemoMixin):
    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        PREFECTURE = "prefecture", _("地级")
        COUNTY = "county", _("县级")
        TOWNSHIP = "township", _("乡级")
        VILLAGE = "village", _("村级")

    code = models.CharField(
        _("区划代码"),
        max_length=12,
        unique=True,
        help_text=_("6位（县级及以上）或12位统计用区划代码"),
    )
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("启用日期"), null=True, blank=True)
    valid_to = models.DateField(_("停用日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            dates_in_order("valid_from", "valid_to", "region_valid_dates_in_order"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^([0-9]{6}|[0-9]{12})$"),
                name="region_code_6_or_12_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.code and (not self.code.isdigit() or len(self.code) not in (6, 12)):
            raise ValidationError({"code": _("区划代码应为6位或12位数字")})

    # How many levels one query climbs (a village is four levels below its province).
    LINEAGE_STEP = 5

    @classmethod
    def lineage(cls, region_id: int) -> set[int]:
        """The region and every region above it, by their ids: one query climbs five levels
        through `parent` (a village's whole chain), another only for a deeper tree. Codes
        are not trusted for this: a town's code need not start with its county's."""
        found: set[int] = set()
        current: int | None = region_id
        up = [
            "__".join(["parent"] * level) + "_id" if level else "id"
            for level in range(cls.LINEAGE_STEP + 1)
        ]
        while current is not None and current not in found:
            row = cls.objects.filter(pk=current).values_list(*up).first()
            if row is None:
                break
            current = None
            for ancestor in row:
                if ancestor is None or ancestor in found:
                    break
                found.add(ancestor)
                current = ancestor
            else:
                current = row[-1]
                found.discard(current)  # climb on from the last one found
        return found

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Organisation(VersionMixin, DemoMixin):
    class Kind(models.TextChoices):
        PARTY_GOVERNMENT = "party_government", _("党政机关")
        DEPARTMENT = "department", _("部门")
        SCHOOL = "school", _("学校")
        HOSPITAL = "hospital", _("医院")
        ENTERPRISE = "enterprise", _("企业")
        SOCIAL = "social", _("社会组织")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="organisations"
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="organisation_unique_name_in_region"
            )
        ]

    def __str__(self) -> str:
        return self.name

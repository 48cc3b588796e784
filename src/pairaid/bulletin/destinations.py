"""Where a jobs claim says the workers went (`Claim.destination`: 泸州, 沪, 浙江省杭州市, as
read by `extract.destinations`), resolved against the pairing being checked.

The place matches the helper's side when it names the helper's region or one of the regions
above it (泸州 and 四川 for 江阳区), by the regions' names, their short forms without
省/市/区/县/自治州 (泸州 → 泸州市) and the provinces' one-character abbreviations
(`extract.destinations.ABBREVIATIONS`): the claim is then checked against the persons placed
to the helper's region. A place below the helper's region (江阳区 for 泸州市) is a part of
it, but a placement records only "the helper's region", so such a claim is marked uncertain
rather than checked against a larger count. A place that names the recipient's province is
work near home (就近就业), checked against the persons placed in the province. A place that
names neither side, that the ledger does not know, or that may be either, leaves the claim
checked as before and marks it uncertain with the reason: never guessed as a disagreement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from django.db.models import Q
from django.utils.translation import gettext as _

from pairaid.bulletin.extract import Claim
from pairaid.bulletin.extract.destinations import ABBREVIATIONS, place_parts
from pairaid.bulletin.extract.subjects import FULL_NAMES
from pairaid.bulletin.names import aliases
from pairaid.ledger.figure_specs_areas import NEAR_HOME, TO_HELPER
from pairaid.ledger.models import Pairing, Region
from pairaid.ledger.models.place_rules import side_region_id

HELPER, PROVINCE, NEITHER, BOTH = "helper", "province", "neither", "both"
WITHIN_HELPER = "within helper"
SUFFIXES = ("省", "市", "区", "县", "自治州", "自治县", "自治区", "地区", "盟", "州", "旗")


def resolve_destination(claim: Claim, pairings: Iterable[Pairing]) -> Claim:
    """The claim with the destination's side as a tag (`TO_HELPER` or `NEAR_HOME`), or marked
    uncertain with the reason the destination cannot be placed."""
    place, pairings = claim.destination, list(pairings)
    if claim.metric != "jobs" or not place or not pairings:
        return claim
    sides: set[str] = set()
    for part in place_parts(place):
        regions = regions_named(part)
        if not regions:
            why = _("台账中没有名为“%(place)s”的地区，无法判断文中去向，未按去向核对")
            return uncertain(claim, why % {"place": part})
        sides |= {side(region, pairing) for region in regions for pairing in pairings}
    if sides == {HELPER}:
        return replace(claim, tags=(*claim.tags, TO_HELPER))
    if sides == {PROVINCE}:
        tags = claim.tags if NEAR_HOME in claim.tags else (*claim.tags, NEAR_HOME)
        return replace(claim, tags=tags)
    if sides == {WITHIN_HELPER}:
        why = _("文中去向“%(place)s”是帮扶方地区的一部分，台账只记到帮扶方地区，未按去向核对")
    elif sides == {NEITHER}:
        why = _("文中去向“%(place)s”既非帮扶方地区，也非受援方所在省份，未按去向核对")
    else:
        why = _("文中去向“%(place)s”可指帮扶方地区以外的地方，无法确定，未按去向核对")
    return uncertain(claim, why % {"place": place})


def uncertain(claim: Claim, why: str) -> Claim:
    return replace(
        claim, uncertain=True, why_uncertain="；".join(filter(None, [claim.why_uncertain, why]))
    )


def regions_named(part: str) -> list[Region]:
    """The regions a place as written may name: by name, by the name with a suffix added
    (泸州 → 泸州市), a province by its short name or abbreviation (浙, 浙江 → 浙江省), an
    autonomous prefecture or county by its short form (凉山州, 凉山 → 凉山彝族自治州)."""
    names = {part, FULL_NAMES.get(part, part), ABBREVIATIONS.get(part, part)}
    if len(part) > 1:
        names |= {part + suffix for suffix in SUFFIXES}
    found = list(Region.objects.filter(name__in=names))
    if not found and len(part) > 1:
        stem = part[:-1] if part.endswith(("州", "县")) else part
        autonomous = Region.objects.filter(name__startswith=stem).filter(
            Q(name__endswith="自治州") | Q(name__endswith="自治县")
        )
        found = [
            region
            for region in autonomous
            if any(alias in {part, stem + "州", stem + "县"} for alias in aliases(region.name))
        ]
    return found


def side(region: Region, pairing: Pairing) -> str:
    """Which side of the pairing a region is: the helper's (its region or above it), a part of
    the helper's region, the recipient's province, both (the recipient's province holds the
    helper too), or neither."""
    helper = side_region_id(pairing, "helper")
    recipient = side_region_id(pairing, "recipient")
    is_helper = helper is not None and region.pk in Region.lineage(helper)
    if helper is not None and not is_helper and helper in Region.lineage(region.pk):
        return WITHIN_HELPER
    is_province = (
        recipient is not None
        and region.level == Region.Level.PROVINCE
        and region.pk in Region.lineage(recipient)
    )
    if is_province:
        return BOTH if is_helper else PROVINCE
    return HELPER if is_helper else NEITHER

"""Where a pairing's work may take place: in the region of one of its sides (the recipient's,
and for some work the helper's), that region itself or any region below it. One rule for
every record with a place — a project's location, a consumption record's origin, a park, a
workshop, a training's venue — so that a side that is an organisation counts the same way
everywhere: with the region it belongs to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models.pairings import Pairing
from pairaid.ledger.models.places import Region

RECIPIENT = ("recipient",)
EITHER_SIDE = ("recipient", "helper")


def side_region_id(pairing: Pairing, side: str) -> int | None:
    """The region of a pairing's side (`helper` or `recipient`): its own region, or the
    region of the organisation it is."""
    region_id: int | None = getattr(pairing, f"{side}_region_id")
    if region_id:
        return region_id
    if getattr(pairing, f"{side}_organisation_id"):
        organisation = getattr(pairing, f"{side}_organisation")
        return int(organisation.region_id) if organisation.region_id else None
    return None


def refuse_outside(
    pairing: Pairing,
    region_id: int | None,
    field: str,
    sides: Iterable[str] = RECIPIENT,
    message: Any = None,
) -> None:
    """Refuse a place outside the regions of the pairing's `sides`. `message` names the
    place, with the sides as %(recipient)s and %(helper)s. A place not given, or a pairing
    whose sides have no region, is not checked."""
    allowed = {side_region_id(pairing, side) for side in sides} - {None}
    if region_id is None or not allowed or allowed & Region.lineage(region_id):
        return
    message = message or _("应在受援方（%(recipient)s）的区划范围内")
    names = {"recipient": pairing.recipient_name, "helper": pairing.helper_name}
    raise ValidationError({field: message % names})

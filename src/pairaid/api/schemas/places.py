"""Bodies of pairings, regions and organisations."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from pairaid.api.schemas.base import In, Out, _stored
from pairaid.api.types import (
    Date,
    Id,
    choice,
    text,
)
from pairaid.ledger.models import (
    Organisation,
    Pairing,
    Region,
)

# --- pairings, regions, organisations ------------------------------------------------------


class PairingOut(Out):
    id: int
    name: str
    helper: str = Field(description="帮扶方名称")
    recipient: str = Field(description="受援方名称")
    scheme: choice(Pairing.Scheme)
    helper_region_id: int | None
    helper_organisation_id: int | None
    recipient_region_id: int | None
    recipient_organisation_id: int | None
    valid_from: Date
    valid_to: Date | None
    parent_id: int | None
    is_demo: bool

    @staticmethod
    def resolve_helper(obj: Any) -> str:
        stored, value = _stored(obj, "helper")
        return value if stored else obj.helper_name

    @staticmethod
    def resolve_recipient(obj: Any) -> str:
        stored, value = _stored(obj, "recipient")
        return value if stored else obj.recipient_name


class RegionOut(Out):
    id: int
    code: str
    name: str
    level: choice(Region.Level)
    parent_id: int | None
    valid_from: Date | None
    valid_to: Date | None
    is_demo: bool


class RegionIn(In):
    code: str = Field(pattern=r"^([0-9]{6}|[0-9]{12})$", description="6位或12位区划代码")
    name: text(100, min_length=1)
    level: choice(Region.Level)
    parent_id: Id | None = None
    valid_from: Date | None = None
    valid_to: Date | None = None


class OrganisationOut(Out):
    id: int
    name: str
    kind: choice(Organisation.Kind)
    region_id: int
    is_demo: bool


class OrganisationIn(In):
    name: text(200, min_length=1)
    kind: choice(Organisation.Kind)
    region_id: Id

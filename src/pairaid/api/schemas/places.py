"""Bodies of pairings, regions and organisations."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from pairaid.api.schemas.base import In, Out, _stored
from pairaid.api.types import Choice, Date, Id, Text
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
    scheme: Annotated[str, Choice(Pairing.Scheme)]
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
        helper: str = value if stored else obj.helper_name
        return helper

    @staticmethod
    def resolve_recipient(obj: Any) -> str:
        stored, value = _stored(obj, "recipient")
        recipient: str = value if stored else obj.recipient_name
        return recipient


class RegionOut(Out):
    id: int
    code: str
    name: str
    level: Annotated[str, Choice(Region.Level)]
    parent_id: int | None
    valid_from: Date | None
    valid_to: Date | None
    is_demo: bool


class RegionIn(In):
    code: str = Field(pattern=r"^([0-9]{6}|[0-9]{12})$", description="6位或12位区划代码")
    name: Annotated[str, Text(100, min_length=1)]
    level: Annotated[str, Choice(Region.Level)]
    parent_id: Id | None = None
    valid_from: Date | None = None
    valid_to: Date | None = None


class OrganisationOut(Out):
    id: int
    name: str
    kind: Annotated[str, Choice(Organisation.Kind)]
    region_id: int
    is_demo: bool


class OrganisationIn(In):
    name: Annotated[str, Text(200, min_length=1)]
    kind: Annotated[str, Choice(Organisation.Kind)]
    region_id: Id

"""Bodies of persons, postings and teams. Identity and phone numbers are never in a response."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field

from pairaid.api.schemas.base import In, Out, _effective_status, _stored
from pairaid.api.types import LONG_TEXT, Choice, Date, Id, SmallCount, Text, Unsent
from pairaid.ledger.models import (
    Confirmation,
    Person,
    Posting,
)

# --- people --------------------------------------------------------------------------------


class PersonOut(Out):
    """A dispatched person, without identity or phone number (personal data)."""

    id: int
    number: str
    name: str
    gender: Annotated[str, Choice(Person.Gender)]
    ethnicity: str
    home_organisation_id: int | None
    category: Annotated[str, Choice(Person.Category)]
    profession: Annotated[str, Choice(Person.Profession)]
    is_demo: bool


class PersonIn(In):
    number: Annotated[str, Text(32, min_length=1)]
    name: Annotated[str, Text(50, min_length=1)]
    gender: Annotated[str, Choice(Person.Gender)]
    ethnicity: Annotated[str, Text(20)] = ""
    home_organisation_id: Id | None = None
    category: Annotated[str, Choice(Person.Category)]
    profession: Annotated[str, Choice(Person.Profession)] = ""


class PersonPatch(In):
    number: Annotated[str, Text(32, min_length=1), Unsent]
    name: Annotated[str, Text(50, min_length=1), Unsent]
    gender: Annotated[str, Choice(Person.Gender), Unsent]
    ethnicity: Annotated[str, Text(20), Unsent]
    home_organisation_id: Id | None = None
    category: Annotated[str, Choice(Person.Category), Unsent]
    profession: Annotated[str, Choice(Person.Profession), Unsent]


class PostingOut(Out):
    id: int
    person_id: int
    pairing_id: int
    host_organisation_id: int | None
    post: str
    batch: int | None
    start_date: Date
    planned_end: Date | None
    actual_end: Date | None
    status: Annotated[str, Choice(Posting.Status)] = Field(description="登记的状态")
    effective_status: Annotated[str, Choice(Posting.EffectiveStatus)] = Field(
        description="截至今天的状态：计划期满已过、未登记离岗为 overdue（期满未离岗）"
    )
    team_id: int | None
    confirmation: Annotated[str, Choice(Confirmation)]
    confirmed_at: dt.datetime | None
    confirmation_note: str
    is_demo: bool

    @staticmethod
    def resolve_effective_status(obj: Any) -> str:
        return _effective_status(obj)


class PostingIn(In):
    person_id: Id
    pairing_id: Id
    host_organisation_id: Id | None = None
    post: Annotated[str, Text(200)] = ""
    batch: SmallCount | None = None
    start_date: Date
    planned_end: Date | None = None
    actual_end: Date | None = None
    status: Annotated[str, Choice(Posting.Status)] = Posting.Status.IN_POST.value
    team_id: Id | None = None


class PostingPatch(In):
    host_organisation_id: Id | None = None
    post: Annotated[str, Text(200), Unsent]
    batch: SmallCount | None = None
    start_date: Annotated[Date, Unsent]
    planned_end: Date | None = None
    actual_end: Date | None = None
    status: Annotated[str, Choice(Posting.Status), Unsent]
    team_id: Id | None = None


class TeamOut(Out):
    id: int
    pairing_id: int
    name: str
    from_organisation_ids: list[int] = Field(description="派出单位")
    to_organisation_ids: list[int] = Field(description="受援单位")
    start_date: Date | None
    note: str
    is_demo: bool

    @staticmethod
    def resolve_from_organisation_ids(obj: Any) -> list[int]:
        stored, value = _stored(obj, "from_organisation_ids")
        return value if stored else sorted(org.pk for org in obj.from_organisations.all())

    @staticmethod
    def resolve_to_organisation_ids(obj: Any) -> list[int]:
        stored, value = _stored(obj, "to_organisation_ids")
        return value if stored else sorted(org.pk for org in obj.to_organisations.all())


class TeamIn(In):
    pairing_id: Id
    name: Annotated[str, Text(200, min_length=1)]
    from_organisation_ids: list[Id] = Field(default_factory=list, max_length=500)
    to_organisation_ids: list[Id] = Field(default_factory=list, max_length=500)
    start_date: Date | None = None
    note: Annotated[str, Text(LONG_TEXT)] = ""


class TeamPatch(In):
    name: Annotated[str, Text(200, min_length=1), Unsent]
    from_organisation_ids: Annotated[list[Id], Field(default=None, max_length=500)]
    to_organisation_ids: Annotated[list[Id], Field(default=None, max_length=500)]
    start_date: Date | None = None
    note: Annotated[str, Text(LONG_TEXT), Unsent]

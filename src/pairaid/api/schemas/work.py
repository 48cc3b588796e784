"""Bodies of agreements (parties, obligations), events (participants), tasks and targets."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from pairaid.api.schemas.base import In, Out, _effective_status, _stored
from pairaid.api.types import LONG_TEXT, Choice, Date, Id, MoneyIn, MoneyOut, Text, Unsent, Year
from pairaid.ledger.models import (
    Agreement,
    AgreementParty,
    Event,
    Target,
    WorkStatus,
)

# --- agreements, events, tasks, targets ------------------------------------------------------


class PartyOut(Out):
    id: int
    organisation_id: int
    role: Annotated[str, Choice(AgreementParty.Role)]


class PartyIn(In):
    organisation_id: Id
    role: Annotated[str, Choice(AgreementParty.Role)]


class ObligationOut(Out):
    id: int
    agreement_id: int
    deliverable: str
    owner_id: int | None
    due_date: Date | None
    status: Annotated[str, Choice(WorkStatus)]
    evidence: str


class ObligationIn(In):
    deliverable: Annotated[str, Text(300, min_length=1)]
    owner_id: Id | None = None
    due_date: Date | None = None
    status: Annotated[str, Choice(WorkStatus)] = WorkStatus.OPEN.value
    evidence: Annotated[str, Text(LONG_TEXT)] = ""


class ObligationPatch(In):
    deliverable: Annotated[str, Text(300, min_length=1), Unsent]
    owner_id: Id | None = None
    due_date: Date | None = None
    status: Annotated[str, Choice(WorkStatus), Unsent]
    evidence: Annotated[str, Text(LONG_TEXT), Unsent]


class AgreementOut(Out):
    id: int
    pairing_id: int
    title: str
    kind: Annotated[str, Choice(Agreement.Kind)]
    signed_date: Date | None
    signed_place: str
    event_id: int | None
    amount: MoneyOut | None
    term_start: Date | None
    term_end: Date | None
    status: Annotated[str, Choice(Agreement.Status)] = Field(description="登记的状态")
    effective_status: Annotated[str, Choice(Agreement.EffectiveStatus)] = Field(
        description="截至今天的状态：已签订或履行中、期限止已过为 expired（已到期）"
    )
    parties: list[PartyOut]
    obligations: list[ObligationOut]
    is_demo: bool

    @staticmethod
    def resolve_effective_status(obj: Any) -> str:
        return _effective_status(obj)

    @staticmethod
    def resolve_parties(obj: Any) -> list[Any]:
        stored, value = _stored(obj, "parties")
        return value if stored else list(obj.parties.all())

    @staticmethod
    def resolve_obligations(obj: Any) -> list[Any]:
        stored, value = _stored(obj, "obligations")
        return value if stored else list(obj.obligations.all())


class AgreementIn(In):
    pairing_id: Id
    title: Annotated[str, Text(300, min_length=1)]
    kind: Annotated[str, Choice(Agreement.Kind)]
    signed_date: Date | None = None
    signed_place: Annotated[str, Text(200)] = ""
    event_id: Id | None = None
    amount: MoneyIn | None = None
    term_start: Date | None = None
    term_end: Date | None = None
    status: Annotated[str, Choice(Agreement.Status)] = Agreement.Status.DRAFT.value
    parties: list[PartyIn] = Field(default_factory=list, max_length=50)
    obligations: list[ObligationIn] = Field(default_factory=list, max_length=200)


class AgreementPatch(In):
    title: Annotated[str, Text(300, min_length=1), Unsent]
    kind: Annotated[str, Choice(Agreement.Kind), Unsent]
    signed_date: Date | None = None
    signed_place: Annotated[str, Text(200), Unsent]
    event_id: Id | None = None
    amount: MoneyIn | None = None
    term_start: Date | None = None
    term_end: Date | None = None
    status: Annotated[str, Choice(Agreement.Status), Unsent]


class ParticipantOut(Out):
    id: int
    name: str
    title: str
    side: str


class ParticipantIn(In):
    name: Annotated[str, Text(50, min_length=1)]
    title: Annotated[str, Text(200)] = ""
    side: Annotated[str, Text(100)] = ""


class EventOut(Out):
    id: int
    pairing_id: int
    kind: Annotated[str, Choice(Event.Kind)]
    title: str
    start_date: Date
    end_date: Date | None
    places: str
    summary: str
    participants: list[ParticipantOut]
    is_demo: bool

    @staticmethod
    def resolve_participants(obj: Any) -> list[Any]:
        stored, value = _stored(obj, "participants")
        return value if stored else list(obj.participants.all())


class EventIn(In):
    pairing_id: Id
    kind: Annotated[str, Choice(Event.Kind)]
    title: Annotated[str, Text(300, min_length=1)]
    start_date: Date
    end_date: Date | None = None
    places: Annotated[str, Text(LONG_TEXT)] = ""
    summary: Annotated[str, Text(LONG_TEXT)] = ""
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=200)


class EventPatch(In):
    kind: Annotated[str, Choice(Event.Kind), Unsent]
    title: Annotated[str, Text(300, min_length=1), Unsent]
    start_date: Annotated[Date, Unsent]
    end_date: Date | None = None
    places: Annotated[str, Text(LONG_TEXT), Unsent]
    summary: Annotated[str, Text(LONG_TEXT), Unsent]


class TaskOut(Out):
    id: int
    pairing_id: int
    title: str
    owner_id: int | None
    due_date: Date | None
    status: Annotated[str, Choice(WorkStatus)]
    evidence: str
    event_id: int | None
    agreement_id: int | None
    plan_year: int | None
    is_demo: bool


class TaskIn(In):
    pairing_id: Id
    title: Annotated[str, Text(300, min_length=1)]
    owner_id: Id | None = None
    due_date: Date | None = None
    status: Annotated[str, Choice(WorkStatus)] = WorkStatus.OPEN.value
    evidence: Annotated[str, Text(LONG_TEXT)] = ""
    event_id: Id | None = None
    agreement_id: Id | None = None
    plan_year: Year | None = None


class TaskPatch(In):
    title: Annotated[str, Text(300, min_length=1), Unsent]
    owner_id: Id | None = None
    due_date: Date | None = None
    status: Annotated[str, Choice(WorkStatus), Unsent]
    evidence: Annotated[str, Text(LONG_TEXT), Unsent]
    event_id: Id | None = None
    agreement_id: Id | None = None
    plan_year: Year | None = None


class TargetOut(Out):
    id: int
    pairing_id: int
    year: int
    indicator: Annotated[str, Choice(Target.Indicator)]
    value: MoneyOut = Field(description="目标值（金额为元，人数、个数为整数，均带两位小数）")
    is_demo: bool


class TargetIn(In):
    pairing_id: Id
    year: Year
    indicator: Annotated[str, Choice(Target.Indicator)]
    value: MoneyIn


class TargetPatch(In):
    value: Annotated[MoneyIn, Unsent]

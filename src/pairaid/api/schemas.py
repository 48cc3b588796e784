"""Request and response bodies of the API, one set per record type.

Names follow the records (`ledger/models.py`); a foreign key is `<name>_id` both ways. A
request body refuses fields it does not know (a misspelt field is an error, not a silent
no-op). Personal data (identity and phone numbers) is never in a response.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Schema
from pydantic import ConfigDict, Field

from pairaid.api.types import (
    LONG_TEXT,
    Count,
    Date,
    Id,
    MoneyIn,
    MoneyOut,
    Percent,
    SmallCount,
    Year,
    choice,
    text,
)
from pairaid.ledger.models import (
    Agreement,
    AgreementParty,
    Confirmation,
    Event,
    FundFlow,
    Organisation,
    Pairing,
    Person,
    Posting,
    Project,
    Region,
    Target,
    WorkStatus,
)


def _stored(obj: Any, field: str) -> tuple[bool, Any]:
    """A response read back from storage (an idempotent replay) is already a dict."""
    if isinstance(obj, dict):
        return True, obj.get(field)
    return False, None


def _effective_status(obj: Any) -> str:
    """A record's status as of today (`status_on`), or as it was answered (a replay; one
    stored before this field existed answers its stored status, a valid value too)."""
    stored, value = _stored(obj, "effective_status")
    if stored:
        return value or obj.get("status")
    return getattr(obj, "effective_status", None) or obj.status_on(timezone.localdate())


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class Out(Schema):
    pass


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


# --- projects and money --------------------------------------------------------------------


class ProjectOut(Out):
    id: int
    pairing_id: int
    code: str
    name: str
    sector: choice(Project.Sector)
    mode: choice(Project.Mode)
    location_id: int | None
    implementing_organisation_id: int | None
    planned_budget: MoneyOut
    start_date: Date | None
    end_date: Date | None
    status: choice(Project.Status)
    progress: int
    beneficiary_households: int
    beneficiary_persons: int
    outcomes: str
    after_completion: str
    is_demo: bool


class ProjectIn(In):
    pairing_id: Id
    code: text(64, min_length=1)
    name: text(300, min_length=1)
    sector: choice(Project.Sector)
    mode: choice(Project.Mode)
    location_id: Id | None = None
    implementing_organisation_id: Id | None = None
    planned_budget: MoneyIn = Field(default=Decimal("0.00"), description="计划投资（元）")
    start_date: Date | None = None
    end_date: Date | None = None
    status: choice(Project.Status) = Project.Status.PLANNED.value
    progress: Percent = 0
    beneficiary_households: Count = 0
    beneficiary_persons: Count = 0
    outcomes: text(LONG_TEXT) = ""
    after_completion: text(LONG_TEXT) = ""


class ProjectPatch(In):
    code: text(64, min_length=1) = None
    name: text(300, min_length=1) = None
    sector: choice(Project.Sector) = None
    mode: choice(Project.Mode) = None
    location_id: Id | None = None
    implementing_organisation_id: Id | None = None
    planned_budget: MoneyIn = None
    start_date: Date | None = None
    end_date: Date | None = None
    status: choice(Project.Status) = None
    progress: Percent = None
    beneficiary_households: Count = None
    beneficiary_persons: Count = None
    outcomes: text(LONG_TEXT) = None
    after_completion: text(LONG_TEXT) = None


class FundFlowOut(Out):
    id: int
    pairing_id: int
    kind: choice(FundFlow.Kind)
    fund_year: int
    date: Date
    amount: MoneyOut
    source: choice(FundFlow.Source)
    project_id: int | None
    voucher: str
    note: str
    cross_year_reason: str = Field("", description="跨年度说明（日期与资金年度相差超过一年时）")
    reverses_id: int | None = Field(description="本条冲销的记录（冲销记录金额为负数）")
    reversed_by_id: int | None = Field(description="冲销本条的记录，未冲销为 null")
    confirmation: choice(Confirmation)
    confirmed_at: dt.datetime | None
    confirmation_note: str
    recorded_at: dt.datetime
    is_demo: bool


class FundFlowIn(In):
    pairing_id: Id
    kind: choice(FundFlow.Kind)
    fund_year: Year
    date: Date
    amount: MoneyIn
    source: choice(FundFlow.Source)
    project_id: Id | None = None
    voucher: text(100) = ""
    note: text(300) = ""
    cross_year_reason: text(200, description="跨年度说明：日期与资金年度相差超过一年时必填") = ""


class ReverseIn(In):
    reason: text(250, min_length=1, description="冲销原因")
    on: Date | None = Field(
        default=None, description="冲销日期，默认今天（原记录日期晚于今天时为原记录日期）"
    )


class ConfirmIn(In):
    note: text(300) = ""


class DisputeIn(In):
    note: text(300, min_length=1, description="异议原因")


class ReopenIn(In):
    reason: text(250, min_length=1, description="重新开放确认的原因")


# --- people --------------------------------------------------------------------------------


class PersonOut(Out):
    """A dispatched person, without identity or phone number (personal data)."""

    id: int
    number: str
    name: str
    gender: choice(Person.Gender)
    ethnicity: str
    home_organisation_id: int | None
    category: choice(Person.Category)
    profession: choice(Person.Profession)
    is_demo: bool


class PersonIn(In):
    number: text(32, min_length=1)
    name: text(50, min_length=1)
    gender: choice(Person.Gender)
    ethnicity: text(20) = ""
    home_organisation_id: Id | None = None
    category: choice(Person.Category)
    profession: choice(Person.Profession) = ""


class PersonPatch(In):
    number: text(32, min_length=1) = None
    name: text(50, min_length=1) = None
    gender: choice(Person.Gender) = None
    ethnicity: text(20) = None
    home_organisation_id: Id | None = None
    category: choice(Person.Category) = None
    profession: choice(Person.Profession) = None


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
    status: choice(Posting.Status) = Field(description="登记的状态")
    effective_status: choice(Posting.EffectiveStatus) = Field(
        description="截至今天的状态：计划期满已过、未登记离岗为 overdue（期满未离岗）"
    )
    team_id: int | None
    confirmation: choice(Confirmation)
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
    post: text(200) = ""
    batch: SmallCount | None = None
    start_date: Date
    planned_end: Date | None = None
    actual_end: Date | None = None
    status: choice(Posting.Status) = Posting.Status.IN_POST.value
    team_id: Id | None = None


class PostingPatch(In):
    host_organisation_id: Id | None = None
    post: text(200) = None
    batch: SmallCount | None = None
    start_date: Date = None
    planned_end: Date | None = None
    actual_end: Date | None = None
    status: choice(Posting.Status) = None
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
    name: text(200, min_length=1)
    from_organisation_ids: list[Id] = Field(default_factory=list, max_length=500)
    to_organisation_ids: list[Id] = Field(default_factory=list, max_length=500)
    start_date: Date | None = None
    note: text(LONG_TEXT) = ""


class TeamPatch(In):
    name: text(200, min_length=1) = None
    from_organisation_ids: list[Id] = Field(default=None, max_length=500)
    to_organisation_ids: list[Id] = Field(default=None, max_length=500)
    start_date: Date | None = None
    note: text(LONG_TEXT) = None


# --- agreements, events, tasks, targets ------------------------------------------------------


class PartyOut(Out):
    id: int
    organisation_id: int
    role: choice(AgreementParty.Role)


class PartyIn(In):
    organisation_id: Id
    role: choice(AgreementParty.Role)


class ObligationOut(Out):
    id: int
    agreement_id: int
    deliverable: str
    owner_id: int | None
    due_date: Date | None
    status: choice(WorkStatus)
    evidence: str


class ObligationIn(In):
    deliverable: text(300, min_length=1)
    owner_id: Id | None = None
    due_date: Date | None = None
    status: choice(WorkStatus) = WorkStatus.OPEN.value
    evidence: text(LONG_TEXT) = ""


class ObligationPatch(In):
    deliverable: text(300, min_length=1) = None
    owner_id: Id | None = None
    due_date: Date | None = None
    status: choice(WorkStatus) = None
    evidence: text(LONG_TEXT) = None


class AgreementOut(Out):
    id: int
    pairing_id: int
    title: str
    kind: choice(Agreement.Kind)
    signed_date: Date | None
    signed_place: str
    event_id: int | None
    amount: MoneyOut | None
    term_start: Date | None
    term_end: Date | None
    status: choice(Agreement.Status) = Field(description="登记的状态")
    effective_status: choice(Agreement.EffectiveStatus) = Field(
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
    title: text(300, min_length=1)
    kind: choice(Agreement.Kind)
    signed_date: Date | None = None
    signed_place: text(200) = ""
    event_id: Id | None = None
    amount: MoneyIn | None = None
    term_start: Date | None = None
    term_end: Date | None = None
    status: choice(Agreement.Status) = Agreement.Status.DRAFT.value
    parties: list[PartyIn] = Field(default_factory=list, max_length=50)
    obligations: list[ObligationIn] = Field(default_factory=list, max_length=200)


class AgreementPatch(In):
    title: text(300, min_length=1) = None
    kind: choice(Agreement.Kind) = None
    signed_date: Date | None = None
    signed_place: text(200) = None
    event_id: Id | None = None
    amount: MoneyIn | None = None
    term_start: Date | None = None
    term_end: Date | None = None
    status: choice(Agreement.Status) = None


class ParticipantOut(Out):
    id: int
    name: str
    title: str
    side: str


class ParticipantIn(In):
    name: text(50, min_length=1)
    title: text(200) = ""
    side: text(100) = ""


class EventOut(Out):
    id: int
    pairing_id: int
    kind: choice(Event.Kind)
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
    kind: choice(Event.Kind)
    title: text(300, min_length=1)
    start_date: Date
    end_date: Date | None = None
    places: text(LONG_TEXT) = ""
    summary: text(LONG_TEXT) = ""
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=200)


class EventPatch(In):
    kind: choice(Event.Kind) = None
    title: text(300, min_length=1) = None
    start_date: Date = None
    end_date: Date | None = None
    places: text(LONG_TEXT) = None
    summary: text(LONG_TEXT) = None


class TaskOut(Out):
    id: int
    pairing_id: int
    title: str
    owner_id: int | None
    due_date: Date | None
    status: choice(WorkStatus)
    evidence: str
    event_id: int | None
    agreement_id: int | None
    plan_year: int | None
    is_demo: bool


class TaskIn(In):
    pairing_id: Id
    title: text(300, min_length=1)
    owner_id: Id | None = None
    due_date: Date | None = None
    status: choice(WorkStatus) = WorkStatus.OPEN.value
    evidence: text(LONG_TEXT) = ""
    event_id: Id | None = None
    agreement_id: Id | None = None
    plan_year: Year | None = None


class TaskPatch(In):
    title: text(300, min_length=1) = None
    owner_id: Id | None = None
    due_date: Date | None = None
    status: choice(WorkStatus) = None
    evidence: text(LONG_TEXT) = None
    event_id: Id | None = None
    agreement_id: Id | None = None
    plan_year: Year | None = None


class TargetOut(Out):
    id: int
    pairing_id: int
    year: int
    indicator: choice(Target.Indicator)
    value: MoneyOut = Field(description="目标值（金额为元，人数、个数为整数，均带两位小数）")
    is_demo: bool


class TargetIn(In):
    pairing_id: Id
    year: Year
    indicator: choice(Target.Indicator)
    value: MoneyIn


class TargetPatch(In):
    value: MoneyIn = None


# --- the audit trail and the figures --------------------------------------------------------


class AuditEntryOut(Out):
    id: int
    at: dt.datetime
    user_id: int | None
    username: str | None
    actor: str = Field(description="操作来源，如 web、api、cli、import")
    action: str
    record_type: str
    record_id: str
    record_repr: str
    pairing_id: int | None
    changes: dict[str, Any]

    @staticmethod
    def resolve_username(obj: Any) -> str | None:
        stored, value = _stored(obj, "username")
        if stored:
            return value
        return obj.user.get_username() if obj.user_id else None


class FigureOut(Out):
    key: str
    label: str
    value: str | int = Field(description="金额为元的字符串（两位小数），个数和人数为整数")
    unit: str
    rule: str = Field(description="口径")
    as_of: Date
    from_year: int
    to_year: int
    confirmed_only: bool


class RateOut(Out):
    key: str
    label: str
    percent: str | None = Field(description="百分比，两位小数；分母为零时为 null")
    rule: str
    numerator: str
    denominator: str


class FigurePairingOut(Out):
    id: int
    name: str
    helper: str
    recipient: str
    scheme: str


class WindowOut(Out):
    pairing_ids: list[int]
    from_year: int
    to_year: int
    as_of: Date
    confirmed_only: bool
    description: str


class FiguresOut(Out):
    pairing: FigurePairingOut
    window: WindowOut
    sentence: str
    figures: list[FigureOut]
    rates: list[RateOut]

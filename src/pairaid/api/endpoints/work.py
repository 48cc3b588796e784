"""Agreements (with parties and obligations), events (with participants), tasks (清单) and
annual targets."""

from __future__ import annotations

from typing import Annotated, Any, cast

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from pairaid.api import services as api_services
from pairaid.api.common import (
    IF_MATCH_NOTE,
    VIA,
    WRITE_ERRORS,
    IdempotencyKeyHeader,
    IfMatchHeader,
    RecordId,
    expected_version,
    fetch,
    in_scope,
    once,
    pairing_for,
    resolve,
    tag_version,
    user_of,
)
from pairaid.api.endpoints.crud import Resource, change_in_pairing, make_in_pairing
from pairaid.api.errors import error_responses
from pairaid.api.schemas import (
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    EventIn,
    EventOut,
    EventPatch,
    ObligationIn,
    ObligationOut,
    ObligationPatch,
    TargetIn,
    TargetOut,
    TargetPatch,
    TaskIn,
    TaskOut,
    TaskPatch,
)
from pairaid.api.types import Choice, Id, Text, Unsent, Year
from pairaid.ledger import services
from pairaid.ledger.models import (
    Agreement,
    AgreementQuerySet,
    Event,
    Obligation,
    Target,
    Task,
    WorkStatus,
)

router = Router()


# --- agreements -----------------------------------------------------------------------------


class AgreementFilters(Schema):
    pairing: Annotated[Id, Field(None, description="结对关系编号")]
    year: Annotated[Year, Field(None, description="签订年度")]
    kind: Annotated[str, Choice(Agreement.Kind), Unsent]
    status: Annotated[str, Choice(Agreement.Status), Unsent]
    effective_status: Annotated[
        str,
        Choice(Agreement.EffectiveStatus),
        Field(None, description="截至今天的状态（expired：已到期）"),
    ]
    event: Annotated[Id, Field(None, description="签约（见证）活动编号")]
    q: Annotated[str, Text(100), Field(None, description="名称或签订地点包含此文字")]

    def apply(self, agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
        if self.pairing:
            agreements = agreements.filter(pairing_id=self.pairing)
        if self.year:
            agreements = agreements.filter(signed_date__year=self.year)
        if self.kind:
            agreements = agreements.filter(kind=self.kind)
        if self.status:
            agreements = agreements.filter(status=self.status)
        if self.effective_status:
            # the agreements' own queryset class, through the filters above
            agreements = (
                cast(AgreementQuerySet, agreements)
                .with_effective_status(timezone.localdate())
                .filter(effective_status=self.effective_status)
            )
        if self.event:
            agreements = agreements.filter(event_id=self.event)
        if self.q:
            agreements = agreements.filter(
                Q(title__icontains=self.q) | Q(signed_place__icontains=self.q)
            )
        return agreements


def agreements(request: HttpRequest) -> QuerySet[Agreement]:
    return in_scope(Agreement.objects.prefetch_related("parties", "obligations"), user_of(request))


def agreement_out(agreement: Agreement) -> AgreementOut:
    fresh = Agreement.objects.prefetch_related("parties", "obligations").get(pk=agreement.pk)
    return AgreementOut.from_orm(fresh)


def make_agreement(user: Any, payload: AgreementIn) -> AgreementOut:
    pairing = pairing_for(user, payload.pairing_id)
    data = payload.model_dump(exclude={"pairing_id", "parties", "obligations"})
    agreement = api_services.create_agreement(
        acting_user=user,
        via=VIA,
        pairing=pairing,
        parties=[resolve(user, party.model_dump(), pairing) for party in payload.parties],
        obligations=[
            resolve(user, obligation.model_dump(), pairing) for obligation in payload.obligations
        ],
        **resolve(user, data, pairing),
    )
    return agreement_out(agreement)


def change_agreement(user: Any, agreement: Agreement, data: dict[str, Any]) -> AgreementOut:
    # Read again: the answer shows the parties and obligations too.
    return agreement_out(change_in_pairing(user, agreement, data))


AGREEMENTS = Resource.of(Agreement, router, agreements, AgreementOut)
AGREEMENTS.add_list(AgreementFilters, "列出协议合同（含当事方和履约事项）")
AGREEMENTS.add_read("读取协议合同")
AGREEMENTS.add_create(AgreementIn, "登记协议合同（可同时登记当事方和履约事项）", make_agreement)
AGREEMENTS.add_update(AgreementPatch, "修改协议合同", change_agreement)


@router.post(
    "/agreements/{id}/obligations/",
    response={201: ObligationOut, **WRITE_ERRORS},
    tags=["协议合同"],
    summary="为协议增加履约事项",
)
def create_obligation(
    request: HttpRequest,
    response: HttpResponse,
    payload: ObligationIn,
    id: int = RecordId,
    idempotency_key: str = IdempotencyKeyHeader,
) -> Status[dict[str, Any]]:
    def make() -> ObligationOut:
        user = user_of(request)
        agreement = fetch(agreements(request), id)
        fields = resolve(user, payload.model_dump(), agreement.pairing)
        obligation = services.create_record(
            Obligation, acting_user=user, via=VIA, agreement=agreement, **fields
        )
        return ObligationOut.from_orm(obligation)

    return once(request, response, idempotency_key, payload, make)


@router.patch(
    "/agreements/{id}/obligations/{obligation_id}/",
    response={200: ObligationOut, **WRITE_ERRORS, **error_responses(412)},
    tags=["协议合同"],
    summary="修改履约事项（如完成情况和佐证材料）",
    description=IF_MATCH_NOTE,
)
def update_obligation(
    request: HttpRequest,
    response: HttpResponse,
    payload: ObligationPatch,
    id: int = RecordId,
    obligation_id: int = RecordId,
    if_match: str = IfMatchHeader,
) -> Obligation:
    user = user_of(request)
    agreement = fetch(agreements(request), id)
    obligation = fetch(agreement.obligations.all(), obligation_id)
    changes = resolve(user, payload.model_dump(exclude_unset=True), agreement.pairing)
    expected = expected_version(if_match, obligation)
    if expected is not None:
        changes["expected_version"] = expected
    services.update_record(obligation, acting_user=user, via=VIA, **changes)
    tag_version(response, obligation)
    return obligation


# --- events ---------------------------------------------------------------------------------


class EventFilters(Schema):
    pairing: Annotated[Id, Field(None, description="结对关系编号")]
    year: Annotated[Year, Field(None, description="开始年度")]
    kind: Annotated[str, Choice(Event.Kind), Unsent]
    q: Annotated[str, Text(100), Field(None, description="标题或地点包含此文字")]

    def apply(self, events: QuerySet[Event]) -> QuerySet[Event]:
        if self.pairing:
            events = events.filter(pairing_id=self.pairing)
        if self.year:
            events = events.filter(start_date__year=self.year)
        if self.kind:
            events = events.filter(kind=self.kind)
        if self.q:
            events = events.filter(Q(title__icontains=self.q) | Q(places__icontains=self.q))
        return events


def events(request: HttpRequest) -> QuerySet[Event]:
    return in_scope(Event.objects.prefetch_related("participants"), user_of(request))


def event_out(event: Event) -> EventOut:
    return EventOut.from_orm(Event.objects.prefetch_related("participants").get(pk=event.pk))


def make_event(user: Any, payload: EventIn) -> EventOut:
    pairing = pairing_for(user, payload.pairing_id)
    data = payload.model_dump(exclude={"pairing_id", "participants"})
    event = api_services.create_event(
        acting_user=user,
        via=VIA,
        pairing=pairing,
        participants=[participant.model_dump() for participant in payload.participants],
        **resolve(user, data, pairing),
    )
    return event_out(event)


def change_event(user: Any, event: Event, data: dict[str, Any]) -> EventOut:
    # Read again: the answer shows the participants too.
    return event_out(change_in_pairing(user, event, data))


EVENTS = Resource.of(Event, router, events, EventOut)
EVENTS.add_list(EventFilters, "列出活动（调研、联席会议、座谈、签约、资金交付）")
EVENTS.add_read("读取活动")
EVENTS.add_create(EventIn, "登记活动（可同时登记参加人员）", make_event)
EVENTS.add_update(EventPatch, "修改活动", change_event)


# --- tasks ----------------------------------------------------------------------------------


class TaskFilters(Schema):
    pairing: Annotated[Id, Field(None, description="结对关系编号")]
    year: Annotated[Year, Field(None, description="完成时限所在年度")]
    status: Annotated[str, Choice(WorkStatus), Unsent]
    event: Annotated[Id, Field(None, description="来源活动编号")]
    agreement: Annotated[Id, Field(None, description="来源协议编号")]
    q: Annotated[str, Text(100), Field(None, description="事项包含此文字")]

    def apply(self, tasks: QuerySet[Task]) -> QuerySet[Task]:
        if self.pairing:
            tasks = tasks.filter(pairing_id=self.pairing)
        if self.year:
            tasks = tasks.filter(due_date__year=self.year)
        if self.status:
            tasks = tasks.filter(status=self.status)
        if self.event:
            tasks = tasks.filter(event_id=self.event)
        if self.agreement:
            tasks = tasks.filter(agreement_id=self.agreement)
        if self.q:
            tasks = tasks.filter(title__icontains=self.q)
        return tasks


def tasks(request: HttpRequest) -> QuerySet[Task]:
    return in_scope(Task.objects.all(), user_of(request))


TASKS = Resource.of(Task, router, tasks, TaskOut)
TASKS.add_list(TaskFilters, "列出清单事项")
TASKS.add_read("读取清单事项")
TASKS.add_create(TaskIn, "登记清单事项", make_in_pairing(Task, TaskOut))
TASKS.add_update(TaskPatch, "修改清单事项（如完成情况和佐证材料）")


# --- targets --------------------------------------------------------------------------------


class TargetFilters(Schema):
    pairing: Annotated[Id, Field(None, description="结对关系编号")]
    year: Annotated[Year, Unsent]
    indicator: Annotated[str, Choice(Target.Indicator), Unsent]

    def apply(self, targets: QuerySet[Target]) -> QuerySet[Target]:
        if self.pairing:
            targets = targets.filter(pairing_id=self.pairing)
        if self.year:
            targets = targets.filter(year=self.year)
        if self.indicator:
            targets = targets.filter(indicator=self.indicator)
        return targets


def targets(request: HttpRequest) -> QuerySet[Target]:
    return in_scope(Target.objects.all(), user_of(request))


# A target names no other record: resolving its fields changes nothing.
TARGETS = Resource.of(Target, router, targets, TargetOut)
TARGETS.add_list(TargetFilters, "列出年度目标")
TARGETS.add_read("读取年度目标")
TARGETS.add_create(TargetIn, "设定年度目标（协调办公室）", make_in_pairing(Target, TargetOut))
TARGETS.add_update(TargetPatch, "修改年度目标")

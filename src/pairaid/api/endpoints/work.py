"""Agreements (with parties and obligations), events (with participants), tasks (清单) and
annual targets."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from pairaid.api import services as api_services
from pairaid.api.common import (
    LIST_ERRORS,
    READ_ERRORS,
    VIA,
    WRITE_ERRORS,
    IdempotencyKeyHeader,
    PageParams,
    RecordId,
    fetch,
    in_scope,
    once,
    page_of,
    paginate,
    pairing_for,
    resolve,
    user_of,
)
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
from pairaid.api.types import Id, Year, choice, text
from pairaid.ledger import services
from pairaid.ledger.models import Agreement, Event, Obligation, Target, Task, WorkStatus

router = Router()


# --- agreements -----------------------------------------------------------------------------


class AgreementFilters(Schema):
    pairing: Id = Field(None, description="结对关系编号")
    year: Year = Field(None, description="签订年度")
    kind: choice(Agreement.Kind) = None
    status: choice(Agreement.Status) = None
    event: Id = Field(None, description="签约（见证）活动编号")
    q: text(100) = Field(None, description="名称或签订地点包含此文字")

    def apply(self, agreements: QuerySet) -> QuerySet:
        if self.pairing:
            agreements = agreements.filter(pairing_id=self.pairing)
        if self.year:
            agreements = agreements.filter(signed_date__year=self.year)
        if self.kind:
            agreements = agreements.filter(kind=self.kind)
        if self.status:
            agreements = agreements.filter(status=self.status)
        if self.event:
            agreements = agreements.filter(event_id=self.event)
        if self.q:
            agreements = agreements.filter(
                Q(title__icontains=self.q) | Q(signed_place__icontains=self.q)
            )
        return agreements


def agreements(request: HttpRequest) -> QuerySet:
    return in_scope(Agreement.objects.prefetch_related("parties", "obligations"), user_of(request))


def agreement_out(agreement: Agreement) -> AgreementOut:
    fresh = Agreement.objects.prefetch_related("parties", "obligations").get(pk=agreement.pk)
    return AgreementOut.from_orm(fresh)


@router.get(
    "/agreements/",
    response={200: page_of(AgreementOut), **LIST_ERRORS},
    tags=["协议合同"],
    summary="列出协议合同（含当事方和履约事项）",
)
def list_agreements(
    request: HttpRequest, filters: Query[AgreementFilters], page: Query[PageParams]
) -> dict:
    return paginate(filters.apply(agreements(request)), page)


@router.get(
    "/agreements/{id}/",
    response={200: AgreementOut, **READ_ERRORS},
    tags=["协议合同"],
    summary="读取协议合同",
)
def get_agreement(request: HttpRequest, id: int = RecordId) -> Agreement:
    return fetch(agreements(request), id)


@router.post(
    "/agreements/",
    response={201: AgreementOut, **WRITE_ERRORS},
    tags=["协议合同"],
    summary="登记协议合同（可同时登记当事方和履约事项）",
)
def create_agreement(
    request: HttpRequest,
    response: HttpResponse,
    payload: AgreementIn,
    idempotency_key: str = IdempotencyKeyHeader,
) -> Status:
    def make() -> AgreementOut:
        user = user_of(request)
        pairing = pairing_for(user, payload.pairing_id)
        data = payload.model_dump(exclude={"pairing_id", "parties", "obligations"})
        agreement = api_services.create_agreement(
            acting_user=user,
            via=VIA,
            pairing=pairing,
            parties=[resolve(user, party.model_dump(), pairing) for party in payload.parties],
            obligations=[
                resolve(user, obligation.model_dump(), pairing)
                for obligation in payload.obligations
            ],
            **resolve(user, data, pairing),
        )
        return agreement_out(agreement)

    return once(request, response, idempotency_key, payload, make)


@router.patch(
    "/agreements/{id}/",
    response={200: AgreementOut, **WRITE_ERRORS},
    tags=["协议合同"],
    summary="修改协议合同",
)
def update_agreement(
    request: HttpRequest, payload: AgreementPatch, id: int = RecordId
) -> AgreementOut:
    user = user_of(request)
    agreement = fetch(agreements(request), id)
    changes = resolve(user, payload.model_dump(exclude_unset=True), agreement.pairing)
    services.update_record(agreement, acting_user=user, via=VIA, **changes)
    return agreement_out(agreement)


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
) -> Status:
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
    response={200: ObligationOut, **WRITE_ERRORS},
    tags=["协议合同"],
    summary="修改履约事项（如完成情况和佐证材料）",
)
def update_obligation(
    request: HttpRequest,
    payload: ObligationPatch,
    id: int = RecordId,
    obligation_id: int = RecordId,
) -> Obligation:
    user = user_of(request)
    agreement = fetch(agreements(request), id)
    obligation = fetch(agreement.obligations.all(), obligation_id)
    changes = resolve(user, payload.model_dump(exclude_unset=True), agreement.pairing)
    return services.update_record(obligation, acting_user=user, via=VIA, **changes)


# --- events ---------------------------------------------------------------------------------


class EventFilters(Schema):
    pairing: Id = Field(None, description="结对关系编号")
    year: Year = Field(None, description="开始年度")
    kind: choice(Event.Kind) = None
    q: text(100) = Field(None, description="标题或地点包含此文字")

    def apply(self, events: QuerySet) -> QuerySet:
        if self.pairing:
            events = events.filter(pairing_id=self.pairing)
        if self.year:
            events = events.filter(start_date__year=self.year)
        if self.kind:
            events = events.filter(kind=self.kind)
        if self.q:
            events = events.filter(Q(title__icontains=self.q) | Q(places__icontains=self.q))
        return events


def events(request: HttpRequest) -> QuerySet:
    return in_scope(Event.objects.prefetch_related("participants"), user_of(request))


def event_out(event: Event) -> EventOut:
    return EventOut.from_orm(Event.objects.prefetch_related("participants").get(pk=event.pk))


@router.get(
    "/events/",
    response={200: page_of(EventOut), **LIST_ERRORS},
    tags=["活动"],
    summary="列出活动（调研、联席会议、座谈、签约、资金交付）",
)
def list_events(
    request: HttpRequest, filters: Query[EventFilters], page: Query[PageParams]
) -> dict:
    return paginate(filters.apply(events(request)), page)


@router.get(
    "/events/{id}/",
    response={200: EventOut, **READ_ERRORS},
    tags=["活动"],
    summary="读取活动",
)
def get_event(request: HttpRequest, id: int = RecordId) -> Event:
    return fetch(events(request), id)


@router.post(
    "/events/",
    response={201: EventOut, **WRITE_ERRORS},
    tags=["活动"],
    summary="登记活动（可同时登记参加人员）",
)
def create_event(
    request: HttpRequest,
    response: HttpResponse,
    payload: EventIn,
    idempotency_key: str = IdempotencyKeyHeader,
) -> Status:
    def make() -> EventOut:
        user = user_of(request)
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

    return once(request, response, idempotency_key, payload, make)


@router.patch(
    "/events/{id}/",
    response={200: EventOut, **WRITE_ERRORS},
    tags=["活动"],
    summary="修改活动",
)
def update_event(request: HttpRequest, payload: EventPatch, id: int = RecordId) -> EventOut:
    user = user_of(request)
    event = fetch(events(request), id)
    changes = resolve(user, payload.model_dump(exclude_unset=True), event.pairing)
    services.update_record(event, acting_user=user, via=VIA, **changes)
    return event_out(event)


# --- tasks ----------------------------------------------------------------------------------


class TaskFilters(Schema):
    pairing: Id = Field(None, description="结对关系编号")
    year: Year = Field(None, description="完成时限所在年度")
    status: choice(WorkStatus) = None
    event: Id = Field(None, description="来源活动编号")
    agreement: Id = Field(None, description="来源协议编号")
    q: text(100) = Field(None, description="事项包含此文字")

    def apply(self, tasks: QuerySet) -> QuerySet:
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


def tasks(request: HttpRequest) -> QuerySet:
    return in_scope(Task.objects.all(), user_of(request))


@router.get(
    "/tasks/",
    response={200: page_of(TaskOut), **LIST_ERRORS},
    tags=["清单事项"],
    summary="列出清单事项",
)
def list_tasks(request: HttpRequest, filters: Query[TaskFilters], page: Query[PageParams]) -> dict:
    return paginate(filters.apply(tasks(request)), page)


@router.get(
    "/tasks/{id}/",
    response={200: TaskOut, **READ_ERRORS},
    tags=["清单事项"],
    summary="读取清单事项",
)
def get_task(request: HttpRequest, id: int = RecordId) -> Task:
    return fetch(tasks(request), id)


@router.post(
    "/tasks/",
    response={201: TaskOut, **WRITE_ERRORS},
    tags=["清单事项"],
    summary="登记清单事项",
)
def create_task(
    request: HttpRequest,
    response: HttpResponse,
    payload: TaskIn,
    idempotency_key: str = IdempotencyKeyHeader,
) -> Status:
    def make() -> TaskOut:
        user = user_of(request)
        pairing = pairing_for(user, payload.pairing_id)
        fields = resolve(user, payload.model_dump(exclude={"pairing_id"}), pairing)
        task = services.create_record(Task, acting_user=user, via=VIA, pairing=pairing, **fields)
        return TaskOut.from_orm(task)

    return once(request, response, idempotency_key, payload, make)


@router.patch(
    "/tasks/{id}/",
    response={200: TaskOut, **WRITE_ERRORS},
    tags=["清单事项"],
    summary="修改清单事项（如完成情况和佐证材料）",
)
def update_task(request: HttpRequest, payload: TaskPatch, id: int = RecordId) -> Task:
    user = user_of(request)
    task = fetch(tasks(request), id)
    changes = resolve(user, payload.model_dump(exclude_unset=True), task.pairing)
    return services.update_record(task, acting_user=user, via=VIA, **changes)


# --- targets --------------------------------------------------------------------------------


class TargetFilters(Schema):
    pairing: Id = Field(None, description="结对关系编号")
    year: Year = None
    indicator: choice(Target.Indicator) = None

    def apply(self, targets: QuerySet) -> QuerySet:
        if self.pairing:
            targets = targets.filter(pairing_id=self.pairing)
        if self.year:
            targets = targets.filter(year=self.year)
        if self.indicator:
            targets = targets.filter(indicator=self.indicator)
        return targets


def targets(request: HttpRequest) -> QuerySet:
    return in_scope(Target.objects.all(), user_of(request))


@router.get(
    "/targets/",
    response={200: page_of(TargetOut), **LIST_ERRORS},
    tags=["年度目标"],
    summary="列出年度目标",
)
def list_targets(
    request: HttpRequest, filters: Query[TargetFilters], page: Query[PageParams]
) -> dict:
    return paginate(filters.apply(targets(request)), page)


@router.get(
    "/targets/{id}/",
    response={200: TargetOut, **READ_ERRORS},
    tags=["年度目标"],
    summary="读取年度目标",
)
def get_target(request: HttpRequest, id: int = RecordId) -> Target:
    return fetch(targets(request), id)


@router.post(
    "/targets/",
    response={201: TargetOut, **WRITE_ERRORS},
    tags=["年度目标"],
    summary="设定年度目标（协调办公室）",
)
def create_target(
    request: HttpRequest,
    response: HttpResponse,
    payload: TargetIn,
    idempotency_key: str = IdempotencyKeyHeader,
) -> Status:
    def make() -> TargetOut:
        user = user_of(request)
        pairing = pairing_for(user, payload.pairing_id)
        fields = payload.model_dump(exclude={"pairing_id"})
        target = services.create_record(
            Target, acting_user=user, via=VIA, pairing=pairing, **fields
        )
        return TargetOut.from_orm(target)

    return once(request, response, idempotency_key, payload, make)


@router.patch(
    "/targets/{id}/",
    response={200: TargetOut, **WRITE_ERRORS},
    tags=["年度目标"],
    summary="修改年度目标",
)
def update_target(request: HttpRequest, payload: TargetPatch, id: int = RecordId) -> Target:
    user = user_of(request)
    target = fetch(targets(request), id)
    return services.update_record(
        target, acting_user=user, via=VIA, **payload.model_dump(exclude_unset=True)
    )

"""Projects (read, create, update) and fund flows (read, record, reverse, confirm,
dispute — a fund flow is never edited or deleted)."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

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
    ConfirmIn,
    DisputeIn,
    FundFlowIn,
    FundFlowOut,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    ReverseIn,
)
from pairaid.api.types import Id, Year, choice, text
from pairaid.ledger import services
from pairaid.ledger.models import Confirmation, FundFlow, Project

router = Router()


# --- projects -------------------------------------------------------------------------------


class ProjectFilters(Schema):
    pairing: Id = Field(None, description="结对关系编号")
    year: Year = Field(None, description="开工年度")
    status: choice(Project.Status) = None
    sector: choice(Project.Sector) = None
    mode: choice(Project.Mode) = None
    q: text(100) = Field(None, description="项目编号或名称包含此文字")

    def apply(self, projects: QuerySet) -> QuerySet:
        if self.pairing:
            projects = projects.filter(pairing_id=self.pairing)
        if self.year:
            projects = projects.filter(start_date__year=self.year)
        if self.status:
            projects = projects.filter(status=self.status)
        if self.sector:
            projects = projects.filter(sector=self.sector)
        if self.mode:
            projects = projects.filter(mode=self.mode)
        if self.q:
            projects = projects.filter(Q(code__icontains=self.q) | Q(name__icontains=self.q))
        return projects


def projects(request: HttpRequest) -> QuerySet:
    return in_scope(Project.objects.all(), user_of(request))


@router.get(
    "/projects/",
    response={200: page_of(ProjectOut), **LIST_ERRORS},
    tags=["项目"],
    summary="列出帮扶项目",
)
def list_projects(
    request: HttpRequest, filters: Query[ProjectFilters], page: Query[PageParams]
) -> dict:
    return paginate(filters.apply(projects(request)), page)


@router.get(
    "/projects/{id}/",
    response={200: ProjectOut, **READ_ERRORS},
    tags=["项目"],
    summary="读取帮扶项目",
)
def get_project(request: HttpRequest, id: int = RecordId) -> Project:
    return fetch(projects(request), id)


@router.post(
    "/projects/",
    response={201: ProjectOut, **WRITE_ERRORS},
    tags=["项目"],
    summary="登记帮扶项目",
)
def create_project(
    request: HttpRequest,
    response: HttpResponse,
    payload: ProjectIn,
    idempotency_key: str = IdempotencyKeyHeader,
) -> Status:
    def make() -> ProjectOut:
        user = user_of(request)
        pairing = pairing_for(user, payload.pairing_id)
        fields = resolve(user, payload.model_dump(exclude={"pairing_id"}), pairing)
        project = services.create_record(
            Project, acting_user=user, via=VIA, pairing=pairing, **fields
        )
        return ProjectOut.from_orm(project)

    return once(request, response, idempotency_key, payload, make)


@router.patch(
    "/projects/{id}/",
    response={200: ProjectOut, **WRITE_ERRORS},
    tags=["项目"],
    summary="修改帮扶项目（受援方可更新进度与成效）",
)
def update_project(request: HttpRequest, payload: ProjectPatch, id: int = RecordId) -> Project:
    user = user_of(request)
    project = fetch(projects(request), id)
    changes = resolve(user, payload.model_dump(exclude_unset=True), project.pairing)
    return services.update_record(project, acting_user=user, via=VIA, **changes)


# --- fund flows -----------------------------------------------------------------------------


class FundFlowFilters(Schema):
    pairing: Id = Field(None, description="结对关系编号")
    year: Year = Field(None, description="资金年度")
    kind: choice(FundFlow.Kind) = None
    source: choice(FundFlow.Source) = None
    status: choice(Confirmation) = Field(None, description="受援方确认状态")
    project: Id = Field(None, description="项目编号")
    q: text(100) = Field(None, description="凭证或文号、摘要包含此文字")

    def apply(self, flows: QuerySet) -> QuerySet:
        if self.pairing:
            flows = flows.filter(pairing_id=self.pairing)
        if self.year:
            flows = flows.filter(fund_year=self.year)
        if self.kind:
            flows = flows.filter(kind=self.kind)
        if self.source:
            flows = flows.filter(source=self.source)
        if self.status:
            flows = flows.filter(confirmation=self.status)
        if self.project:
            flows = flows.filter(project_id=self.project)
        if self.q:
            flows = flows.filter(Q(voucher__icontains=self.q) | Q(note__icontains=self.q))
        return flows


def annotated_flows() -> QuerySet:
    """Fund flows with the number of the entry that reversed each (null if none)."""
    reversal = FundFlow.objects.filter(reverses=OuterRef("pk")).values("pk")[:1]
    return FundFlow.objects.annotate(reversed_by_id=Subquery(reversal))


def fund_flows(request: HttpRequest) -> QuerySet:
    return in_scope(annotated_flows(), user_of(request))


def flow_out(flow: FundFlow) -> FundFlowOut:
    """A flow as answered, read again: whether it is reversed may just have changed."""
    return FundFlowOut.from_orm(annotated_flows().get(pk=flow.pk))


@router.get(
    "/fund-flows/",
    response={200: page_of(FundFlowOut), **LIST_ERRORS},
    tags=["资金"],
    summary="列出资金记录",
)
def list_fund_flows(
    request: HttpRequest, filters: Query[FundFlowFilters], page: Query[PageParams]
) -> dict:
    return paginate(filters.apply(fund_flows(request)), page)


@router.get(
    "/fund-flows/{id}/",
    response={200: FundFlowOut, **READ_ERRORS},
    tags=["资金"],
    summary="读取资金记录",
)
def get_fund_flow(request: HttpRequest, id: int = RecordId) -> FundFlow:
    return fetch(fund_flows(request), id)


@router.post(
    "/fund-flows/",
    response={201: FundFlowOut, **WRITE_ERRORS},
    tags=["资金"],
    summary="登记资金记录（计划、拨付、分配到项目、支出）",
)
def create_fund_flow(
    request: HttpRequest,
    response: HttpResponse,
    payload: FundFlowIn,
    idempotency_key: str = IdempotencyKeyHeader,
) -> Status:
    def make() -> FundFlowOut:
        user = user_of(request)
        pairing = pairing_for(user, payload.pairing_id)
        fields = resolve(user, payload.model_dump(exclude={"pairing_id"}), pairing)
        flow = services.record_fund_flow(acting_user=user, via=VIA, pairing=pairing, **fields)
        return flow_out(flow)

    return once(request, response, idempotency_key, payload, make)


@router.post(
    "/fund-flows/{id}/reverse/",
    response={201: FundFlowOut, **WRITE_ERRORS},
    tags=["资金"],
    summary="冲销资金记录（登记一笔金额相反的冲销记录）",
)
def reverse_fund_flow(
    request: HttpRequest,
    response: HttpResponse,
    payload: ReverseIn,
    id: int = RecordId,
    idempotency_key: str = IdempotencyKeyHeader,
) -> Status:
    def make() -> FundFlowOut:
        user = user_of(request)
        flow = fetch(fund_flows(request), id)
        reversal = services.reverse_fund_flow(
            flow, acting_user=user, via=VIA, reason=payload.reason, on=payload.on
        )
        return flow_out(reversal)

    return once(request, response, idempotency_key, payload, make)


@router.post(
    "/fund-flows/{id}/confirm/",
    response={200: FundFlowOut, **WRITE_ERRORS},
    tags=["资金"],
    summary="受援方确认收到资金",
)
def confirm_fund_flow(request: HttpRequest, payload: ConfirmIn, id: int = RecordId) -> object:
    user = user_of(request)
    flow = fetch(fund_flows(request), id)
    services.confirm_fund_flow(flow, acting_user=user, via=VIA, accept=True, note=payload.note)
    return flow_out(flow)


@router.post(
    "/fund-flows/{id}/dispute/",
    response={200: FundFlowOut, **WRITE_ERRORS},
    tags=["资金"],
    summary="受援方对资金记录提出异议（须说明原因）",
)
def dispute_fund_flow(request: HttpRequest, payload: DisputeIn, id: int = RecordId) -> object:
    user = user_of(request)
    flow = fetch(fund_flows(request), id)
    services.confirm_fund_flow(flow, acting_user=user, via=VIA, accept=False, note=payload.note)
    return flow_out(flow)

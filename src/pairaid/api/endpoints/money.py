"""Projects (read, create, update) and fund flows (read, record, reverse, confirm,
dispute — a fund flow is never edited or deleted)."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from pairaid.api.common import (
    VIA,
    WRITE_ERRORS,
    IdempotencyKeyHeader,
    RecordId,
    fetch,
    in_scope,
    once,
    pairing_for,
    resolve,
    user_of,
)
from pairaid.api.endpoints.crud import Resource, make_in_pairing
from pairaid.api.schemas import (
    ConfirmIn,
    DisputeIn,
    FundFlowIn,
    FundFlowOut,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    ReopenIn,
    ReverseIn,
)
from pairaid.api.types import Choice, Id, Text, Unsent, Year
from pairaid.ledger import services
from pairaid.ledger.models import Confirmation, FundFlow, Project

router = Router()


# --- projects -------------------------------------------------------------------------------


class ProjectFilters(Schema):
    pairing: Annotated[Id, Field(None, description="结对关系编号")]
    year: Annotated[Year, Field(None, description="开工年度")]
    status: Annotated[str, Choice(Project.Status), Unsent]
    sector: Annotated[str, Choice(Project.Sector), Unsent]
    mode: Annotated[str, Choice(Project.Mode), Unsent]
    q: Annotated[str, Text(100), Field(None, description="项目编号或名称包含此文字")]

    def apply(self, projects: QuerySet[Project]) -> QuerySet[Project]:
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


def projects(request: HttpRequest) -> QuerySet[Project]:
    return in_scope(Project.objects.all(), user_of(request))


PROJECTS = Resource.of(Project, router, projects, ProjectOut)
PROJECTS.add_list(ProjectFilters, "列出帮扶项目")
PROJECTS.add_read("读取帮扶项目")
PROJECTS.add_create(ProjectIn, "登记帮扶项目", make_in_pairing(Project, ProjectOut))
PROJECTS.add_update(ProjectPatch, "修改帮扶项目（受援方可更新进度与成效）")


# --- fund flows -----------------------------------------------------------------------------


class FundFlowFilters(Schema):
    pairing: Annotated[Id, Field(None, description="结对关系编号")]
    year: Annotated[Year, Field(None, description="资金年度")]
    kind: Annotated[str, Choice(FundFlow.Kind), Unsent]
    source: Annotated[str, Choice(FundFlow.Source), Unsent]
    status: Annotated[str, Choice(Confirmation), Field(None, description="受援方确认状态")]
    project: Annotated[Id, Field(None, description="项目编号")]
    q: Annotated[str, Text(100), Field(None, description="凭证或文号、摘要包含此文字")]

    def apply(self, flows: QuerySet[FundFlow]) -> QuerySet[FundFlow]:
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


def annotated_flows() -> QuerySet[FundFlow]:
    """Fund flows with the number of the entry that reversed each (null if none)."""
    reversal = FundFlow.objects.filter(reverses=OuterRef("pk")).values("pk")[:1]
    return FundFlow.objects.annotate(reversed_by_id=Subquery(reversal))


def fund_flows(request: HttpRequest) -> QuerySet[FundFlow]:
    return in_scope(annotated_flows(), user_of(request))


def flow_out(flow: FundFlow) -> FundFlowOut:
    """A flow as answered, read again: whether it is reversed may just have changed."""
    return FundFlowOut.from_orm(annotated_flows().get(pk=flow.pk))


def make_fund_flow(user: Any, payload: FundFlowIn) -> FundFlowOut:
    pairing = pairing_for(user, payload.pairing_id)
    fields = resolve(user, payload.model_dump(exclude={"pairing_id"}), pairing)
    flow = services.record_fund_flow(acting_user=user, via=VIA, pairing=pairing, **fields)
    return flow_out(flow)


# No update: a fund flow is corrected by reversing it.
FUND_FLOWS = Resource.of(FundFlow, router, fund_flows, FundFlowOut)
FUND_FLOWS.add_list(FundFlowFilters, "列出资金记录")
FUND_FLOWS.add_read("读取资金记录")
FUND_FLOWS.add_create(FundFlowIn, "登记资金记录（计划、拨付、分配到项目、支出）", make_fund_flow)


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
) -> Status[dict[str, Any]]:
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
    services.confirm_record(flow, acting_user=user, via=VIA, accept=True, note=payload.note)
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
    services.confirm_record(flow, acting_user=user, via=VIA, accept=False, note=payload.note)
    return flow_out(flow)


@router.post(
    "/fund-flows/{id}/reopen-confirmation/",
    response={200: FundFlowOut, **WRITE_ERRORS},
    tags=["资金"],
    summary="重新开放受援方的确认（已确认或有异议的记录，须说明原因；之后受援方可重新答复）",
)
def reopen_fund_flow_confirmation(
    request: HttpRequest, payload: ReopenIn, id: int = RecordId
) -> object:
    flow = fetch(fund_flows(request), id)
    services.reopen_confirmation(flow, user_of(request), payload.reason, via=VIA)
    return flow_out(flow)

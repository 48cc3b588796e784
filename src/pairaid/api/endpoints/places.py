"""Pairings (read), regions and organisations (read, create)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
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
    resolve,
    shared_records,
    user_of,
)
from pairaid.api.schemas import (
    OrganisationIn,
    OrganisationOut,
    PairingOut,
    RegionIn,
    RegionOut,
)
from pairaid.api.types import Id, choice, text
from pairaid.ledger import services
from pairaid.ledger.models import Organisation, Pairing, Region

router = Router()


# --- pairings -------------------------------------------------------------------------------


class PairingFilters(Schema):
    q: text(100) = Field(None, description="名称、帮扶方或受援方包含此文字")
    scheme: choice(Pairing.Scheme) = None
    parent: Id = Field(None, description="上级结对关系")

    def apply(self, pairings: QuerySet) -> QuerySet:
        if self.q:
            pairings = pairings.filter(
                Q(name__icontains=self.q)
                | Q(helper_region__name__icontains=self.q)
                | Q(recipient_region__name__icontains=self.q)
                | Q(helper_organisation__name__icontains=self.q)
                | Q(recipient_organisation__name__icontains=self.q)
            )
        if self.scheme:
            pairings = pairings.filter(scheme=self.scheme)
        if self.parent:
            pairings = pairings.filter(parent_id=self.parent)
        return pairings


def pairings(request: HttpRequest) -> QuerySet:
    queryset = Pairing.objects.select_related(
        "helper_region", "helper_organisation", "recipient_region", "recipient_organisation"
    )
    return in_scope(queryset, user_of(request), field="pk")


@router.get(
    "/pairings/",
    response={200: page_of(PairingOut), **LIST_ERRORS},
    tags=["结对关系"],
    summary="列出结对关系",
)
def list_pairings(
    request: HttpRequest, filters: Query[PairingFilters], page: Query[PageParams]
) -> dict:
    return paginate(filters.apply(pairings(request)), page)


@router.get(
    "/pairings/{id}/",
    response={200: PairingOut, **READ_ERRORS},
    tags=["结对关系"],
    summary="读取结对关系",
)
def get_pairing(request: HttpRequest, id: int = RecordId) -> Pairing:
    return fetch(pairings(request), id)


# --- regions --------------------------------------------------------------------------------


class RegionFilters(Schema):
    q: text(100) = Field(None, description="名称或代码包含此文字")
    level: choice(Region.Level) = None
    parent: Id = Field(None, description="上级区划")

    def apply(self, regions: QuerySet) -> QuerySet:
        if self.q:
            regions = regions.filter(Q(name__icontains=self.q) | Q(code__startswith=self.q))
        if self.level:
            regions = regions.filter(level=self.level)
        if self.parent:
            regions = regions.filter(parent_id=self.parent)
        return regions


@router.get(
    "/regions/",
    response={200: page_of(RegionOut), **LIST_ERRORS},
    tags=["行政区划"],
    summary="列出行政区划",
)
def list_regions(
    request: HttpRequest, filters: Query[RegionFilters], page: Query[PageParams]
) -> dict:
    return paginate(filters.apply(shared_records(Region, user_of(request))), page)


@router.get(
    "/regions/{id}/",
    response={200: RegionOut, **READ_ERRORS},
    tags=["行政区划"],
    summary="读取行政区划",
)
def get_region(request: HttpRequest, id: int = RecordId) -> Region:
    return fetch(shared_records(Region, user_of(request)), id)


@router.post(
    "/regions/",
    response={201: RegionOut, **WRITE_ERRORS},
    tags=["行政区划"],
    summary="新增行政区划（系统管理员）",
)
def create_region(
    request: HttpRequest,
    response: HttpResponse,
    payload: RegionIn,
    idempotency_key: str = IdempotencyKeyHeader,
) -> Status:
    def make() -> RegionOut:
        user = user_of(request)
        fields = resolve(user, payload.model_dump())
        region = services.create_record(Region, acting_user=user, via=VIA, **fields)
        return RegionOut.from_orm(region)

    return once(request, response, idempotency_key, payload, make)


# --- organisations --------------------------------------------------------------------------


class OrganisationFilters(Schema):
    q: text(100) = Field(None, description="名称包含此文字")
    kind: choice(Organisation.Kind) = None
    region: Id = Field(None, description="所在区划")

    def apply(self, organisations: QuerySet) -> QuerySet:
        if self.q:
            organisations = organisations.filter(name__icontains=self.q)
        if self.kind:
            organisations = organisations.filter(kind=self.kind)
        if self.region:
            organisations = organisations.filter(region_id=self.region)
        return organisations


@router.get(
    "/organisations/",
    response={200: page_of(OrganisationOut), **LIST_ERRORS},
    tags=["单位"],
    summary="列出单位",
)
def list_organisations(
    request: HttpRequest, filters: Query[OrganisationFilters], page: Query[PageParams]
) -> dict:
    return paginate(filters.apply(shared_records(Organisation, user_of(request))), page)


@router.get(
    "/organisations/{id}/",
    response={200: OrganisationOut, **READ_ERRORS},
    tags=["单位"],
    summary="读取单位",
)
def get_organisation(request: HttpRequest, id: int = RecordId) -> Organisation:
    return fetch(shared_records(Organisation, user_of(request)), id)


@router.post(
    "/organisations/",
    response={201: OrganisationOut, **WRITE_ERRORS},
    tags=["单位"],
    summary="新增单位",
)
def create_organisation(
    request: HttpRequest,
    response: HttpResponse,
    payload: OrganisationIn,
    idempotency_key: str = IdempotencyKeyHeader,
) -> Status:
    def make() -> OrganisationOut:
        user = user_of(request)
        fields = resolve(user, payload.model_dump())
        organisation = services.create_record(Organisation, acting_user=user, via=VIA, **fields)
        return OrganisationOut.from_orm(organisation)

    return once(request, response, idempotency_key, payload, make)

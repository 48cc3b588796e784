"""Pairings (read), regions and organisations (read, create)."""

from __future__ import annotations

from typing import Annotated

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema

from pairaid.api.common import in_scope, shared_records, user_of
from pairaid.api.endpoints.crud import Resource, make_shared
from pairaid.api.schemas import (
    OrganisationIn,
    OrganisationOut,
    PairingOut,
    RegionIn,
    RegionOut,
)
from pairaid.api.types import Choice, Id, Text, Unsent
from pairaid.ledger.models import Organisation, Pairing, Region

router = Router()


# --- pairings -------------------------------------------------------------------------------


class PairingFilters(Schema):
    q: Annotated[str, Text(100), Field(None, description="名称、帮扶方或受援方包含此文字")]
    scheme: Annotated[str, Choice(Pairing.Scheme), Unsent]
    parent: Annotated[Id, Field(None, description="上级结对关系")]

    def apply(self, pairings: QuerySet[Pairing]) -> QuerySet[Pairing]:
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


def pairings(request: HttpRequest) -> QuerySet[Pairing]:
    queryset = Pairing.objects.select_related(
        "helper_region", "helper_organisation", "recipient_region", "recipient_organisation"
    )
    return in_scope(queryset, user_of(request))


PAIRINGS = Resource.of(Pairing, router, pairings, PairingOut)
PAIRINGS.add_list(PairingFilters, "列出结对关系")
PAIRINGS.add_read("读取结对关系")


# --- regions --------------------------------------------------------------------------------


class RegionFilters(Schema):
    q: Annotated[str, Text(100), Field(None, description="名称或代码包含此文字")]
    level: Annotated[str, Choice(Region.Level), Unsent]
    parent: Annotated[Id, Field(None, description="上级区划")]

    def apply(self, regions: QuerySet[Region]) -> QuerySet[Region]:
        if self.q:
            regions = regions.filter(Q(name__icontains=self.q) | Q(code__startswith=self.q))
        if self.level:
            regions = regions.filter(level=self.level)
        if self.parent:
            regions = regions.filter(parent_id=self.parent)
        return regions


def regions(request: HttpRequest) -> QuerySet[Region]:
    return shared_records(Region, user_of(request))


REGIONS = Resource.of(Region, router, regions, RegionOut)
REGIONS.add_list(RegionFilters, "列出行政区划")
REGIONS.add_read("读取行政区划")
REGIONS.add_create(RegionIn, "新增行政区划（系统管理员）", make_shared(Region, RegionOut))


# --- organisations --------------------------------------------------------------------------


class OrganisationFilters(Schema):
    q: Annotated[str, Text(100), Field(None, description="名称包含此文字")]
    kind: Annotated[str, Choice(Organisation.Kind), Unsent]
    region: Annotated[Id, Field(None, description="所在区划")]

    def apply(self, organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
        if self.q:
            organisations = organisations.filter(name__icontains=self.q)
        if self.kind:
            organisations = organisations.filter(kind=self.kind)
        if self.region:
            organisations = organisations.filter(region_id=self.region)
        return organisations


def organisations(request: HttpRequest) -> QuerySet[Organisation]:
    return shared_records(Organisation, user_of(request))


ORGANISATIONS = Resource.of(Organisation, router, organisations, OrganisationOut)
ORGANISATIONS.add_list(OrganisationFilters, "列出单位")
ORGANISATIONS.add_read("读取单位")
ORGANISATIONS.add_create(OrganisationIn, "新增单位", make_shared(Organisation, OrganisationOut))

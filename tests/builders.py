"""Small records for tests, made through the services like any other change."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from pairaid.ledger import services
from pairaid.ledger.models import (
    FundFlow,
    Organisation,
    Pairing,
    Person,
    Posting,
    Project,
    Region,
)

_serial = itertools.count(1)


class Builder:
    """Makes a fresh helper → recipient pairing with its own regions, far from the demo's."""

    def __init__(self, user: Any = None, via: str = "test") -> None:
        self.user = user
        self.via = via

    def _create(self, model: type, **fields: Any) -> Any:
        return services.create_record(model, acting_user=self.user, via=self.via, **fields)

    def region(self, name: str, level: str = Region.Level.COUNTY, **fields: Any) -> Region:
        code = fields.pop("code", f"99{next(_serial):04d}")
        return self._create(Region, code=code, name=name, level=level, **fields)

    def organisation(
        self, name: str, region: Region, kind: str = "party_government"
    ) -> Organisation:
        return self._create(Organisation, name=name, region=region, kind=kind)

    def pairing(self, helper: str = "甲区", recipient: str = "乙县", **fields: Any) -> Pairing:
        fields.setdefault("valid_from", dt.date(2020, 1, 1))
        fields.setdefault("scheme", Pairing.Scheme.IN_PROVINCE)
        return self._create(
            Pairing,
            helper_region=self.region(helper),
            recipient_region=self.region(recipient),
            **fields,
        )

    def project(
        self,
        pairing: Pairing,
        status: str = Project.Status.IN_PROGRESS,
        start: dt.date | None = dt.date(2021, 3, 1),
        **fields: Any,
    ) -> Project:
        fields.setdefault("code", f"P-{next(_serial):05d}")
        fields.setdefault("name", "测试项目")
        fields.setdefault("sector", Project.Sector.INDUSTRY)
        fields.setdefault("mode", Project.Mode.CAPACITY_BUILDING)
        return self._create(Project, pairing=pairing, status=status, start_date=start, **fields)

    def flow(
        self,
        pairing: Pairing,
        amount: str,
        kind: str = FundFlow.Kind.TRANSFER,
        year: int = 2021,
        day: dt.date | None = None,
        **fields: Any,
    ) -> FundFlow:
        fields.setdefault("source", FundFlow.Source.FISCAL)
        return services.record_fund_flow(
            acting_user=self.user,
            via=self.via,
            pairing=pairing,
            kind=kind,
            fund_year=year,
            date=day or dt.date(year, 6, 1),
            amount=Decimal(amount),
            **fields,
        )

    def person(
        self, name: str = "张三", category: str = Person.Category.CADRE, **fields: Any
    ) -> Person:
        fields.setdefault("number", f"T{next(_serial):05d}")
        fields.setdefault("gender", Person.Gender.MALE)
        return self._create(Person, name=name, category=category, **fields)

    def posting(self, person: Person, pairing: Pairing, start: dt.date, **fields: Any) -> Posting:
        return self._create(Posting, person=person, pairing=pairing, start_date=start, **fields)

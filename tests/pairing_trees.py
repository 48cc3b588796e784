"""A province → city → county pairing tree with a few records in every pairing, made through
the services (tests/builders.py), that can grow: for measuring how the cost of a page or a
command grows with the number of pairings and records."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from builders import Builder

from pairaid.accounts.models import Role, RoleAssignment
from pairaid.ledger.models import FundFlow, Pairing, Project, Region, Target, Task

L = Region.Level
START = dt.date(2020, 1, 1)
_names = itertools.count(1)


@dataclass
class Tree:
    build: Builder
    province: Pairing
    helper: Region
    recipient: Region
    cities: list[Pairing] = field(default_factory=list)
    counties: list[Pairing] = field(default_factory=list)
    shared_person: object = None

    @property
    def pairings(self) -> list[Pairing]:
        return [self.province, *self.cities, *self.counties]

    def pairing(self, helper: Region, recipient: Region, parent: Pairing | None) -> Pairing:
        return self.build._create(
            Pairing,
            helper_region=helper,
            recipient_region=recipient,
            parent=parent,
            valid_from=START,
            scheme=Pairing.Scheme.IN_PROVINCE,
        )

    def grow(self, cities: int, counties: int) -> None:
        """Add `cities` city pairings, each with `counties` county pairings and their records."""
        build = self.build
        for _city in range(cities):
            n = next(_names)
            helper = build.region(f"助{n}市", L.PREFECTURE, parent=self.helper)
            recipient = build.region(f"受{n}州", L.PREFECTURE, parent=self.recipient)
            city = self.pairing(helper, recipient, self.province)
            self.cities.append(city)
            fill(build, city, self)
            for _county in range(counties):
                m = next(_names)
                county = self.pairing(
                    build.region(f"助{m}区", L.COUNTY, parent=helper),
                    build.region(f"受{m}县", L.COUNTY, parent=recipient),
                    city,
                )
                self.counties.append(county)
                fill(build, county, self)


def fill(build: Builder, pairing: Pairing, tree: Tree) -> None:
    """A few records of every family the dashboards count, some of them overdue."""
    project = build.project(pairing, start=dt.date(2021, 3, 1))
    build.project(pairing, status=Project.Status.PLANNED, start=None)
    build.flow(pairing, "1000.00", FundFlow.Kind.PLAN)
    build.flow(pairing, "800.50", FundFlow.Kind.TRANSFER)
    build.flow(pairing, "300.25", FundFlow.Kind.ALLOCATE, project=project)
    build.flow(pairing, "120.00", FundFlow.Kind.SPEND, project=project)
    person = build.person()
    build.posting(person, pairing, dt.date(2021, 4, 1), planned_end=dt.date(2022, 4, 1))
    # One person posted in every pairing of the tree: counted once in a total.
    if tree.shared_person is None:
        tree.shared_person = build.person("李四")
    build.posting(tree.shared_person, pairing, dt.date(2021, 5, 1))
    build._create(Task, pairing=pairing, title="逾期事项", due_date=dt.date(2021, 6, 1))
    for indicator, value in (
        (Target.Indicator.FUNDS_TRANSFERRED, "1000.00"),
        (Target.Indicator.PERSONS_DISPATCHED, "2"),
        (Target.Indicator.TEACHERS, "1"),
    ):
        build._create(Target, pairing=pairing, year=2021, indicator=indicator, value=Decimal(value))


def tree(build: Builder, cities: int, counties: int) -> Tree:
    """A province pairing with `cities` × `counties` below it."""
    n = next(_names)
    helper = build.region(f"助{n}省", L.PROVINCE)
    recipient = build.region(f"受{n}省", L.PROVINCE)
    found = Tree(build, None, helper, recipient)  # type: ignore[arg-type]
    found.province = found.pairing(helper, recipient, None)
    fill(build, found.province, found)
    found.grow(cities, counties)
    return found


def coordinator(user_model: type, name: str, region: Region, role: str = Role.COORDINATOR):
    user = user_model.objects.create_user(name, password=f"pass-{name}")
    RoleAssignment.objects.create(user=user, role=role, region=region)
    return user


__all__ = ["Tree", "coordinator", "tree"]

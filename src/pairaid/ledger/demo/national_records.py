"""The records of one county pairing of the national set (see national.py): projects, the
fund ledger (plan → transfer → allocate → spend, with a few reversals and corrections),
persons and their postings, events, agreements, tasks and targets, enterprise investment,
consumption assistance and parks.

Amounts are drawn in whole fen and stored as Decimal yuan. Every entry obeys the fund
ledger's rules: nothing dated after today, a reversal never before its original, and every
date within a year of its fund year (so no cross-year reason is needed).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any, cast

from django.utils import timezone

from pairaid.ledger import rollups
from pairaid.ledger.demo.names import NameBook
from pairaid.ledger.demo.national_bulk import Bulk, Leaf, Row, row
from pairaid.ledger.models import (
    Agreement,
    Confirmation,
    ConsumptionRecord,
    Event,
    FundFlow,
    GuidedInvestment,
    IndustrialPark,
    Person,
    Posting,
    Project,
    Target,
    Task,
    WorkStatus,
)

FIRST_YEAR = 2016
LAST_YEAR = 2026
P = Project.Status
S = FundFlow.Source
PROJECTS = (200, 268)  # per county pairing, drawn uniformly
PERSONS = (90, 118)
POSTINGS_PER_PERSON = ((1, 0.2), (2, 0.3), (3, 0.3), (4, 0.2))  # 2.5 on average
SPENDS = (5, 10)  # spend entries per started project
REVERSED = 0.01  # share of transfers and spends reversed (half of them re-entered)

SECTOR_NAMES = {
    Project.Sector.INDUSTRY: ("{t}特色产业园建设", "{t}食用菌基地", "{t}中药材种植基地"),
    Project.Sector.EDUCATION: ("{t}中心校教学楼改造", "{t}幼儿园建设", "{t}学校食堂提升"),
    Project.Sector.HEALTH: ("{t}卫生院能力提升", "{t}村卫生室标准化建设"),
    Project.Sector.INFRASTRUCTURE: ("{t}产业道路硬化", "{t}安全饮水巩固提升", "{t}便民桥建设"),
    Project.Sector.EMPLOYMENT: ("{t}就业帮扶车间", "{t}劳务输出服务站"),
    Project.Sector.TRAINING: ("{t}致富带头人培训", "{t}乡村医生培训"),
    Project.Sector.CONSUMPTION: ("{t}农特产品展销", "{t}消费帮扶专柜"),
    Project.Sector.RURAL_REVITALISATION: ("{t}乡村振兴示范村建设", "{t}人居环境整治"),
    Project.Sector.PARTY_BUILDING: ("{t}党群服务中心建设",),
    Project.Sector.OTHER: ("{t}综合帮扶项目",),
}
SECTOR_WEIGHTS = (30, 14, 9, 18, 6, 6, 5, 8, 2, 2)
MODES = list(Project.Mode)
SOURCES = ((S.FISCAL, 0.85), (S.SOCIAL_CASH, 0.10), (S.IN_KIND, 0.05))


def yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2).quantize(Decimal("0.01"))


def aware(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())


class Days:
    """Dates within bounds, never after today."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng, self.today = rng, today

    def between(self, start: dt.date, end: dt.date) -> dt.date:
        end = min(end, self.today)
        if end <= start:
            return min(start, self.today)
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def in_year(self, year: int, first_month: int = 1, last_month: int = 12) -> dt.date:
        last = dt.date(year, last_month, 28)
        return self.between(dt.date(year, first_month, 1), last)


def load_leaf(bulk: Bulk, leaf: Leaf, rng: random.Random) -> None:
    days = Days(rng, bulk.today)
    pairing = leaf.pairing
    projects = make_projects(leaf, rng, days)
    projects = bulk.write(Project, projects, pairing)
    flows, yearly = project_flows(leaf, projects, rng, days)
    flows += pairing_flows(leaf, yearly, rng, days)
    # about one transfer or spend in a hundred is reversed: those need their ids
    reversed_ = [
        f
        for f in flows
        if f.kind in (FundFlow.Kind.TRANSFER, FundFlow.Kind.SPEND) and rng.random() < REVERSED
    ]
    chosen = {id(f) for f in reversed_}
    bulk.write(FundFlow, [f for f in flows if id(f) not in chosen], pairing, ids=False)
    reversed_ = bulk.write(FundFlow, reversed_, pairing)
    corrections = reversals(reversed_, rng, days)
    bulk.write(FundFlow, corrections, pairing, ids=False)
    persons = bulk.write(Person, make_persons(leaf, rng), pairing)
    postings = make_postings(leaf, persons, rng, days)
    bulk.write(Posting, postings, pairing, ids=False)
    bulk.write(Event, make_events(leaf, rng, days), pairing, ids=False)
    bulk.write(Agreement, make_agreements(leaf, rng, days), pairing, ids=False)
    bulk.write(Task, make_tasks(leaf, rng, days), pairing, ids=False)
    targets = make_targets(leaf, yearly, projects, postings)
    bulk.write(Target, targets, pairing, ids=False)
    bulk.write(GuidedInvestment, make_investments(leaf, rng, days), pairing, ids=False)
    bulk.write(ConsumptionRecord, make_consumption(leaf, rng, days), pairing, ids=False)
    bulk.write(IndustrialPark, make_parks(leaf, rng, days), pairing, ids=False)
    bulk.log()  # the audit entries first: they lock the pairing's audit chain
    # the money totals, in the same transaction; add_flows reads only the columns a row has
    written = cast("list[FundFlow]", [*flows, *corrections])
    rollups.add_flows(written, subtrees=not bulk.subtrees_rebuilt)


INDUSTRIES = ("农业", "食品", "文旅", "新能源")


def make_investments(leaf: Leaf, rng: random.Random, days: Days) -> list[GuidedInvestment]:
    """Enterprise investment the pairing brought in: kept apart from assistance funds."""
    made = [
        GuidedInvestment(
            pairing=leaf.pairing,
            enterprise=leaf.county.name + rng.choice(INDUSTRIES) + "有限公司",
            year=year,
            date=days.in_year(year),
            amount=yuan(int(rng.lognormvariate(15.5, 0.7)) * 100),
            is_demo=True,
        )
        for year in range(FIRST_YEAR, days.today.year + 1)
        if rng.random() < 0.4
    ]
    for investment in made:  # a quarter more was agreed than has arrived
        investment.agreed_amount = (investment.amount * Decimal("1.25")).quantize(Decimal("0.01"))
    return made


C = ConsumptionRecord
# (direction, buyer kind, channel, buyer): a county's usual buyers and channels
TRADES = (
    (C.Direction.PURCHASED, C.BuyerKind.PUBLIC_BODY, C.Channel.PLATFORM_832, "机关食堂"),
    (C.Direction.PURCHASED, C.BuyerKind.UNION, C.Channel.UNION, "总工会"),
    (C.Direction.PURCHASED, C.BuyerKind.ENTERPRISE, C.Channel.OTHER, "农产品流通企业"),
    (C.Direction.SOLD_HELPED, C.BuyerKind.INDIVIDUAL, C.Channel.FAIR, "消费帮扶展销会"),
    (C.Direction.SOLD_HELPED, C.BuyerKind.INDIVIDUAL, C.Channel.LIVESTREAM, "帮扶直播间"),
)
PRODUCTS = ("土豆", "花椒", "核桃", "蜂蜜", "茶叶", "腊肉", "中药材")


def make_consumption(leaf: Leaf, rng: random.Random, days: Days) -> list[ConsumptionRecord]:
    """Purchases and helped sales: a few a year, hundreds of thousands of yuan each."""
    return [
        ConsumptionRecord(
            pairing=leaf.pairing,
            direction=direction,
            buyer=buyer,
            buyer_kind=kind,
            product=leaf.county.name[:2] + rng.choice(PRODUCTS),
            origin=rng.choice([leaf.county, *leaf.townships]),
            amount=yuan(rng.randint(2_000_000, 80_000_000)),
            date=days.in_year(year),
            channel=channel,
            is_demo=True,
        )
        for year in range(2018, days.today.year + 1)
        for direction, kind, channel, buyer in TRADES
        if rng.random() < 0.6
    ]


def make_parks(leaf: Leaf, rng: random.Random, days: Days) -> list[IndustrialPark]:
    """One park built together in about a third of the counties."""
    if rng.random() >= 0.35:
        return []
    return [
        IndustrialPark(
            pairing=leaf.pairing,
            code=f"YQ-{leaf.pairing.pk}",
            name=leaf.county.name + "东西部协作产业园",
            location=rng.choice([leaf.county, *leaf.townships]),
            established=days.in_year(rng.randint(2017, 2022)),
            area_mu=Decimal(rng.randint(300, 3000)),
            enterprises_settled=rng.randint(1, 12),
            is_demo=True,
        )
    ]


def make_projects(leaf: Leaf, rng: random.Random, days: Days) -> list[Row]:
    sectors = list(SECTOR_NAMES)
    made = []
    for i in range(rng.randint(*PROJECTS)):
        sector = rng.choices(sectors, SECTOR_WEIGHTS)[0]
        place = rng.choice([leaf.county, *leaf.townships])
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        start = days.in_year(year)
        age = (days.today - start).days
        roll = rng.random()
        if roll < 0.03:
            status, start_date = P.CANCELLED, None
        elif age < 60 or roll < 0.06:
            status, start_date = rng.choice((P.PLANNED, P.APPROVED)), None
        elif age < 500:
            status, start_date = P.IN_PROGRESS, start
        else:
            status, start_date = rng.choice((P.COMPLETED, P.HANDED_OVER, P.OPERATING)), start
        end = None
        if status in (P.COMPLETED, P.HANDED_OVER, P.OPERATING):
            end = days.between(start + dt.timedelta(days=120), start + dt.timedelta(days=480))
        progress = 100 if end else (rng.randint(10, 90) if status == P.IN_PROGRESS else 0)
        fen = int(rng.lognormvariate(13.8, 0.8)) * 100  # about 100万元 in the middle
        made.append(
            row(
                Project,
                pairing_id=leaf.pairing.pk,
                code=f"{leaf.county.code}-{year}-{i + 1:03d}",
                name=rng.choice(SECTOR_NAMES[sector]).format(t=place.name),
                sector=sector,
                mode=rng.choice(MODES),
                location_id=place.pk,
                implementing_organisation_id=rng.choice(leaf.recipient_bodies).pk,
                planned_budget=yuan(fen),
                start_date=start_date,
                end_date=end,
                status=status,
                progress=progress,
                beneficiary_households=rng.randint(20, 800),
                beneficiary_persons=rng.randint(60, 3000),
                is_demo=True,
            )
        )
    return made


def flow(leaf: Leaf, kind: str, year: int, day: dt.date, fen: int, **more: Any) -> Row:
    """A fund flow's row (`Row`, not a model instance: 4M of them at full scale)."""
    if "project" in more:
        more["project_id"] = more.pop("project").pk
    return row(
        FundFlow,
        pairing_id=leaf.pairing.pk,
        kind=kind,
        fund_year=year,
        date=day,
        amount=yuan(fen),
        source=more.pop("source", S.FISCAL),
        is_demo=True,
        **more,
    )


def split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` fen in `parts` positive parts that add up exactly."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    cuts = [int(total * w / sum(weights)) for w in weights[:-1]]
    return [*cuts, total - sum(cuts)]


def project_flows(
    leaf: Leaf, projects: list[Row], rng: random.Random, days: Days
) -> tuple[list[Row], dict[int, int]]:
    """Allocations to each project and its spending; returns the flows and the fen allocated
    per fund year (what the pairing has to transfer)."""
    flows: list[Row] = []
    yearly: dict[int, int] = defaultdict(int)
    for project in projects:
        if project.start_date is None and project.status != P.APPROVED:
            continue
        year = int(project.code.split("-")[1])
        budget = int(project.planned_budget * 100)
        if project.start_date is None:  # approved: money assigned, nothing spent yet
            allocations = split(rng, budget, 1)
        else:
            allocations = split(rng, budget, rng.randint(1, 3))
        yearly[year] += budget
        for fen in allocations:
            day = days.in_year(year, 1, 6)
            flows.append(flow(leaf, FundFlow.Kind.ALLOCATE, year, day, fen, project=project))
        if project.start_date is None:
            continue
        share = 0.97 if project.end_date else project.progress / 100
        spent = max(len(allocations), int(budget * share * rng.uniform(0.9, 1.0)))
        last = dt.date(year + 1, 12, 28)
        for fen in split(rng, spent, rng.randint(*SPENDS)):
            day = days.between(project.start_date, last)
            flows.append(flow(leaf, FundFlow.Kind.SPEND, year, day, fen, project=project))
    return flows, yearly


def pairing_flows(leaf: Leaf, yearly: dict[int, int], rng: random.Random, days: Days) -> list[Row]:
    """Each year's plan (by source) and its transfers in two to four tranches a source."""
    flows = []
    for year in range(FIRST_YEAR, min(LAST_YEAR, days.today.year) + 1):
        needed = int(yearly.get(year, 0) * rng.uniform(1.02, 1.10))
        if needed <= 0:
            continue
        for source, share in SOURCES:
            fen = max(100, int(needed * share * rng.uniform(0.9, 1.1)))
            planned = int(fen * rng.uniform(1.0, 1.15))
            flows.append(
                flow(
                    leaf, FundFlow.Kind.PLAN, year, days.in_year(year, 1, 3), planned, source=source
                )
            )
            tranches = 1 if source != S.FISCAL else rng.randint(2, 4)
            for n, part in enumerate(split(rng, fen, tranches), 1):
                day = days.in_year(year, 2, 12)
                flows.append(
                    flow(
                        leaf,
                        FundFlow.Kind.TRANSFER,
                        year,
                        day,
                        part,
                        source=source,
                        voucher=f"{leaf.helper_code}-{year}-{source[:2]}{n}",
                        confirmation=Confirmation.CONFIRMED,
                        confirmed_at=aware(min(day + dt.timedelta(days=7), days.today)),
                    )
                )
    return flows


def reversals(flows: list[Row], rng: random.Random, days: Days) -> list[Row]:
    """A reversal of each of these flows, dated on or after it; half of them are entered
    again, corrected."""
    made = []
    for original in flows:
        last = min(dt.date(original.fund_year + 1, 12, 28), original.date + dt.timedelta(30))
        day = max(original.date, days.between(original.date, last))
        common = {
            "pairing_id": original.pairing_id,
            "kind": original.kind,
            "fund_year": original.fund_year,
            "source": original.source,
            "project_id": original.project_id,
            "is_demo": True,
        }
        made.append(
            row(
                FundFlow,
                **common,
                date=day,
                amount=-original.amount,
                reverses_id=original.id,
                note="冲销错录金额",
            )
        )
        if rng.random() < 0.5:
            fixed = (original.amount * rng.randint(80, 99) / 100).quantize(Decimal("0.01"))
            made.append(row(FundFlow, **common, date=day, amount=fixed, note="更正后重新登记"))
    return made


PROFESSIONS = ("teacher", "teacher", "doctor", "agronomist", "other")


def make_persons(leaf: Leaf, rng: random.Random) -> list[Row]:
    names = NameBook(rng)
    made = []
    for i in range(rng.randint(*PERSONS)):
        male = rng.random() < 0.62
        cadre = rng.random() < 0.35
        profession = (
            "" if cadre else rng.choice(("teacher", "teacher", "doctor", "agronomist", "other"))
        )
        made.append(
            row(
                Person,
                number=f"N{leaf.county.code}{i + 1:04d}",
                name=names.name(male, "汉族"),
                gender=Person.Gender.MALE if male else Person.Gender.FEMALE,
                ethnicity="汉族",
                home_organisation_id=rng.choice(leaf.helper_bodies).pk,
                category=Person.Category.CADRE if cadre else Person.Category.PROFESSIONAL,
                profession=profession,
                is_demo=True,
            )
        )
    return made


POSTS = {
    "": ("挂职副县长", "挂职县委常委", "挂职局长助理", "挂职乡镇党委副书记"),
    "teacher": ("支教教师",),
    "doctor": ("帮扶医生",),
    "agronomist": ("农技指导员",),
    "other": ("专业技术帮扶",),
}


def make_postings(leaf: Leaf, persons: list[Row], rng: random.Random, days: Days) -> list[Row]:
    made = []
    counts = [count for count, _weight in POSTINGS_PER_PERSON]
    weights = [weight for _count, weight in POSTINGS_PER_PERSON]
    for person in persons:
        start = days.in_year(rng.randint(FIRST_YEAR, 2024))
        for _n in range(rng.choices(counts, weights)[0]):
            if start >= days.today:
                break
            length = 365 * (1 if person.profession else rng.choice((1, 2, 3)))
            planned_end = start + dt.timedelta(days=length)
            done = planned_end < days.today
            made.append(
                row(
                    Posting,
                    person_id=person.pk,
                    pairing_id=leaf.pairing.pk,
                    host_organisation_id=rng.choice(leaf.recipient_bodies).pk,
                    post=rng.choice(POSTS[person.profession]),
                    batch=start.year - FIRST_YEAR + 1,
                    start_date=start,
                    planned_end=planned_end,
                    actual_end=planned_end if done else None,
                    status=Posting.Status.COMPLETED if done else Posting.Status.IN_POST,
                    confirmation=Confirmation.CONFIRMED,
                    confirmed_at=aware(min(start + dt.timedelta(days=3), days.today)),
                    is_demo=True,
                )
            )
            start = planned_end + dt.timedelta(days=rng.randint(1, 90))
    return made


def make_events(leaf: Leaf, rng: random.Random, days: Days) -> list[Event]:
    made = []
    for year in range(FIRST_YEAR, days.today.year + 1):
        for kind, title in ((Event.Kind.VISIT, "调研对接"), (Event.Kind.JOINT_MEETING, "联席会议")):
            start = days.in_year(year)
            made.append(
                Event(
                    pairing=leaf.pairing,
                    kind=kind,
                    title=f"{year}年{leaf.county.name}{title}",
                    start_date=start,
                    end_date=start + dt.timedelta(days=rng.randint(0, 2)),
                    places=leaf.county.name,
                    is_demo=True,
                )
            )
    return made


def make_agreements(leaf: Leaf, rng: random.Random, days: Days) -> list[Agreement]:
    made = []
    for year in range(FIRST_YEAR, days.today.year + 1):
        signed = days.in_year(year, 1, 4)
        made.append(
            Agreement(
                pairing=leaf.pairing,
                title=f"{year}年度对口帮扶协议",
                kind=Agreement.Kind.ANNUAL,
                signed_date=signed,
                signed_place=leaf.county.name,
                term_start=dt.date(year, 1, 1),
                term_end=dt.date(year, 12, 31),
                status=Agreement.Status.COMPLETED
                if year < days.today.year
                else Agreement.Status.IN_FORCE,
                is_demo=True,
            )
        )
    return made


def make_tasks(leaf: Leaf, rng: random.Random, days: Days) -> list[Task]:
    made = []
    for year in range(FIRST_YEAR, days.today.year + 1):
        for title in ("资金拨付到位", "项目按期开工", "干部人才选派到岗"):
            due = dt.date(year, 12, 31)
            made.append(
                Task(
                    pairing=leaf.pairing,
                    title=f"{year}年{title}",
                    owner=rng.choice(leaf.recipient_bodies),
                    due_date=due,
                    status=WorkStatus.DONE if due < days.today else WorkStatus.IN_PROGRESS,
                    plan_year=year,
                    is_demo=True,
                )
            )
    return made


def make_targets(
    leaf: Leaf, yearly: dict[int, int], projects: list[Row], postings: list[Row]
) -> list[Target]:
    """Each year's targets, set a little below what was then done (assessments are met)."""
    started: defaultdict[int, int] = defaultdict(int)
    for project in projects:
        if project.start_date:
            started[project.start_date.year] += 1
    posted: defaultdict[int, int] = defaultdict(int)
    for posting in postings:
        posted[posting.start_date.year] += 1
    made = []
    for year in sorted(yearly):
        for indicator, value in (
            (Target.Indicator.FUNDS_TRANSFERRED, yuan(int(yearly[year] * 0.95))),
            (Target.Indicator.PROJECTS_STARTED, Decimal(int(started[year] * 0.9))),
            (Target.Indicator.PERSONS_DISPATCHED, Decimal(int(posted[year] * 0.9))),
        ):
            made.append(
                Target(
                    pairing=leaf.pairing,
                    year=year,
                    indicator=indicator,
                    value=value.quantize(Decimal("0.01")),
                    is_demo=True,
                )
            )
    return made

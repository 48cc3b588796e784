"""Projects: the six the article names, and invented ones up to its counts (154 and 123
started since 2016), plus a few planned, approved and cancelled ones that must not count.

A project's money is decided here too (how much of its year's transfers it was given),
so that its planned budget, allocations and spending agree with each other.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field, replace
from typing import Any

from pairaid.ledger.demo.base import Loader, jittered, split_exact
from pairaid.ledger.demo.calendar import LAST_DAY, day_in
from pairaid.ledger.demo.funds import YUAN, YearMoney, yuan
from pairaid.ledger.demo.sides import Side
from pairaid.ledger.models import FundFlow, Pairing, Project, Region

P = Project.Sector
ST = Project.Status
DIRECT, BUILD = Project.Mode.DIRECT_AID, Project.Mode.CAPACITY_BUILDING
YEAR_WEIGHTS = (0.12, 0.13, 0.14, 0.15, 0.15, 0.15, 0.16)


@dataclass
class Spec:
    """A project before it is recorded."""

    name: str
    sector: str
    mode: str
    location: str  # region code
    organisation: str
    start: dt.date | None
    status: str = ST.IN_PROGRESS
    end: dt.date | None = None
    progress: int = 0
    weight: float = 1.0  # its share of the year's money, against 1.0 for an ordinary one
    code: str = ""
    allocations: list[tuple[str, int]] = field(default_factory=list)  # (source, fen)
    note: str = ""


# --- the article's six ------------------------------------------------------------------

NAMED = {
    "jiangyang": [
        Spec("盐源中学建设项目", P.EDUCATION, DIRECT, "513423", "盐源中学",
             dt.date(2020, 4, 8), ST.COMPLETED, dt.date(2022, 8, 20), 100, weight=5),
        Spec("盐源县委党校迁建项目", P.PARTY_BUILDING, DIRECT, "513423", "盐源县委党校",
             dt.date(2021, 5, 10), ST.IN_PROGRESS, None, 85, weight=5),
        Spec("盐源县新型农民素质提升工程建设项目", P.TRAINING, BUILD, "513423",
             "盐源县农业农村局", dt.date(2021, 9, 6), ST.IN_PROGRESS, None, 80, weight=3),
        Spec("盐源县龙口河村乡村振兴示范点", P.RURAL_REVITALISATION, BUILD, "513423110202",
             "润盐镇人民政府", dt.date(2022, 3, 16), ST.IN_PROGRESS, None, 70, weight=4),
    ],
    "longmatan": [
        Spec("普格县螺髻山中学校建设项目", P.EDUCATION, DIRECT, "513428102000", "螺髻山中学校",
             dt.date(2020, 3, 20), ST.HANDED_OVER, dt.date(2021, 8, 25), 100, weight=4),
        Spec("普格县螺髻山乌鸡选育基地项目", P.INDUSTRY, BUILD, "513428102000",
             "普格县农业农村局", dt.date(2021, 3, 18), ST.OPERATING, dt.date(2022, 6, 30), 100,
             weight=4),
    ],
}  # fmt: skip

# --- invented projects ------------------------------------------------------------------

# sector: (how often, mode, body that carries it out, days it takes, name patterns);
# {town} is a township, {county} the county, {product} the county's produce.
SECTORS = {
    P.INDUSTRY: (28, BUILD, "{county}农业农村局", (150, 540), (
        "{town}{product}产业基地建设项目", "{town}{product}产业提质增效项目",
        "{county}{product}加工仓储设施建设项目")),
    P.EDUCATION: (14, DIRECT, "{county}教育和体育局", (150, 480), (
        "{town}中心校教学楼改扩建项目", "{town}幼儿园建设项目", "{county}学前学普推广项目",
        "{town}中心校学生宿舍建设项目", "{county}中小学智慧教室建设项目")),
    P.HEALTH: (10, DIRECT, "{county}卫生健康局", (90, 400), (
        "{town}卫生院医疗设备购置项目", "{county}人民医院远程会诊中心建设项目",
        "{town}村卫生室标准化建设项目")),
    P.INFRASTRUCTURE: (16, DIRECT, "{county}交通运输局", (150, 540), (
        "{town}产业路硬化项目", "{town}农村饮水安全巩固提升工程", "{town}农田水利设施建设项目",
        "{town}便民桥建设项目", "{town}人居环境整治项目")),
    P.EMPLOYMENT: (7, BUILD, "{county}人力资源和社会保障局", (60, 300), (
        "{county}劳务输出转移就业补助项目", "{town}就业帮扶车间建设项目",
        "{county}返乡创业扶持项目")),
    P.TRAINING: (9, BUILD, "{county}人力资源和社会保障局", (30, 150), (
        "{county}基层干部能力提升培训项目", "{county}致富带头人培训项目",
        "{county}农村实用技术培训项目", "{county}职业技能培训项目")),
    P.CONSUMPTION: (4, BUILD, "{county}农业农村局", (30, 200), (
        "{county}农特产品进泸展销项目", "{county}农特产品电商销售平台建设项目")),
    P.RURAL_REVITALISATION: (7, BUILD, "{county}农业农村局", (180, 540), (
        "{town}乡村振兴示范村建设项目", "{town}美丽乡村建设项目")),
    P.PARTY_BUILDING: (5, DIRECT, "中共{county}委组织部", (60, 300), (
        "{town}村级活动阵地建设项目", "{county}基层党组织书记培训项目")),
}  # fmt: skip

# Finished projects end in a state that depends on what they built.
FINISHED: dict[str, str] = {
    P.INDUSTRY: ST.OPERATING,
    P.TRAINING: ST.COMPLETED,
    P.EMPLOYMENT: ST.COMPLETED,
    P.CONSUMPTION: ST.COMPLETED,
}


def invented(
    side: Side, year: int, names: set[str], regions: dict[str, Region], rng: random.Random
) -> Spec:
    sectors = list(SECTORS)
    sector = rng.choices(sectors, weights=[SECTORS[s][0] for s in sectors])[0]
    _, mode, body, (shortest, longest), patterns = SECTORS[sector]
    for _attempt in range(20):
        pattern = rng.choice(patterns)
        town = rng.choice(side.towns)
        name = f"{year}年" + pattern.format(
            town=regions[town].name, county=side.recipient, product=rng.choice(side.products)
        )
        if name not in names:
            break
    else:
        name += "（二期）"
    names.add(name)
    start = day_in(rng, dt.date(year, 4, 1), dt.date(year, 11, 15))
    end = start + dt.timedelta(days=rng.randint(shortest, longest))
    spec = Spec(
        name=name,
        sector=sector,
        mode=mode,
        location=town if "{town}" in pattern else side.recipient_code,
        organisation=body.format(county=side.recipient),
        start=start,
    )
    return settle(spec, end)


def settle(spec: Spec, end: dt.date) -> Spec:
    """Finished by the visit if its work was due before; otherwise part-way."""
    if end <= LAST_DAY:
        spec.end, spec.progress = end, 100
        handed = (LAST_DAY - end).days > 180  # assets go over some months after completion
        spec.status = FINISHED.get(spec.sector, ST.HANDED_OVER if handed else ST.COMPLETED)
    else:
        start = begun(spec)
        done = (LAST_DAY - start).days / (end - start).days
        spec.status, spec.progress = ST.IN_PROGRESS, max(5, min(95, int(done * 100)))
    return spec


def begun(spec: Spec) -> dt.date:
    """The start of a project that has started (the named ones and the invented ones)."""
    if spec.start is None:
        raise ValueError(f"{spec.name} has not started")
    return spec.start


def started_specs(
    side: Side, money: list[YearMoney], regions: dict[str, Region], rng: random.Random
) -> list[Spec]:
    counts = split_exact(side.projects, jittered(rng, YEAR_WEIGHTS, 0.1))
    names: set[str] = set()
    specs = []
    for year, count in zip(money, counts, strict=True):
        named = [replace(s, allocations=[]) for s in NAMED[side.key] if begun(s).year == year.year]
        year_specs = named + [
            invented(side, year.year, names, regions, rng) for _ in range(count - len(named))
        ]
        year_specs.sort(key=lambda spec: (spec.start, spec.name))
        for number, spec in enumerate(year_specs, start=1):
            spec.code = f"{side.prefix}-{year.year}-{number:03d}"
        allocate(year_specs, year, rng)
        specs += year_specs
    return specs


def allocate(specs: list[Spec], year: YearMoney, rng: random.Random) -> None:
    """Most of the year's cash goes to its projects (goods in kind are not allocated); every
    project gets fiscal money, about one in four social money as well."""
    fiscal_pool = int(sum(year.fiscal) * rng.uniform(0.90, 0.96)) // YUAN * YUAN
    weights = [spec.weight * rng.lognormvariate(0, 0.6) for spec in specs]
    for spec, amount in zip(specs, split_exact(fiscal_pool, weights, YUAN), strict=True):
        spec.allocations.append((FundFlow.Source.FISCAL, amount))
    social_pool = int(sum(year.social) * rng.uniform(0.85, 0.95)) // YUAN * YUAN
    chosen = rng.sample(specs, k=max(1, len(specs) // 4))
    weights = [spec.weight * rng.uniform(0.5, 1.5) for spec in chosen]
    for spec, amount in zip(chosen, split_exact(social_pool, weights, YUAN), strict=True):
        spec.allocations.append((FundFlow.Source.SOCIAL_CASH, amount))


def not_started_specs(side: Side, next_number: dict[int, int]) -> list[Spec]:
    """Planned, approved and cancelled projects: in the ledger, never in the count."""
    county, code = side.recipient, side.recipient_code
    specs = [
        Spec(f"2023年{county}{side.products[0]}产业园建设项目", P.INDUSTRY, BUILD, code,
             f"{county}农业农村局", None, ST.PLANNED),
        Spec(f"2023年{county}农村饮水安全巩固提升工程", P.INFRASTRUCTURE, DIRECT, code,
             f"{county}住房和城乡建设局", None, ST.APPROVED),
        Spec(f"2023年{county}乡村医生能力提升培训项目", P.HEALTH, BUILD, code,
             f"{county}卫生健康局", None, ST.APPROVED),
        Spec(f"2019年{county}特色民宿建设项目", P.INDUSTRY, BUILD, code, f"{county}农业农村局",
             dt.date(2019, 6, 10), ST.CANCELLED,
             note="选址涉及生态保护红线，经县对口帮扶工作领导小组研究取消"),
    ]  # fmt: skip
    for spec in specs:
        year = spec.start.year if spec.start else 2023
        next_number[year] = next_number.get(year, 0) + 1
        spec.code = f"{side.prefix}-{year}-{next_number[year]:03d}"
    return specs


# --- records ----------------------------------------------------------------------------


def load_projects(loader: Loader, side: Side, money: list[YearMoney]) -> list[tuple[Project, Spec]]:
    """Create the pairing's projects; returns (project, spec) for the ones with money."""
    rng = loader.rng(f"projects:{side.key}")
    started = started_specs(side, money, loader.regions, rng)
    counts: dict[int, int] = {}
    for spec in started:
        counts[begun(spec).year] = counts.get(begun(spec).year, 0) + 1
    specs = started + not_started_specs(side, counts)
    pairing = loader.pairings[side.key]
    projects = loader.bulk(Project, [project_row(loader, pairing, s, rng) for s in specs])
    return [(p, s) for p, s in zip(projects, specs, strict=True) if s.allocations]


def project_row(loader: Loader, pairing: Pairing, spec: Spec, rng: random.Random) -> dict[str, Any]:
    allocated = sum(amount for _, amount in spec.allocations)
    budget = allocated * rng.uniform(1.0, 1.15) if allocated else rng.randint(50, 500) * 10**6
    households, persons = beneficiaries(spec, rng)
    return {
        "pairing": pairing,
        "code": spec.code,
        "name": spec.name,
        "sector": spec.sector,
        "mode": spec.mode,
        "location": loader.region(spec.location),
        "implementing_organisation": loader.org(spec.organisation),
        "planned_budget": yuan(math.ceil(budget / 10_000) * 10_000),  # whole 百元
        "start_date": spec.start,
        "end_date": spec.end,
        "status": spec.status,
        "progress": spec.progress,
        "beneficiary_households": households,
        "beneficiary_persons": persons,
        "outcomes": spec.note or outcomes(spec, households, persons),
        "after_completion": after_completion(spec),
    }


def beneficiaries(spec: Spec, rng: random.Random) -> tuple[int, int]:
    """Households where a project reaches homes; persons (students, patients, trainees)
    where it reaches people."""
    if spec.sector in (P.EDUCATION, P.HEALTH, P.TRAINING, P.EMPLOYMENT, P.PARTY_BUILDING):
        return 0, rng.randint(60, 2500)
    households = rng.randint(30, 600)
    return households, int(households * rng.uniform(3.6, 4.6))


def outcomes(spec: Spec, households: int, persons: int) -> str:
    if spec.status not in (ST.COMPLETED, ST.HANDED_OVER, ST.OPERATING):
        return ""
    if households:
        return f"带动{households}户{persons}人稳定增收"
    return f"惠及{persons}人（次）"


def after_completion(spec: Spec) -> str:
    if spec.status == ST.HANDED_OVER:
        return f"资产已移交{spec.organisation}，纳入后续管护台账"
    if spec.status == ST.OPERATING:
        return "委托经营主体运营，收益按约定比例分红到村集体和脱贫户"
    return ""

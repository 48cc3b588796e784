"""Labour cooperation (劳务协作) of the two district pairings, 2018–2022: persons helped into
work (most to 泸州 or elsewhere in 四川, most of them 脱贫劳动力), training sessions,
assistance workshops (帮扶车间) in the counties' towns and students taken into 泸州's vocational
schools. The article gives none of these figures: all are invented, plausible, and marked as
demo data. Placements and workshops are witnessed by the county: most confirmed, the latest
still waiting, one placement disputed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from pairaid.ledger.demo.base import Loader
from pairaid.ledger.demo.calendar import LAST_DAY, at_ten, day_in
from pairaid.ledger.demo.sides import SIDES, Side
from pairaid.ledger.models import (
    Confirmation,
    Pairing,
    Placement,
    TrainingSession,
    VocationalEnrolment,
    Workshop,
)

YEARS = tuple(range(2018, 2023))
D = Placement.Destination
DESTINATIONS = ((D.HELPER, 0.5), (D.IN_PROVINCE, 0.35), (D.ELSEWHERE, 0.15))
EMPLOYERS: dict[str, tuple[str, ...]] = {
    D.HELPER: (
        "{h}白酒酿造企业",
        "{h}食品加工园区企业",
        "泸州长江经济开发区电子企业",
        "{h}物业服务企业",
        "{h}建筑劳务企业",
    ),
    D.IN_PROVINCE: ("成都天府新区制造企业", "宜宾临港经济开发区企业", "西昌市服务业企业"),
    D.ELSEWHERE: ("浙江省宁波市制造企业", "广东省东莞市电子企业", "福建省晋江市鞋服企业"),
}
CONFIRM_AFTER = dt.timedelta(days=14)
WAITING_FROM = dt.date(2022, 9, 1)  # the county has not yet answered the latest ones


def witnessed(day: dt.date) -> dict[str, Any]:
    if day >= WAITING_FROM:
        return {"confirmation": Confirmation.UNCONFIRMED}
    return {"confirmation": Confirmation.CONFIRMED, "confirmed_at": at_ten(day + CONFIRM_AFTER)}


def pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    chosen: str = rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]
    return chosen


def placement_rows(side: Side, pairing: Pairing, rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for year in YEARS:
        for _n in range(rng.randint(6, 9)):
            day = day_in(rng, dt.date(year, 2, 15), min(dt.date(year, 11, 30), LAST_DAY))
            destination = pick(rng, DESTINATIONS)
            persons = rng.randint(8, 60)
            months = (LAST_DAY - day).days // 30
            rows.append(
                {
                    "pairing": pairing,
                    "date": day,
                    "persons": persons,
                    "poor_persons": round(persons * rng.uniform(0.55, 0.9)),
                    "destination": destination,
                    "employer": rng.choice(EMPLOYERS[destination]).format(h=side.helper),
                    # a visit a few months on finds most still in work
                    "stable_months": min(months, rng.choice((1, 2, 4, 6, 9, 12)))
                    if months >= 1 and rng.random() < 0.85
                    else None,
                    "note": f"{side.recipient}劳务输出（示意）",
                    **witnessed(day),
                }
            )
    rows.sort(key=lambda row: row["date"])
    if side.key != "jiangyang":
        return rows
    # one answer the county disputed: fewer arrived than were recorded
    disputed = rows[len(rows) // 2]
    disputed.update(
        confirmation=Confirmation.DISPUTED,
        confirmed_at=at_ten(disputed["date"] + CONFIRM_AFTER),
        confirmation_note="实际到岗人数少于登记人数，请核实",
    )
    return rows


TRAININGS = (
    (TrainingSession.Kind.SKILLS, "{c}农村劳动力{trade}技能培训", (40, 160), True),
    (TrainingSession.Kind.CADRES, "{c}乡村振兴干部能力提升培训班", (30, 90), False),
    (TrainingSession.Kind.PROFESSIONALS, "{c}{field}专业技术人才培训", (20, 60), False),
)
TRADES = ("电工", "焊工", "厨师", "家政服务", "挖掘机操作", "电子商务")
FIELDS = ("教师", "医护", "农技")


def training_rows(
    loader: Loader, side: Side, pairing: Pairing, rng: random.Random
) -> list[dict[str, Any]]:
    rows = []
    places = (side.helper_code, side.recipient_code, *side.towns)
    for year in YEARS:
        for kind, title, sizes, for_workers in TRAININGS:
            for _n in range(2 if for_workers else 1):
                start = day_in(rng, dt.date(year, 3, 1), dt.date(year, 11, 10))
                attendance = rng.randint(*sizes)
                rows.append(
                    {
                        "pairing": pairing,
                        "title": title.format(
                            c=side.recipient, trade=rng.choice(TRADES), field=rng.choice(FIELDS)
                        ),
                        "kind": kind,
                        "start_date": start,
                        "end_date": start + dt.timedelta(days=rng.randint(2, 14)),
                        "location": loader.region(rng.choice(places)),
                        "attendance": attendance,
                        "poor_attendance": round(attendance * rng.uniform(0.5, 0.8))
                        if for_workers
                        else 0,
                        "certificates": round(attendance * rng.uniform(0.6, 0.9))
                        if for_workers
                        else 0,
                    }
                )
    return rows


WORKSHOPS = ("{town}{product}加工帮扶车间", "{town}服装加工帮扶车间", "{town}电子元件组装帮扶车间")


def workshop_rows(
    loader: Loader, side: Side, pairing: Pairing, rng: random.Random
) -> list[dict[str, Any]]:
    rows = []
    for n, (pattern, town) in enumerate(zip(WORKSHOPS, side.towns, strict=False), start=1):
        region = loader.region(town)
        jobs = rng.randint(30, 120)
        established = day_in(rng, dt.date(2019, 3, 1), dt.date(2021, 10, 31))
        rows.append(
            {
                "pairing": pairing,
                "code": f"{side.prefix}-CJ-{n:02d}",
                "name": pattern.format(town=region.name, product=side.products[n - 1]),
                "location": region,
                "established": established,
                "jobs": jobs,
                "poor_jobs": round(jobs * rng.uniform(0.5, 0.8)),
                # one of the garment workshops waits for orders
                "status": Workshop.Status.SUSPENDED
                if n == 2 and side.key == "longmatan"
                else (Workshop.Status.OPERATING),
                **witnessed(established),
            }
        )
    if side.key == "jiangyang":  # the county has yet to check the newest one's jobs
        rows[-1].update(confirmation=Confirmation.UNCONFIRMED, confirmed_at=None)
    return rows


SCHOOLS = ("泸州职业技术学院", "四川化工职业技术学院", "泸州市江阳职业高级中学")


def enrolment_rows(side: Side, pairing: Pairing, rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for year in YEARS:
        for school in rng.sample(SCHOOLS, 2):
            students = rng.randint(20, 90)
            rows.append(
                {
                    "pairing": pairing,
                    "year": year,
                    "school": school,
                    "students": students,
                    "poor_students": round(students * rng.uniform(0.4, 0.7)),
                    "note": f"招收{side.recipient}学生（示意）",
                }
            )
    return rows


def load_labour(loader: Loader) -> None:
    for side in SIDES:
        rng = loader.rng(f"labour:{side.key}")
        pairing = loader.pairings[side.key]
        loader.bulk(Placement, placement_rows(side, pairing, rng))
        loader.bulk(TrainingSession, training_rows(loader, side, pairing, rng))
        loader.bulk(Workshop, workshop_rows(loader, side, pairing, rng))
        loader.bulk(VocationalEnrolment, enrolment_rows(side, pairing, rng))

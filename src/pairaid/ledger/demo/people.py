"""Dispatched people (选派干部人才): everyone is invented but the counts, which are the
article's: 320 distinct persons 江阳区 → 盐源县, 268 龙马潭区 → 普格县, and the 19 teachers
of the 组团式 team from 6 schools of 江阳区 and 泸县 to 3 schools of 盐源县 and 普格县.

Some persons went twice (a second batch): they count once as persons, twice as 人次.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from pairaid.ledger.demo.base import Loader
from pairaid.ledger.demo.calendar import LAST_DAY, YEARS, at_ten
from pairaid.ledger.demo.names import NameBook
from pairaid.ledger.demo.sides import Side
from pairaid.ledger.models import Confirmation, Person, Posting, Team

CADRE, PRO = Person.Category.CADRE, Person.Category.PROFESSIONAL
PR = Person.Profession
Kind = tuple[Person.Category, Person.Profession]  # a key of KINDS
YEAR_WEIGHTS = (0.12, 0.13, 0.14, 0.15, 0.15, 0.15, 0.16)
# Cadres serve two-year terms; a new batch (第N批) goes every second year.
BATCH = {2016: 1, 2017: 1, 2018: 2, 2019: 2, 2020: 3, 2021: 3, 2022: 4}
# (category, profession): how often, share of men, dispatch month, posts, home bodies.
# {h} is the helper district, {c} the recipient county, {town} a township of it.
KINDS = {
    (CADRE, PR.NONE): (35, 0.7, 3, [
        ("挂职县政府办公室副主任", "{c}人民政府"),
        ("挂职县农业农村局副局长", "{c}农业农村局"),
        ("挂职县教育和体育局副局长", "{c}教育和体育局"),
        ("挂职县卫生健康局副局长", "{c}卫生健康局"),
        ("挂职{town}党委副书记", "中共{c}委"),
        ("挂职{town}副镇长", "{c}人民政府"),
    ], ("中共{h}委", "{h}人民政府", "中共{h}委组织部", "{h}农业农村局",
        "{h}住房和城乡建设局", "{h}对口帮扶工作领导小组办公室")),
    (PRO, PR.TEACHER): (26, 0.4, 8, [("支教教师", "{school}")], ("{h}教育和体育局",)),
    (PRO, PR.DOCTOR): (16, 0.5, 9, [("支医医生", "{c}人民医院")], ("{h}人民医院", "{h}卫生健康局")),
    (PRO, PR.AGRONOMIST): (10, 0.7, 2, [("农技专家", "{c}农业农村局")], ("{h}农业农村局",)),
    (PRO, PR.OTHER): (13, 0.6, 5, [
        ("专业技术人员（规划建设）", "{c}住房和城乡建设局"),
        ("专业技术人员（交通工程）", "{c}交通运输局"),
    ], ("{h}住房和城乡建设局",)),
}  # fmt: skip
LEADER_POST = ("挂职县委常委、副县长", "{c}人民政府")  # one per batch


@dataclass
class Dispatch:
    """One posting before it is recorded."""

    person: dict[str, Any]
    start: dt.date
    post: str
    host: str
    kind: Kind
    outcome: dict[str, Any]  # status and actual end, see `outcome`


def ethnicity(rng: random.Random) -> str:
    return rng.choices(("汉族", "彝族", "回族", "苗族"), weights=(90, 7, 1.5, 1.5))[0]


def invent_person(
    loader: Loader, side: Side, kind: Kind, names: NameBook, rng: random.Random
) -> dict[str, Any]:
    category, profession = kind
    _, men, _, _, homes = KINDS[kind]
    male = rng.random() < men
    people = ethnicity(rng)
    return {
        "number": next(loader.person_numbers),
        "name": names.name(male, people),
        "gender": Person.Gender.MALE if male else Person.Gender.FEMALE,
        "ethnicity": people,
        "home_organisation": loader.org(rng.choice(homes).format(h=side.helper)),
        "category": category,
        "profession": profession,
    }


def dispatch_day(kind: Kind, year: int, rng: random.Random) -> dt.date:
    """Each kind goes at its own time of year: teachers for the school year, and so on."""
    month = KINDS[kind][2]
    return min(dt.date(year, month, 1) + dt.timedelta(days=rng.randint(0, 25)), LAST_DAY)


def post_for(loader: Loader, side: Side, kind: Kind, rng: random.Random) -> tuple[str, str]:
    post, host = rng.choice(KINDS[kind][3])
    town = loader.region(rng.choice(side.towns)).name
    return post.format(town=town), host.format(c=side.recipient, school=rng.choice(side.schools))


def first_dispatches(
    loader: Loader, side: Side, names: NameBook, rng: random.Random
) -> list[Dispatch]:
    kinds = list(KINDS)
    years = rng.choices(YEARS, weights=YEAR_WEIGHTS, k=side.persons)
    leaders: set[int] = set()
    found = []
    for year in sorted(years):
        kind = rng.choices(kinds, weights=[KINDS[k][0] for k in kinds])[0]
        post, host = post_for(loader, side, kind, rng)
        if kind[0] == CADRE and year % 2 == 0 and BATCH[year] not in leaders:
            leaders.add(BATCH[year])
            post, host = LEADER_POST[0], LEADER_POST[1].format(c=side.recipient)
        person = invent_person(loader, side, kind, names, rng)
        found.append(dispatch(person, dispatch_day(kind, year, rng), post, host, kind, rng))
    return found


def dispatch(
    person: dict[str, Any],
    start: dt.date,
    post: str,
    host: str,
    kind: Kind,
    rng: random.Random,
) -> Dispatch:
    made = Dispatch(person, start, post, host, kind, outcome={})
    made.outcome = outcome(made, rng)
    return made


def second_dispatches(
    loader: Loader, side: Side, firsts: list[Dispatch], rng: random.Random
) -> list[Dispatch]:
    """A few go again in a later batch, once their first posting has ended."""
    eligible = [d for d in firsts if (end := ended(d)) and end <= dt.date(2021, 12, 31)]
    again = []
    for first in rng.sample(eligible, side.second_postings):
        start = dispatch_day(first.kind, _ended_year(first) + 1, rng)
        post, host = post_for(loader, side, first.kind, rng)
        again.append(dispatch(first.person, start, post, host, first.kind, rng))
    return again


def ended(dispatch: Dispatch) -> dt.date | None:
    end: dt.date | None = dispatch.outcome["actual_end"]
    return end


def _ended_year(dispatch: Dispatch) -> int:
    end = ended(dispatch)
    assert end is not None  # chosen among the dispatches that have ended
    return end.year


def planned_end(dispatch: Dispatch) -> dt.date:
    """Cadres two years; teachers a school year; other professionals one year."""
    start = dispatch.start
    if dispatch.kind[0] == CADRE:
        return start + dt.timedelta(days=2 * 365)
    if dispatch.kind[1] == PR.TEACHER:
        return dt.date(start.year + 1, 7, 15)
    return start + dt.timedelta(days=364)


def outcome(dispatch: Dispatch, rng: random.Random) -> dict[str, Any]:
    """How the posting stood at the visit: most ended on time, a few were extended, and
    one now and then was recalled early."""
    end = planned_end(dispatch)
    if end > LAST_DAY:
        return {"status": Posting.Status.IN_POST, "actual_end": None}
    roll = rng.random()
    if roll < 0.03:
        early = dispatch.start + (end - dispatch.start) // 2
        return {"status": Posting.Status.RECALLED, "actual_end": early}
    if roll < 0.09:
        later = end + dt.timedelta(days=180)
        if later > LAST_DAY:
            return {"status": Posting.Status.EXTENDED, "actual_end": None}
        return {"status": Posting.Status.COMPLETED, "actual_end": later}
    return {"status": Posting.Status.COMPLETED, "actual_end": end}


def arrival(start: dt.date) -> dict[str, Any]:
    """The recipient confirms a person arrived within days; the latest arrivals before the
    visit are still waiting for it."""
    if start >= dt.date(2022, 9, 1):
        return {"confirmation": Confirmation.UNCONFIRMED}
    return {"confirmation": Confirmation.CONFIRMED, "confirmed_at": at_ten(start + ONE_WEEK)}


ONE_WEEK = dt.timedelta(days=7)


def load_people(loader: Loader, side: Side, names: NameBook) -> None:
    rng = loader.rng(f"people:{side.key}")
    firsts = first_dispatches(loader, side, names, rng)
    dispatches = firsts + second_dispatches(loader, side, firsts, rng)
    persons = loader.bulk(Person, [d.person for d in firsts])
    by_number = {person.number: person for person in persons}
    pairing = loader.pairings[side.key]
    loader.bulk(
        Posting,
        [
            {
                "person": by_number[d.person["number"]],
                "pairing": pairing,
                "host_organisation": loader.org(d.host),
                "post": d.post,
                "batch": BATCH[d.start.year],
                "start_date": d.start,
                "planned_end": planned_end(d),
                **d.outcome,
                **arrival(d.start),
            }
            for d in dispatches
        ],
    )


# --- the 组团式 team ----------------------------------------------------------------------

# sending school, how many teachers, receiving school (vocational to vocational)
TEAM = [
    ("泸州市江阳职业高级中学", 3, "盐源县职业技术学校"),
    ("泸县职业技术学校", 3, "盐源县职业技术学校"),
    ("泸州市江阳区第一高级中学", 4, "盐源中学"),
    ("泸州市江阳区第二高级中学", 3, "盐源中学"),
    ("泸县第一中学", 3, "普格中学"),
    ("泸县第二中学", 3, "普格中学"),
]
SUBJECTS = ("语文", "数学", "英语", "物理", "化学", "生物", "政治", "历史", "地理")
TRADES = ("汽车运用与维修", "电子商务", "旅游服务与管理", "农业机械使用与维护", "计算机应用")
TEAM_START = dt.date(2022, 8, 29)


def load_team(loader: Loader, names: NameBook) -> None:
    """One team under 泸州市→凉山州: its teachers count for the city, not the districts."""
    rng = loader.rng("team")
    city = loader.pairings["city"]
    team = loader.create(
        Team,
        pairing=city,
        name="泸州市“组团式”教育帮扶团队",
        start_date=TEAM_START,
        note="按照中组部“组团式”帮扶工作要求，从江阳区和泸县6所高（职）中学校选派19名教师，"
        "帮扶盐源县、普格县3所高（职）中学校",
    )
    loader.link(team, "from_organisations", [loader.org(school) for school, _, _ in TEAM])
    receiving = dict.fromkeys(host for _, _, host in TEAM)
    loader.link(team, "to_organisations", [loader.org(school) for school in receiving])
    persons, postings = [], []
    for school, count, host in TEAM:
        for _ in range(count):
            male = rng.random() < 0.45
            persons.append(
                {
                    "number": next(loader.person_numbers),
                    "name": names.name(male, "汉族"),
                    "gender": Person.Gender.MALE if male else Person.Gender.FEMALE,
                    "ethnicity": "汉族",
                    "home_organisation": loader.org(school),
                    "category": PRO,
                    "profession": PR.TEACHER,
                }
            )
            subject = rng.choice(TRADES if "职业" in host else SUBJECTS)
            postings.append(
                {
                    "pairing": city,
                    "team": team,
                    "host_organisation": loader.org(host),
                    "post": f"“组团式”帮扶教师（{subject}）",
                    "batch": 1,
                    "start_date": TEAM_START,
                    "planned_end": dt.date(2023, 7, 15),
                    "status": Posting.Status.IN_POST,
                    **arrival(TEAM_START),
                }
            )
    created = loader.bulk(Person, persons)
    loader.bulk(Posting, [{**row, "person": p} for row, p in zip(postings, created, strict=True)])

"""The 清单 from the joint meeting ("按照清单制管理要求一项一项抓好落实") and the 2022
targets. The article gives neither item by item: both are invented, in its spirit."""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from pairaid.ledger import figure_specs, figures
from pairaid.ledger.demo.base import Loader
from pairaid.ledger.demo.sides import SIDES
from pairaid.ledger.models import Event, FundFlow, Pairing, Target, Task, WorkStatus

DONE, ONGOING, OPEN = WorkStatus.DONE, WorkStatus.IN_PROGRESS, WorkStatus.OPEN

CITY_OFFICE = "泸州市省内对口帮扶工作领导小组办公室"
LMT_OFFICE = "龙马潭区对口帮扶工作领导小组办公室"
JY_OFFICE = "江阳区对口帮扶工作领导小组办公室"

# pairing, what, owner, due, status, evidence
TASKS = [
    ("city", "建立对口帮扶项目“清单制”管理台账，按月调度推进", CITY_OFFICE,
     dt.date(2023, 1, 31), DONE, "清单台账及2023年1月调度通报"),
    ("city", "落实“组团式”帮扶教师管理和生活保障", "泸州市教育和体育局",
     dt.date(2023, 3, 31), DONE, "组团式帮扶教师管理办法"),
    ("city", "组织凉山特色农产品进泸展销，拓展消费帮扶渠道", CITY_OFFICE,
     dt.date(2023, 9, 30), ONGOING, ""),
    ("jiangyang", "推进盐源县委党校迁建项目主体完工并投入使用", JY_OFFICE,
     dt.date(2023, 8, 31), DONE, "竣工验收报告"),
    ("jiangyang", "推进龙口河村乡村振兴示范点二期建设", "润盐镇人民政府",
     dt.date(2023, 10, 31), ONGOING, ""),
    ("jiangyang", "制定2023年对口帮扶资金计划并及早拨付", JY_OFFICE,
     dt.date(2023, 3, 31), DONE, "2023年对口帮扶资金计划文件"),
    ("longmatan", "做强螺髻山乌鸡品牌，在品牌、品质、品位上下功夫", "普格县农业农村局",
     dt.date(2023, 12, 31), ONGOING, ""),
    ("longmatan", "完善乌鸡选育基地利益联结机制，延伸产业链条", LMT_OFFICE,
     dt.date(2023, 6, 30), OPEN, ""),
]  # fmt: skip


def load_tasks(loader: Loader) -> None:
    meeting = loader.events[Event.Kind.JOINT_MEETING]
    loader.bulk(
        Task,
        [
            {
                "pairing": loader.pairings[key],
                "title": title,
                "owner": loader.org(owner),
                "due_date": due,
                "status": status,
                "evidence": evidence,
                "event": meeting,
            }
            for key, title, owner, due, status, evidence in TASKS
        ],
    )


def load_targets(loader: Loader) -> None:
    """2022 targets per district: the year's plan for money; round numbers near what was
    done for projects and persons (one a little above, so not every target is met)."""
    rows = []
    for side in SIDES:
        pairing = loader.pairings[side.key]
        window = figures.window_for(
            pairing, from_year=2022, to_year=2022, as_of=dt.date(2022, 12, 31)
        )
        planned = figures.funds(window, FundFlow.Kind.PLAN).value
        projects = figures.projects_implemented(window).value
        persons = figures.persons_dispatched(window).value
        rows += [
            target(pairing, Target.Indicator.FUNDS_TRANSFERRED, planned),
            target(pairing, Target.Indicator.PROJECTS_STARTED, math.ceil(projects / 5) * 5),
            target(pairing, Target.Indicator.PERSONS_DISPATCHED, persons // 5 * 5),
            *area_targets(pairing, window),
        ]
    loader.bulk(Target, rows)


def area_targets(pairing: Pairing, window: figures.Window) -> list[dict[str, Any]]:
    """A 2022 target for each indicator of the assessment's other areas that the pairing kept
    records of: the year's result rounded to two significant figures, up for every other
    indicator (so some are met and some not)."""
    rows = []
    declared = [(s, s.indicator) for s in figure_specs.FIGURES.values() if s.area and s.indicator]
    for position, (spec, indicator) in enumerate(declared):
        done = Decimal(spec.make(window, None).value)
        if done <= 0:
            continue
        rows.append(target(pairing, indicator, rounded(done, up=position % 2 == 0)))
    return rows


def rounded(value: Decimal, *, up: bool) -> Decimal:
    """Two significant figures: 1,142 → 1,200 (up) or 1,100."""
    step = Decimal(10) ** max(value.adjusted() - 1, 0)
    whole = (value / step).to_integral_value(rounding=ROUND_CEILING if up else ROUND_FLOOR)
    return whole * step


def target(pairing: Pairing, indicator: str, value: Decimal | int) -> dict[str, Any]:
    return {"pairing": pairing, "year": 2022, "indicator": indicator, "value": Decimal(value)}

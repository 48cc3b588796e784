"""What the demo's finished projects left behind (invented, marked as demo data): one to three
assets per finished project that builds something — school buildings, clinics' equipment,
roads, workshops, breeding sheds, livestock given to households — with their hand-over,
owner and keeper, and a yearly check of each from the year after it was formed to 2022.

Most assets are handed over to a village collective (村集体) or a township some months after
completion; those of projects finished within the last half year are not yet, and a few
older ones never were (they are the ones that need attention). Most checks find the asset
in use, operating assets yielding an income shared with the households; in each pairing one
asset stands idle (闲置) and one is damaged (损毁). Values stay below the project's budget.
Nothing here touches money, projects or people: the article's figures stay as they were.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from decimal import Decimal
from typing import Any

from pairaid.ledger.demo.base import Loader
from pairaid.ledger.demo.calendar import LAST_DAY, known
from pairaid.ledger.demo.sides import SIDES
from pairaid.ledger.models import Asset, AssetCheck, Pairing, Project, Region
from pairaid.ledger.models.assets import FINISHED

P, K, OWN = Project.Sector, Asset.Kind, Asset.Ownership
LAST_CHECK_YEAR = 2022
NEVER_HANDED_OVER = 17  # about one older asset in this many was never handed over

# sector: the assets its projects leave (what, kind, unit, quantity range, % of the budget)
PARTS: dict[str, tuple[tuple[str, str, str, tuple[int, int], int], ...]] = {
    P.EDUCATION: (
        ("教学及生活用房", K.PUBLIC, "平方米", (800, 4000), 55),
        ("教学设施设备", K.PUBLIC, "套", (20, 150), 20),
    ),
    P.HEALTH: (
        ("医疗设备", K.PUBLIC, "台（套）", (5, 40), 60),
        ("业务用房", K.PUBLIC, "平方米", (150, 900), 25),
    ),
    P.INFRASTRUCTURE: (("工程设施", K.PUBLIC, "处", (1, 6), 85),),
    P.INDUSTRY: (
        ("生产设施（圈舍、大棚、仓储）", K.OPERATING, "平方米", (500, 6000), 45),
        ("加工及冷链设备", K.OPERATING, "台（套）", (2, 20), 20),
        ("到户种苗种畜", K.HOUSEHOLD, "户", (30, 300), 15),
    ),
    P.EMPLOYMENT: (("帮扶车间厂房及设备", K.OPERATING, "平方米", (300, 2500), 70),),
    P.CONSUMPTION: (("展销门店及电商设施", K.OPERATING, "处", (1, 3), 50),),
    P.RURAL_REVITALISATION: (
        ("村内道路及公共服务设施", K.PUBLIC, "处", (3, 12), 50),
        ("村集体经营性用房", K.OPERATING, "平方米", (200, 1500), 25),
    ),
    P.PARTY_BUILDING: (("村级活动阵地", K.PUBLIC, "平方米", (150, 600), 70),),
}
SHARING = (
    "村集体30%，脱贫户分红70%",
    "村集体40%，务工及分红带动脱贫户60%",
    "提取10%管护资金，其余按股分红到户",
)
STEM = re.compile(r"^\d{4}年|建设项目$|项目$|工程$|（二期）$")


def load_assets(loader: Loader) -> None:
    for side in SIDES:
        rng = loader.rng(f"assets:{side.key}")
        pairing = loader.pairings[side.key]
        projects = (
            Project.objects.filter(pairing=pairing, status__in=FINISHED, end_date__isnull=False)
            .select_related("location", "implementing_organisation")
            .order_by("code")
        )
        rows = []
        for project in projects:
            rows += asset_rows(pairing, project, side.prefix, rng)
        assets = loader.bulk(Asset, rows)
        loader.bulk(AssetCheck, check_rows(assets, rng))


def asset_rows(
    pairing: Pairing, project: Project, prefix: str, rng: random.Random
) -> list[dict[str, Any]]:
    parts = PARTS.get(project.sector, ())
    if not parts:
        return []
    chosen = parts[: rng.randint(1, len(parts))]
    stem = STEM.sub("", STEM.sub("", project.name))
    formed_on = min(known(project.end_date) + dt.timedelta(days=rng.randint(0, 20)), LAST_DAY)
    never = rng.randrange(NEVER_HANDED_OVER) == 0
    rows = []
    for number, (what, kind, unit, (low, high), share) in enumerate(chosen, start=1):
        # whole hundreds of yuan, a little under its share of the budget
        value = math.floor(project.planned_budget * share * rng.randint(80, 100) / 1_000_000)
        row = {
            "pairing": pairing,
            "code": f"ZC-{project.code.removeprefix(prefix + '-')}-{number}",
            "project": project,
            "name": f"{stem}（{what}）",
            "kind": kind,
            "quantity": Decimal(rng.randint(low, high)),
            "unit": unit,
            "value": Decimal(value * 100),
            "formed_on": formed_on,
            "note": "",
        }
        rows.append(row | hand_over(project, kind, formed_on, never, rng))
    return rows


def hand_over(
    project: Project, kind: str, formed_on: dt.date, never: bool, rng: random.Random
) -> dict[str, Any]:
    """To whom and when the asset went, its owner and its keeper."""
    body = project.implementing_organisation.name if project.implementing_organisation else ""
    handed_on = formed_on + dt.timedelta(days=rng.randint(30, 150))
    if never or handed_on > LAST_DAY:
        note = "竣工后尚未办理移交手续" if never else ""
        return {"ownership": OWN.UNCONFIRMED, "maintainer": body or "项目实施单位", "note": note}
    place = project.location
    if kind == K.HOUSEHOLD:
        to, owner = "受益农户", OWN.HOUSEHOLD
    elif place is None or place.level == Region.Level.COUNTY:
        to, owner = body, OWN.COUNTY
    elif place.level == Region.Level.VILLAGE:
        to, owner = f"{place.name}村民委员会", OWN.VILLAGE
    elif kind == K.OPERATING or rng.random() < 0.5:
        to, owner = f"{place.name}受益村股份经济合作社", OWN.VILLAGE
    else:
        to, owner = f"{place.name}人民政府", OWN.TOWNSHIP
    keeper = "受益农户自行管护，村委会监督" if kind == K.HOUSEHOLD else to
    return {
        "handed_over_to": to,
        "handed_over_on": handed_on,
        "ownership": owner,
        "maintainer": keeper,
    }


def check_rows(assets: list[Asset], rng: random.Random) -> list[dict[str, Any]]:
    """Yearly checks of the public and operating assets; in each pairing the oldest operating
    asset ends idle and the oldest public one damaged."""
    checked = sorted(
        (a for a in assets if a.kind != K.HOUSEHOLD and a.formed_on.year < LAST_CHECK_YEAR),
        key=lambda a: (a.formed_on, a.code),
    )
    idle = next((a for a in checked if a.kind == K.OPERATING), None)
    damaged = next((a for a in checked if a.kind == K.PUBLIC), None)
    rows = []
    for asset in checked:
        for year in range(asset.formed_on.year + 1, LAST_CHECK_YEAR + 1):
            state = AssetCheck.State.IN_USE
            if year == LAST_CHECK_YEAR and asset is idle:
                state = AssetCheck.State.IDLE
            elif year == LAST_CHECK_YEAR and asset is damaged:
                state = AssetCheck.State.DAMAGED
            rows.append(check_row(asset, year, state, rng))
    return rows


def check_row(asset: Asset, year: int, state: str, rng: random.Random) -> dict[str, Any]:
    row = {"pairing": asset.pairing, "asset": asset, "year": year, "state": state}
    if state == AssetCheck.State.IDLE:
        return row | {"income": Decimal("0.00"), "note": "经营主体退出，正在重新招引运营方"}
    if state == AssetCheck.State.DAMAGED:
        return row | {"income": Decimal("0.00"), "note": "汛期受损，已申报维修资金"}
    if asset.kind != K.OPERATING:
        return row | {"income": Decimal("0.00"), "income_sharing": "公益性资产，无经营收益"}
    income = math.floor(asset.value * rng.randint(3, 8) / 10_000) * 100  # 3–8% of its value
    return row | {
        "income": Decimal(income),
        "income_sharing": rng.choice(SHARING),
        "households_benefited": rng.randint(20, 240),
    }

"""Consumption assistance and industrial cooperation of the two district pairings (invented,
plausible, marked as demo data), with what the article gives: 龙马潭区 and 普格县 signed the
《科研用高粱采购合同》 at the visit of 2022-12-01/02 (a purchase of 186万元, recorded as
consumption assistance on the day it was signed).

- purchases (采购) and helped sales (帮助销售) 2018–2022, every channel and kind of buyer,
  a few million yuan a year per district, products from the recipient county's towns;
- parks built together (共建产业园区), and the enterprises the pairings brought in
  (引导落地企业) with their agreed and arrived investment, in those parks.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from pairaid.ledger.demo.base import Loader
from pairaid.ledger.demo.calendar import HANDOVER, LAST_DAY, day_in
from pairaid.ledger.demo.sides import SIDES, Side
from pairaid.ledger.models import (
    ConsumptionRecord,
    GuidedInvestment,
    IndustrialPark,
    Pairing,
)

R = ConsumptionRecord
YEARS = range(2018, 2023)

# (direction, buyer kind, channel, buyer ({h}: the helper district), yuan from, to)
TRADES = [
    (R.Direction.PURCHASED, R.BuyerKind.PUBLIC_BODY, R.Channel.PLATFORM_832,
     "{h}机关事务服务中心", 80_000, 600_000),
    (R.Direction.PURCHASED, R.BuyerKind.PUBLIC_BODY, R.Channel.OTHER,
     "{h}教育和体育局（学校食堂）", 100_000, 900_000),
    (R.Direction.PURCHASED, R.BuyerKind.UNION, R.Channel.UNION,
     "{h}总工会", 150_000, 1_200_000),
    (R.Direction.PURCHASED, R.BuyerKind.ENTERPRISE, R.Channel.OTHER,
     "泸州{h}农产品流通有限公司", 200_000, 1_500_000),
    (R.Direction.SOLD_HELPED, R.BuyerKind.INDIVIDUAL, R.Channel.FAIR,
     "泸州市消费帮扶产品展销会", 100_000, 800_000),
    (R.Direction.SOLD_HELPED, R.BuyerKind.INDIVIDUAL, R.Channel.LIVESTREAM,
     "“{h}帮扶好物”直播间", 50_000, 600_000),
    (R.Direction.SOLD_HELPED, R.BuyerKind.ENTERPRISE, R.Channel.FAIR,
     "中国西部农产品交易会采购商", 200_000, 1_600_000),
    (R.Direction.SOLD_HELPED, R.BuyerKind.ENTERPRISE, R.Channel.OTHER,
     "泸州{h}商超联盟", 150_000, 1_200_000),
]  # fmt: skip
# Yuan per 斤 of each product, for the records that give a quantity.
PRICES = {"苹果": 4, "花椒": 60, "核桃": 15, "中药材": 30, "马铃薯": 2, "肉牛": 35,
          "油橄榄": 12, "乌鸡": 40, "高粱": 3, "荞麦": 6, "蔬菜": 3, "脐橙": 5}  # fmt: skip

SORGHUM = {
    "direction": R.Direction.PURCHASED,
    "buyer": "泸州龙马潭酿酒专用粮科技有限公司",
    "buyer_kind": R.BuyerKind.ENTERPRISE,
    "product": "科研用高粱",
    "amount": Decimal("1860000.00"),
    "quantity": Decimal("465.00"),
    "unit": "吨",
    "date": HANDOVER,  # the day it was signed (agreements.AGREEMENTS)
    "channel": R.Channel.OTHER,
    "note": "《科研用高粱采购合同》，2022年12月龙马潭区赴普格县考察期间签订",
}

# code, name, town code, established, 亩, enterprises settled
PARKS = {
    "jiangyang": [
        ("JY-YQ-01", "江阳—盐源现代农业产业园", "513423110000", dt.date(2019, 5, 20), "1200", 6),
    ],
    "longmatan": [
        ("LMT-YQ-01", "龙马潭—普格乌鸡产业园", "513428102000", dt.date(2020, 10, 15), "860", 4),
        ("LMT-YQ-02", "普格县酿酒专用粮产业园", "513428100000", dt.date(2022, 3, 18), "2300", 2),
    ],
}
# enterprise, year, agreed, arrived, landed, park code, note
INVESTMENTS = {
    "jiangyang": [
        ("盐源县果业发展有限公司", 2019, "40000000.00", "32000000.00", dt.date(2019, 6, 18),
         "JY-YQ-01", "引进泸州企业合作建设苹果冷链仓储中心"),
        ("盐源县果业发展有限公司", 2021, "25000000.00", "18500000.00", dt.date(2021, 4, 8),
         "JY-YQ-01", "苹果精深加工生产线"),
    ],
    "longmatan": [
        ("泸州龙马潭农业产业发展有限公司", 2021, "30000000.00", "26800000.00",
         dt.date(2021, 3, 26), "LMT-YQ-01", "乌鸡选育基地配套养殖小区"),
        ("泸州龙马潭酿酒专用粮科技有限公司", 2022, "12000000.00", "9600000.00",
         dt.date(2022, 4, 12), "LMT-YQ-02", "酿酒专用高粱种植基地"),
    ],
}  # fmt: skip


def load_consumption_and_industry(loader: Loader) -> None:
    for side in SIDES:
        pairing = loader.pairings[side.key]
        rng = loader.rng(f"consumption:{side.key}")
        loader.bulk(ConsumptionRecord, consumption_rows(loader, side, pairing, rng))
        parks = {park.code: park for park in load_parks(loader, side, pairing)}
        loader.bulk(GuidedInvestment, investment_rows(side, pairing, parks))


def consumption_rows(
    loader: Loader, side: Side, pairing: Pairing, rng: random.Random
) -> list[dict[str, Any]]:
    places = [loader.region(code) for code in side.towns]
    county = loader.region(side.recipient_code)
    rows = []
    for year in YEARS:
        for direction, buyer_kind, channel, buyer, low, high in TRADES:
            for _n in range(rng.randint(1, 3)):
                product = rng.choice(side.products)
                amount = Decimal(rng.randint(low // 100, high // 100) * 100)
                with_quantity = rng.random() < 0.5
                rows.append(
                    {
                        "pairing": pairing,
                        "direction": direction,
                        "buyer": buyer.format(h=side.helper),
                        "buyer_kind": buyer_kind,
                        "product": f"{side.recipient[:2]}{product}",
                        "origin": rng.choice([*places, county, None]),
                        "amount": amount.quantize(Decimal("0.01")),
                        "quantity": (amount / PRICES[product]).quantize(Decimal("0.01"))
                        if with_quantity
                        else None,
                        "unit": "斤" if with_quantity else "",
                        "date": day_in(
                            rng, dt.date(year, 1, 1), min(dt.date(year, 12, 31), LAST_DAY)
                        ),
                        "channel": channel,
                    }
                )
    if side.key == "longmatan":
        rows.append({"pairing": pairing, "origin": county, **SORGHUM})
    return rows


def load_parks(loader: Loader, side: Side, pairing: Pairing) -> list[IndustrialPark]:
    return loader.bulk(
        IndustrialPark,
        [
            {
                "pairing": pairing,
                "code": code,
                "name": name,
                "location": loader.region(town),
                "established": established,
                "area_mu": Decimal(mu),
                "enterprises_settled": settled,
            }
            for code, name, town, established, mu, settled in PARKS[side.key]
        ],
    )


def investment_rows(
    side: Side, pairing: Pairing, parks: dict[str, IndustrialPark]
) -> list[dict[str, Any]]:
    return [
        {
            "pairing": pairing,
            "enterprise": enterprise,
            "year": year,
            "date": dt.date(year, 9, 16),
            "agreed_amount": Decimal(agreed),
            "amount": Decimal(arrived),
            "landed": landed,
            "park": parks[park],
            "note": note,
        }
        for enterprise, year, agreed, arrived, landed, park, note in INVESTMENTS[side.key]
    ]

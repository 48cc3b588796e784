"""Places, bodies and pairings.

Region codes of the province, cities, districts and counties, and of 螺髻山镇, 润盐镇 and
龙口河村, are the official ones named in DESIGN.md. The other townships' codes are
invented for the demo. 会理县 → 会理市 shows a code change (2021); its day is illustrative.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pairaid.ledger.demo.base import Loader
from pairaid.ledger.demo.sides import SIDES
from pairaid.ledger.models import Organisation, Pairing, Region

L = Region.Level
K = Organisation.Kind

# (code, name, level, parent code, valid from, valid to), parents before children.
REGIONS = [
    ("510000", "四川省", L.PROVINCE, None, None, None),
    ("510500", "泸州市", L.PREFECTURE, "510000", None, None),
    ("510502", "江阳区", L.COUNTY, "510500", None, None),
    ("510504", "龙马潭区", L.COUNTY, "510500", None, None),
    ("510521", "泸县", L.COUNTY, "510500", None, None),
    ("513400", "凉山彝族自治州", L.PREFECTURE, "510000", None, None),
    ("513423", "盐源县", L.COUNTY, "513400", None, None),
    ("513428", "普格县", L.COUNTY, "513400", None, None),
    ("513425", "会理县", L.COUNTY, "513400", None, dt.date(2021, 6, 30)),
    ("513402", "会理市", L.COUNTY, "513400", dt.date(2021, 7, 1), None),
    ("513423110000", "润盐镇", L.TOWNSHIP, "513423", None, None),
    ("513423110202", "龙口河村", L.VILLAGE, "513423110000", None, None),
    ("513428102000", "螺髻山镇", L.TOWNSHIP, "513428", None, None),
    # invented codes
    ("513423100000", "盐井镇", L.TOWNSHIP, "513423", None, None),
    ("513423101000", "卫城镇", L.TOWNSHIP, "513423", None, None),
    ("513423102000", "梅雨镇", L.TOWNSHIP, "513423", None, None),
    ("513423103000", "白乌镇", L.TOWNSHIP, "513423", None, None),
    ("513428100000", "普基镇", L.TOWNSHIP, "513428", None, None),
    ("513428101000", "荞窝镇", L.TOWNSHIP, "513428", None, None),
    ("513428103000", "五道箐镇", L.TOWNSHIP, "513428", None, None),
]

# The bodies every district or county of the demo has; {n} is its name.
HELPER_BODIES = [
    ("中共{n}委", K.PARTY_GOVERNMENT),
    ("{n}人民政府", K.PARTY_GOVERNMENT),
    ("{n}对口帮扶工作领导小组办公室", K.PARTY_GOVERNMENT),
    ("中共{n}委组织部", K.DEPARTMENT),
    ("{n}教育和体育局", K.DEPARTMENT),
    ("{n}卫生健康局", K.DEPARTMENT),
    ("{n}农业农村局", K.DEPARTMENT),
    ("{n}住房和城乡建设局", K.DEPARTMENT),
    ("{n}人民医院", K.HOSPITAL),
]
RECIPIENT_BODIES = [
    ("中共{n}委", K.PARTY_GOVERNMENT),
    ("{n}人民政府", K.PARTY_GOVERNMENT),
    ("中共{n}委组织部", K.DEPARTMENT),
    ("{n}教育和体育局", K.DEPARTMENT),
    ("{n}卫生健康局", K.DEPARTMENT),
    ("{n}农业农村局", K.DEPARTMENT),
    ("{n}住房和城乡建设局", K.DEPARTMENT),
    ("{n}交通运输局", K.DEPARTMENT),
    ("{n}人力资源和社会保障局", K.DEPARTMENT),
    ("{n}人民医院", K.HOSPITAL),
]

# Bodies the article names, and invented ones the demo's contracts and team need.
NAMED_BODIES = [
    ("中共泸州市委", K.PARTY_GOVERNMENT, "510500"),
    ("泸州市人民政府", K.PARTY_GOVERNMENT, "510500"),
    ("泸州市省内对口帮扶工作领导小组办公室", K.PARTY_GOVERNMENT, "510500"),
    ("泸州市教育和体育局", K.DEPARTMENT, "510500"),
    ("中共凉山彝族自治州委", K.PARTY_GOVERNMENT, "513400"),
    ("凉山彝族自治州人民政府", K.PARTY_GOVERNMENT, "513400"),
    ("盐源县委党校", K.PARTY_GOVERNMENT, "513423"),
    ("盐源中学", K.SCHOOL, "513423"),
    ("盐源县职业技术学校", K.SCHOOL, "513423"),
    ("润盐镇人民政府", K.PARTY_GOVERNMENT, "513423110000"),
    ("螺髻山中学校", K.SCHOOL, "513428102000"),
    ("普格中学", K.SCHOOL, "513428"),
    # the six schools of the 组团式 team (names invented)
    ("泸州市江阳职业高级中学", K.SCHOOL, "510502"),
    ("泸州市江阳区第一高级中学", K.SCHOOL, "510502"),
    ("泸州市江阳区第二高级中学", K.SCHOOL, "510502"),
    ("泸县第一中学", K.SCHOOL, "510521"),
    ("泸县第二中学", K.SCHOOL, "510521"),
    ("泸县职业技术学校", K.SCHOOL, "510521"),
    # parties to the contracts and investors (invented)
    ("泸州龙马潭酿酒专用粮科技有限公司", K.ENTERPRISE, "510504"),
    ("泸州龙马潭农业产业发展有限公司", K.ENTERPRISE, "510504"),
    ("普格县农业投资发展有限公司", K.ENTERPRISE, "513428"),
    ("普格县螺髻山乌鸡养殖专业合作社", K.OTHER, "513428102000"),
    ("盐源县果业发展有限公司", K.ENTERPRISE, "513423"),
]

START = dt.date(2016, 1, 1)  # "2016年以来"


def load_regions(loader: Loader) -> None:
    for code, name, level, parent, valid_from, valid_to in REGIONS:
        loader.regions[code] = loader.create(
            Region,
            code=code,
            name=name,
            level=level,
            parent=loader.regions[parent] if parent else None,
            valid_from=valid_from,
            valid_to=valid_to,
        )


def load_organisations(loader: Loader) -> None:
    rows = [
        {"name": name, "kind": kind, "region": loader.region(code)}
        for name, kind, code in NAMED_BODIES
    ]
    for side in SIDES:
        rows += bodies(loader, HELPER_BODIES, side.helper, side.helper_code)
        rows += bodies(loader, RECIPIENT_BODIES, side.recipient, side.recipient_code)
    for org in loader.bulk(Organisation, rows):
        loader.organisations[org.name] = org


def bodies(
    loader: Loader, table: Sequence[tuple[str, str]], name: str, code: str
) -> list[dict[str, Any]]:
    region = loader.region(code)
    return [
        {"name": pattern.format(n=name), "kind": kind, "region": region} for pattern, kind in table
    ]


def load_pairings(loader: Loader) -> None:
    """泸州市→凉山州 coordinates; the districts' pairings hang under it."""
    city = loader.create(
        Pairing,
        helper_region=loader.region("510500"),
        recipient_region=loader.region("513400"),
        scheme=Pairing.Scheme.IN_PROVINCE,
        valid_from=START,
    )
    loader.pairings["city"] = city
    for side in SIDES:
        loader.pairings[side.key] = loader.create(
            Pairing,
            helper_region=loader.region(side.helper_code),
            recipient_region=loader.region(side.recipient_code),
            scheme=Pairing.Scheme.IN_PROVINCE,
            valid_from=START,
            parent=city,
        )

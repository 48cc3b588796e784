"""The synthetic national data set (`pairaid demo --national SCALE`): paired assistance at the
scale of the whole country, for trying and measuring the product, not for reading.

At scale 1.0: four helper provinces each help a recipient province (4 top-level pairings);
under each, twelve helper cities help twelve prefectures (48); under each of those, forty
helper districts help forty counties (1,920) — 1,972 pairings in all, from 2016 to 2026.
Every county pairing gets the volumes of a real one (national_records.py): about 234
projects, 2,100 fund flows, 104 persons and 260 postings, so at 1.0 the set holds about
450k projects, 4M fund flows, 200k persons and 500k postings. A smaller scale keeps the
volume of each county pairing and makes fewer of them (cities per province grow with the
square root of the scale, counties with the scale).

Everything is invented and flagged `is_demo=True`. Region codes are GB/T 2260-shaped but
start with 91–98, which no real province uses, so the set loads beside the article's demo
(`pairaid demo`) without clashing; person numbers start with "N" (the demo's with "D").

It is fast because it has its own bulk path: rows are made in Python (plain rows, not model
instances, with ids allocated up front where other rows point at them) and written with one
INSERT run over many rows on SQLite or COPY on PostgreSQL, in large batches, one
transaction per county pairing, so they pass every database constraint and trigger (they
are not bypassed) while skipping per-row validation. Instead of one audit entry per row, each
batch has one entry (action `<model>.bulk_loaded`, the count and the id range), filed
under the pairing and appended with the others of its transaction at once, so the
per-pairing hash chains stay valid (`pairaid audit verify`). The money rollups are added
to in the same transaction (`rollups.add_flows`); the rollups kept by triggers (projects,
and the subtree rollups) are filled once at the end instead, their triggers suspended
meanwhile, and so are the pairing tree's links and the subtree money (one INSERT … SELECT
each); on SQLite the indexes the load does not read are dropped meanwhile and created
again at the end (`bulk_load.set_aside`: however the load ends).
The same scale gives the same records on every run: each county draws from its own
fixed-seed random stream.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction

from pairaid.ledger import bulk_load
from pairaid.ledger.demo.base import SEED
from pairaid.ledger.demo.national_bulk import Bulk, Leaf, big_cache
from pairaid.ledger.demo.national_records import load_leaf
from pairaid.ledger.models import Organisation, Pairing, Region

__all__ = ["NATIONAL_PREFIXES", "load_national", "national_loaded", "shape"]

L = Region.Level
K = Organisation.Kind

START = dt.date(2016, 1, 1)

HELPER_PROVINCES = (("91", "东海省"), ("92", "江南省"), ("93", "北辰省"), ("94", "中原省"))
RECIPIENT_PROVINCES = (("95", "西岭省"), ("96", "云岭省"), ("97", "高原省"), ("98", "雪山省"))
NATIONAL_PREFIXES = tuple(code for code, _name in HELPER_PROVINCES + RECIPIENT_PROVINCES)

CITIES_AT_FULL_SCALE = 12  # per province
COUNTIES_AT_FULL_SCALE = 40  # per city
TOWNSHIPS = 4  # per recipient county

PLACE_FIRST = "安宝昌长成丰富广汉和华嘉建江金锦景靖康乐临龙隆民宁平庆瑞山盛泰通兴阳永裕云"
PLACE_SECOND = "安北昌川东丰河湖江林陵宁平桥泉山水台溪兴阳源州"

COUNTY_BODIES = (
    ("{n}人民政府", K.PARTY_GOVERNMENT),
    ("{n}教育局", K.DEPARTMENT),
    ("{n}卫生健康局", K.DEPARTMENT),
    ("{n}农业农村局", K.DEPARTMENT),
    ("{n}人民医院", K.HOSPITAL),
    ("{n}第一中学", K.SCHOOL),
)
CITY_BODIES = (("{n}人民政府", K.PARTY_GOVERNMENT), ("{n}对口帮扶工作领导小组办公室", K.DEPARTMENT))


def shape(scale: float) -> tuple[int, int]:
    """Cities per province and counties per city at this scale."""
    if not 0 < scale <= 1:
        raise ValueError("scale must be above 0 and at most 1")
    cities = max(1, min(CITIES_AT_FULL_SCALE, round(CITIES_AT_FULL_SCALE * math.sqrt(scale))))
    total_counties = max(1, round(len(HELPER_PROVINCES) * 48 * COUNTIES_AT_FULL_SCALE * scale / 4))
    per_city = max(1, math.ceil(total_counties / (len(HELPER_PROVINCES) * cities)))
    return cities, min(COUNTIES_AT_FULL_SCALE, per_city)


def national_loaded() -> bool:
    return Region.objects.filter(code__in=[p + "0000" for p in NATIONAL_PREFIXES]).exists()


def place_name(rng: random.Random, used: set[str], suffix: str) -> str:
    for _attempt in range(200):
        name = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND) + suffix
        if name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(PLACE_FIRST)}{len(used)}{suffix}"
    used.add(name)
    return name


def load_national(
    scale: float,
    *,
    acting_user: Any = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Load the national set at `scale` (0 < scale ≤ 1) beside whatever the ledger holds;
    returns how many records of each type were created. One transaction for the tree, then
    one per county pairing: an interrupted load leaves whole pairings behind (and the
    rollups kept by triggers, the tree's links and the subtree rollups rebuilt from them)."""
    cities, counties = shape(scale)
    total_leaves = max(1, round(48 * COUNTIES_AT_FULL_SCALE * scale))
    with big_cache(), bulk_load.set_aside() as rebuilt_after:
        bulk = Bulk(acting_user=acting_user, subtrees_rebuilt=bool(rebuilt_after))
        with transaction.atomic():
            leaves = build_tree(bulk, cities, counties, total_leaves)
            bulk.log()
        for n, leaf in enumerate(leaves, 1):
            with transaction.atomic():
                load_leaf(bulk, leaf, random.Random(f"{SEED}:national:{leaf.county.code}"))
            if progress and (n % 20 == 0 or n == len(leaves)):
                progress(f"{n}/{len(leaves)}")
    bulk_load.vacuum()  # last, after every transaction of the load: the figures read these
    return dict(bulk.counts)


def build_tree(bulk: Bulk, cities: int, counties: int, total_leaves: int) -> list[Leaf]:
    """Regions, bodies and pairings: province → city → county on both sides."""
    rng = random.Random(f"{SEED}:national:tree")
    names: set[str] = set()
    regions: list[Region] = []
    plan = []  # (helper province, recipient province, [(helper city, city, [(district, county)])])
    left = total_leaves
    for (hp, hp_name), (rp, rp_name) in zip(HELPER_PROVINCES, RECIPIENT_PROVINCES, strict=True):
        helper_p = Region(code=f"{hp}0000", name=hp_name, level=L.PROVINCE, is_demo=True)
        recip_p = Region(code=f"{rp}0000", name=rp_name, level=L.PROVINCE, is_demo=True)
        regions += [helper_p, recip_p]
        city_pairs = []
        for c in range(1, cities + 1):
            helper_c = Region(code=f"{hp}{c:02d}00", name=place_name(rng, names, "市"))
            recip_c = Region(code=f"{rp}{c:02d}00", name=place_name(rng, names, "州"))
            helper_c.level = recip_c.level = L.PREFECTURE
            helper_c.parent, recip_c.parent = helper_p, recip_p
            regions += [helper_c, recip_c]
            county_pairs = []
            for d in range(1, min(counties, max(1, left)) + 1):
                district = Region(code=f"{hp}{c:02d}{d:02d}", name=place_name(rng, names, "区"))
                county = Region(code=f"{rp}{c:02d}{d:02d}", name=place_name(rng, names, "县"))
                district.parent, county.parent = helper_c, recip_c
                district.level = county.level = L.COUNTY
                regions += [district, county]
                towns = [
                    Region(
                        code=f"{rp}{c:02d}{d:02d}{100 + t:03d}000",
                        name=place_name(rng, names, "镇"),
                        parent=county,
                        level=L.TOWNSHIP,
                    )
                    for t in range(TOWNSHIPS)
                ]
                regions += towns
                county_pairs.append((district, county, towns))
                left -= 1
            city_pairs.append((helper_c, recip_c, county_pairs))
        plan.append((helper_p, recip_p, city_pairs))
    for region in regions:
        region.is_demo = True
    write_regions(bulk, regions)

    bodies: dict[str, list[Organisation]] = {}
    orgs = []
    for region in regions:
        table: tuple[tuple[str, Organisation.Kind], ...]
        if region.level == L.COUNTY:
            table = COUNTY_BODIES
        elif region.level == L.PREFECTURE:
            table = CITY_BODIES
        else:
            continue
        made = [
            Organisation(name=p.format(n=region.name), kind=k, region=region, is_demo=True)
            for p, k in table
        ]
        bodies[region.code] = made
        orgs += made
    anchor = regions[0]
    bulk.write(Organisation, orgs, anchor)

    def pairing(helper: Region, recipient: Region, parent: Pairing | None) -> Pairing:
        return Pairing(
            helper_region=helper,
            recipient_region=recipient,
            scheme=Pairing.Scheme.EAST_WEST,
            valid_from=START,
            parent=parent,
            is_demo=True,
        )

    tops = [pairing(hp, rp, None) for hp, rp, _cities in plan]
    bulk.write(Pairing, tops, anchor)
    mids = [
        (pairing(hc, rc, top), counties_)
        for top, (_hp, _rp, city_pairs) in zip(tops, plan, strict=True)
        for hc, rc, counties_ in city_pairs
    ]
    bulk.write(Pairing, [p for p, _c in mids], anchor)
    leaves = [
        (pairing(district, county, mid), county, towns, district)
        for mid, counties_ in mids
        for district, county, towns in counties_
    ]
    bulk.write(Pairing, [p for p, *_rest in leaves], anchor)
    return [
        Leaf(
            pairing=p,
            county=county,
            townships=towns,
            helper_bodies=bodies[district.code],
            recipient_bodies=bodies[county.code],
            helper_code=district.code,
        )
        for p, county, towns, district in leaves
    ]


def write_regions(bulk: Bulk, regions: list[Region]) -> None:
    """Parents before children: one level at a time, so each child knows its parent's id."""
    by_depth: dict[int, list[Region]] = {}
    for region in regions:
        depth, parent = 0, region.parent
        while parent is not None:
            depth, parent = depth + 1, parent.parent
        by_depth.setdefault(depth, []).append(region)
    for depth in sorted(by_depth):
        for region in by_depth[depth]:
            region.parent_id = region.parent.pk if region.parent else None
        bulk.write(Region, by_depth[depth], by_depth[0][0] if depth else by_depth[depth][0])

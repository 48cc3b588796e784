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

It is fast because it has its own bulk path: rows are made in Python and written with
`bulk_create` in large batches, one transaction per county pairing, so they pass every
database constraint and trigger (they are not bypassed) while skipping per-row
validation. Instead of one audit entry per row, each batch writes one entry through
`services.log_action` (action `<model>.bulk_loaded`, the count and the id range), filed
under the pairing, so the per-pairing hash chains stay valid (`pairaid audit verify`).
The same scale gives the same records on every run: each county draws from its own
fixed-seed random stream.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from pairaid.ledger import services
from pairaid.ledger.demo.base import SEED, VIA
from pairaid.ledger.models import Organisation, Pairing, Region

__all__ = ["NATIONAL_PREFIXES", "load_national", "national_loaded", "shape"]

L = Region.Level
K = Organisation.Kind

START = dt.date(2016, 1, 1)
BATCH = 2_000  # rows per INSERT statement group (bulk_create batch_size)

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


@dataclass
class Leaf:
    """A county pairing and what its records need: its sides' regions and bodies."""

    pairing: Pairing
    county: Region
    townships: list[Region]
    helper_bodies: list[Organisation]
    recipient_bodies: list[Organisation]
    helper_code: str


@dataclass
class Bulk:
    """Writes rows in large batches, with one audit entry per batch.

    Records whose ids are needed later (regions, bodies, pairings, projects, persons, fund
    flows that a reversal points at) go through `bulk_create`, which reads the ids back.
    The rest go through `insert`: one parameterised INSERT run over many rows
    (`executemany`), with each value prepared by its field (`get_db_prep_save`, so money is
    whole fen), which skips the ORM's per-row SQL compilation. Both write to the real
    tables, so every constraint and trigger still checks every row."""

    acting_user: Any = None
    counts: Counter[str] = field(default_factory=Counter)
    today: dt.date = field(default_factory=timezone.localdate)

    def write(
        self,
        model: type[models.Model],
        objs: Sequence[models.Model],
        audit_on: models.Model,
        *,
        ids: bool = True,
    ) -> list[Any]:
        created: list[Any] = []
        for start in range(0, len(objs), BATCH * 5):
            chunk = list(objs[start : start + BATCH * 5])
            if not chunk:
                continue
            if ids:
                chunk = model.objects.bulk_create(chunk, batch_size=BATCH)
                span = {"first_id": chunk[0].pk, "last_id": chunk[-1].pk}
            else:
                insert(model, chunk)
                span = {}
            created += chunk
            services.log_action(
                f"{model._meta.model_name}.bulk_loaded",
                audit_on,
                acting_user=self.acting_user,
                via=VIA,
                changes={"count": len(chunk), **span, "data_set": "national"},
            )
        self.counts[model._meta.model_name or model.__name__] += len(created)
        return created


PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
AS_IS, ISO, PREPARED = "as is", "iso", "prepared"


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """INSERT the records' own columns (not their ids) with executemany, BATCH at a time."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    db = connections[DEFAULT_DB_ALIAS]  # resolved once: the proxy costs a lookup per use
    # how each value is written: as it is (Django's text, number and boolean fields, ids of
    # related records), as ISO text (dates on SQLite), or prepared by its field (money as
    # fen, encrypted personal data, times, anything else)
    iso_dates = db.vendor == "sqlite"
    kinds = []
    for f in fields:
        if f.is_relation or (isinstance(f, PLAIN) and type(f).__module__.startswith("django.")):
            kinds.append(AS_IS)
        elif type(f) is models.DateField:
            kinds.append(ISO if iso_dates else AS_IS)
        else:
            kinds.append(PREPARED)
    quote = db.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = []
    prepared: dict[tuple[str, Any], Any] = {}
    for obj in objs:
        row = []
        for f, kind in zip(fields, kinds, strict=True):
            value = getattr(obj, f.attname)
            if kind is AS_IS or (value is None and kind is ISO):
                row.append(value)
            elif kind is ISO:
                row.append(value.isoformat())
            else:
                if value is None and getattr(f, "auto_now_add", False):
                    value = now
                if isinstance(f, models.DateTimeField):  # few distinct values: prepare once
                    key = (f.attname, value)
                    if key not in prepared:
                        prepared[key] = f.get_db_prep_save(value, db)
                    row.append(prepared[key])
                else:
                    row.append(f.get_db_prep_save(value, db))
        rows.append(row)
    with db.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


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
    one per county pairing: an interrupted load leaves whole pairings behind."""
    from pairaid.ledger.demo.national_records import load_leaf

    cities, counties = shape(scale)
    total_leaves = max(1, round(48 * COUNTIES_AT_FULL_SCALE * scale))
    bulk = Bulk(acting_user=acting_user)
    with transaction.atomic():
        leaves = build_tree(bulk, cities, counties, total_leaves)
    for n, leaf in enumerate(leaves, 1):
        with transaction.atomic():
            load_leaf(bulk, leaf, random.Random(f"{SEED}:national:{leaf.county.code}"))
        if progress and (n % 20 == 0 or n == len(leaves)):
            progress(f"{n}/{len(leaves)}")
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

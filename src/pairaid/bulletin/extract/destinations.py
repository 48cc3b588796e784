"""Where the workers of a jobs claim went: 转移到浙江务工, 输送到泸州, 赴粤务工, 到泸州就业,
来奉就业, 劳务输出到杭州, 向江阳区输出劳动力, 在泸州市稳定就业.

The place is kept as written on the claim, as a tag (`去向:泸州`, `Claim.destination`); the
checker resolves it against the pairing it checks (`bulletin.destinations`). Reading needs
no database: a place is a province (full, short or its one-character abbreviation,
`ABBREVIATIONS`), a name the gazetteer holds, a name with an administrative suffix, or a
short name (two to four characters) in the slot a destination takes. Generic words in that
slot (当地, 家门口, 省外, 帮扶车间, 企业) name no place and are not read."""

from __future__ import annotations

import re

from pairaid.bulletin.extract.claims import CJK, DESTINATION_TAG
from pairaid.bulletin.extract.subjects import FULL_NAMES, Gazetteer

# The one-character abbreviations of the provinces (简称), as texts write a destination
# (来沪务工, 赴粤就业, 输送到浙): the one small table the reading and the checking share.
ABBREVIATIONS = {
    "京": "北京市", "津": "天津市", "沪": "上海市", "渝": "重庆市", "冀": "河北省",
    "晋": "山西省", "蒙": "内蒙古自治区", "辽": "辽宁省", "吉": "吉林省", "黑": "黑龙江省",
    "苏": "江苏省", "浙": "浙江省", "皖": "安徽省", "闽": "福建省", "赣": "江西省",
    "鲁": "山东省", "豫": "河南省", "鄂": "湖北省", "湘": "湖南省", "粤": "广东省",
    "桂": "广西壮族自治区", "琼": "海南省", "川": "四川省", "蜀": "四川省", "黔": "贵州省",
    "滇": "云南省", "藏": "西藏自治区", "陕": "陕西省", "甘": "甘肃省", "陇": "甘肃省",
    "青": "青海省", "宁": "宁夏回族自治区", "新": "新疆维吾尔自治区",
}  # fmt: skip

PLACE = rf"(?P<place>[{CJK}][{CJK}、]{{0,15}}?)"
MANY = "(?:等地区|等省市|等城市|等地|各地)?"
# The work itself, not an office or service named after it (在泸州市就业服务中心登记).
WORK = (
    "(?:稳定|实现|转移|从事|参与)?(?:务工就业|就业|务工|打工)"
    "(?!服务|中心|局|指导|培训|率|渠道|信息|政策|形势|困难)"
)
# 到 and 来 only as verbs of going: not 达到/得到/做到, not 以来/年来/近来/从来.
TO = "(?<![达得受做遇感收想回提找直])到"
COME = "(?<![以年后未从起原本近将回出看带下上过进])来"
FORMS = (
    # 到泸州就业, 来奉就业, 赴粤务工, 在泸州市稳定就业
    re.compile(rf"(?:{TO}|{COME}|赴|前往|去|在){PLACE}{MANY}{WORK}"),
    # 转移到浙江务工, 输送至泸州, 劳务输出到杭州: the place runs to a break or a work word
    re.compile(
        rf"(?:转移|输送|输出)(?:到|至|往){PLACE}{MANY}"
        rf"(?=务工|就业|打工|的|[，,。；;！!？?（(\d一二三四五六七八九十两百千万]|$)"
    ),
    # 向江阳区输出劳动力, 向浙江转移就业, 向泸州输送300人
    re.compile(rf"向{PLACE}{MANY}(?:输出|输送|转移)(?:劳动力|劳务|就业|务工|$)"),
)
# Words in the destination's slot that name no place (or are the work itself).
NOT_PLACES = re.compile(
    "稳定|实现|就业|务工|劳动|劳务|帮助|组织|引导|带动|动员|累计|共|人员|群众|农民|贫困|脱贫|"
    "企业|公司|工厂|厂|园区|基地|车间|合作社|岗位|工地|单位|项目|一线|外地|外省|异地|"
    "省外|市外|县外|区外|省内|市内|县内|区内|境内|本地|当地|家门口|家乡|附近|周边|就近|就地|"
    "城镇|城市|城里|县城|东部|西部|沿海|发达|地区|乡村|农村|境外|国外|海外|全国|各地|"
    "此|该|这|其|本|公益|学校|医院|外出"
)
# A one-character place after 来/赴/到 (来奉就业, 赴甬务工) is a short name.
ONE_CHARACTER_AFTER = ("来", "赴", "到")
SUFFIXED = re.compile(rf"[{CJK}]{{1,12}}(?:省|市|区|县|州|盟|旗)")


def destination_tags(
    metric: str,
    tags: tuple[str, ...],
    before: str,
    after: str,
    gazetteer: Gazetteer,
    broken_down: str = "",
) -> tuple[str, ...]:
    """The claim's tags with its destination (`去向:泸州`) when it is a jobs claim that names
    one; a workshop's jobs (车间) stay where the workshop is. A breakdown that names none
    (到泸州就业1420人，其中脱贫劳动力870人) has the destination of the figure it breaks
    down (`broken_down`)."""
    if metric != "jobs" or "车间" in tags:
        return tags
    place = destination_in(before, after, gazetteer)
    if not place and "其中" in before:
        place = broken_down
    return (*tags, DESTINATION_TAG + place) if place else tags


def destination_in(before: str, after: str, gazetteer: Gazetteer) -> str:
    """The destination of the workers a jobs figure counts, as written (泸州; 泸州、成都), from
    the clause before the figure (the phrase nearest to it) or, failing that, the words right
    after it up to the next figure (none after a list break: 、到广东3000人 is the next
    item's); "" when the clause names none."""
    found = [match for form in FORMS for match in form.finditer(before)]
    for match in sorted(found, key=lambda m: m.end(), reverse=True):
        if is_place(match, gazetteer):
            return match.group("place")
    after = "" if after.startswith("、") else re.split(r"\d", after, maxsplit=1)[0]
    found = [match for form in FORMS for match in form.finditer(after)]
    for match in sorted(found, key=lambda m: m.start()):
        if is_place(match, gazetteer):
            return match.group("place")
    return ""


def is_place(match: re.Match[str], gazetteer: Gazetteer) -> bool:
    place = match.group("place")
    if NOT_PLACES.search(place):
        return False
    parts = place_parts(place)
    if len(parts) == 1 and len(place) == 1:
        return place in ABBREVIATIONS or match.group(0)[0] in ONE_CHARACTER_AFTER
    return all(known(part, gazetteer) or 2 <= len(part) <= 4 for part in parts)


def known(part: str, gazetteer: Gazetteer) -> bool:
    return (
        part in ABBREVIATIONS
        or part in FULL_NAMES
        or part in gazetteer.get(part[0], ())
        or bool(SUFFIXED.fullmatch(part))
    )


def place_parts(place: str) -> list[str]:
    """The places a destination names, in order: 泸州、成都 → 泸州, 成都; 浙江省杭州市 →
    浙江省, 杭州市; 浙江杭州 → 浙江, 杭州 (a province's short name is cut off the front)."""
    parts: list[str] = []
    for piece in filter(None, re.split("[、和及与]", place)):
        while piece:
            province = next(
                (name for name in sorted(FULL_NAMES, key=len, reverse=True)
                 if piece.startswith(name) and len(piece) > len(name)),
                None,
            )  # fmt: skip
            if province is None:
                match = re.match(rf"[{CJK}]+?(?:自治州|自治县|省|市|区|县|盟|旗)", piece)
                if match is None or match.end() == len(piece):
                    parts.append(piece)
                    break
                province = match.group(0)
            parts.append(province)
            piece = piece[len(province) :]
    return parts

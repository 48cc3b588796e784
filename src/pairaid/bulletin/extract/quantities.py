"""The figures in a text (`14654.73万元`, `近5000人`): the number, its unit and its qualifier.

Besides plain figures, the forms officials write when a figure is not known to the unit:
a magnitude without a figure (`百余人`, `超过百亿元`, `上千万元`, `数十名`), a spoken range
(`五六十名`), a written range (`15万元—52万元`) and a figure with 几 (`二十几个`). Each is
read as its lower bound; the ones whose figure is not written out are marked uncertain with
the reason, never completed by a guess."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pairaid.bulletin.extract.claims import ABOUT, CJK, EXACT, MORE_THAN, NEARLY
from pairaid.bulletin.numbers import (
    ARABIC_NUMBER,
    BIG_UNITS,
    CHINESE_NUMBER,
    DIGITS,
    SMALL_UNITS,
    NotANumber,
    integral,
    parse_number,
)

# --- figures -------------------------------------------------------------------------------

MONEY_UNITS = ("元",)
PERSON_UNITS = ("人次", "人", "名", "位")
COUNT_UNITS = (
    "个", "项", "所", "家", "户", "批", "次", "场", "期", "座", "套", "台", "亩", "吨",
    "公里", "平方米", "头", "只", "株", "间", "处", "条", "支", "批次", "%", "种", "款",
    "份", "块钱", "大", "类",
)  # fmt: skip
CHINESE_ONLY_UNITS = {"大"}  # 八大领域, 五大项目; never after digits (2大)
UNITS = sorted((*MONEY_UNITS, *PERSON_UNITS, *COUNT_UNITS), key=len, reverse=True)
PRE_QUALIFIERS = {
    "近": NEARLY, "将近": NEARLY, "接近": NEARLY, "约": ABOUT, "大约": ABOUT,
    "逾": MORE_THAN, "超过": MORE_THAN, "超": MORE_THAN, "多于": MORE_THAN,
    "不低于": MORE_THAN, "不少于": MORE_THAN, "至少": MORE_THAN, "突破": MORE_THAN,
}  # fmt: skip
POST_QUALIFIERS = {"左右": ABOUT, "以上": MORE_THAN, "有余": MORE_THAN, "多": MORE_THAN}
NOT_ABOUT = "签预节制契条公特邀履相违续践"  # 签约127个项目 is 127, not about 127
_PRE = "|".join(sorted(PRE_QUALIFIERS, key=len, reverse=True))
_UNIT = "|".join(re.escape(u) for u in UNITS)
_MAG = "万亿|千万|百万|亿|万|千"
FIGURE = re.compile(
    rf"(?P<pre>{_PRE})?"
    rf"(?P<number>{ARABIC_NUMBER}|{CHINESE_NUMBER})(?P<few>几)?"
    rf"(?P<mid>余|多)? ?(?P<mag>{_MAG})?(?P<mid2>余|多)?"
    rf"(?P<unit>{_UNIT})"
    r"(?P<post>左右|以上|有余)?"
)
# A magnitude without a figure: 百余人, 千余个, 超过百亿元, 逾百万元, 上千万元, 数十名, 近千人.
BARE_FIGURE = re.compile(
    rf"(?P<pre>{_PRE}|上|数|几)?(?P<mag>百亿|千亿|百万|千万|十万|万亿|十|百|千|万|亿)"
    rf"(?P<mid>余|多)?(?P<unit>{_UNIT})"
)
# People counted in 万 with no measure word before the noun (逾6.2万建档立卡贫困家庭劳动力,
# 培训54万农民兄弟): the noun names people, so the figure counts persons.
PEOPLE_NOUNS = "劳动力|农民|群众|人口|农牧民|劳动者|贫困户|脱贫户|务工人员"
UNITLESS_PEOPLE = re.compile(
    rf"(?P<pre>{_PRE})?(?P<number>{ARABIC_NUMBER})(?P<mag>万|亿)(?P<mid>余|多)?"
    rf"(?=[{CJK}]{{0,8}}?(?:{PEOPLE_NOUNS}))"
)
SPOKEN_RANGE = re.compile("^([一二三四五六七八])([二三四五六七八九])([十百千万]?)$")
# The first half of a written range, right before a figure: 15万元— / 15— / 15万至.
RANGE_HEAD = re.compile(
    rf"(?P<low>{ARABIC_NUMBER})(?P<mag>{_MAG})?(?:{_UNIT})? ?(?:—{{1,2}}|–|~|～|-|至|到) ?$"
)
MAGNITUDE_ONLY = "只写了数量级，未写出具体数字"


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    number: str
    value: Decimal
    magnitude: Decimal
    unit: str
    qualifier: str
    base: str  # 元, 人, 个 … without the magnitude
    upper: Decimal | None = None  # the top of a range (15万元—52万元 → 520000)
    why_uncertain: str = ""


def quantities_in(text: str, start: int, end: int) -> list[Quantity]:
    found = []
    for match in FIGURE.finditer(text, start, end):
        figure = read_quantity(text, match)
        if figure is not None:
            found.append(ranged(text, start, figure))
    found = [f for f in found if not any(o is not f and o.start <= f.start and f.end <= o.end
                                         for o in found)]  # fmt: skip
    # Then the forms without a written figure or unit, where no figure was read already.
    for pattern, read in ((BARE_FIGURE, read_bare), (UNITLESS_PEOPLE, read_unitless)):
        for match in pattern.finditer(text, start, end):
            if any(f.start < match.end() and match.start() < f.end for f in found):
                continue
            figure = read(text, match)
            if figure is not None:
                found.append(figure)
    return sorted(found, key=lambda figure: figure.start)


def read_unitless(text: str, match: re.Match[str]) -> Quantity | None:
    before = text[match.start("number") - 1] if match.start("number") else ""
    if before and (before in "第.-/" or before.isdigit()):
        return None
    following = text[match.end() : match.end() + 1]
    if following in UNITS or following in "元年月日":
        return None  # 3万元, 5万人 and dates are read by the figure reader, or are no count
    factor = parse_number("1" + match["mag"])
    pre = match["pre"]
    qualifier = PRE_QUALIFIERS[pre] if pre else MORE_THAN if match["mid"] else EXACT
    return Quantity(
        start=match.start("pre") if pre else match.start("number"),
        end=match.end(),
        number=match["number"],
        value=parse_number(match["number"]) * factor,
        magnitude=factor,
        unit=match["mag"] + "人",
        qualifier=qualifier,
        base="人",
    )


def read_quantity(text: str, match: re.Match[str]) -> Quantity | None:
    number, base = match["number"], match["unit"]
    magnitude_text = match["mag"] or ""
    before = text[match.start("number") - 1] if match.start("number") else ""
    in_range = before and before in "-~" and RANGE_HEAD.search(text, 0, match.start("number"))
    if (
        (before and before in "第.-/~" and not in_range)
        or before.isdigit()
        or re.match("[A-Za-z]", before)
    ):
        return None  # an ordinal (第三批), part of a date, a code or a longer number
    if before == " " and text[max(0, match.start("number") - 2)] in "第":
        return None  # 第 3 批
    chinese = not number[0].isdigit()
    if chinese and before and before in "数几":
        return None  # 数十名, 几百人: a magnitude without its figure (see read_bare)
    if base in CHINESE_ONLY_UNITS and (len(number) > 1 or number not in "三四五六七八九"):
        return None  # 八大领域 is counted, 二十大 (a congress) and 2大 are not
    why = ""
    upper: Decimal | None = None
    if chinese:
        if not any(char in DIGITS or char == "十" for char in number):
            return None  # 千家万户, 百姓: a magnitude alone is no figure (see read_bare)
        if number[-1] in BIG_UNITS and not magnitude_text and len(number) > 1:
            number, magnitude_text = number[:-1], number[-1]  # 五十万元: 五十 + 万元
        if re.search(r"一(.)一\1", text[max(0, match.start() - 2) : match.end() + 2]):
            return None  # 一项一项: an idiom, not a count
        if number == "一" and not magnitude_text:
            return None  # 一家亲, 一条路, 一所学校: a word more often than a figure (一万 is one)
        if number in {"两", "二"} and base not in {"所", "家", "个", "名", "人", "位", "项"}:
            return None
        spoken = SPOKEN_RANGE.match(number)
        if spoken and DIGITS[spoken[2]] == DIGITS[spoken[1]] + 1:
            place = SMALL_UNITS.get(spoken[3], BIG_UNITS.get(spoken[3], 1)) if spoken[3] else 1
            number = spoken[1] + spoken[3]
            upper = Decimal(DIGITS[spoken[2]] * place)
    try:
        factor = parse_number("1" + magnitude_text) if magnitude_text else Decimal(1)
        if chinese and any(BIG_UNITS.get(char, 0) > factor for char in number):
            # 一亿二千三百万元: the 亿 is counted in 万 too, so the whole spelling is read
            value = integral(parse_number(number + magnitude_text) / factor)
        else:
            value = parse_number(number)
    except NotANumber:
        return None
    if not value and base != "%":
        return None
    qualifier = EXACT
    for part in ("mid", "mid2"):
        if match[part]:
            qualifier = MORE_THAN
    if match["few"]:
        qualifier, why = MORE_THAN, "“几”：末位数字未写明"
    if match["post"]:
        qualifier = POST_QUALIFIERS[match["post"]]
    pre = match["pre"]
    if pre == "约" and match.start("pre") and text[match.start("pre") - 1] in NOT_ABOUT:
        pre = None  # 签约, 节约, 制约: a word, not a qualifier
    if pre:
        qualifier = PRE_QUALIFIERS[pre]
    after = text[match.end() : match.end() + 1]
    if after == "多" and qualifier == EXACT and base not in {"%"}:
        qualifier = MORE_THAN  # 300人多 is rare, but 10个多月 is a duration: units guard it
    if upper is not None:
        qualifier = MORE_THAN
        upper = upper * factor
    start = match.start("pre") if pre else match.start("number")
    return Quantity(
        start=start,
        end=match.end(),
        number=number,
        value=value * factor,
        magnitude=factor,
        unit=magnitude_text + base,
        qualifier=qualifier,
        base=base,
        upper=upper,
        why_uncertain=why,
    )


def ranged(text: str, start: int, figure: Quantity) -> Quantity:
    """15万元—52万元 (or 15—52万元): one figure, from the lower bound up to the upper."""
    if figure.upper is not None or figure.qualifier != EXACT:
        return figure
    head = RANGE_HEAD.search(text, start, figure.start)
    if head is None:
        return figure
    magnitude = parse_number("1" + head["mag"]) if head["mag"] else figure.magnitude
    try:
        low = parse_number(head["low"]) * magnitude
    except NotANumber:
        return figure
    if not 0 < low < figure.value:
        return figure  # 2021-2025年 or 3-1: not a range of amounts
    return Quantity(
        start=head.start(),
        end=figure.end,
        number=head["low"],
        value=low,
        magnitude=magnitude,
        unit=figure.unit,
        qualifier=MORE_THAN,
        base=figure.base,
        upper=figure.value,
    )


def read_bare(text: str, match: re.Match[str]) -> Quantity | None:
    """百余人, 超过百亿元, 上千万元, 数十名: the magnitude is the lower bound (more than),
    近千人 the upper (nearly); uncertain, as the figure itself is not written."""
    pre, mag, base = match["pre"] or "", match["mag"], match["unit"]
    if base in CHINESE_ONLY_UNITS:
        return None
    before = text[match.start() - 1] if match.start() else ""
    if before in DIGITS or before in SMALL_UNITS or before in BIG_UNITS or before.isdigit():
        return None  # part of a longer number the figure reader has already refused
    if pre == "约" and before in NOT_ABOUT:
        pre = ""
    if not pre and not match["mid"]:
        return None  # 千家万户, 百姓, 万人空巷: words, not figures
    if pre in {"数", "几"}:
        qualifier = MORE_THAN  # 数十名: at least ten
    elif pre and pre != "上":
        qualifier = PRE_QUALIFIERS[pre]
    else:
        qualifier = MORE_THAN  # 百余人, 上千万元
    if mag == "十" and pre not in {"数", "几"}:
        return None  # 十余人 is a figure the figure reader takes
    value = parse_number("1" + mag)
    start = match.start() if pre else match.start("mag")
    return Quantity(
        start=start,
        end=match.end(),
        number="1",
        value=value,
        magnitude=value,
        unit=mag + base if base == "元" else base,
        qualifier=qualifier,
        base=base,
        why_uncertain=MAGNITUDE_ONLY,
    )

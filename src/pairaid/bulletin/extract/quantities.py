"""The figures in a text (`14654.73万元`, `近5000人`): the number, its unit and its qualifier."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pairaid.bulletin.extract.claims import ABOUT, EXACT, MORE_THAN, NEARLY
from pairaid.bulletin.numbers import (
    ARABIC_NUMBER,
    BIG_UNITS,
    CHINESE_NUMBER,
    DIGITS,
    NotANumber,
    parse_number,
)

# --- figures -------------------------------------------------------------------------------

MONEY_UNITS = ("元",)
PERSON_UNITS = ("人次", "人", "名", "位")
COUNT_UNITS = (
    "个", "项", "所", "家", "户", "批", "次", "场", "期", "座", "套", "台", "亩", "吨",
    "公里", "平方米", "头", "只", "株", "间", "处", "条", "支", "批次", "%",
)  # fmt: skip
UNITS = sorted((*MONEY_UNITS, *PERSON_UNITS, *COUNT_UNITS), key=len, reverse=True)
PRE_QUALIFIERS = {
    "近": NEARLY, "将近": NEARLY, "接近": NEARLY, "约": ABOUT, "大约": ABOUT,
    "逾": MORE_THAN, "超过": MORE_THAN, "超": MORE_THAN, "多于": MORE_THAN,
    "不低于": MORE_THAN, "不少于": MORE_THAN, "至少": MORE_THAN,
}  # fmt: skip
POST_QUALIFIERS = {"左右": ABOUT, "以上": MORE_THAN, "有余": MORE_THAN, "多": MORE_THAN}
FIGURE = re.compile(
    rf"(?P<pre>{'|'.join(sorted(PRE_QUALIFIERS, key=len, reverse=True))})?"
    rf"(?P<number>{ARABIC_NUMBER}|{CHINESE_NUMBER})"
    r"(?P<mid>余|多)?(?P<mag>万亿|千万|百万|亿|万|千)?(?P<mid2>余|多)?"
    rf"(?P<unit>{'|'.join(re.escape(u) for u in UNITS)})"
    r"(?P<post>左右|以上|有余)?"
)


# --- figures -------------------------------------------------------------------------------


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


def quantities_in(text: str, start: int, end: int) -> list[Quantity]:
    found = []
    for match in FIGURE.finditer(text, start, end):
        figure = read_quantity(text, match)
        if figure is not None:
            found.append(figure)
    return found


def read_quantity(text: str, match: re.Match[str]) -> Quantity | None:
    number, base = match["number"], match["unit"]
    magnitude_text = match["mag"] or ""
    before = text[match.start("number") - 1] if match.start("number") else ""
    if before in "第.-/" or before.isdigit() or re.match(r"[A-Za-z]", before):
        return None  # an ordinal (第三批), part of a date, a code or a longer number
    chinese = not number[0].isdigit()
    if chinese:
        if not any(char in DIGITS or char == "十" for char in number):
            return None  # 千家万户, 百姓: a magnitude alone is no figure
        if number[-1] in BIG_UNITS and not magnitude_text and len(number) > 1:
            number, magnitude_text = number[:-1], number[-1]  # 五十万元: 五十 + 万元
        if re.search(r"一(.)一\1", text[max(0, match.start() - 2) : match.end() + 2]):
            return None  # 一项一项: an idiom, not a count
        if number == "一" and not magnitude_text:
            return None  # 一家亲, 一条路, 一所学校: a word more often than a figure (一万 is one)
        if number in {"两", "二"} and base not in {"所", "家", "个", "名", "人", "位", "项"}:
            return None
    try:
        value = parse_number(number)
        factor = parse_number("1" + magnitude_text) if magnitude_text else Decimal(1)
    except NotANumber:
        return None
    if not value and base != "%":
        return None
    qualifier = EXACT
    for part in ("mid", "mid2"):
        if match[part]:
            qualifier = MORE_THAN
    if match["post"]:
        qualifier = POST_QUALIFIERS[match["post"]]
    if match["pre"]:
        qualifier = PRE_QUALIFIERS[match["pre"]]
    after = text[match.end() : match.end() + 1]
    if after == "多" and qualifier == EXACT and base not in {"%"}:
        qualifier = MORE_THAN  # 300人多 is rare, but 10个多月 is a duration: units guard it
    start = match.start("pre") if match["pre"] else match.start("number")
    return Quantity(
        start=start,
        end=match.end(),
        number=number,
        value=value * factor,
        magnitude=factor,
        unit=magnitude_text + base,
        qualifier=qualifier,
        base=base,
    )

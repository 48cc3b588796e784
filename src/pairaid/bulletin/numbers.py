"""Numbers as published texts write them: Arabic (`14654.73`, `3,200`), Chinese
(`一百五十四`, `两千`, `一万二千`, `三点五`, `壹佰`), or both (`1.2万`, `3千`).

Values are exact `Decimal`s: a figure from a text is compared with the ledger to the fen.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "幺": 1, "二": 2, "贰": 2, "两": 2,
    "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
CHINESE_CHARS = "".join([*DIGITS, *SMALL_UNITS, *BIG_UNITS])
CHINESE_NUMBER = f"[{CHINESE_CHARS}]+(?:点[{''.join(DIGITS)}]+)?"
ARABIC_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
# A number as written: Arabic digits, maybe followed by a Chinese magnitude (1.2万, 3千),
# or Chinese numerals throughout.
NUMBER = re.compile(rf"{ARABIC_NUMBER}(?:[千百]?[万亿]?)|{CHINESE_NUMBER}")


class NotANumber(ValueError):
    pass


def parse_number(text: str) -> Decimal:
    """The value of a written number, e.g. `一百五十四` → 154, `1.2万` → 12000."""
    text = text.strip().replace(",", "").replace("，", "")
    if not text:
        raise NotANumber(text)
    head = re.match(r"\d+(?:\.\d+)?", text)
    if head:
        rest = text[head.end() :]
        try:
            value = Decimal(head.group(0))
        except InvalidOperation as exc:
            raise NotANumber(text) from exc
        return integral(value * magnitude(rest) if rest else value)
    return integral(parse_chinese(text))


def integral(value: Decimal) -> Decimal:
    """12000.0 → 12000: a whole number carries no decimal places."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def magnitude(text: str) -> Decimal:
    """`万` → 10000, `千万` → 10000000, `亿` → 100000000 (after Arabic digits)."""
    factor = Decimal(1)
    for char in text:
        if char in SMALL_UNITS:
            factor *= SMALL_UNITS[char]
        elif char in BIG_UNITS:
            factor *= BIG_UNITS[char]
        else:
            raise NotANumber(text)
    return factor


def parse_chinese(text: str) -> Decimal:
    """Chinese numerals, positional (`一百五十四`, `十二`, `两千零五`, `一万二千`,
    `三点五`) or plain digit strings (`二〇二二`)."""
    if "点" in text:
        whole, _, fraction = text.partition("点")
        if not fraction or any(char not in DIGITS for char in fraction):
            raise NotANumber(text)
        decimals = "".join(str(DIGITS[char]) for char in fraction)
        return (
            parse_chinese(whole) + Decimal(f"0.{decimals}") if whole else Decimal(f"0.{decimals}")
        )
    if any(char not in CHINESE_CHARS for char in text):
        raise NotANumber(text)
    if all(char in DIGITS for char in text):
        return Decimal("".join(str(DIGITS[char]) for char in text))
    return Decimal(positional(text))


def positional(text: str) -> int:
    """Sections split by 亿 and 万, each a sum of digit × 十/百/千.

    A final digit straight after a unit abbreviates the next place down (`一万二` = 12000,
    `三百五` = 350), as people say it."""
    total = 0  # whole 亿
    wan = 0  # whole 万 below the last 亿
    section = 0  # below 万
    digit: int | None = None
    last_unit = 1
    for char in text:
        if char in DIGITS:
            if digit:
                raise NotANumber(text)  # 一二 is a digit string, not positional
            digit = DIGITS[char]
        elif char in SMALL_UNITS:
            unit = SMALL_UNITS[char]
            if digit is None and unit == 10 and not section:
                digit = 1  # 十二 = 12
            if not digit or section % (unit * 10):
                raise NotANumber(text)
            section += digit * unit
            digit, last_unit = None, unit
        elif BIG_UNITS[char] == 10_000:
            section += digit or 0
            if not section or wan:
                raise NotANumber(text)
            wan, section, digit, last_unit = section * 10_000, 0, None, 10_000
        else:
            section += digit or 0
            if not (wan or section or total):
                raise NotANumber(text)
            total = (total + wan + section) * 100_000_000
            wan, section, digit, last_unit = 0, 0, None, 100_000_000
    if digit:
        follows_unit = text[-2] not in DIGITS if len(text) > 1 else False
        section += digit * (last_unit // 10 if follows_unit and last_unit >= 10 else 1)
    return total + wan + section


def significant_step(written: str) -> Decimal:
    """The place value of the last significant digit as written, in the unit of
    `parse_number(written)`: `300` → 100, `320` → 10, `1.2` → 0.1, `1.2万` → 1000,
    `三千` → 1000. A published `300余人` is true for 300 up to (not including) 400."""
    text = written.replace(",", "")
    head = re.match(r"(\d+)(?:\.(\d+))?", text)
    if head:
        whole, decimals = head.group(1), head.group(2)
        if decimals:
            step = Decimal(1).scaleb(-len(decimals))
        else:
            stripped = whole.rstrip("0")
            step = Decimal(10) ** (len(whole) - len(stripped)) if stripped else Decimal(1)
        rest = text[head.end() :]
        return step * magnitude(rest) if rest else step
    if "点" in text:
        return Decimal(1).scaleb(-len(text.split("点")[1]))
    value = parse_number(text)
    step = Decimal(1)
    while value and value % (step * 10) == 0:
        step *= 10
    return step


def render_chinese(value: int) -> str:
    """An integer in Chinese numerals as a report writes it (tests, display):
    154 → 一百五十四, 2000 → 二千, 10020 → 一万零二十, 12 → 十二."""
    if value < 0:
        raise ValueError(value)
    if value == 0:
        return "零"
    digits = "零一二三四五六七八九"
    out: list[str] = []
    pending_zero = False
    for size, name in ((100_000_000, "亿"), (10_000, "万"), (1, "")):
        chunk = value // size if size == 100_000_000 else value // size % 10_000
        if size == 100_000_000 and chunk >= 10_000:
            out.append(render_chinese(chunk) + name)
            continue
        if not chunk:
            pending_zero = bool(out)
            continue
        pending_zero = pending_zero or bool(out and chunk < 1000)
        for unit, unit_name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = chunk // unit % 10
            if not digit:
                pending_zero = bool(out)
                continue
            if pending_zero:
                out.append("零")
            pending_zero = False
            leading_ten = not out and unit == 10 and digit == 1
            out.append(("" if leading_ten else digits[digit]) + unit_name)
        out.append(name)
        pending_zero = False
    return "".join(out)

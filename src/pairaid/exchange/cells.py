"""Cells as people type them, turned into values (or a Chinese reason why not).

A cell arrives as whatever the reader gives: text from a CSV, or int/float/date/datetime
from a spreadsheet. Offices type 1,234.50, １２３４．５, 12.5万, 2022年12月1日, 2022.12.1; a
spreadsheet may hold a date as its serial number (44896) or a code typed as a number
(5.13423110202e11). Each parser accepts all of these and refuses everything else with a
`CellError` whose message says, in Chinese, what was expected; text in scientific notation
(1e5, 1E5, 1e-2) is refused, never read as a number.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pairaid.ledger.messages import FIRST_YEAR, LAST_YEAR
from pairaid.ledger.money import CENT, MAX_AMOUNT, WAN
from pairaid.lib.text import FORMULA_START, formula_safe

# Excel's day zero (the 1900 system, with its phantom 1900-02-29 already accounted for
# for every date from 1900-03-01 on).
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial numbers taken as dates: 1950-01-01 .. 2100-12-31. Outside that a number in a date
# column is far more likely a typing slip than a date.
SERIAL_MIN, SERIAL_MAX = 18264, 73415

# Text that a spreadsheet would run as a formula (FORMULA_START): exports prefix it with a
# quote, which `parse_text` takes off again.


class CellError(ValueError):
    """A cell that cannot be read; the message is for the person who typed it."""


def is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def normalise(text: str) -> str:
    """Full-width digits, letters and punctuation to their plain forms; outer spaces gone."""
    return unicodedata.normalize("NFKC", text).strip()


def _number_text(value: float) -> str:
    """A spreadsheet number as the text it was typed as: 15 significant digits (Excel's
    precision), no exponent, no trailing '.0'."""
    text = format(Decimal(format(value, ".15g")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_text(cell: Any) -> str:
    """Text, also from a number typed into a text column (a code, a phone number)."""
    if is_blank(cell):
        return ""
    if isinstance(cell, bool):
        return _("是") if cell else _("否")
    if isinstance(cell, float):
        return _number_text(cell)
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    text = str(cell).strip()
    # Undo the quote an export puts before text that would otherwise run as a formula.
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        text = text[1:]
    return text


def parse_code(cell: Any) -> str:
    """An identifier (project code, person number, voucher): text as written, also when a
    spreadsheet made a number of it (20220001.0 → "20220001"). Not normalised: a code
    is compared exactly with the stored one."""
    return parse_text(cell).strip()


_MONEY_NOISE = re.compile(r"[,\s']|人民币|RMB|CNY|[¥￥]", re.IGNORECASE)


_NUMBER, _AMOUNT = gettext_lazy("数字"), gettext_lazy("金额")


def parse_decimal(cell: Any, *, what: str | Promise | None = None) -> Decimal:
    """A plain decimal number: 1,234.50 · １２３４．５ · 1234 · a spreadsheet number."""
    label = _NUMBER if what is None else what  # translated only for a message
    if isinstance(cell, bool):
        raise CellError(_("应为%(what)s，不是“%(cell)s”") % {"what": label, "cell": cell})
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise CellError(_("应为%(what)s") % {"what": label})
        return _bounded(Decimal(format(cell, ".15g")))
    text = normalise(str(cell))
    cleaned = _MONEY_NOISE.sub("", text)
    if "e" in cleaned.casefold():
        # 1e5 typed as text is a slip or a spreadsheet's display, not what was meant.
        raise CellError(
            _("应为%(what)s，请直接写数字（如 100000.00），不接受科学计数法“%(cell)s”")
            % {"what": label, "cell": text}
        )
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(_("应为%(what)s，不是“%(cell)s”") % {"what": label, "cell": text}) from None
    if not value.is_finite():
        raise CellError(_("应为%(what)s，不是“%(cell)s”") % {"what": label, "cell": text})
    return _bounded(value)


def _bounded(value: Decimal) -> Decimal:
    """Refuse numbers no ledger holds (1e999 would make quantize and int() misbehave)."""
    # a finite value's exponent is an int; the stubs also allow the str of NaN and infinity
    if value and (value.adjusted() > 20 or value.as_tuple().exponent < -20):  # type: ignore[operator]
        raise CellError(_("数字过大或位数过多"))
    return value


def parse_money(cell: Any, *, unit: Decimal = Decimal(1)) -> Decimal:
    """An amount in yuan, two places. `unit` is 10000 when the header says 万元; a cell may
    also carry its own unit (12.5万, 125000元), which wins over the header's."""
    if isinstance(cell, str):
        text = normalise(cell)
        for suffix, scale in (("万元", WAN), ("万", WAN), ("元", Decimal(1))):
            if text.endswith(suffix):
                cell, unit = text[: -len(suffix)], scale
                break
    value = parse_decimal(cell, what=_AMOUNT) * unit
    if value < 0:
        raise CellError(_("金额不能为负数；更正已登记的资金请使用冲销"))
    if value != value.quantize(CENT):
        raise CellError(_("金额最多精确到分（两位小数）：%(value)s元") % {"value": value})
    value = value.quantize(CENT)
    if value > MAX_AMOUNT:
        raise CellError(_("金额过大：最多 %(max)s 元") % {"max": MAX_AMOUNT})
    return value


def parse_int(cell: Any, *, minimum: int | None = 0, maximum: int | None = None) -> int:
    """A whole number: 12 · １２ · 1,200 · 12.0 · 85%."""
    if isinstance(cell, str):
        text = normalise(cell)
        cell = text[:-1] if text.endswith("%") else text
    value = parse_decimal(cell, what=_("整数"))
    if value != value.to_integral_value():
        raise CellError(_("应为整数，不是“%(cell)s”") % {"cell": value})
    number = int(value)
    if minimum is not None and number < minimum:
        raise CellError(_("不能小于%(min)s") % {"min": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("不能大于%(max)s") % {"max": maximum})
    return number


def parse_year(cell: Any) -> int:
    """A year: 2022 · 2022年 · ２０２２."""
    if isinstance(cell, str):
        text = normalise(cell)
        cell = text[:-1] if text.endswith("年") else text
    try:
        return parse_int(cell, minimum=FIRST_YEAR, maximum=LAST_YEAR)
    except CellError:
        raise CellError(_("应为年份（如 2022），不是“%(cell)s”") % {"cell": cell}) from None


_DATE = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MIDNIGHT = re.compile(r"^(.*?)[\sT]+0{1,2}:00(:00(\.0+)?)?$")
DATE_HINT = "2022年12月1日、2022.12.1、2022/12/01 或 2022-12-01"


def from_serial(serial: float) -> dt.date:
    if not SERIAL_MIN <= serial <= SERIAL_MAX or serial != int(serial):
        raise CellError(_("应为日期，如 %(hint)s") % {"hint": DATE_HINT})
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_date(cell: Any) -> dt.date:
    """A date as typed: 2022年12月1日 · 2022.12.1 · 2022/12/01 · 2022-12-01 · 20221201 ·
    a spreadsheet date or its serial number (44896)."""
    if isinstance(cell, dt.datetime):
        if cell.time() != dt.time(0):
            raise CellError(_("应为日期，不含时刻"))
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, bool):
        raise CellError(_("应为日期，如 %(hint)s") % {"hint": DATE_HINT})
    if isinstance(cell, int | float):
        # 20221201 typed into a number cell: a spreadsheet reader gives it as a float.
        if float(cell).is_integer() and 19000101 <= cell <= 21001231:
            cell = str(int(cell))
        else:
            return from_serial(cell)
    text = normalise(str(cell))
    midnight = _MIDNIGHT.match(text)
    if midnight:
        text = midnight.group(1)
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is None:
        if re.fullmatch(r"\d{5}(\.0+)?", text):
            return from_serial(float(text))
        raise CellError(
            _("应为日期，如 %(hint)s，不是“%(cell)s”") % {"hint": DATE_HINT, "cell": text}
        )
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(_("没有这一天：“%(cell)s”") % {"cell": text}) from None


def choice_index(choices: Any) -> dict[str, str]:
    """Label → value and value → value, for a Django `TextChoices`, compared normalised and
    case-blind so that 拨付, transfer and TRANSFER all find `transfer`."""
    index: dict[str, str] = {}
    for value, label in choices.choices:
        if value == "":
            continue
        index[normalise(str(value)).casefold()] = value
        index[normalise(str(label)).casefold()] = value
    return index


def parse_choice(cell: Any, choices: Any, index: dict[str, str] | None = None) -> str:
    index = index if index is not None else choice_index(choices)
    text = normalise(parse_text(cell))
    found = index.get(text.casefold())
    if found is None:
        options = "、".join(str(label) for value, label in choices.choices if value != "")
        raise CellError(
            _("“%(cell)s”不是可选值；可选：%(options)s") % {"cell": text, "options": options}
        )
    return found


def neutralise(value: Any) -> Any:
    """A value safe to hand to a spreadsheet: text that a spreadsheet would take for a
    formula gets a leading quote, characters XML cannot carry are dropped; numbers and
    dates stay what they are."""
    return formula_safe(value)

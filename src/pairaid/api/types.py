"""Field types of the API's schemas, bounded as the database bounds them.

A request that the database would refuse (a number beyond a 64-bit integer, a NUL character
PostgreSQL cannot store, money with three decimals) is refused here with a 422, so that no
request reaches the database in a shape that could make it fail with a 500.

Money travels as a string of yuan with at most two decimals ("146547300.00"): JSON numbers
are floats in most clients, and floats cannot hold money exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db import models
from django.utils.translation import gettext as _
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic_core import CoreSchema

from pairaid.ledger.messages import FIRST_YEAR, LAST_YEAR
from pairaid.ledger.money import MAX_AMOUNT, MAX_DIGITS

MAX_ID = 2**63 - 1  # a 64-bit primary key, on SQLite and PostgreSQL alike
MAX_OFFSET = 2**31 - 1


def _not_bool(value: Any) -> Any:
    """JSON's true and false are not the numbers 1 and 0 (pydantic would take them so)."""
    if isinstance(value, bool):
        raise ValueError(_("应为整数，不能是 true 或 false"))
    return value


# After the bounds: a validator placed before them would hide them from the OpenAPI document.
NotBool = BeforeValidator(_not_bool)
Id = Annotated[int, Field(ge=1, le=MAX_ID), NotBool]
SmallCount = Annotated[int, Field(ge=0, le=32767), NotBool]
Count = Annotated[int, Field(ge=0, le=2_147_483_647), NotBool]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR, description="年度，如 2022"), NotBool]
Percent = Annotated[int, Field(ge=0, le=100), NotBool]

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    """Only "YYYY-MM-DD" (pydantic would read the number 0 as 1970-01-01)."""
    if isinstance(value, dt.date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise ValueError(_("应为日期（YYYY-MM-DD）"))


Date = Annotated[dt.date, BeforeValidator(_iso_date)]

# Characters that reorder the text around them on screen (U+202A–U+202E, U+2066–U+2069):
# a record name holding one can display as something other than what it stores.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _printable(value: str) -> str:
    if any(ch == "\x00" or "\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError(_("不能包含空字符或无效字符"))
    if any(ch in BIDI_CONTROLS for ch in value):
        raise ValueError(_("不能包含改变文字方向的控制字符"))
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(_("不能只有空白"))
    return value


def text(max_length: int, *, min_length: int = 0, description: str | None = None) -> object:
    """A string as a CharField (or a bounded TextField) stores it; a required one
    (min_length ≥ 1) may not be only spaces. The type, made at run time (a schema made from
    a model's fields uses it); a schema written out uses `Annotated[str, Text(…)]`."""
    checks = [AfterValidator(_printable)]
    if min_length:
        checks.append(AfterValidator(_not_blank))
    return Annotated[
        str,
        Field(min_length=min_length, max_length=max_length, description=description),
        *checks,
    ]


@dataclass(frozen=True)
class Text:
    """`Annotated[str, Text(300, min_length=1)]`: a field of `text(300, min_length=1)`,
    validated and documented as that type is, and a `str` to the type checker."""

    max_length: int
    min_length: int = 0
    description: str | None = None

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return handler.generate_schema(
            text(self.max_length, min_length=self.min_length, description=self.description)
        )


LONG_TEXT = 20_000  # TextFields have no limit in the database; the API sets one


def choice(choices: type[models.TextChoices]) -> object:
    """The codes of a Django choices class as an enum in the schema (`Literal` of the
    codes), made at run time."""
    return Literal[tuple(choices.values)]


@dataclass(frozen=True)
class Choice:
    """`Annotated[str, Choice(Project.Sector)]`: one of the codes of a Django choices class,
    validated and documented as `choice(Project.Sector)` is (an enum in the schema), and a
    `str` to the type checker."""

    choices: type[models.TextChoices]

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return handler.generate_schema(choice(self.choices))


# A field of a PATCH body that the request may leave out (`Annotated[X, Unsent]`): its
# default is None, which marks it as not sent; `null` sent is refused as before, and the
# schema documents the type alone (with "default": null), not "X or null".
Unsent = Field(default=None)


# Whole yuan have at most MAX_DIGITS - 2 digits: the pattern and MAX_AMOUNT agree.
MONEY_IN_PATTERN = rf"^[0-9]{{1,{MAX_DIGITS - 2}}}(\.[0-9]{{1,2}})?$"
MONEY_OUT_PATTERN = rf"^-?[0-9]{{1,{MAX_DIGITS - 2}}}\.[0-9]{{2}}$"


def _money_string_in(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(MONEY_IN_PATTERN, value):
        raise ValueError(_('金额应为字符串形式的元，最多两位小数，如 "1000000.00"'))
    return value


def _money_at_most_max(value: Decimal) -> Decimal:
    if value > MAX_AMOUNT:
        raise ValueError(_("金额不能超过 %(max)s 元") % {"max": MAX_AMOUNT})
    return value


MoneyIn = Annotated[
    Decimal,
    BeforeValidator(_money_string_in),
    AfterValidator(_money_at_most_max),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": MONEY_IN_PATTERN,
            "description": '金额（元），字符串，最多两位小数，如 "146547300.00"',
            "examples": ["1000000.00"],
        }
    ),
]


def _money_string(value: Decimal) -> str:
    return f"{value:.2f}"


MoneyOut = Annotated[
    Decimal,
    PlainSerializer(_money_string, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": MONEY_OUT_PATTERN, "description": "金额（元），两位小数"}
    ),
]

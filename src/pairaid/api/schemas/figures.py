"""The bodies of a pairing's figures: each figure with its rule and window, and rates."""

from __future__ import annotations

from pydantic import Field

from pairaid.api.schemas.base import Out
from pairaid.api.types import (
    Date,
)
from pairaid.ledger.record_types import AREAS


class FigureOut(Out):
    key: str
    label: str
    value: str | int = Field(description="金额为元的字符串（两位小数），个数和人数为整数")
    unit: str
    rule: str = Field(description="口径")
    as_of: Date
    from_year: int
    to_year: int
    confirmed_only: bool
    area: str = Field(
        description=(
            f"所属考核领域（{'、'.join(AREAS)}，见 area_label）；"
            "资金、项目、人员等自有栏目的数字为空字符串"
        )
    )
    area_label: str = Field(description="考核领域的名称（中文），不属于考核领域时为空字符串")


class RateOut(Out):
    key: str
    label: str
    percent: str | None = Field(description="百分比，两位小数；分母为零时为 null")
    rule: str
    numerator: str
    denominator: str


class FigurePairingOut(Out):
    id: int
    name: str
    helper: str
    recipient: str
    scheme: str


class WindowOut(Out):
    pairing_ids: list[int]
    from_year: int
    to_year: int
    as_of: Date
    confirmed_only: bool
    description: str


class FiguresOut(Out):
    pairing: FigurePairingOut
    window: WindowOut
    sentence: str
    figures: list[FigureOut]
    rates: list[RateOut]

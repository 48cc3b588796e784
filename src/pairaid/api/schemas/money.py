"""Bodies of projects and fund flows, and of the recipient side's answer to them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from pairaid.api.schemas.base import In, Out
from pairaid.api.types import (
    LONG_TEXT,
    Choice,
    Count,
    Date,
    Id,
    MoneyIn,
    MoneyOut,
    Percent,
    Text,
    Unsent,
    Year,
)
from pairaid.ledger.models import (
    Confirmation,
    FundFlow,
    Project,
)

# --- projects and money --------------------------------------------------------------------


class ProjectOut(Out):
    id: int
    pairing_id: int
    code: str
    name: str
    sector: Annotated[str, Choice(Project.Sector)]
    mode: Annotated[str, Choice(Project.Mode)]
    location_id: int | None
    implementing_organisation_id: int | None
    planned_budget: MoneyOut
    start_date: Date | None
    end_date: Date | None
    status: Annotated[str, Choice(Project.Status)]
    progress: int
    beneficiary_households: int
    beneficiary_persons: int
    outcomes: str
    after_completion: str
    is_demo: bool


class ProjectIn(In):
    pairing_id: Id
    code: Annotated[str, Text(64, min_length=1)]
    name: Annotated[str, Text(300, min_length=1)]
    sector: Annotated[str, Choice(Project.Sector)]
    mode: Annotated[str, Choice(Project.Mode)]
    location_id: Id | None = None
    implementing_organisation_id: Id | None = None
    planned_budget: MoneyIn = Field(default=Decimal("0.00"), description="计划投资（元）")
    start_date: Date | None = None
    end_date: Date | None = None
    status: Annotated[str, Choice(Project.Status)] = Project.Status.PLANNED.value
    progress: Percent = 0
    beneficiary_households: Count = 0
    beneficiary_persons: Count = 0
    outcomes: Annotated[str, Text(LONG_TEXT)] = ""
    after_completion: Annotated[str, Text(LONG_TEXT)] = ""


class ProjectPatch(In):
    code: Annotated[str, Text(64, min_length=1), Unsent]
    name: Annotated[str, Text(300, min_length=1), Unsent]
    sector: Annotated[str, Choice(Project.Sector), Unsent]
    mode: Annotated[str, Choice(Project.Mode), Unsent]
    location_id: Id | None = None
    implementing_organisation_id: Id | None = None
    planned_budget: Annotated[MoneyIn, Unsent]
    start_date: Date | None = None
    end_date: Date | None = None
    status: Annotated[str, Choice(Project.Status), Unsent]
    progress: Annotated[Percent, Unsent]
    beneficiary_households: Annotated[Count, Unsent]
    beneficiary_persons: Annotated[Count, Unsent]
    outcomes: Annotated[str, Text(LONG_TEXT), Unsent]
    after_completion: Annotated[str, Text(LONG_TEXT), Unsent]


class FundFlowOut(Out):
    id: int
    pairing_id: int
    kind: Annotated[str, Choice(FundFlow.Kind)]
    fund_year: int
    date: Date
    amount: MoneyOut
    source: Annotated[str, Choice(FundFlow.Source)]
    project_id: int | None
    voucher: str
    note: str
    cross_year_reason: str = Field("", description="跨年度说明（日期与资金年度相差超过一年时）")
    reverses_id: int | None = Field(description="本条冲销的记录（冲销记录金额为负数）")
    reversed_by_id: int | None = Field(description="冲销本条的记录，未冲销为 null")
    confirmation: Annotated[str, Choice(Confirmation)]
    confirmed_at: dt.datetime | None
    confirmation_note: str
    recorded_at: dt.datetime
    is_demo: bool


class FundFlowIn(In):
    pairing_id: Id
    kind: Annotated[str, Choice(FundFlow.Kind)]
    fund_year: Year
    date: Date
    amount: MoneyIn
    source: Annotated[str, Choice(FundFlow.Source)]
    project_id: Id | None = None
    voucher: Annotated[str, Text(100)] = ""
    note: Annotated[str, Text(300)] = ""
    cross_year_reason: Annotated[
        str, Text(200, description="跨年度说明：日期与资金年度相差超过一年时必填")
    ] = ""


class ReverseIn(In):
    reason: Annotated[str, Text(250, min_length=1, description="冲销原因")]
    on: Date | None = Field(
        default=None, description="冲销日期，默认今天（原记录日期晚于今天时为原记录日期）"
    )


class ConfirmIn(In):
    note: Annotated[str, Text(300)] = ""


class DisputeIn(In):
    note: Annotated[str, Text(300, min_length=1, description="异议原因")]


class ReopenIn(In):
    reason: Annotated[str, Text(250, min_length=1, description="重新开放确认的原因")]

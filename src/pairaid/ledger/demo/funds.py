"""The fund ledger: annual plans, transfers, allocations to projects, spending, and the
enterprise investment kept apart.

Only each pairing's net transfer total is the article's; the split by year, source and
tranche, the plans, allocations and spending are invented. Money is worked out in whole
fen (integers) and turned into Decimal yuan only when recorded, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from pairaid.ledger import services
from pairaid.ledger.demo.base import VIA, Loader, jittered, split_exact
from pairaid.ledger.demo.calendar import HANDOVER, LAST_DAY, YEARS, at_ten, day_in
from pairaid.ledger.demo.sides import Side
from pairaid.ledger.models import FundFlow, Pairing, Project

WAN = 1_000_000  # fen in 1万元: fiscal money moves in whole 万元
YUAN = 100
YEAR_WEIGHTS = (0.10, 0.12, 0.14, 0.15, 0.16, 0.16, 0.17)  # help grew year by year

S = FundFlow.Source
CONFIRMED = FundFlow.Confirmation.CONFIRMED
UNCONFIRMED = FundFlow.Confirmation.UNCONFIRMED


def yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def fen(amount: Decimal) -> int:
    return int(amount * 100)


@dataclass
class YearMoney:
    """One fund year's transfers, by source, in fen, before they are recorded."""

    year: int
    fiscal: list[int]
    social: list[int]
    in_kind: list[int]

    @property
    def total(self) -> int:
        return sum(self.fiscal) + sum(self.social) + sum(self.in_kind)


def plan_money(side: Side, rng: random.Random) -> list[YearMoney]:
    """The article's total, split by year and source so that it adds up to the fen."""
    per_year = split_exact(fen(side.funds), jittered(rng, YEAR_WEIGHTS), YUAN)
    return [split_sources(year, total, rng) for year, total in zip(YEARS, per_year, strict=True)]


def split_sources(year: int, total: int, rng: random.Random) -> YearMoney:
    fiscal = int(total * rng.uniform(0.80, 0.88)) // WAN * WAN
    social = int(total * rng.uniform(0.08, 0.12)) // YUAN * YUAN
    in_kind = total - fiscal - social  # valuations of goods carry fen
    # 2022's last and largest tranche is the hand-over of the article.
    tranches = [0.25, 0.25, 0.5] if year == 2022 else [1.0] * rng.choice((2, 3))
    return YearMoney(
        year,
        fiscal=split_exact(fiscal, jittered(rng, tranches, 0.2), WAN),
        social=split_exact(social, jittered(rng, [1.0, 1.0], 0.4), YUAN),
        in_kind=split_exact(in_kind, jittered(rng, [1.0, 1.0], 0.4)),
    )


# --- transfers --------------------------------------------------------------------------


@dataclass
class Transfer:
    """A transfer before it is recorded; `story` marks the one recorded with a mistake."""

    row: dict[str, Any]
    story: str = ""


SOURCE_CODES: dict[str, str] = {S.FISCAL: "CZ", S.SOCIAL_CASH: "SH", S.IN_KIND: "WZ"}
GOODS = ("教学设备", "医疗器械", "农资化肥", "冬季衣被", "图书资料", "办公设备")
# Which transfer each pairing gets wrong first, and how (see `record_transfers`).
MISTAKES = {"jiangyang": (2019, S.FISCAL, "mistyped"), "longmatan": (2020, S.SOCIAL_CASH, "twice")}


def transfers(
    side: Side, pairing: Pairing, money: list[YearMoney], rng: random.Random
) -> list[Transfer]:
    found = []
    for year in money:
        for source, parts in ((S.FISCAL, year.fiscal), (S.SOCIAL_CASH, year.social)):
            found += tranche_transfers(side, pairing, year.year, source, parts, rng)
        found += goods_transfers(side, pairing, year.year, year.in_kind, rng)
    mistake = MISTAKES.get(side.key)
    for transfer in found:
        row = transfer.row
        if mistake and (row["fund_year"], row["source"]) == mistake[:2]:
            transfer.story = mistake[2]
            break
    return found


def tranche_transfers(
    side: Side, pairing: Pairing, year: int, source: str, parts: list[int], rng: random.Random
) -> list[Transfer]:
    """Money in tranches through the year; in 2022 the last one is the 12-01 hand-over."""
    found = []
    for index, amount in enumerate(parts, start=1):
        last = index == len(parts)
        month = dt.date(year, 3 + (index - 1) * 8 // len(parts), 1)
        day = HANDOVER if year == 2022 and last else day_in(rng, month, month.replace(day=28))
        label = "财政援助资金" if source == S.FISCAL else "社会帮扶资金"
        note = (
            f"交付{year}年对口帮扶资金（{label}）"
            if day == HANDOVER
            else f"{year}年对口帮扶{label}第{index}批拨付"
        )
        found.append(Transfer(transfer_row(side, pairing, year, source, index, amount, day, note)))
    return found


def goods_transfers(
    side: Side, pairing: Pairing, year: int, parts: list[int], rng: random.Random
) -> list[Transfer]:
    found = []
    days = sorted(day_in(rng, dt.date(year, 3, 1), dt.date(year, 11, 30)) for _ in parts)
    for index, (amount, day) in enumerate(zip(parts, days, strict=True), start=1):
        note = f"{year}年捐赠物资折价（{rng.choice(GOODS)}）"
        found.append(
            Transfer(transfer_row(side, pairing, year, S.IN_KIND, index, amount, day, note))
        )
    return found


def transfer_row(
    side: Side,
    pairing: Pairing,
    year: int,
    source: str,
    index: int,
    amount: int,
    day: dt.date,
    note: str,
) -> dict[str, Any]:
    # The recipient confirms within weeks; the hand-over and 2022's goods are still open.
    pending = day == HANDOVER or (year == 2022 and source == S.IN_KIND)
    return {
        "pairing": pairing,
        "kind": FundFlow.Kind.TRANSFER,
        "fund_year": year,
        "date": day,
        "amount": yuan(amount),
        "source": source,
        "voucher": f"{side.prefix}{SOURCE_CODES[source]}-{year}-{index:02d}",
        "note": note,
        "confirmation": UNCONFIRMED if pending else CONFIRMED,
        "confirmed_at": None if pending else at_ten(day + dt.timedelta(days=7)),
    }


def record_transfers(loader: Loader, found: list[Transfer]) -> None:
    """Record the transfers; the ones with a story are recorded wrong and then corrected
    through the services, as an office would, so the net total is still exact."""
    loader.flows([t.row for t in found if not t.story])
    for transfer in found:
        if transfer.story == "mistyped":
            record_mistyped(loader, transfer.row)
        elif transfer.story == "twice":
            record_twice(loader, transfer.row)


def record_mistyped(loader: Loader, row: dict[str, Any]) -> None:
    """Typed with one zero too many; the recipient disputes it; the office corrects it."""
    right = row["amount"]
    wrong = loader.flow(
        **{**row, "amount": right * 10, "confirmation": UNCONFIRMED, "confirmed_at": None}
    )
    services.confirm_record(
        wrong,
        acting_user=loader.acting_user,
        via=VIA,
        accept=False,
        note=f"实际到账{right}元，与登记金额不符",
    )
    services.correct_fund_flow(
        wrong,
        acting_user=loader.acting_user,
        via=VIA,
        reason="金额多录一位，按到账凭证更正",
        on=row["date"] + dt.timedelta(days=12),
        amount=right,
        confirmation=CONFIRMED,
        confirmed_at=at_ten(row["date"] + dt.timedelta(days=14)),
    )
    loader.count(FundFlow, 2)  # the reversal and the corrected entry


def record_twice(loader: Loader, row: dict[str, Any]) -> None:
    """Entered twice by two clerks; the second entry is reversed."""
    loader.flow(**row)
    duplicate = loader.flow(**{**row, "confirmation": UNCONFIRMED, "confirmed_at": None})
    services.reverse_fund_flow(
        duplicate,
        acting_user=loader.acting_user,
        via=VIA,
        reason="重复登记",
        on=row["date"] + dt.timedelta(days=20),
    )
    loader.count(FundFlow, 1)  # the reversal


# --- plans ------------------------------------------------------------------------------


def plan_rows(
    side: Side, pairing: Pairing, money: list[YearMoney], rng: random.Random
) -> list[dict[str, Any]]:
    """Each year's commitment, set in spring: near what was then transferred (拨付率 ~100%)."""
    rows = []
    for year in money:
        planned = int(year.total * rng.uniform(0.96, 1.04)) // (10 * WAN) * (10 * WAN)
        fiscal = int(planned * sum(year.fiscal) / year.total) // WAN * WAN
        number = rng.randint(2, 9)
        for source, amount in ((S.FISCAL, fiscal), (S.SOCIAL_CASH, planned - fiscal)):
            rows.append(
                {
                    "pairing": pairing,
                    "kind": FundFlow.Kind.PLAN,
                    "fund_year": year.year,
                    "date": dt.date(year.year, 3, number),
                    "amount": yuan(amount),
                    "source": source,
                    "voucher": f"{side.document}〔{year.year}〕{number}号",
                    "note": f"{year.year}年对口帮扶资金计划",
                    **confirmed(dt.date(year.year, 3, number)),
                }
            )
    return rows


def confirmed(day: dt.date) -> dict[str, Any]:
    """Plans are agreed, allocations and spending recorded, by the recipient itself."""
    return {"confirmation": CONFIRMED, "confirmed_at": at_ten(day)}


# --- allocations and spending -----------------------------------------------------------


class Funded(Protocol):
    """What the money of a project is made from (`projects.Spec`)."""

    allocations: list[tuple[str, int]]  # (source, fen)


def project_flow_rows(
    side: Side,
    pairing: Pairing,
    projects: Iterable[tuple[Project, Funded]],
    rng: random.Random,
) -> list[dict[str, Any]]:
    """One allocation per source a project was given, and one to three payments out of it;
    the payments of a project are numbered on across its allocations, so that no two share a
    voucher."""
    rows = []
    for project, spec in projects:
        paid = 0
        for index, (source, amount) in enumerate(spec.allocations, start=1):
            allocated_on = allocation_day(project, rng)
            rows.append(
                project_row(pairing, project, FundFlow.Kind.ALLOCATE, source, amount, allocated_on)
                | {"voucher": f"{side.prefix}FP-{project.code}-{index}"}
            )
            payments = spend_rows(
                pairing, project, spec, source, amount, allocated_on, rng, number_from=paid + 1
            )
            paid += len(payments)
            rows += payments
    return rows


def started(project: Project) -> dt.date:
    """The start of a project with money (every one the demo funds has started)."""
    if project.start_date is None:
        raise ValueError(f"{project.code} has money but no start date")
    return project.start_date


def allocation_day(project: Project, rng: random.Random) -> dt.date:
    """Money is assigned a few weeks before work starts, once the year's first tranche has
    arrived (in March)."""
    first_tranche_in = dt.date(started(project).year, 3, 31)
    return max(first_tranche_in, started(project) - dt.timedelta(days=rng.randint(5, 40)))


def spend_rows(
    pairing: Pairing,
    project: Project,
    spec: Funded,
    source: str,
    allocated: int,
    allocated_on: dt.date,
    rng: random.Random,
    number_from: int = 1,
) -> list[dict[str, Any]]:
    share = spent_share(project, rng)
    spent = int(allocated * share) // YUAN * YUAN
    if spent <= 0:
        return []
    last = min(project.end_date + dt.timedelta(days=60), LAST_DAY) if project.end_date else LAST_DAY
    first = max(started(project), allocated_on)
    payments = 1 if spent < 50 * WAN else rng.randint(1, 3)  # small sums are paid at once
    parts = split_exact(spent, jittered(rng, [1.0] * payments, 0.3), YUAN)
    days = sorted(day_in(rng, first, last) for _ in parts)
    return [
        project_row(pairing, project, FundFlow.Kind.SPEND, source, amount, day)
        | {"voucher": f"{project.code}-ZC-{n}"}
        for n, (amount, day) in enumerate(zip(parts, days, strict=True), start=number_from)
    ]


def spent_share(project: Project, rng: random.Random) -> float:
    """Finished projects have paid out nearly all; running ones in step with progress."""
    if project.progress >= 100:
        return rng.uniform(0.95, 1.0)
    return project.progress / 100 * rng.uniform(0.85, 1.0)


def project_row(
    pairing: Pairing, project: Project, kind: str, source: str, amount: int, day: dt.date
) -> dict[str, Any]:
    label = "分配" if kind == FundFlow.Kind.ALLOCATE else "支付"
    return {
        "pairing": pairing,
        "kind": kind,
        "fund_year": started(project).year,
        "date": day,
        "amount": yuan(amount),
        "source": source,
        "project": project,
        "note": f"{project.name}{label}",
        "cross_year_reason": (
            "项目跨年度实施，按开工年度资金列支"
            if abs(day.year - started(project).year) > FundFlow.CROSS_YEAR_TOLERANCE
            else ""
        ),
        **confirmed(day),
    }

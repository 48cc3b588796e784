"""`pairaid check-bulletin` over the period a sentence names: a text's figure is checked
against the ledger's records of that period only — "2022年" the fund year 2022, "2016年以来"
every year since, "截至2021年底" up to 2021, "2018-2021年" both ends included, "十三五" 2016 to
2020, "今年" and "去年" from the text's date — for money (transfers of every source, never
plans, a reversed transfer counting nothing), projects (started in the period, not planned or
cancelled) and persons (each person once, however many postings).

One pairing with records of several years is built once for the module; the checks only read
it. Expected values are summed here from the records the module made, never read from the
figures module."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from builders import Builder
from django.core.management import call_command
from shared_records import for_the_module

from pairaid.ledger import services
from pairaid.ledger.models import FundFlow, Person, Project

AS_OF = dt.date(2022, 12, 4)
WAN = Decimal(10_000)
HELPER, RECIPIENT = "窗期甲区", "窗期乙县"


@dataclass
class Scene:
    # fund year -> the transfers counted (after reversals), in yuan
    transfers: dict[int, list[Decimal]] = field(default_factory=dict)
    reversed_year: int = 0
    reversed_amount: Decimal = Decimal("0.00")
    # start year of each started project (planned and cancelled ones are not listed)
    projects: list[int] = field(default_factory=list)
    # (person number, start year) of each posting
    postings: list[tuple[str, int]] = field(default_factory=list)


def make() -> Scene:
    build = Builder()
    scene = Scene()
    pairing = build.pairing(HELPER, RECIPIENT, valid_from=dt.date(2016, 1, 1))
    for year, amount, source in (
        (2016, "1200000.00", FundFlow.Source.FISCAL),
        (2017, "333333.33", FundFlow.Source.FISCAL),
        (2018, "3456789.12", FundFlow.Source.FISCAL),
        (2019, "0.07", FundFlow.Source.SOCIAL_CASH),
        (2021, "2500000.50", FundFlow.Source.FISCAL),
        (2021, "98765.43", FundFlow.Source.IN_KIND),
        (2022, "800000.01", FundFlow.Source.FISCAL),
        (2022, "150000.00", FundFlow.Source.SOCIAL_CASH),
    ):
        build.flow(pairing, amount, year=year, source=source)
        scene.transfers.setdefault(year, []).append(Decimal(amount))
    # A plan and an allocation are other stages: never funds invested.
    build.flow(pairing, "9000000.00", kind=FundFlow.Kind.PLAN, year=2022)
    undone = build.flow(pairing, "700000.00", year=2020)
    services.reverse_fund_flow(
        undone, acting_user=None, via="test", reason="重复录入", on=dt.date(2020, 9, 1)
    )
    scene.reversed_year, scene.reversed_amount = 2020, Decimal("700000.00")

    for year in (2016, 2017, 2019, 2019, 2020, 2021, 2022, 2022, 2022):
        build.project(pairing, status=Project.Status.IN_PROGRESS, start=dt.date(year, 4, 1))
        scene.projects.append(year)
    build.project(pairing, status=Project.Status.COMPLETED, start=dt.date(2018, 3, 1))
    scene.projects.append(2018)
    build.project(pairing, status=Project.Status.PLANNED, start=None)
    build.project(pairing, status=Project.Status.CANCELLED, start=dt.date(2019, 4, 1))

    people = [
        build.person("窗期甲", number="CQ-1"),
        build.person("窗期乙", number="CQ-2"),
        build.person(
            "窗期丙",
            number="CQ-3",
            category=Person.Category.PROFESSIONAL,
            profession=Person.Profession.TEACHER,
        ),
        build.person("窗期丁", number="CQ-4"),
    ]
    for person, year in (
        (people[0], 2017),
        (people[0], 2021),  # the same person again: one person, two postings
        (people[1], 2019),
        (people[2], 2022),
        (people[3], 2022),
    ):
        build.posting(
            person,
            pairing,
            dt.date(year, 3, 1),
            planned_end=dt.date(year + 1, 2, 28),
            actual_end=dt.date(year + 1, 2, 28) if year + 1 < AS_OF.year else None,
        )
        scene.postings.append((person.number, year))
    return scene


@pytest.fixture(scope="module")
def kept(django_db_setup, django_db_blocker):
    yield from for_the_module(django_db_blocker, make)


@pytest.fixture
def scene(kept: Scene, db) -> Scene:
    return kept


# --- the periods and the years they count ----------------------------------------------------

# (the period as written, first year, last year)
PERIODS = [
    ("2022年", 2022, 2022),
    ("2016年以来", 2016, 2022),
    ("自2018年以来", 2018, 2022),
    ("截至2021年底", 2016, 2021),
    ("2018-2021年", 2018, 2021),
    ("2017年至2019年", 2017, 2019),
    ("“十三五”期间", 2016, 2020),
    ("今年", 2022, 2022),
    ("去年", 2021, 2021),
]


def money_in(scene: Scene, first: int, last: int) -> Decimal:
    return sum(
        (
            amount
            for year, amounts in scene.transfers.items()
            if first <= year <= last
            for amount in amounts
        ),
        Decimal("0.00"),
    )


def projects_in(scene: Scene, first: int, last: int) -> int:
    return sum(1 for year in scene.projects if first <= year <= last)


def persons_in(scene: Scene, first: int, last: int) -> int:
    return len({number for number, year in scene.postings if first <= year <= last})


def postings_in(scene: Scene, first: int, last: int) -> int:
    return sum(1 for _number, year in scene.postings if first <= year <= last)


def wan(total: Decimal) -> Decimal:
    return (total / WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def check(tmp_path: Path, text: str, *options: str) -> dict[str, Any]:
    path = tmp_path / "text.txt"
    path.write_text(f"发布时间：{AS_OF.isoformat()}\n{text}", encoding="utf-8")
    out = StringIO()
    call_command("check_bulletin", str(path), "--json", *options, stdout=out)
    return json.loads(out.getvalue())


def claims_by_metric(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {claim["metric"]: claim for claim in payload["claims"]}


@pytest.mark.parametrize(("period", "first", "last"), PERIODS)
def test_it_checks_the_money_of_the_years_the_period_names(
    scene: Scene, tmp_path: Path, period: str, first: int, last: int
):
    total = money_in(scene, first, last)
    text = f"{period}，{HELPER}投入各类帮扶资金{wan(total)}万元。"

    [claim] = check(tmp_path, text)["claims"]

    assert claim["metric"] == "funds" and claim["period"] == period.replace("“", "").replace(
        "”", ""
    )
    assert Decimal(str(claim["ledger_value"])) == total, claim
    assert claim["verdict"] == "agrees", claim


@pytest.mark.parametrize(("period", "first", "last"), PERIODS)
def test_it_counts_the_projects_started_in_the_period(
    scene: Scene, tmp_path: Path, period: str, first: int, last: int
):
    started = projects_in(scene, first, last)
    text = f"{period}，{HELPER}实施帮扶项目{started}个。"

    [claim] = check(tmp_path, text)["claims"]

    assert claim["metric"] == "projects" and claim["ledger_value"] == started, claim
    assert claim["verdict"] == "agrees"


@pytest.mark.parametrize(("period", "first", "last"), PERIODS)
def test_it_counts_each_person_posted_in_the_period_once(
    scene: Scene, tmp_path: Path, period: str, first: int, last: int
):
    persons = persons_in(scene, first, last)
    # 一人 reads as a word, not a count: for fewer than two, claim a count that differs
    persons_text = str(persons) if persons >= 2 else str(persons + 10)
    text = f"{period}，{HELPER}选派干部人才{persons_text}人。"

    [claim] = check(tmp_path, text)["claims"]

    assert claim["metric"] == "persons" and claim["ledger_value"] == persons, claim
    assert claim["verdict"] == ("agrees" if persons >= 2 else "disagrees")


def test_a_person_posted_twice_is_one_person_and_two_postings(scene: Scene, tmp_path: Path):
    persons, postings = persons_in(scene, 2016, 2022), postings_in(scene, 2016, 2022)
    assert postings == persons + 1  # the scene posts one person twice

    agrees = check(tmp_path, f"2016年以来，{HELPER}选派干部人才{persons}人。")["claims"][0]
    counted_twice = check(tmp_path, f"2016年以来，{HELPER}选派干部人才{postings}人。")["claims"][0]

    assert agrees["verdict"] == "agrees"
    assert counted_twice["verdict"] == "disagrees"
    assert counted_twice["difference"] == postings - persons


def test_a_reversed_transfer_counts_nothing(scene: Scene, tmp_path: Path):
    year, amount = scene.reversed_year, scene.reversed_amount
    assert money_in(scene, year, year) == Decimal("0.00")
    with_it = wan(money_in(scene, 2016, 2022) + amount)

    claim = check(tmp_path, f"2016年以来，{HELPER}投入帮扶资金{with_it}万元。")["claims"][0]

    assert claim["verdict"] == "disagrees"
    assert Decimal(str(claim["ledger_value"])) == money_in(scene, 2016, 2022)
    assert Decimal(claim["difference"]) == with_it * WAN - money_in(scene, 2016, 2022)


def test_a_transfer_counts_until_the_day_of_its_reversal(scene: Scene, tmp_path: Path):
    """Transferred on 2020-06-01 and reversed on 2020-09-01: as of July it is still there."""
    year, amount = scene.reversed_year, scene.reversed_amount
    before = money_in(scene, 2016, year - 1) + amount

    claim = check(
        tmp_path, f"{HELPER}累计投入帮扶资金{wan(before)}万元。", "--as-of", f"{year}-07-01"
    )["claims"][0]
    after = check(
        tmp_path, f"{HELPER}累计投入帮扶资金{wan(before)}万元。", "--as-of", f"{year}-09-01"
    )["claims"][0]

    assert claim["verdict"] == "agrees" and Decimal(str(claim["ledger_value"])) == before
    assert after["verdict"] == "disagrees"
    assert Decimal(str(after["ledger_value"])) == before - amount


def test_a_plan_is_not_money_invested(scene: Scene, tmp_path: Path):
    """The year's plan (9000000.00) beside its transfers: stating both as invested is wrong."""
    plans = FundFlow.objects.filter(
        pairing__helper_region__name=HELPER, kind=FundFlow.Kind.PLAN, fund_year=2022
    )
    planned = sum((flow.amount for flow in plans), Decimal("0.00"))
    claimed = wan(money_in(scene, 2022, 2022) + planned)

    claim = check(tmp_path, f"2022年，{HELPER}投入帮扶资金{claimed}万元。")["claims"][0]

    assert claim["verdict"] == "disagrees"
    assert Decimal(str(claim["ledger_value"])) == money_in(scene, 2022, 2022)


def test_a_period_and_an_as_of_date_before_the_records_count_none(scene: Scene, tmp_path: Path):
    """Checked as of the last day of 2015 (before the pairing began), the pairing's figures
    are zero: a text claiming the records is told it disagrees."""
    total = money_in(scene, 2016, 2022)
    claims = claims_by_metric(
        check(
            tmp_path,
            f"{HELPER}累计投入帮扶资金{wan(total)}万元，实施帮扶项目{len(scene.projects)}个。",
            "--as-of",
            "2015-12-31",
        )
    )

    assert claims["funds"]["verdict"] == "disagrees"
    assert Decimal(str(claims["funds"]["ledger_value"])) == Decimal("0.00")
    assert claims["projects"]["ledger_value"] == 0


def test_an_as_of_date_inside_a_year_leaves_out_what_came_after(scene: Scene, tmp_path: Path):
    """As of 2021-05-31 the transfers dated June 2021 are not yet made (each flow of the
    scene is dated the first of June of its fund year)."""
    total = money_in(scene, 2016, 2020)

    claim = check(tmp_path, f"{HELPER}累计投入帮扶资金{wan(total)}万元。", "--as-of", "2021-05-31")[
        "claims"
    ][0]

    assert Decimal(str(claim["ledger_value"])) == total
    assert claim["verdict"] == "agrees"


def test_it_reads_money_in_yi_yuan(scene: Scene, tmp_path: Path):
    """A total in 亿元 with four decimals is the same figure in 万元."""
    total = money_in(scene, 2016, 2022)
    yi = (total / Decimal(100_000_000)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    claim = check(tmp_path, f"2016年以来，{HELPER}投入帮扶资金{yi}亿元。")["claims"][0]

    assert claim["unit"] == "亿元" and Decimal(str(claim["value"])) == yi * 100_000_000
    assert claim["verdict"] == "agrees"
    more = yi + Decimal("0.0001")
    wrong = check(tmp_path, f"2016年以来，{HELPER}投入帮扶资金{more}亿元。")["claims"][0]
    assert wrong["verdict"] == "disagrees"


def test_it_checks_the_figures_of_two_periods_in_one_text(scene: Scene, tmp_path: Path):
    """Each sentence keeps its own period: the second's 2022年 is not the first's 以来."""
    since, this_year = money_in(scene, 2016, 2022), money_in(scene, 2022, 2022)
    text = (
        f"2016年以来，{HELPER}累计投入帮扶资金{wan(since)}万元。"
        f"2022年，{HELPER}投入帮扶资金{wan(this_year)}万元，"
        f"实施帮扶项目{projects_in(scene, 2022, 2022)}个。"
    )

    claims = check(tmp_path, text)["claims"]

    assert [c["verdict"] for c in claims] == ["agrees", "agrees", "agrees"]
    assert [Decimal(str(c["ledger_value"])) for c in claims[:2]] == [since, this_year]
    assert claims[2]["ledger_value"] == projects_in(scene, 2022, 2022)


def test_the_readable_report_counts_each_verdict(scene: Scene, tmp_path: Path):
    right, wrong = projects_in(scene, 2016, 2022), persons_in(scene, 2016, 2022) + 5
    path = tmp_path / "text.txt"
    path.write_text(
        f"发布时间：{AS_OF.isoformat()}\n"
        f"2016年以来，{HELPER}实施帮扶项目{right}个，选派干部人才{wrong}人。"
        "宁波市投入资金3亿元。",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("check_bulletin", str(path), stdout=out)

    assert "共3处数字：相符1，不符1，无法核对1" in out.getvalue()
    assert f"「{right}个」" in out.getvalue()

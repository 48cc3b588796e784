"""`pairaid check-bulletin` over the many ways one figure is written: in traditional script
(the text turned by OpenCC, as the founding article came), in full-width digits, in Chinese
numerals, in 万元 or 亿元 — the verdict and the ledger value are those of the plain text. And
over what a sentence says it counts: 财政 money is the fiscal transfers only, 社会 the social
cash and donations in kind, 计划 the plans, 党政干部 and 专业技术人才 their own category, 人次 the
postings rather than the persons.

One pairing with records of every such kind is built once for the module; the checks only read
it. Expected values are summed here from the records the module made."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import opencc
import pytest
from builders import Builder
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_records import for_the_module

from pairaid.bulletin.numbers import render_chinese
from pairaid.ledger.models import FundFlow, Person, Project

AS_OF = dt.date(2022, 12, 4)
WAN, YI = Decimal(10_000), Decimal(100_000_000)
# Names whose characters all have traditional forms: the check must turn them back.
HELPER, RECIPIENT = "汇东区", "云丰县"
FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
EXAMPLES = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
S2T = opencc.OpenCC("s2t")


@dataclass
class Scene:
    # source -> transfers of that source, in yuan
    transfers: dict[str, list[Decimal]] = field(default_factory=dict)
    plans: list[Decimal] = field(default_factory=list)
    started: int = 0
    # category -> persons of that category; and the postings of all
    persons: dict[str, int] = field(default_factory=dict)
    postings: int = 0

    def money(self, *sources: str) -> Decimal:
        chosen = sources or tuple(self.transfers)
        return sum(
            (amount for source in chosen for amount in self.transfers.get(source, [])),
            Decimal("0.00"),
        )

    @property
    def all_persons(self) -> int:
        return sum(self.persons.values())


def make() -> Scene:
    build = Builder()
    scene = Scene()
    pairing = build.pairing(HELPER, RECIPIENT, valid_from=dt.date(2016, 1, 1))
    for year, amount, source in (
        (2017, "4321987.65", FundFlow.Source.FISCAL),
        (2019, "12000000.00", FundFlow.Source.FISCAL),
        (2020, "350000.40", FundFlow.Source.SOCIAL_CASH),
        (2021, "86000.00", FundFlow.Source.IN_KIND),
        (2022, "5000000.09", FundFlow.Source.FISCAL),
    ):
        build.flow(pairing, amount, year=year, source=source)
        scene.transfers.setdefault(source, []).append(Decimal(amount))
    for year, amount in ((2021, "15000000.00"), (2022, "9000000.00")):
        build.flow(pairing, amount, kind=FundFlow.Kind.PLAN, year=year)
        scene.plans.append(Decimal(amount))
    # an allocation is a stage of its own: counted by no claim of this module
    project = build.project(pairing, status=Project.Status.IN_PROGRESS, start=dt.date(2018, 5, 1))
    build.flow(pairing, "2000000.00", kind=FundFlow.Kind.ALLOCATE, year=2019, project=project)
    scene.started = 1
    for year in (2017, 2019, 2020, 2021, 2022):
        for _ in range(year - 2015):
            build.project(pairing, status=Project.Status.IN_PROGRESS, start=dt.date(year, 4, 1))
            scene.started += 1
    build.project(pairing, status=Project.Status.CANCELLED, start=dt.date(2020, 4, 1))

    for number in range(7):
        cadre = build.person(f"汇东干部{number}", number=f"HD-C{number}")
        build.posting(cadre, pairing, dt.date(2017 + number % 5, 3, 1))
        scene.postings += 1
        if number < 2:  # posted again later: one person, two postings
            build.posting(cadre, pairing, dt.date(2022, 3, 1))
            scene.postings += 1
    scene.persons[Person.Category.CADRE] = 7
    for number in range(4):
        professional = build.person(
            f"汇东人才{number}",
            number=f"HD-P{number}",
            category=Person.Category.PROFESSIONAL,
            profession=Person.Profession.DOCTOR,
        )
        build.posting(professional, pairing, dt.date(2020, 9, 1))
        scene.postings += 1
    scene.persons[Person.Category.PROFESSIONAL] = 4
    return scene


@pytest.fixture(scope="module")
def kept(django_db_setup, django_db_blocker):
    yield from for_the_module(django_db_blocker, make)


@pytest.fixture
def scene(kept: Scene, db) -> Scene:
    return kept


def check(tmp_path: Path, text: str) -> list[dict[str, Any]]:
    path = tmp_path / "text.txt"
    path.write_text(f"发布时间：{AS_OF.isoformat()}\n{text}", encoding="utf-8")
    out = StringIO()
    call_command("check_bulletin", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())["claims"]


def one(tmp_path: Path, text: str) -> dict[str, Any]:
    claims = check(tmp_path, text)
    assert len(claims) == 1, claims
    return claims[0]


def in_wan(total: Decimal) -> Decimal:
    return (total / WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def in_yi(total: Decimal) -> Decimal:
    return (total / YI).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


# --- scripts and numerals ---------------------------------------------------------------------


def test_the_names_come_back_from_traditional_script():
    """The property below means something only if the names change in traditional script."""
    assert S2T.convert(HELPER) != HELPER and S2T.convert(RECIPIENT) != RECIPIENT
    assert opencc.OpenCC("t2s").convert(S2T.convert(HELPER)) == HELPER


@EXAMPLES
@given(
    traditional=st.booleans(),
    full_width=st.booleans(),
    unit=st.sampled_from(["万元", "亿元"]),
    period=st.sampled_from(["2016年以来，", "截至2022年底，", ""]),
    verb=st.sampled_from(["累计投入帮扶资金", "累计拨付各类帮扶资金", "投入资金"]),
    off=st.sampled_from([0, 0, 1]),
)
def test_it_checks_money_however_it_is_written(
    scene, tmp_path, traditional, full_width, unit, period, verb, off
):
    total = scene.money()
    shown = in_wan(total) if unit == "万元" else in_yi(total)
    step = Decimal("0.01") if unit == "万元" else Decimal("0.0001")
    shown += off * step
    written = str(shown).translate(FULL_WIDTH) if full_width else str(shown)
    text = f"{period}{HELPER}{verb}{written}{unit}。"
    if traditional:
        text = S2T.convert(text)

    claim = one(tmp_path, text)

    assert claim["metric"] == "funds" and claim["subject"] == HELPER, claim
    assert Decimal(str(claim["value"])) == shown * (WAN if unit == "万元" else YI)
    assert Decimal(str(claim["ledger_value"])) == total
    assert claim["verdict"] == ("agrees" if off == 0 else "disagrees"), claim


@EXAMPLES
@given(
    traditional=st.booleans(),
    numerals=st.sampled_from(["arabic", "full_width", "chinese"]),
    measure=st.sampled_from(["个", "项"]),
    off=st.sampled_from([0, 0, 1, -1]),
)
def test_it_checks_a_project_count_however_it_is_written(
    scene, tmp_path, traditional, numerals, measure, off
):
    claimed = scene.started + off
    if numerals == "chinese":
        written = render_chinese(claimed)
    elif numerals == "full_width":
        written = str(claimed).translate(FULL_WIDTH)
    else:
        written = str(claimed)
    text = f"2016年以来，{HELPER}实施帮扶项目{written}{measure}。"
    if traditional:
        text = S2T.convert(text)

    claim = one(tmp_path, text)

    assert claim["metric"] == "projects" and claim["value"] == claimed, claim
    assert claim["ledger_value"] == scene.started
    assert claim["verdict"] == ("agrees" if off == 0 else "disagrees")
    if off:
        assert claim["difference"] == off


@EXAMPLES
@given(traditional=st.booleans(), chinese=st.booleans(), measure=st.sampled_from(["人", "名"]))
def test_it_checks_persons_however_they_are_written(scene, tmp_path, traditional, chinese, measure):
    persons = scene.all_persons
    written = render_chinese(persons) if chinese else str(persons)
    text = f"2016年以来，{HELPER}累计选派干部人才{written}{measure}。"
    if traditional:
        text = S2T.convert(text)

    claim = one(tmp_path, text)

    assert claim["metric"] == "persons" and claim["verdict"] == "agrees", claim
    assert claim["ledger_value"] == persons


def test_a_traditional_text_keeps_its_raw_form_and_quotes_its_figure(scene, tmp_path):
    raw = S2T.convert(f"2016年以来，{HELPER}累计投入帮扶资金{in_wan(scene.money())}万元。")
    path = tmp_path / "text.txt"
    path.write_text(f"發布時間：{AS_OF.isoformat()}\n{raw}", encoding="utf-8")
    out = StringIO()
    call_command("check_bulletin", str(path), "--json", stdout=out)
    payload = json.loads(out.getvalue())

    assert payload["as_of"] == AS_OF.isoformat() and payload["as_of_from"] == "text"
    [claim] = payload["claims"]
    assert claim["quote"] == f"{in_wan(scene.money())}万元" and claim["verdict"] == "agrees"


# --- what a sentence says it counts -----------------------------------------------------------


def test_fiscal_money_is_the_fiscal_transfers_only(scene, tmp_path):
    fiscal = scene.money(FundFlow.Source.FISCAL)
    assert fiscal != scene.money()

    claim = one(tmp_path, f"2016年以来，{HELPER}累计投入财政援助资金{in_wan(fiscal)}万元。")
    every = one(tmp_path, f"2016年以来，{HELPER}累计投入财政援助资金{in_wan(scene.money())}万元。")

    assert claim["verdict"] == "agrees" and Decimal(str(claim["ledger_value"])) == fiscal
    assert every["verdict"] == "disagrees"


def test_social_money_is_the_social_cash_and_the_donations_in_kind(scene, tmp_path):
    social = scene.money(FundFlow.Source.SOCIAL_CASH, FundFlow.Source.IN_KIND)

    claim = one(tmp_path, f"2016年以来，{HELPER}累计动员社会帮扶资金{in_wan(social)}万元。")

    assert Decimal(str(claim["ledger_value"])) == social, claim
    assert claim["verdict"] == "agrees"


def test_planned_money_is_the_plans_not_the_transfers(scene, tmp_path):
    planned = sum(scene.plans, Decimal("0.00"))

    claim = one(tmp_path, f"2016年以来，{HELPER}计划投入帮扶资金{in_wan(planned)}万元。")
    transferred = one(
        tmp_path, f"2016年以来，{HELPER}计划投入帮扶资金{in_wan(scene.money())}万元。"
    )

    assert claim["verdict"] == "agrees" and Decimal(str(claim["ledger_value"])) == planned
    assert transferred["verdict"] == "disagrees"


def test_cadres_and_professionals_are_each_their_own_count(scene, tmp_path):
    cadres = scene.persons[Person.Category.CADRE]
    professionals = scene.persons[Person.Category.PROFESSIONAL]

    claims = check(
        tmp_path,
        f"2016年以来，{HELPER}选派党政干部{cadres}名、专业技术人才{professionals}名。",
    )

    assert [c["metric"] for c in claims] == ["cadres", "professionals"]
    assert [c["ledger_value"] for c in claims] == [cadres, professionals]
    assert [c["verdict"] for c in claims] == ["agrees", "agrees"]


def test_renci_counts_the_postings_not_the_persons(scene, tmp_path):
    assert scene.postings > scene.all_persons

    postings = one(tmp_path, f"2016年以来，{HELPER}选派干部人才{scene.postings}人次。")
    persons = one(tmp_path, f"2016年以来，{HELPER}选派干部人才{scene.all_persons}人次。")

    assert postings["ledger_value"] == scene.postings and postings["verdict"] == "agrees"
    assert persons["verdict"] == "disagrees"
    assert persons["difference"] == scene.all_persons - scene.postings


def test_a_recipient_named_as_subject_is_the_same_pairing(scene, tmp_path):
    claim = one(tmp_path, f"2016年以来，{RECIPIENT}累计接收帮扶资金{in_wan(scene.money())}万元。")

    assert claim["subject_ref"]["name"] == f"{HELPER}→{RECIPIENT}"
    assert claim["verdict"] == "agrees"


@pytest.mark.parametrize(
    ("qualifier", "shift", "verdict"),
    [
        ("余", Decimal("-1"), "agrees"),  # 上一个整数万元余: the total lies above it
        ("余", Decimal("1"), "disagrees"),
        ("近", Decimal("1"), "agrees"),  # nearly: just under the next step
        ("近", Decimal("-1"), "disagrees"),
    ],
)
def test_a_rounded_figure_holds_on_its_side_of_the_ledger_value(
    scene, tmp_path, qualifier, shift, verdict
):
    whole = (scene.money() / WAN).quantize(Decimal("1"), rounding="ROUND_DOWN")
    stated = whole if shift < 0 else whole + 1
    before, after = ("近", "") if qualifier == "近" else ("", "余")

    claim = one(tmp_path, f"2016年以来，{HELPER}累计投入帮扶资金{before}{stated}{after}万元。")

    assert claim["verdict"] == verdict, claim

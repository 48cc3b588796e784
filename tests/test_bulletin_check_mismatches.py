"""A text about several pairings, some of whose figures are wrong (hypothesis): `pairaid
check-bulletin` finds every figure of every sentence under its own subject, says 相符 of each
right one and 不符 of each wrong one, and names the mismatch — the ledger's value, the text's,
and the difference worked out here from the records — in its readable report and its JSON;
the bulletin page keeps the checked text with the same verdicts for its author.

Four pairings with transfers and started projects are built once for the module; the checks
only read them (the page test writes its document in its own transaction)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from pathlib import Path

import pytest
from builders import Builder
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_records import for_the_module

from pairaid.bulletin.models import SourceDocument
from pairaid.ledger.models import Project

AS_OF = "2022-12-04"
WAN = Decimal(10_000)
EXAMPLES = settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@dataclass(frozen=True)
class Side:
    helper: str
    money: Decimal  # transfers since 2016, yuan
    projects: int  # started since 2016


def make() -> list[Side]:
    build = Builder()
    sides = []
    for number, (helper, amounts, started) in enumerate(
        (
            ("错核甲区", ("1500000.00", "2345678.90"), 3),
            ("错核乙区", ("987654.32",), 5),
            ("错核丙区", ("30000000.00", "12.34", "5000.66"), 2),
            ("错核丁区", ("4444444.44",), 7),
        )
    ):
        pairing = build.pairing(helper, f"错核{number}县", valid_from=dt.date(2016, 1, 1))
        for year, amount in enumerate(amounts, start=2018):
            build.flow(pairing, amount, year=year)
        for _ in range(started):
            build.project(pairing, status=Project.Status.IN_PROGRESS, start=dt.date(2019, 4, 1))
        sides.append(Side(helper, sum((Decimal(a) for a in amounts), Decimal("0.00")), started))
    return sides


@pytest.fixture(scope="module")
def kept(django_db_setup, django_db_blocker):
    yield from for_the_module(django_db_blocker, make)


@pytest.fixture
def sides(kept: list[Side], db) -> list[Side]:
    return kept


def wan(value: Decimal) -> Decimal:
    return (value / WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def text_of(sides: list[Side], money_off: list[int], projects_off: list[int]) -> str:
    """One sentence per pairing, its figures shifted by the offsets (in fen of 万元, and in
    projects)."""
    sentences = [
        f"2016年以来，{side.helper}累计投入帮扶资金{wan(side.money) + Decimal(m) / 100}万元，"
        f"实施帮扶项目{side.projects + p}个。"
        for side, m, p in zip(sides, money_off, projects_off, strict=True)
    ]
    return f"发布时间：{AS_OF}\n" + "\n".join(sentences)


def check(tmp_path: Path, text: str, *options: str) -> str:
    path = tmp_path / "text.txt"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("check_bulletin", str(path), *options, stdout=out)
    return out.getvalue()


offsets = st.lists(st.sampled_from([0, 0, 1, -1, 250]), min_size=4, max_size=4)
project_offsets = st.lists(st.sampled_from([0, 0, 1, 3]), min_size=4, max_size=4)


@EXAMPLES
@given(money_off=offsets, projects_off=project_offsets)
def test_it_finds_each_wrong_figure_under_its_own_subject(sides, tmp_path, money_off, projects_off):
    claims = json.loads(check(tmp_path, text_of(sides, money_off, projects_off), "--json"))[
        "claims"
    ]

    assert [(c["subject"], c["metric"]) for c in claims] == [
        (side.helper, metric) for side in sides for metric in ("funds", "projects")
    ]
    for side, m, p, funds, projects in zip(
        sides, money_off, projects_off, claims[::2], claims[1::2], strict=True
    ):
        assert Decimal(str(funds["ledger_value"])) == side.money
        stated = (wan(side.money) + Decimal(m) / 100) * WAN
        assert funds["verdict"] == ("agrees" if m == 0 else "disagrees"), funds
        if m:
            assert Decimal(funds["difference"]) == stated - side.money
        assert projects["ledger_value"] == side.projects
        assert projects["verdict"] == ("agrees" if p == 0 else "disagrees")
        if p:
            assert projects["difference"] == p


@EXAMPLES
@given(money_off=offsets, projects_off=project_offsets)
def test_the_readable_report_names_each_mismatch_and_counts_them(
    sides, tmp_path, money_off, projects_off
):
    printed = check(tmp_path, text_of(sides, money_off, projects_off)).splitlines()

    wrong = sum(1 for m in money_off if m) + sum(1 for p in projects_off if p)
    assert printed[-1] == f"共8处数字：相符{8 - wrong}，不符{wrong}，无法核对0"
    mismatches = [line for line in printed if line.startswith("✗ 不符")]
    assert len(mismatches) == wrong
    for side, p in zip(sides, projects_off, strict=True):
        if not p:
            continue
        line = next(line for line in mismatches if f"{side.helper} 2016年以来 projects" in line)
        assert f"「{side.projects + p}个」" in line
        assert f"台账为{side.projects}个，文中为{side.projects + p}个，相差{p}个" in line
    for side, m in zip(sides, money_off, strict=True):
        if not m:
            continue
        line = next(line for line in mismatches if f"{side.helper} 2016年以来 funds" in line)
        assert f"台账为{wan(side.money)}万元（{side.money:.2f}元）" in line


def test_a_respectively_sentence_gives_each_subject_its_own_figure(sides, tmp_path):
    first, second = sides[0], sides[1]
    text = (
        f"发布时间：{AS_OF}\n2016年以来，{first.helper}、{second.helper}分别实施帮扶项目"
        f"{first.projects}个、{second.projects + 1}个。"
    )

    claims = json.loads(check(tmp_path, text, "--json"))["claims"]

    assert [(c["subject"], c["value"]) for c in claims] == [
        (first.helper, first.projects),
        (second.helper, second.projects + 1),
    ]
    assert [c["verdict"] for c in claims] == ["agrees", "disagrees"]


def test_a_subject_named_once_carries_to_the_next_sentence(sides, tmp_path):
    side = sides[2]
    text = (
        f"发布时间：{AS_OF}\n2016年以来，{side.helper}累计投入帮扶资金{wan(side.money)}万元。"
        f"实施帮扶项目{side.projects}个。"
    )

    claims = json.loads(check(tmp_path, text, "--json"))["claims"]

    assert [c["subject"] for c in claims] == [side.helper, side.helper]
    assert claims[1]["subject_carried"] is True
    assert [c["verdict"] for c in claims] == ["agrees", "agrees"]


def test_the_page_keeps_the_verdicts_for_its_author(client, personas, sides):
    text = text_of(sides, [0, 1, 0, 0], [0, 0, 3, 0])
    client.force_login(personas.admin)

    response = client.post(reverse("bulletin:index"), {"text": text, "source": "测试通报"})

    document = SourceDocument.objects.get(source="测试通报")
    assert response.status_code == 302
    assert response["Location"] == reverse("bulletin:document", args=[document.pk])
    verdicts = list(document.claims.order_by("span_start").values_list("verdict", flat=True))
    assert (
        verdicts == ["agrees"] * 2 + ["disagrees", "agrees", "agrees", "disagrees"] + ["agrees"] * 2
    )
    page = client.get(response["Location"]).content.decode()
    assert page.count('class="disagrees" title=') == 2
    client.force_login(personas.luzhou)
    assert client.get(response["Location"]).status_code == 404

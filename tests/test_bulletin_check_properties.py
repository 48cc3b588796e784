"""`pairaid check-bulletin` over any ledger and any way a text writes its numbers (hypothesis):
a fresh pairing with drawn transfers and started projects, and a text that states its funds
and projects

- exactly, in 万元 with two decimals (full-width digits too) → agrees; a fen's worth of 万元
  more → disagrees, with the ledger's value in yuan;
- rounded down with 余 ("9500余万元": the total lies from that step up to the next) → agrees,
  and the range it holds is the step's;
- the project count in Chinese numerals (一百五十四) or Arabic ones → agrees; one more →
  disagrees.

Expected values are summed here from what the test drew, never read from the figures module.
The text is dated after the records (发布时间), which the check takes as its as-of date."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pairaid.bulletin.numbers import render_chinese
from pairaid.ledger.models import Project

EXAMPLES = settings(
    max_examples=6,
    derandomize=True,
    deadline=None,
    # each example writes records and files: a failure is reported as drawn, not shrunk
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
AS_OF = dt.date(2022, 12, 4)
WAN = Decimal(10_000)
STEMS = "甲乙丙丁戊己庚辛壬癸"  # names without numerals, so no name reads as a number
FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
_serial = itertools.count(1)

# From 100 yuan: a text never states "0.00万元" (a zero is not read as a figure).
transfers = st.lists(
    st.decimals(min_value=Decimal("100.00"), max_value=Decimal("99999999.99"), places=2),
    min_size=1,
    max_size=6,
)
project_counts = st.integers(min_value=1, max_value=12)


def fresh(build: Any, amounts: list[Decimal], started: int) -> str:
    """A pairing since 2016 with the transfers and `started` started projects (and one
    planned, one cancelled, which are not counted): the helper's name."""
    n = next(_serial)
    helper = f"核{STEMS[n // 10 % 10]}{STEMS[n % 10]}区"
    pairing = build.pairing(
        helper, f"核{STEMS[n // 10 % 10]}{STEMS[n % 10]}县", valid_from=dt.date(2016, 1, 1)
    )
    for number, amount in enumerate(amounts):
        build.flow(pairing, str(amount), year=2017 + number % 5)
    for _ in range(started):
        build.project(pairing, status=Project.Status.IN_PROGRESS, start=dt.date(2019, 5, 1))
    build.project(pairing, status=Project.Status.PLANNED, start=None)
    build.project(pairing, status=Project.Status.CANCELLED, start=dt.date(2019, 5, 1))
    return helper


def check(tmp_path: Path, text: str) -> list[dict[str, Any]]:
    path = tmp_path / f"text-{next(_serial)}.txt"
    path.write_text(f"发布时间：{AS_OF.isoformat()}\n{text}", encoding="utf-8")
    out = StringIO()
    call_command("check_bulletin", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())["claims"]


def wan(total: Decimal) -> Decimal:
    return (total / WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def by_metric(claims: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {claim["metric"]: claim for claim in claims}


@EXAMPLES
@given(amounts=transfers, started=project_counts, full_width=st.booleans())
def test_it_agrees_with_an_exact_figure_and_not_with_a_fen_more(
    build, tmp_path, amounts, started, full_width
):
    helper = fresh(build, amounts, started)
    total = sum(amounts, Decimal("0.00"))
    shown = f"{wan(total)}"
    if full_width:
        shown = shown.translate(FULL_WIDTH)

    claims = by_metric(
        check(
            tmp_path,
            f"2016年以来，{helper}累计投入帮扶资金{shown}万元，实施帮扶项目{started}个。",
        )
    )

    funds, projects = claims["funds"], claims["projects"]
    assert funds["subject"] == helper and funds["verdict"] == "agrees", funds
    assert Decimal(str(funds["ledger_value"])) == total
    assert Decimal(str(funds["value"])) == wan(total) * WAN
    assert projects["verdict"] == "agrees" and projects["ledger_value"] == started

    more = wan(total) + Decimal("0.01")
    wrong = by_metric(
        check(
            tmp_path,
            f"2016年以来，{helper}累计投入帮扶资金{more}万元，实施帮扶项目{started + 1}个。",
        )
    )
    assert wrong["funds"]["verdict"] == "disagrees", wrong["funds"]
    assert Decimal(str(wrong["funds"]["ledger_value"])) == total
    assert wrong["projects"]["verdict"] == "disagrees"


@EXAMPLES
@given(amounts=transfers, started=project_counts)
def test_it_agrees_with_a_figure_rounded_down_with_yu(build, tmp_path, amounts, started):
    helper = fresh(build, amounts, started)
    total = sum(amounts, Decimal("0.00"))
    whole = (total / WAN).quantize(Decimal("1"), rounding=ROUND_DOWN)
    if whole < 1:
        return  # less than one 万元: nothing to round down to

    claims = by_metric(
        check(
            tmp_path,
            f"2016年以来，{helper}投入资金{whole}余万元，实施项目{render_chinese(started)}个。",
        )
    )

    funds = claims["funds"]
    assert funds["qualifier"] == "more_than" and funds["verdict"] == "agrees", funds
    low, high = (Decimal(str(v)) for v in funds["range"])
    assert low == whole * WAN <= total < high
    assert claims["projects"]["verdict"] == "agrees"
    assert claims["projects"]["value"] == started


@EXAMPLES
@given(started=st.integers(min_value=2, max_value=160))  # 一个 is read as a word, not a count
def test_it_reads_a_project_count_in_chinese_numerals(build, tmp_path, started):
    helper = fresh(build, [Decimal("100.00")], 0)
    pairing_projects = Project.objects.filter(pairing__helper_region__name=helper)
    counted = pairing_projects.exclude(status__in=["planned", "cancelled"]).count()
    assert counted == 0

    [claim] = [
        c
        for c in check(tmp_path, f"2016年以来，{helper}实施帮扶项目{render_chinese(started)}个。")
        if c["metric"] == "projects"
    ]

    assert claim["value"] == started
    assert claim["verdict"] == "disagrees" and claim["ledger_value"] == 0

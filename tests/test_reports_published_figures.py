"""`pairaid report briefing --style published` over drawn ledgers (hypothesis): the sentence
writes the money the way the papers do — rounded down to a round figure in 万元, with 余 when
the ledger holds more — and the figure it writes always holds the ledger's total (read back by
the bulletin check, an independent reader of such figures), while the workbook's 口径 sheet
keeps the exact amount to the fen. The exact style writes the total rounded half-up to the fen
of 万元.

Amounts start at 1万元: below it the published form would be "0余万元" (see the note in the
report of this change), which no paper writes."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

AS_OF = "2022-12-04"
WAN = Decimal(10_000)
STEMS = "甲乙丙丁戊己庚辛壬癸"  # names without numerals
EXAMPLES = settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # each example writes records
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_serial = itertools.count(1)

amounts = st.lists(
    st.decimals(min_value=Decimal("10000.00"), max_value=Decimal("999999999.99"), places=2),
    min_size=1,
    max_size=4,
)


def fresh(build: Any, money: list[Decimal]) -> tuple[str, Decimal]:
    n = next(_serial)
    helper = f"刊{STEMS[n // 10 % 10]}{STEMS[n % 10]}区"
    pairing = build.pairing(helper, f"刊{STEMS[n // 10 % 10]}{STEMS[n % 10]}县")
    for number, amount in enumerate(money):
        build.flow(pairing, str(amount), year=2020 + number % 3)
    return helper, sum(money, Decimal("0.00"))


def briefing(tmp_path: Path, helper: str, style: str) -> tuple[str, dict[str, Any]]:
    """The briefing's sentence and its 口径 sheet's rows by label."""
    path = tmp_path / f"{helper}-{style}.xlsx"
    call_command(
        "report", "briefing", "--pairing", helper, "--as-of", AS_OF, "--style", style,
        "-o", str(path), stdout=StringIO(),
    )  # fmt: skip
    book = load_workbook(path)
    sentence = next(
        str(row[0])
        for row in book["概况"].iter_rows(values_only=True)
        if str(row[0]).startswith(f"{helper}累计")
    )
    found = {row[1]: row for row in list(book["口径"].iter_rows(values_only=True))[2:]}
    return sentence, found


def bulletin(tmp_path: Path, text: str) -> list[dict[str, Any]]:
    path = tmp_path / f"text-{next(_serial)}.txt"
    path.write_text(f"发布时间：{AS_OF}\n{text}", encoding="utf-8")
    out = StringIO()
    call_command("check_bulletin", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())["claims"]


@EXAMPLES
@given(money=amounts)
def test_the_published_figure_holds_the_ledgers_total(build, tmp_path, money):
    helper, total = fresh(build, money)

    sentence, found = briefing(tmp_path, helper, "published")

    written = sentence.split("累计投入各类帮扶资金")[1].split("万元")[0]
    shown = Decimal(written.removesuffix("余"))
    assert shown * WAN <= total
    assert written.endswith("余") is (shown * WAN < total)
    assert Decimal(str(found["累计投入各类帮扶资金"][2])) == total  # the sheet keeps the fen
    [funds] = [c for c in bulletin(tmp_path, sentence) if c["metric"] == "funds"]
    assert funds["verdict"] == "agrees", (sentence, funds)
    low, high = (Decimal(str(bound)) for bound in funds["range"])
    assert low <= total < high


def test_the_exact_figure_is_the_total_in_wan_to_the_fen(build, tmp_path):
    helper, total = fresh(build, [Decimal("12345.67"), Decimal("0.05"), Decimal("99999.99")])

    sentence, _found = briefing(tmp_path, helper, "exact")

    in_wan = (total / WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert sentence.startswith(f"{helper}累计投入各类帮扶资金{in_wan}万元，")
    [funds] = [c for c in bulletin(tmp_path, sentence) if c["metric"] == "funds"]
    assert funds["verdict"] == "agrees" and Decimal(str(funds["ledger_value"])) == total


def test_a_round_total_is_written_without_yu(build, tmp_path):
    helper, total = fresh(build, [Decimal("95000000.00")])

    sentence, _found = briefing(tmp_path, helper, "published")

    assert f"累计投入各类帮扶资金{(total / WAN).normalize():f}万元" in sentence
    assert "余万元" not in sentence.split("，")[0]


def test_an_uneven_total_is_rounded_down_with_yu(build, tmp_path):
    helper, _total = fresh(build, [Decimal("95370000.00")])

    sentence, _found = briefing(tmp_path, helper, "published")

    assert sentence.startswith(f"{helper}累计投入各类帮扶资金9500余万元，")
    assert dt.date.fromisoformat(AS_OF).year == 2022

"""`pairaid check-bulletin` on consumption assistance (消费帮扶), enterprises brought in and their
investment: a published figure is checked against the figure counted from the demo's records
(the total, or the purchases or helped sales its words speak of); a pairing that keeps no such
records cannot be checked."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

from consumption_records import consumption
from django.core.management import call_command

from pairaid.ledger import figures, figures_cooperation
from pairaid.ledger.models import ConsumptionRecord, Pairing

AS_OF = dt.date(2022, 12, 4)
WAN = Decimal(10_000)


def check(tmp_path: Path, text: str) -> list[dict]:
    path = tmp_path / "text.txt"
    path.write_text(f"发布时间：{AS_OF.isoformat()}\n{text}", encoding="utf-8")
    out = StringIO()
    call_command("check_bulletin", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())["claims"]


def demo(name: str) -> Pairing:
    return Pairing.objects.get(helper_region__name=name, is_demo=True)


def in_wan(value: Decimal) -> str:
    """As a text writes it: 万元, two decimals."""
    return f"{(value / WAN).quantize(Decimal('0.01'))}万元"


def since_2016(pairing: Pairing, direction: str | None = None) -> Decimal:
    window = figures.window_for(pairing, as_of=AS_OF)
    return figures_cooperation.consumption(window, direction).value


def test_the_demos_consumption_total_agrees_and_a_wrong_one_disagrees(db, tmp_path):
    total = since_2016(demo("江阳区"))
    right, wrong = in_wan(total), in_wan(total + 100 * WAN)

    claims = check(
        tmp_path,
        f"2016年以来，江阳区消费帮扶金额{right}。2016年以来，江阳区消费帮扶金额{wrong}。",
    )

    assert [(c["metric"], c["verdict"]) for c in claims] == [
        ("consumption", "agrees"),
        ("consumption", "disagrees"),
    ]
    assert Decimal(str(claims[0]["ledger_value"])) == total
    assert "采购与帮助销售两项相加" in claims[0]["rule"]


def test_a_purchase_or_a_helped_sale_is_checked_against_its_own_direction(db, tmp_path):
    pairing = demo("龙马潭区")
    bought = since_2016(pairing, ConsumptionRecord.Direction.PURCHASED)
    sold = since_2016(pairing, ConsumptionRecord.Direction.SOLD_HELPED)

    claims = check(
        tmp_path,
        f"2016年以来，龙马潭区采购普格县农特产品{in_wan(bought)}。"
        f"2016年以来，龙马潭区帮助普格县销售农特产品{in_wan(sold)}。",
    )

    assert [c["verdict"] for c in claims] == ["agrees", "agrees"]
    assert [Decimal(str(c["ledger_value"])) for c in claims] == [bought, sold]
    assert bought and sold and bought + sold == since_2016(pairing)


def test_a_pairing_that_keeps_no_consumption_records_stays_unknown(build, tmp_path):
    pairing = build.pairing("甲区", "乙县", valid_from=dt.date(2016, 1, 1))

    [claim] = check(tmp_path, "2016年以来，甲区消费帮扶金额100万元。")
    assert claim["verdict"] == "unknown" and "消费帮扶记录" in claim["reason"]

    consumption(pairing, "1000000.00")
    [claim] = check(tmp_path, "2016年以来，甲区消费帮扶金额100万元。")
    assert claim["verdict"] == "agrees"


def test_enterprises_and_their_arrived_investment_are_checked(db, tmp_path):
    pairing = demo("龙马潭区")
    window = figures.window_for(pairing, as_of=AS_OF)
    landed = figures_cooperation.enterprises_landed(window).value
    arrived = figures_cooperation.investment_arrived(window).value

    claims = check(
        tmp_path,
        f"2016年以来，龙马潭区引导{landed}家企业到普格县投资，到位资金{in_wan(arrived)}。",
    )

    found = {c["metric"]: c for c in claims}
    assert found["enterprises"]["verdict"] == "agrees"
    assert found["investment"]["verdict"] == "agrees"
    assert Decimal(str(found["investment"]["ledger_value"])) == arrived

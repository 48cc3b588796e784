"""`pairaid summary` on the demo data: the founding article's figures, computed from records."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

AS_OF = "2022-12-04"  # the article's publication date
JIANGYANG = "江阳区累计投入各类帮扶资金14654.73万元，实施帮扶项目154个，选派干部人才320人"


def summary(*args: str) -> str:
    out = StringIO()
    call_command("summary", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_article_sentence_for_jiangyang(db):
    assert summary("--pairing", "江阳区", "--as-of", AS_OF).splitlines()[0] == JIANGYANG


def test_it_finds_a_pairing_by_the_recipient_or_a_code(db):
    assert summary("--pairing", "盐源县", "--as-of", AS_OF).splitlines()[0] == JIANGYANG
    assert summary("--pairing", "510502", "--as-of", AS_OF).splitlines()[0] == JIANGYANG


def test_it_writes_longmatan_the_way_the_article_does(db):
    line = summary("--pairing", "龙马潭区", "--as-of", AS_OF, "--style", "published")
    assert line.splitlines()[0] == (
        "龙马潭区累计投入各类帮扶资金9500余万元，实施帮扶项目123个，选派干部人才268人"
    )


def test_it_prints_every_pairing_with_the_rule(db):
    lines = summary("--as-of", AS_OF).splitlines()
    assert JIANGYANG in lines
    assert any(line.startswith("泸州市累计投入各类帮扶资金") for line in lines)
    assert "口径" in lines[-1] and "截至2022-12-04" in lines[-1]


def test_it_gives_the_figures_in_yuan_as_json(db):
    payload = json.loads(summary("--pairing", "江阳区", "--as-of", AS_OF, "--json"))
    (pairing,) = payload["pairings"]
    values = {figure["key"]: figure for figure in pairing["figures"]}

    assert Decimal(values["funds_transfer"]["value"]) == Decimal("146547300.00")
    assert values["funds_transfer"]["unit"] == "元"
    assert values["projects_implemented"]["value"] == 154
    assert values["persons_dispatched_persons"]["value"] == 320
    assert pairing["as_of"] == AS_OF
    assert all(figure["rule"] for figure in pairing["figures"])
    assert pairing["sentence"] == JIANGYANG


def test_it_counts_postings_when_asked(db):
    payload = json.loads(
        summary("--pairing", "江阳区", "--as-of", AS_OF, "--json", "--person-rule", "postings")
    )
    persons = payload["pairings"][0]["figures"][2]
    assert persons["unit"] == "人次"
    assert persons["value"] > 320


def test_it_counts_less_as_of_an_earlier_date(db):
    payload = json.loads(summary("--pairing", "江阳区", "--as-of", "2019-12-31", "--json"))
    funds = Decimal(payload["pairings"][0]["figures"][0]["value"])
    assert Decimal("0") < funds < Decimal("146547300.00")


def test_it_names_an_unknown_pairing(db):
    with pytest.raises(CommandError, match="找不到结对关系：不存在区"):
        summary("--pairing", "不存在区")


def test_it_rejects_a_malformed_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        summary("--as-of", "2022/12/04")

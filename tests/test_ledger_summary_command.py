"""`pairaid summary` (ledger/management/commands/summary.py) through `call_command`, on
pairings the test builds: each sentence and each JSON figure equals the drawn records summed
here in Python, exact to the fen and as a published text rounds it (余); a pairing found by
its helper, its recipient or its code; a coordinating pairing speaking for its children; the
user's view; refusals in Chinese; the rule line in Chinese whatever language is active."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import services
from pairaid.ledger.models import FundFlow, Person, Project
from pairaid.ledger.money import ZERO, from_fen

PROPERTY = settings(
    deadline=None,
    max_examples=8,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SOURCES = [s.value for s in FundFlow.Source]
_serial = itertools.count(1)
SENTENCE = re.compile(
    r"^(?P<helper>.+)累计投入各类帮扶资金(?P<money>[0-9.]+)(?P<more>余?)万元，"
    r"实施帮扶项目(?P<projects>\d+)个，选派干部人才(?P<persons>\d+)人$"
)


def summary(*args: str) -> str:
    out = StringIO()
    call_command("summary", *args, stdout=out)
    return out.getvalue()


def payload(*args: str) -> dict:
    return json.loads(summary(*args, "--json"))


def names():
    n = next(_serial)
    return f"汇甲区{n}", f"汇乙县{n}"


def wan(yuan: Decimal) -> Decimal:
    return (yuan / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


drawn_flows = st.lists(
    st.tuples(
        st.sampled_from([FundFlow.Kind.TRANSFER, FundFlow.Kind.TRANSFER, FundFlow.Kind.PLAN]),
        st.sampled_from(SOURCES),
        st.integers(2019, 2023),
        st.integers(1, 12),
        st.integers(1, 10**12),
    ),
    max_size=6,
)
drawn_projects = st.lists(
    st.tuples(
        st.sampled_from([*Project.STARTED, Project.Status.CANCELLED, Project.Status.PLANNED]),
        st.dates(dt.date(2019, 1, 1), dt.date(2023, 12, 31)),
    ),
    max_size=4,
)
drawn_postings = st.lists(
    st.tuples(st.integers(0, 2), st.dates(dt.date(2019, 1, 1), dt.date(2023, 12, 31))),
    max_size=4,
)


@PROPERTY
@given(
    flows=drawn_flows,
    projects=drawn_projects,
    postings=drawn_postings,
    as_of=st.dates(dt.date(2019, 6, 1), dt.date(2024, 6, 30)),
)
def test_it_says_what_the_drawn_records_add_up_to(build, flows, projects, postings, as_of):
    helper, recipient = names()
    pairing = build.pairing(helper, recipient, valid_from=dt.date(2019, 1, 1))
    made = [
        build.flow(pairing, str(from_fen(fen)), kind=kind, year=y, day=dt.date(y, m, 1), source=s)
        for kind, s, y, m, fen in flows
    ]
    built = [build.project(pairing, status=status, start=start) for status, start in projects]
    people = [build.person(f"汇人{next(_serial)}") for _ in range(3)]
    posted = [build.posting(people[who], pairing, start) for who, start in postings]

    money = sum(
        (
            f.amount
            for f in made
            if f.kind == FundFlow.Kind.TRANSFER and f.fund_year <= as_of.year and f.date <= as_of
        ),
        ZERO,
    )
    started = sum(1 for p in built if p.status in Project.STARTED and p.start_date <= as_of)
    persons = {p.person_id for p in posted if p.start_date <= as_of}
    postings_count = sum(1 for p in posted if p.start_date <= as_of)

    found = payload("--pairing", helper, "--as-of", as_of.isoformat())
    (one,) = found["pairings"]
    values = {figure["key"]: figure["value"] for figure in one["figures"]}
    assert Decimal(values["funds_transfer"]) == money
    assert values["projects_implemented"] == started
    assert values["persons_dispatched_persons"] == len(persons)
    assert one["pairing"]["helper"] == helper and one["pairing"]["recipient"] == recipient
    assert one["as_of"] == as_of.isoformat()

    exact = SENTENCE.match(summary("--pairing", recipient, "--as-of", as_of.isoformat()).split()[0])
    assert exact is not None
    assert Decimal(exact["money"]) == wan(money) and not exact["more"]
    assert (int(exact["projects"]), int(exact["persons"])) == (started, len(persons))

    published = SENTENCE.match(
        summary(
            "--pairing", helper, "--as-of", as_of.isoformat(), "--style", "published"
        ).splitlines()[0]
    )
    assert published is not None
    true_wan = money / 10000
    step = 100 if true_wan >= 1000 else 10 if true_wan >= 100 else 1
    shown = (true_wan / step).to_integral_value(rounding=ROUND_DOWN) * step
    assert Decimal(published["money"]) == shown
    assert Decimal(published["money"]) <= true_wan < Decimal(published["money"]) + step
    assert bool(published["more"]) == (true_wan > shown)

    by_postings = payload(
        "--pairing", helper, "--as-of", as_of.isoformat(), "--person-rule", "postings"
    )
    persons_figure = by_postings["pairings"][0]["figures"][2]
    assert persons_figure["value"] == postings_count
    assert persons_figure["unit"] == "人次"


# --- one scene per test --------------------------------------------------------------------


def test_it_says_nothing_yet_for_a_pairing_without_records(build):
    helper, recipient = names()
    build.pairing(helper, recipient)

    line = summary("--pairing", helper).splitlines()[0]

    assert line == f"{helper}累计投入各类帮扶资金0.00万元，实施帮扶项目0个，选派干部人才0人"


def test_it_finds_a_pairing_by_the_code_of_its_recipient(build):
    helper, recipient = names()
    pairing = build.pairing(helper, recipient)
    build.flow(pairing, "12345.67", year=2021)

    line = summary("--pairing", pairing.recipient_region.code).splitlines()[0]

    assert line.startswith(f"{helper}累计投入各类帮扶资金1.23万元")


def test_it_lets_a_coordinating_pairing_speak_for_its_children(build):
    helper, recipient = names()
    parent = build.pairing(helper, recipient)
    child_helper, child_recipient = names()
    child = build.pairing(child_helper, child_recipient, parent=parent)
    build.flow(parent, "100.00")
    build.flow(child, "200.00")
    build.project(child)
    build.posting(
        build.person("汇下级干部", category=Person.Category.CADRE), child, dt.date(2021, 5, 1)
    )

    found = payload("--pairing", helper)
    values = {figure["key"]: figure["value"] for figure in found["pairings"][0]["figures"]}

    assert Decimal(values["funds_transfer"]) == Decimal("100.00") + Decimal("200.00")
    assert values["projects_implemented"] == 1
    assert values["persons_dispatched_persons"] == 1
    child_found = payload("--pairing", child_helper)
    child_values = {f["key"]: f["value"] for f in child_found["pairings"][0]["figures"]}
    assert Decimal(child_values["funds_transfer"]) == Decimal("200.00")


def test_it_keeps_guided_investment_and_reversed_money_out_of_the_sentence(build):
    helper, recipient = names()
    pairing = build.pairing(helper, recipient)
    build.flow(pairing, "300.00", year=2021)
    wrong = build.flow(pairing, "999.00", year=2021)
    services.reverse_fund_flow(
        wrong, acting_user=None, via="test", reason="重复录入", on=dt.date(2021, 6, 2)
    )
    build.flow(pairing, "5000.00", kind=FundFlow.Kind.PLAN, year=2021)

    found = payload("--pairing", helper)
    funds = found["pairings"][0]["figures"][0]

    assert Decimal(funds["value"]) == Decimal("300.00")
    assert "不含引导企业投资" in funds["rule"]


def test_it_answers_for_a_users_view_only(build, personas):
    found = payload("--user", "jiangyang", "--as-of", "2022-12-04")

    helpers = {one["pairing"]["helper"] for one in found["pairings"]}
    assert "江阳区" in helpers
    assert "龙马潭区" not in helpers


def test_it_names_a_user_who_does_not_exist(db):
    with pytest.raises(CommandError, match="没有用户 无此人"):
        summary("--user", "无此人")


def test_it_tells_a_user_who_sees_no_pairing(personas):
    with pytest.raises(CommandError, match="用户 outsider 没有可见的结对关系"):
        summary("--user", "outsider")


def test_it_refuses_a_pairing_outside_the_users_view(personas):
    with pytest.raises(CommandError, match="找不到结对关系：龙马潭区"):
        summary("--pairing", "龙马潭区", "--user", "jiangyang")


def test_it_refuses_an_unknown_style_or_person_rule(db):
    with pytest.raises(CommandError):
        summary("--style", "rounded")
    with pytest.raises(CommandError):
        summary("--person-rule", "heads")


def test_it_writes_the_rule_line_in_chinese_whatever_language_is_active(build):
    helper, recipient = names()
    build.pairing(helper, recipient)

    with translation.override("en"):
        lines = summary("--pairing", helper, "--as-of", "2022-12-04").splitlines()

    assert lines[-1].startswith("（口径：")
    assert "截至2022-12-04" in lines[-1]
    assert "含待确认记录" in lines[-1]
    assert "不重复人数" in lines[-1]


def test_it_names_the_postings_rule_in_the_rule_line(build):
    helper, recipient = names()
    build.pairing(helper, recipient)

    lines = summary("--pairing", helper, "--person-rule", "postings").splitlines()

    assert "人员为人次" in lines[-1]


def test_it_gives_json_that_names_its_style(build):
    helper, recipient = names()
    pairing = build.pairing(helper, recipient)
    build.flow(pairing, "95370000.00", year=2021)

    found = payload("--pairing", helper, "--style", "published")

    assert found["style"] == "published"
    assert found["pairings"][0]["sentence"].startswith(f"{helper}累计投入各类帮扶资金9500余万元")
    assert found["pairings"][0]["figures"][0]["value"] == "95370000.00"

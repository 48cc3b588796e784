"""Frozen briefings: the figures, rules, as-of date and records kept at freezing; compared
later, the records that made each difference are named."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.utils import timezone, translation
from docx import Document

from pairaid.ledger import figures, services
from pairaid.ledger.models import AuditEntry, FundFlow, Pairing
from pairaid.reports.models import FrozenBriefing

AS_OF = dt.date(2022, 12, 4)


def jiangyang() -> Pairing:
    return Pairing.objects.get(helper_region__name="江阳区")


def freeze(*args: str) -> FrozenBriefing:
    call_command("freeze_briefing", "--pairing", "江阳区", *args, stdout=StringIO())
    return FrozenBriefing.objects.latest("created_at", "id")


def compare(frozen: FrozenBriefing, *args: str) -> str:
    out = StringIO()
    call_command("compare_briefing", str(frozen.pk), *args, stdout=out)
    return out.getvalue()


def funds_item(frozen: FrozenBriefing) -> dict:
    key = f"{jiangyang().pk}:funds_transfer"
    return next(item for item in frozen.figures["figures"] if item["key"] == key)


def test_it_keeps_each_figure_with_its_rule_records_and_who_froze_it(db, admin_user):
    frozen = freeze("--as-of", "2022-12-04", "--user", admin_user.username, "--note", "年终简报")

    invested = figures.funds_invested(figures.window_for(jiangyang(), as_of=AS_OF))
    item = funds_item(frozen)
    assert Decimal(item["value"]) == invested.value == Decimal("146547300.00")
    assert item["rule"] == invested.rule
    assert item["as_of"] == "2022-12-04"
    assert item["records"] == sorted(
        (f"fundflow:{pk}" for pk in invested.records.values_list("pk", flat=True)),
        key=lambda ref: int(ref.split(":")[1]),
    )
    assert frozen.created_by == admin_user and frozen.note == "年终简报"
    assert frozen.text.splitlines()[0] == (
        "江阳区累计投入各类帮扶资金14654.73万元，实施帮扶项目154个，选派干部人才320人。"
    )
    entry = AuditEntry.objects.get(action="briefing.frozen", record_id=str(frozen.pk))
    assert entry.user == admin_user and entry.actor == "cli"
    assert entry.pairing == jiangyang()
    assert entry.changes["figures"][item["key"]] == "146547300.00"


def test_it_names_the_transfer_recorded_since(db, build):
    frozen = freeze("--as-of", "2022-12-04")
    flow = build.flow(
        jiangyang(), "88888.88", year=2022, day=dt.date(2022, 11, 30), voucher="江财〔2022〕99号"
    )

    out = compare(frozen)

    assert f"资金记录#{flow.pk}" in out
    assert "88888.88元" in out and "江财〔2022〕99号" in out
    assert "冻结时146547300.00元，现在146636188.88元（+88888.88）" in out


def test_it_names_a_reversal_as_the_record_that_took_money_out(db):
    frozen = freeze("--as-of", "2022-12-04")
    flow = FundFlow.objects.filter(
        pairing=jiangyang(), kind="transfer", fund_year=2021, reverses=None, reversed_by=None
    ).first()
    reversal = services.reverse_fund_flow(
        flow, acting_user=None, via="test", reason="重复登记", on=dt.date(2022, 12, 2)
    )

    out = compare(frozen)

    assert f"资金记录#{reversal.pk}" in out
    assert f"-{flow.amount}元" in out
    assert f"（-{flow.amount}）" in out


def test_it_says_so_when_nothing_changed_and_writes_the_comparison(db, tmp_path):
    frozen = freeze("--as-of", "2022-12-04")
    path = tmp_path / "compare.docx"

    out = compare(frozen, "-o", str(path))

    assert out.splitlines()[0] == "与冻结时相比，各项数字及其依据的记录均无变化。"
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "与冻结时相比，各项数字及其依据的记录均无变化。" in text


def test_it_compares_a_briefing_frozen_as_of_today_with_today(db, build):
    frozen = freeze()
    today = timezone.localdate()
    flow = build.flow(jiangyang(), "10.00", year=today.year, day=today)
    project = build.project(jiangyang(), start=today)

    out = compare(frozen)

    assert frozen.options["as_of"] is None
    assert f"资金记录#{flow.pk}" in out
    assert f"项目#{project.pk}" in out


def test_it_freezes_and_compares_rules_in_the_language_of_record(db, admin_user):
    """Rules come through the catalogue; a briefing frozen from an English page keeps the
    Chinese rules, and compared from a Chinese one finds no change of rule."""
    with translation.override("en"):
        frozen = freeze("--as-of", "2022-12-04")
    item = funds_item(frozen)
    with translation.override("zh-hans"):
        invested = figures.funds_invested(figures.window_for(jiangyang(), as_of=AS_OF))
        assert item["rule"] == invested.rule
        assert "各类来源" in item["rule"]
        assert "均无变化" in compare(frozen)

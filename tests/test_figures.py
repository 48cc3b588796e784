"""Counting rules (口径) on small pairings made for each test: the edge cases of DESIGN.md."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pairaid.ledger import figures, services
from pairaid.ledger.models import FundFlow, Person, Project

AS_OF = dt.date(2022, 12, 31)


def window(pairing, **options):
    options.setdefault("as_of", AS_OF)
    return figures.window_for(pairing, **options)


def test_it_sums_transfers_of_all_sources_and_nothing_else(build):
    pairing = build.pairing()
    build.flow(pairing, "100.10", source=FundFlow.Source.FISCAL)
    build.flow(pairing, "200.20", source=FundFlow.Source.SOCIAL_CASH)
    build.flow(pairing, "0.01", source=FundFlow.Source.IN_KIND)
    build.flow(pairing, "999.00", kind=FundFlow.Kind.PLAN)
    project = build.project(pairing)
    build.flow(pairing, "50.00", kind=FundFlow.Kind.ALLOCATE, project=project)
    build.flow(pairing, "40.00", kind=FundFlow.Kind.SPEND, project=project)

    invested = figures.funds_invested(window(pairing))

    assert invested.value == Decimal("300.31")
    assert invested.records.count() == 3
    assert "不含引导企业投资" in invested.rule
    assert invested.as_of == AS_OF


def test_it_counts_a_reversal_as_cancelling_its_entry(build):
    pairing = build.pairing()
    wrong = build.flow(pairing, "1000.00")
    services.correct_fund_flow(
        wrong,
        acting_user=None,
        via="test",
        reason="金额录入错误",
        on=dt.date(2021, 7, 1),
        amount=Decimal("100.00"),
    )

    assert figures.funds_invested(window(pairing)).value == Decimal("100.00")
    assert figures.funds_invested(window(pairing)).records.count() == 3


def test_it_ignores_flows_dated_after_the_as_of_date(build):
    pairing = build.pairing()
    build.flow(pairing, "10.00", year=2022, day=dt.date(2022, 12, 1))
    build.flow(pairing, "20.00", year=2022, day=dt.date(2023, 1, 5))

    assert figures.funds_invested(window(pairing)).value == Decimal("10.00")
    later = window(pairing, as_of=dt.date(2023, 1, 31))
    assert figures.funds_invested(later).value == Decimal("30.00")


def test_it_limits_funds_to_the_fund_years_asked_for(build):
    pairing = build.pairing()
    build.flow(pairing, "1.00", year=2020)
    build.flow(pairing, "2.00", year=2021)
    build.flow(pairing, "4.00", year=2022)

    only_2021 = window(pairing, from_year=2021, to_year=2021)

    assert figures.funds_invested(only_2021).value == Decimal("2.00")


def test_it_computes_transfer_and_usage_rates(build):
    pairing = build.pairing()
    project = build.project(pairing)
    build.flow(pairing, "200.00", kind=FundFlow.Kind.PLAN)
    build.flow(pairing, "150.00")
    build.flow(pairing, "120.00", kind=FundFlow.Kind.ALLOCATE, project=project)
    build.flow(pairing, "40.00", kind=FundFlow.Kind.SPEND, project=project)

    assert figures.transfer_rate(window(pairing)).percent == Decimal("75.00")
    assert figures.usage_rate(window(pairing)).percent == Decimal("33.33")


def test_it_gives_no_rate_when_nothing_was_planned(build):
    pairing = build.pairing()
    build.flow(pairing, "150.00")

    assert figures.transfer_rate(window(pairing)).percent is None


def test_it_counts_started_projects_once_and_skips_cancelled_and_unstarted(build):
    pairing = build.pairing()
    for status in Project.STARTED:
        build.project(pairing, status=status)
    build.project(pairing, status=Project.Status.CANCELLED)
    build.project(pairing, status=Project.Status.PLANNED, start=None)
    build.project(pairing, status=Project.Status.APPROVED, start=None)

    assert figures.projects_implemented(window(pairing)).value == len(Project.STARTED)


def test_it_skips_projects_starting_after_the_as_of_date(build):
    pairing = build.pairing()
    build.project(pairing, start=dt.date(2022, 6, 1))
    build.project(pairing, start=dt.date(2023, 2, 1))

    assert figures.projects_implemented(window(pairing)).value == 1


def test_it_counts_a_person_posted_twice_once_or_twice_by_rule(build):
    pairing = build.pairing()
    twice = build.person("李四")
    once = build.person("王五", category=Person.Category.PROFESSIONAL, profession="teacher")
    build.posting(twice, pairing, dt.date(2020, 3, 1), batch=1)
    build.posting(twice, pairing, dt.date(2022, 3, 1), batch=2)
    build.posting(once, pairing, dt.date(2021, 3, 1))

    assert figures.persons_dispatched(window(pairing)).value == 2
    assert figures.persons_dispatched(window(pairing), figures.POSTINGS).value == 3
    cadres = figures.persons_dispatched(window(pairing), category=Person.Category.CADRE)
    professionals = figures.persons_dispatched(
        window(pairing), category=Person.Category.PROFESSIONAL
    )
    assert (cadres.value, professionals.value) == (1, 1)


def test_it_skips_postings_starting_after_the_as_of_date(build):
    pairing = build.pairing()
    build.posting(build.person(), pairing, dt.date(2022, 12, 31))
    build.posting(build.person(), pairing, dt.date(2023, 1, 1))

    assert figures.persons_dispatched(window(pairing)).value == 1


def test_it_adds_child_pairings_only_when_asked(build):
    parent = build.pairing("甲市", "乙州")
    child_a = build.pairing("甲市一区", "乙州一县", parent=parent)
    child_b = build.pairing("甲市二区", "乙州二县", parent=parent)
    build.flow(parent, "1.00")
    build.flow(child_a, "10.00")
    build.flow(child_b, "100.00")
    shared = build.person()
    build.posting(shared, child_a, dt.date(2021, 1, 1))
    build.posting(shared, child_b, dt.date(2022, 1, 1))

    alone = window(parent)
    together = window(parent, include_children=True)

    assert figures.funds_invested(alone).value == Decimal("1.00")
    assert figures.funds_invested(together).value == Decimal("111.00")
    assert figures.persons_dispatched(together).value == 1
    assert figures.persons_dispatched(together, figures.POSTINGS).value == 2


def test_it_keeps_counting_a_pairing_that_has_ended(build):
    pairing = build.pairing(valid_from=dt.date(2016, 1, 1), valid_to=dt.date(2020, 12, 31))
    build.flow(pairing, "5.00", year=2017)
    build.project(pairing, start=dt.date(2017, 5, 1), status=Project.Status.HANDED_OVER)
    services.update_record(pairing, acting_user=None, via="test", valid_to=dt.date(2019, 12, 31))

    later = window(pairing, as_of=dt.date(2025, 1, 1))

    assert later.from_year == 2016
    assert figures.funds_invested(later).value == Decimal("5.00")
    assert figures.projects_implemented(later).value == 1


def test_it_can_count_confirmed_transfers_only(build):
    pairing = build.pairing()
    confirmed = build.flow(pairing, "7.00")
    build.flow(pairing, "3.00")
    services.confirm_record(confirmed, acting_user=None, via="test", accept=True)

    assert figures.funds_invested(window(pairing, confirmed_only=True)).value == Decimal("7.00")
    assert figures.funds_invested(window(pairing)).value == Decimal("10.00")
    assert "仅已确认记录" in window(pairing, confirmed_only=True).describe()


def test_it_writes_the_article_sentence_in_both_styles(build):
    pairing = build.pairing("丙区", "丁县")
    build.flow(pairing, "95371234.56")
    build.project(pairing)
    build.posting(build.person(), pairing, dt.date(2021, 1, 1))

    summary = figures.pairing_summary(pairing, window(pairing))

    assert (
        summary.sentence()
        == "丙区累计投入各类帮扶资金9537.12万元，实施帮扶项目1个，选派干部人才1人"
    )
    assert summary.sentence("published").startswith("丙区累计投入各类帮扶资金9500余万元，")
    assert summary.to_dict()["figures"][0]["value"] == "95371234.56"


def test_it_counts_confirmed_postings_only_when_asked(build):
    pairing = build.pairing()
    arrived = build.posting(build.person(), pairing, dt.date(2021, 1, 1))
    build.posting(build.person(), pairing, dt.date(2021, 2, 1))
    services.confirm_record(arrived, acting_user=None, via="test", accept=True)

    assert figures.persons_dispatched(window(pairing, confirmed_only=True)).value == 1
    assert figures.persons_dispatched(window(pairing)).value == 2


def test_it_names_a_part_of_the_total_after_its_sources(build):
    pairing = build.pairing()
    build.flow(pairing, "1.00", source=FundFlow.Source.FISCAL)
    build.flow(pairing, "2.00", source=FundFlow.Source.SOCIAL_CASH)

    part = figures.funds(window(pairing), FundFlow.Kind.TRANSFER, [FundFlow.Source.SOCIAL_CASH])
    total = figures.funds_invested(window(pairing))

    assert (part.value, total.value) == (Decimal("2.00"), Decimal("3.00"))
    assert part.key == "funds_transfer_social_cash" != total.key
    assert "社会帮扶资金" in part.label and "各类" not in part.label


def test_it_keeps_guided_investment_apart_from_assistance_funds(build):
    from pairaid.ledger import figures_cooperation
    from pairaid.ledger.models import GuidedInvestment

    pairing = build.pairing()
    build.flow(pairing, "10.00")
    services.create_record(
        GuidedInvestment,
        acting_user=None,
        via="test",
        pairing=pairing,
        enterprise="某企业",
        year=2021,
        date=dt.date(2021, 9, 1),
        amount=Decimal("5000.00"),
    )

    assert figures.funds_invested(window(pairing)).value == Decimal("10.00")
    assert figures_cooperation.investment_arrived(window(pairing)).value == Decimal("5000.00")

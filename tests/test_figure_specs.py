"""The registry of figures (`ledger.figure_specs.FIGURES`) answers the bulletin check: each
figure declares the bulletin metrics it answers, and the checker asks the registry."""

from __future__ import annotations

import datetime as dt

from pairaid.bulletin.checks import NOT_RECORDED, check_text
from pairaid.bulletin.extract import METRICS
from pairaid.ledger import figure_specs, figures
from pairaid.ledger.figure_specs import FIGURES
from pairaid.ledger.models import Pairing
from pairaid.web.drilldown import EXTRA_VALUES, SPECS

AS_OF = dt.date(2022, 12, 31)


def test_it_declares_every_metric_the_ledger_records():
    declared = {answer.metric for spec in FIGURES.values() for answer in spec.bulletin}
    assert declared == set(METRICS) - set(NOT_RECORDED)


def test_it_checks_a_claim_against_the_figure_that_declares_its_metric(db):
    report = check_text("2022年，江阳区累计选派医生3人，实施帮扶项目9个。", as_of=AS_OF)
    by_metric = {result.claim.metric: result for result in report.results}
    for metric, key in (
        ("doctors", "persons_dispatched_doctor"),
        ("projects", "projects_implemented"),
    ):
        figure = by_metric[metric].ledger
        assert figure is not None and figure.key == key
        alone = FIGURES[key].make(figure.window, None)
        assert (figure.value, figure.rule) == (alone.value, alone.rule)


def test_it_picks_the_figure_by_the_claims_tags(db):
    pairing = Pairing.objects.matching("江阳区").first()
    window = figures.window_for(pairing, as_of=AS_OF)
    plan, _why = figure_specs.claim_figure("funds", ("计划",), window)
    fiscal, _why = figure_specs.claim_figure("funds", ("财政",), window)
    postings, _why = figure_specs.claim_figure("persons", ("人次",), window)
    sent, _why = figure_specs.claim_figure("schools", ("组团式", "派出"), window)
    assert (plan.key, fiscal.key, postings.key, sent.key) == (
        "funds_plan",
        "funds_transfer_fiscal",
        "persons_dispatched_postings",
        "team_schools_from",
    )
    assert fiscal.value == figures.funds(window, "transfer", ["fiscal"]).value


def test_it_says_why_a_claim_no_figure_answers_cannot_be_checked(db):
    pairing = Pairing.objects.matching("江阳区").first()
    window = figures.window_for(pairing, as_of=AS_OF)
    figure, why = figure_specs.claim_figure("schools", ("派出",), window)
    assert figure is None and "组团式" in why
    figure, why = figure_specs.claim_figure("made-up", (), window)
    assert figure is None and why == "无法核对此类数字"


def test_it_drills_every_figure_down_to_a_list_that_takes_its_filters():
    for key, spec in FIGURES.items():
        if not spec.records:
            continue
        drill_key, fixed = spec.drill_to(key)
        assert drill_key in SPECS, key
        assert set(fixed) <= set(SPECS[drill_key].extras), key
        assert all(EXTRA_VALUES[name](value) for name, value in fixed.items()), key

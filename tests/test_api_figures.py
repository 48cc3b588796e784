"""GET /api/v1/figures/: the figures module's answers, with rule and as-of date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from test_api_support import Api, demo_pairing

from pairaid.ledger import figures
from pairaid.ledger.figure_specs import FIGURES

AS_OF = "2022-12-04"  # the day after the visit the article reports


def by_key(body):
    return {figure["key"]: figure for figure in body["figures"]}


def test_it_answers_the_founding_figures_of_jiangyang(personas):
    pairing = demo_pairing("江阳区")
    body = (
        Api.as_user(personas.jiangyang, "read")
        .get("/figures/", pairing=pairing.pk, as_of=AS_OF)
        .json()
    )
    shown = by_key(body)
    assert shown["funds_transfer"]["value"] == "146547300.00"
    assert shown["funds_transfer"]["unit"] == "元"
    assert shown["projects_implemented"]["value"] == 154
    assert shown["persons_dispatched_persons"]["value"] == 320
    assert (
        body["sentence"]
        == "江阳区累计投入各类帮扶资金14654.73万元，实施帮扶项目154个，选派干部人才320人"
    )
    for figure in body["figures"]:
        assert figure["rule"] and figure["as_of"] == AS_OF
        assert (figure["from_year"], figure["to_year"]) == (2016, 2022)
    assert body["window"]["pairing_ids"] == [pairing.pk]


def test_it_answers_the_founding_figures_of_longmatan(personas):
    body = (
        Api.as_user(personas.puge, "read")
        .get("/figures/", pairing=demo_pairing("龙马潭区").pk, as_of=AS_OF)
        .json()
    )
    shown = by_key(body)
    funds = Decimal(shown["funds_transfer"]["value"])
    assert Decimal("95000000") <= funds < Decimal("96000000")  # 9500余万元
    assert shown["projects_implemented"]["value"] == 123
    assert shown["persons_dispatched_persons"]["value"] == 268


def test_it_answers_exactly_what_the_figures_module_computes(personas):
    pairing = demo_pairing("泸州市")
    body = (
        Api.as_user(personas.luzhou, "read")
        .get("/figures/", pairing=pairing.pk, as_of=AS_OF, person_rule="postings", from_year=2018)
        .json()
    )
    window = figures.window_for(
        pairing, as_of=dt.date(2022, 12, 4), from_year=2018, include_children=True
    )
    expected = [
        figures.funds_invested(window),
        figures.funds(window, "plan"),
        figures.funds(window, "allocate"),
        figures.funds(window, "spend"),
        figures.projects_implemented(window),
        figures.persons_dispatched(window, figures.POSTINGS),
        figures.persons_dispatched(window, figures.POSTINGS, "cadre"),
        figures.persons_dispatched(window, figures.POSTINGS, "professional"),
    ]
    # then the figures of the assessment's other areas, in the order they are declared
    expected += [spec.make(window, None) for spec in FIGURES.values() if spec.api and spec.area]
    assert body["figures"] == [{**figure.to_dict(), "as_of": AS_OF} for figure in expected]
    assert by_key(body)["persons_dispatched_postings"]["unit"] == "人次"
    assert body["window"]["pairing_ids"] == list(window.pairing_ids)  # the districts included
    rates = {rate["key"]: rate for rate in body["rates"]}
    assert rates["transfer_rate"]["percent"] == str(figures.transfer_rate(window).percent)
    assert rates["usage_rate"]["numerator"] == "funds_spend"


def test_it_leaves_the_children_out_when_asked(personas):
    pairing = demo_pairing("泸州市")
    body = (
        Api.as_user(personas.luzhou, "read")
        .get("/figures/", pairing=pairing.pk, as_of=AS_OF, children="false")
        .json()
    )
    assert body["window"]["pairing_ids"] == [pairing.pk]
    window = figures.window_for(pairing, as_of=dt.date(2022, 12, 4))
    assert by_key(body)["funds_transfer"]["value"] == str(figures.funds_invested(window).value)


def test_it_counts_a_transfer_recorded_through_the_api(personas):
    pairing = demo_pairing("江阳区")
    reader = Api.as_user(personas.jiangyang)
    before = Decimal(
        by_key(reader.get("/figures/", pairing=pairing.pk).json())["funds_transfer"]["value"]
    )
    reader.post(
        "/fund-flows/",
        {
            "pairing_id": pairing.pk,
            "kind": "transfer",
            "fund_year": timezone.localdate().year,
            "date": timezone.localdate().isoformat(),
            "amount": "0.01",
            "source": "in_kind",
        },
    )
    after = Decimal(
        by_key(reader.get("/figures/", pairing=pairing.pk).json())["funds_transfer"]["value"]
    )
    assert after - before == Decimal("0.01")


def test_it_counts_only_confirmed_money_when_asked(personas):
    pairing = demo_pairing("江阳区")
    body = (
        Api.as_user(personas.jiangyang, "read")
        .get("/figures/", pairing=pairing.pk, as_of=AS_OF, confirmed_only="true")
        .json()
    )
    window = figures.window_for(pairing, as_of=dt.date(2022, 12, 4), confirmed_only=True)
    assert by_key(body)["funds_transfer"]["value"] == str(figures.funds_invested(window).value)
    assert body["window"]["confirmed_only"] is True


def test_it_answers_404_outside_the_scope(personas):
    response = Api.as_user(personas.jiangyang, "read").get(
        "/figures/", pairing=demo_pairing("龙马潭区").pk
    )
    assert response.status_code == 404


def test_it_needs_a_pairing(personas):
    response = Api.as_user(personas.jiangyang, "read").get("/figures/")
    assert response.status_code == 422
    assert response.json()["errors"] == {"pairing": ["此项必填"]}

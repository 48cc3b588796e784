"""GET /api/v1/figures/ over any window: for any fund years and as-of day, the money figures
are the flows of those years dated by that day, summed here in Python from the records the
test made; the window says what it covered; a rate with nothing to divide by is none."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_api_support import Api

from pairaid.ledger.models import FundFlow

FLOWS = [
    # kind, fund year, date, amount
    ("transfer", 2019, dt.date(2019, 3, 1), "100.01"),
    ("transfer", 2019, dt.date(2020, 2, 1), "200.02"),  # paid the next year
    ("transfer", 2020, dt.date(2020, 6, 30), "0.03"),
    ("transfer", 2021, dt.date(2021, 1, 1), "4000.00"),
    ("transfer", 2022, dt.date(2022, 12, 31), "55555.55"),
    ("plan", 2020, dt.date(2020, 1, 2), "10000.00"),
    ("plan", 2022, dt.date(2022, 1, 2), "60000.00"),
]


@pytest.fixture
def scene(build):
    pairing = build.pairing("窗甲区", "窗乙县", valid_from=dt.date(2019, 1, 1))
    for kind, year, day, amount in FLOWS:
        build.flow(pairing, amount, kind=kind, year=year, day=day)
    return pairing


def expected(pairing, kind: str, first: int, last: int, as_of: dt.date) -> Decimal:
    return sum(
        (
            f.amount
            for f in FundFlow.objects.filter(pairing=pairing, kind=kind)
            if first <= f.fund_year <= last and f.date <= as_of
        ),
        Decimal("0.00"),
    )


def figures_of(body) -> dict:
    return {f["key"]: f for f in body["figures"]}


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.integers(2019, 2023),
    span=st.integers(0, 4),
    as_of=st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2024, 12, 31)),
)
def test_it_sums_the_flows_of_the_years_asked_dated_by_the_day_asked(
    personas, scene, first, span, as_of
):
    last = first + span
    body = (
        Api.as_user(personas.admin, "read")
        .get(
            "/figures/",
            pairing=scene.pk,
            from_year=first,
            to_year=last,
            as_of=as_of.isoformat(),
        )
        .json()
    )

    shown = figures_of(body)
    for kind in ("transfer", "plan"):
        assert Decimal(shown[f"funds_{kind}"]["value"]) == expected(
            scene, kind, first, last, as_of
        ), (kind, first, last, as_of)
    assert (body["window"]["from_year"], body["window"]["to_year"]) == (first, last)
    assert body["window"]["as_of"] == as_of.isoformat()


def test_it_covers_the_pairings_years_to_the_as_of_year_by_default(personas, scene):
    as_of = dt.date(2021, 12, 31)

    body = Api.as_user(personas.admin, "read").get(
        "/figures/", pairing=scene.pk, as_of=as_of.isoformat()
    )

    shown = figures_of(body.json())
    assert body.json()["window"]["from_year"] == 2019
    assert body.json()["window"]["to_year"] == 2021
    assert Decimal(shown["funds_transfer"]["value"]) == expected(
        scene, "transfer", 2019, 2021, as_of
    )


def test_it_answers_a_window_whose_years_are_reversed_without_a_server_error(personas, scene):
    response = Api.as_user(personas.admin, "read").get(
        "/figures/", pairing=scene.pk, from_year=2022, to_year=2019
    )

    assert response.status_code in (200, 422), response.content
    if response.status_code == 200:
        assert Decimal(figures_of(response.json())["funds_transfer"]["value"]) == 0


def test_it_gives_no_rate_without_a_plan(personas, build):
    pairing = build.pairing("率甲区", "率乙县", valid_from=dt.date(2020, 1, 1))
    build.flow(pairing, "10.00", kind="transfer", year=2021)

    rates = {
        r["key"]: r
        for r in Api.as_user(personas.admin, "read")
        .get("/figures/", pairing=pairing.pk)
        .json()["rates"]
    }

    assert rates["transfer_rate"]["percent"] is None
    assert rates["usage_rate"]["percent"] is None
    assert (rates["transfer_rate"]["numerator"], rates["transfer_rate"]["denominator"]) == (
        "funds_transfer",
        "funds_plan",
    )


def test_it_rates_transfers_against_plans_of_the_same_window(personas, scene):
    body = (
        Api.as_user(personas.admin, "read")
        .get("/figures/", pairing=scene.pk, from_year=2020, to_year=2022, as_of="2022-12-31")
        .json()
    )

    rate = {r["key"]: r for r in body["rates"]}["transfer_rate"]
    transferred = expected(scene, "transfer", 2020, 2022, dt.date(2022, 12, 31))
    planned = expected(scene, "plan", 2020, 2022, dt.date(2022, 12, 31))
    assert abs(Decimal(rate["percent"]) - transferred / planned * 100) < Decimal("0.1")


@pytest.mark.parametrize(
    "params",
    [
        {"from_year": 1989},
        {"to_year": 2101},
        {"as_of": "2022-13-01"},
        {"as_of": "昨天"},
        {"person_rule": "heads"},
    ],
)
def test_it_refuses_a_window_it_cannot_read_by_parameter(personas, scene, params):
    response = Api.as_user(personas.admin, "read").get("/figures/", pairing=scene.pk, **params)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == list(params)

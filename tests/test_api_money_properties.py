"""Money through the API, for any amount and any day: what is sent in 元 comes back to the
fen however it was written, what is not money is refused by field in Chinese, dates more
than a year from their fund year need their reason, and a pairing's figures are exactly the
sum of the flows recorded and reversed through the API (summed here, in Python)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_api_support import Api, api_entries

from pairaid.ledger.models import FundFlow
from pairaid.ledger.money import MAX_AMOUNT

EXAMPLES = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
CENT = Decimal("0.01")
MAX_FEN = int(MAX_AMOUNT * 100)


@pytest.fixture
def pairing(build):
    return build.pairing("钱甲区", "钱乙县", valid_from=dt.date(2018, 1, 1))


@pytest.fixture
def admin_api(personas):
    return Api.as_user(personas.admin)


def written(fen: int, style: int) -> str:
    """One amount in the ways a caller may write it: "12.30", "12.3" or "12" where exact."""
    amount = Decimal(fen) * CENT
    if style == 1 and fen % 10 == 0:
        return f"{amount:.1f}"
    if style == 2 and fen % 100 == 0:
        return f"{amount:.0f}"
    return f"{amount:.2f}"


def transfer(pairing, amount: str, **fields) -> dict:
    body = {
        "pairing_id": pairing.pk,
        "kind": "transfer",
        "fund_year": 2021,
        "date": "2021-06-30",
        "amount": amount,
        "source": "fiscal",
    }
    body.update(fields)
    return body


@EXAMPLES
@given(fen=st.integers(1, MAX_FEN), style=st.integers(0, 2))
def test_it_keeps_every_fen_however_the_amount_is_written(admin_api, pairing, fen, style):
    amount = Decimal(fen) * CENT

    response = admin_api.post("/fund-flows/", transfer(pairing, written(fen, style)))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["amount"] == f"{amount:.2f}"
    assert FundFlow.objects.get(pk=body["id"]).amount == amount
    assert api_entries("fundflow", body["id"]).get().changes["amount"] == f"{amount:.2f}"
    assert admin_api.get(f"/fund-flows/{body['id']}/").json()["amount"] == f"{amount:.2f}"


@EXAMPLES
@given(
    amount=st.one_of(
        st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1e6"), places=3).filter(
            lambda d: d != d.quantize(CENT)
        ),
        st.floats(min_value=0.01, max_value=1e9, allow_nan=False),
        st.integers(min_value=1, max_value=10**9),
        st.sampled_from(["1,000.00", "1e5", "-1.00", " 1.00", "１００", "1.", ".50", "", "1 000"]),
    )
)
def test_it_refuses_what_is_not_money_by_field_in_chinese(admin_api, pairing, amount):
    sent = format(amount, "f") if isinstance(amount, Decimal) else amount
    before = FundFlow.objects.filter(pairing=pairing).count()

    response = admin_api.post("/fund-flows/", transfer(pairing, sent))

    assert response.status_code == 422, (sent, response.json())
    errors = response.json()["errors"]
    assert list(errors) == ["amount"]
    assert all(any("\u4e00" <= c <= "\u9fff" for c in message) for message in errors["amount"])
    assert FundFlow.objects.filter(pairing=pairing).count() == before


def test_it_refuses_nothing_as_money_and_takes_the_largest_amount(admin_api, pairing):
    zero = admin_api.post("/fund-flows/", transfer(pairing, "0.00"))
    largest = admin_api.post("/fund-flows/", transfer(pairing, f"{MAX_AMOUNT:.2f}"))
    beyond = admin_api.post("/fund-flows/", transfer(pairing, f"{MAX_AMOUNT * 10:.2f}"))

    assert zero.status_code == 422 and list(zero.json()["errors"]) == ["amount"]
    assert largest.status_code == 201 and largest.json()["amount"] == f"{MAX_AMOUNT:.2f}"
    assert beyond.status_code == 422 and list(beyond.json()["errors"]) == ["amount"]


@EXAMPLES
@given(
    fund_year=st.integers(2018, 2026),
    day=st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2026, 12, 1)),
    reason=st.sampled_from(["", "项目跨年度实施"]),
)
def test_it_asks_for_a_reason_only_when_the_date_is_over_a_year_away(
    admin_api, pairing, fund_year, day, reason
):
    assume(day <= timezone.localdate())
    body = transfer(
        pairing, "10.00", fund_year=fund_year, date=day.isoformat(), cross_year_reason=reason
    )

    response = admin_api.post("/fund-flows/", body)

    far = abs(day.year - fund_year) > 1
    if far and not reason:
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "cross_year_reason": [f"日期与资金年度（{fund_year}年）相差超过一年，请填写跨年度说明"]
        }
    else:
        assert response.status_code == 201, response.json()
        assert (response.json()["fund_year"], response.json()["date"]) == (
            fund_year,
            day.isoformat(),
        )


def test_it_refuses_money_dated_after_today(admin_api, pairing):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = admin_api.post(
        "/fund-flows/",
        transfer(pairing, "10.00", fund_year=tomorrow.year, date=tomorrow.isoformat()),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"date": ["日期不能晚于今天"]}


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    flows=st.lists(
        st.tuples(
            st.sampled_from(["transfer", "plan"]),
            st.integers(1, 10**12),  # fen
            st.integers(2018, 2022),
            st.booleans(),  # reversed afterwards
        ),
        min_size=1,
        max_size=6,
    )
)
def test_it_sums_exactly_what_was_recorded_and_not_reversed(admin_api, build, flows):
    pairing = build.pairing("合甲区", "合乙县", valid_from=dt.date(2018, 1, 1))
    expected = {"transfer": Decimal("0.00"), "plan": Decimal("0.00")}
    for kind, fen, year, reverse in flows:
        amount = Decimal(fen) * CENT
        made = admin_api.post(
            "/fund-flows/",
            transfer(pairing, f"{amount:.2f}", kind=kind, fund_year=year, date=f"{year}-07-01"),
        )
        assert made.status_code == 201, made.json()
        if reverse:
            undone = admin_api.post(f"/fund-flows/{made.json()['id']}/reverse/", {"reason": "错"})
            assert undone.status_code == 201 and undone.json()["amount"] == f"{-amount:.2f}"
        else:
            expected[kind] += amount

    # As of today: a reversal is dated today, and a figure as of an earlier day counts the
    # original without it, as it stood then.
    shown = {f["key"]: f for f in admin_api.get("/figures/", pairing=pairing.pk).json()["figures"]}
    assert Decimal(shown["funds_transfer"]["value"]) == expected["transfer"]
    assert Decimal(shown["funds_plan"]["value"]) == expected["plan"]
    listed = admin_api.get("/fund-flows/", pairing=pairing.pk, kind="transfer", limit=100).json()
    assert (
        sum((Decimal(i["amount"]) for i in listed["items"]), Decimal("0.00"))
        == expected["transfer"]
    )


def test_it_keeps_each_stage_apart(admin_api, build):
    pairing = build.pairing("段甲区", "段乙县", valid_from=dt.date(2020, 1, 1))
    project = build.project(pairing)
    sent = {"plan": "300.00", "transfer": "200.00", "allocate": "150.00", "spend": "99.99"}
    for kind, amount in sent.items():
        extra = {"project_id": project.pk} if kind in {"allocate", "spend"} else {}
        response = admin_api.post("/fund-flows/", transfer(pairing, amount, kind=kind, **extra))
        assert response.status_code == 201, response.json()

    shown = {
        f["key"]: f["value"]
        for f in admin_api.get("/figures/", pairing=pairing.pk, as_of="2023-12-31").json()[
            "figures"
        ]
    }
    for kind, amount in sent.items():
        assert shown[f"funds_{kind}"] == amount, kind

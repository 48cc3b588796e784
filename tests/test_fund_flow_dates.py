"""The dates of money: nothing dated after today, no reversal before its original, and a
reason when a fund flow's date lies more than a year from its fund year — so that a
correction never makes a figure wrong at any as-of date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from test_api_support import Api

from pairaid.exchange import services as exchange
from pairaid.ledger import figures, services
from pairaid.ledger.models import FundFlow, GuidedInvestment


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def fields(pairing, **changes) -> dict:
    today = timezone.localdate()
    return {
        "pairing": pairing,
        "kind": FundFlow.Kind.TRANSFER,
        "fund_year": today.year,
        "date": today,
        "amount": Decimal("100.00"),
        "source": FundFlow.Source.FISCAL,
        **changes,
    }


def record(pairing, **changes) -> FundFlow:
    return services.record_fund_flow(acting_user=None, via="test", **fields(pairing, **changes))


def refused(error: pytest.ExceptionInfo, field: str) -> str:
    return " ".join(error.value.message_dict[field])


# --- money is not dated after today ---------------------------------------------------------


def test_it_refuses_a_fund_flow_dated_after_today(build):
    pairing = build.pairing()
    with pytest.raises(ValidationError) as error:
        record(pairing, date=tomorrow(), fund_year=tomorrow().year)
    assert "日期不能晚于今天" in refused(error, "date")
    assert not pairing.fund_flows.exists()
    assert record(pairing).pk  # today itself is fine


def test_it_refuses_guided_investment_dated_after_today(build):
    pairing = build.pairing()
    with pytest.raises(ValidationError) as error:
        services.create_record(
            GuidedInvestment,
            acting_user=None,
            via="test",
            pairing=pairing,
            enterprise="某企业",
            year=tomorrow().year,
            date=tomorrow(),
            amount=Decimal("5000.00"),
        )
    assert "日期不能晚于今天" in refused(error, "date")


def test_it_refuses_a_future_date_through_the_api(personas):
    from pairaid.ledger.models import Pairing

    pairing = Pairing.objects.get(helper_region__name="江阳区")
    response = Api.as_user(personas.jiangyang).post(
        "/fund-flows/",
        {
            "pairing_id": pairing.pk,
            "kind": "transfer",
            "fund_year": tomorrow().year,
            "date": tomorrow().isoformat(),
            "amount": "1.00",
            "source": "fiscal",
        },
    )
    assert response.status_code in (400, 422), response.content
    assert "日期不能晚于今天" in response.content.decode()


def test_it_refuses_a_future_date_on_the_page(client, admin_user, build):
    pairing = build.pairing()
    client.force_login(admin_user)
    response = client.post(
        "/funds/new/",
        {
            "pairing": pairing.pk,
            "kind": "transfer",
            "fund_year": tomorrow().year,
            "date": tomorrow().isoformat(),
            "amount": "1.00",
            "source": "fiscal",
        },
    )
    assert response.status_code == 400
    assert "日期不能晚于今天" in response.content.decode()
    assert not pairing.fund_flows.exists()


def test_it_refuses_a_future_date_in_an_import(build, tmp_path):
    pairing = build.pairing()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "资金记录"
    sheet.append(["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "凭证或文号"])
    sheet.append([str(pairing), "拨付", tomorrow().year, tomorrow(), "1.00", "财政援助资金", "F-1"])
    path = tmp_path / "future.xlsx"
    workbook.save(path)

    with pytest.raises(exchange.ImportRefused) as error:
        exchange.import_file(path)
    assert any("日期不能晚于今天" in e.message for e in error.value.report.errors)
    assert not pairing.fund_flows.exists()


# --- a reversal is not dated before its original -------------------------------------------


def test_it_refuses_a_reversal_dated_before_its_original(build):
    pairing = build.pairing()
    flow = record(pairing, date=dt.date(2021, 6, 1), fund_year=2021)
    with pytest.raises(ValidationError) as error:
        services.reverse_fund_flow(
            flow, acting_user=None, via="test", reason="错", on=dt.date(2021, 5, 31)
        )
    assert "冲销日期不能早于原记录的日期" in refused(error, "date")
    assert not FundFlow.objects.filter(reverses=flow).exists()


def test_it_dates_a_default_reversal_no_earlier_than_its_original(build):
    """An entry dated ahead before this rule existed can still be cancelled: by default its
    reversal takes the original's date, so the two never count apart."""
    pairing = build.pairing()
    ahead = dt.date(2099, 1, 1)
    # Written as an older version of the product wrote it (no date rule then).
    legacy = FundFlow.objects.create(**fields(pairing, date=ahead, fund_year=2099))

    reversal = services.reverse_fund_flow(legacy, acting_user=None, via="test", reason="日期错")

    assert reversal.date == ahead
    for as_of in (timezone.localdate(), ahead):
        window = figures.window_for(pairing, as_of=as_of, to_year=2099)
        assert figures.funds(window).value == Decimal("0.00")


def test_it_dates_a_default_reversal_today(build):
    pairing = build.pairing()
    flow = record(pairing, date=dt.date(2021, 6, 1), fund_year=2021)
    reversal = services.reverse_fund_flow(flow, acting_user=None, via="test", reason="错")
    assert reversal.date == timezone.localdate()


# --- a fund year far from the date needs a reason -------------------------------------------


def test_it_asks_for_a_reason_when_date_and_fund_year_are_far_apart(build):
    pairing = build.pairing()
    record(pairing, fund_year=2021, date=dt.date(2022, 12, 31))  # one year apart: fine
    with pytest.raises(ValidationError) as error:
        record(pairing, fund_year=2021, date=dt.date(2023, 1, 1))
    assert "跨年度说明" in refused(error, "cross_year_reason")
    with pytest.raises(ValidationError):
        record(pairing, fund_year=2024, date=dt.date(2021, 6, 1), cross_year_reason="  ")

    flow = record(
        pairing, fund_year=2021, date=dt.date(2023, 1, 1), cross_year_reason="项目跨年度实施"
    )
    reversal, replacement = services.correct_fund_flow(
        flow, acting_user=None, via="test", reason="金额错", amount=Decimal("90.00")
    )
    assert reversal.amount == -flow.amount  # a reversal needs no reason of its own
    assert replacement.cross_year_reason == "项目跨年度实施"


def test_it_asks_for_the_reason_through_the_api(personas):
    from pairaid.ledger.models import Pairing

    pairing = Pairing.objects.get(helper_region__name="江阳区")
    client = Api.as_user(personas.jiangyang)
    body = {
        "pairing_id": pairing.pk,
        "kind": "transfer",
        "fund_year": 2019,
        "date": "2022-03-01",
        "amount": "1.00",
        "source": "fiscal",
    }
    response = client.post("/fund-flows/", body)
    assert response.status_code in (400, 422)
    assert "跨年度说明" in response.content.decode()

    response = client.post("/fund-flows/", {**body, "cross_year_reason": "补拨2019年资金"})
    assert response.status_code == 201, response.content
    assert response.json()["cross_year_reason"] == "补拨2019年资金"


# --- every figure right after records, reversals and corrections in any order --------------

FIRST_DAY = dt.date(2021, 3, 1)
DAYS = 6  # few days, so that records, reversals and corrections often share one


@dataclass
class Original:
    flow: FundFlow
    date: dt.date
    amount: Decimal
    reversed_on: dt.date | None = None

    def standing(self, as_of: dt.date) -> bool:
        """Counted iff dated on/before as-of and not reversed on/before as-of."""
        return self.date <= as_of and not (self.reversed_on and self.reversed_on <= as_of)


day = st.integers(0, DAYS - 1).map(lambda n: FIRST_DAY + dt.timedelta(days=n))
cents = st.integers(1, 10**11).map(lambda n: Decimal(n) / 100)
operation = st.one_of(
    st.tuples(st.just("record"), day, cents),
    st.tuples(st.just("reverse"), st.integers(0, 20), day),
    st.tuples(st.just("correct"), st.integers(0, 20), day, day, cents),
)


def change(op: tuple, flow: FundFlow):
    """Reverse or correct `flow` as the operation says."""
    if op[0] == "reverse":
        return services.reverse_fund_flow(flow, acting_user=None, via="test", reason="错", on=op[2])
    return services.correct_fund_flow(
        flow, acting_user=None, via="test", reason="更正", on=op[2], date=op[3], amount=op[4]
    )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=8))
def test_it_keeps_the_funds_figure_right_at_every_as_of_date(build, operations):
    pairing = build.pairing()
    originals: list[Original] = []

    for op in operations:
        if op[0] == "record":
            _, on, amount = op
            flow = record(pairing, fund_year=FIRST_DAY.year, date=on, amount=amount)
            originals.append(Original(flow, on, amount))
            continue
        if not originals:
            continue
        target = originals[op[1] % len(originals)]
        on = op[2]
        allowed = target.reversed_on is None and on >= target.date
        if not allowed:
            with pytest.raises(ValidationError):
                change(op, target.flow)
            continue
        result = change(op, target.flow)
        target.reversed_on = on
        if op[0] == "correct":
            replacement = result[1]
            originals.append(Original(replacement, op[3], op[4]))

    for offset in range(-1, DAYS + 1):
        as_of = FIRST_DAY + dt.timedelta(days=offset)
        figure = figures.funds(figures.window_for(pairing, as_of=as_of))
        expected = sum((o.amount for o in originals if o.standing(as_of)), start=Decimal("0.00"))
        assert figure.value == expected, (as_of, operations)


def test_it_offers_a_valid_reversal_date_on_the_page(client, admin_user, build):
    pairing = build.pairing()
    ahead = dt.date(2099, 1, 1)
    legacy = FundFlow.objects.create(**fields(pairing, date=ahead, fund_year=2099))
    client.force_login(admin_user)

    body = client.get(f"/funds/{legacy.pk}/").content.decode()
    assert 'name="on" value="2099-01-01"' in body

    response = client.post(f"/funds/{legacy.pk}/reverse/", {"reason": "日期错"})
    assert response.status_code == 302
    assert FundFlow.objects.get(reverses=legacy).date == ahead

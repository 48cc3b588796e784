"""Every fen of every allowed amount, kept and summed exactly, on every database: through
the services, the pages, the API, the importer and the exports, up to the ledger's maximum.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from test_api_support import Api

from pairaid.exchange import cells
from pairaid.exchange import services as exchange
from pairaid.exchange.exporters import Exporter
from pairaid.ledger import figures, services
from pairaid.ledger.models import Agreement, FundFlow, Project, Target
from pairaid.ledger.money import CENT, MAX_AMOUNT, ZERO, from_fen
from pairaid.ledger.moneyfield import MoneySum

MAX_FEN = int(MAX_AMOUNT * 100)
amounts = st.integers(min_value=1, max_value=MAX_FEN).map(from_fen)
# A few at a time: even four maxima sum well inside a 64-bit integer of fen.
some_amounts = st.lists(amounts, min_size=1, max_size=4)
EXTREMES = [CENT, MAX_AMOUNT, Decimal("12345678901234.56")]

PROPERTY = settings(
    deadline=None,
    max_examples=15,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_serial = itertools.count(1)


def fresh_pairing(build):
    n = next(_serial)
    return build.pairing(f"分区{n}", f"分县{n}")


def window(pairing):
    return figures.window_for(pairing, as_of=dt.date(2030, 12, 31), from_year=2021, to_year=2021)


# --- services and figures -------------------------------------------------------------------


@PROPERTY
@given(values=some_amounts)
@example(values=EXTREMES)
@example(values=[MAX_AMOUNT] * 4)
def test_it_keeps_and_sums_every_fen_through_the_services(build, values):
    pairing = fresh_pairing(build)
    flows = [build.flow(pairing, str(value)) for value in values]

    stored = FundFlow.objects.filter(pk__in=[f.pk for f in flows]).order_by("pk")
    assert [flow.amount for flow in stored] == values
    assert all(flow.amount.as_tuple().exponent == -2 for flow in stored)
    expected = sum(values, ZERO)
    assert figures.funds_invested(window(pairing)).value == expected
    assert stored.aggregate(total=MoneySum("amount"))["total"] == expected
    # A plain Sum keeps the money field as its output: yuan, not fen.
    assert stored.aggregate(total=Sum("amount"))["total"] == expected
    assert FundFlow.objects.filter(pairing=pairing, amount=values[0]).exists()


@PROPERTY
@given(value=amounts)
@example(value=CENT)
@example(value=MAX_AMOUNT)
def test_it_keeps_every_fen_of_budgets_contracts_and_targets(build, value):
    pairing = fresh_pairing(build)
    project = build.project(pairing, planned_budget=value)
    agreement = services.create_record(
        Agreement,
        acting_user=None,
        via="test",
        pairing=pairing,
        title="合同",
        kind=Agreement.Kind.PURCHASE,
        amount=value,
    )
    target = services.create_record(
        Target,
        acting_user=None,
        via="test",
        pairing=pairing,
        year=2021,
        indicator=Target.Indicator.FUNDS_TRANSFERRED,
        value=value,
    )
    assert Project.objects.get(pk=project.pk).planned_budget == value
    assert Agreement.objects.get(pk=agreement.pk).amount == value
    assert Target.objects.get(pk=target.pk).value == value


def test_it_refuses_more_than_the_maximum_before_writing(build):
    pairing = fresh_pairing(build)

    with pytest.raises(ValidationError):
        build.flow(pairing, str(MAX_AMOUNT + CENT))
    with pytest.raises(ValidationError):
        build.project(pairing, planned_budget=MAX_AMOUNT + CENT)
    assert not FundFlow.objects.filter(pairing=pairing).exists()
    assert not Project.objects.filter(pairing=pairing).exists()


def test_it_reverses_the_largest_amount_exactly(build):
    pairing = fresh_pairing(build)
    flow = build.flow(pairing, str(MAX_AMOUNT))

    reversal = services.reverse_fund_flow(flow, acting_user=None, via="test", reason="录错")

    assert FundFlow.objects.get(pk=reversal.pk).amount == -MAX_AMOUNT
    assert figures.funds_invested(window(pairing)).value == ZERO


# --- pages ----------------------------------------------------------------------------------


def flow_form(pairing, amount: str, voucher: str) -> dict:
    return {
        "pairing": pairing.pk,
        "kind": "transfer",
        "fund_year": "2021",
        "date": "2021-06-01",
        "amount": amount,
        "source": "fiscal",
        "voucher": voucher,
        "note": "",
    }


@PROPERTY
@given(value=amounts)
@example(value=CENT)
@example(value=MAX_AMOUNT)
def test_it_keeps_every_fen_of_a_form_post(admin_client, build, value):
    pairing = fresh_pairing(build)
    voucher = f"WEB-{next(_serial)}"

    response = admin_client.post("/funds/new/", flow_form(pairing, str(value), voucher))

    assert response.status_code == 302, response.content.decode()[:2000]
    flow = FundFlow.objects.get(voucher=voucher)
    assert flow.amount == value
    shown = f"{value:,}"
    assert shown in admin_client.get(f"/funds/{flow.pk}/").content.decode()
    listed = admin_client.get("/funds/", {"pairing": pairing.pk, "q": voucher})
    assert listed.status_code == 200
    assert shown in listed.content.decode()


def test_it_refuses_a_form_post_above_the_maximum_and_writes_nothing(admin_client, build):
    pairing = fresh_pairing(build)

    response = admin_client.post("/funds/new/", flow_form(pairing, "100000000000000.00", "BIG"))

    assert response.status_code == 400
    assert not FundFlow.objects.filter(pairing=pairing).exists()


# --- the API --------------------------------------------------------------------------------


@PROPERTY
@given(value=amounts)
@example(value=CENT)
@example(value=MAX_AMOUNT)
def test_it_keeps_every_fen_through_the_api(personas, build, value):
    api = Api.as_user(personas.admin)
    pairing = fresh_pairing(build)
    body = {
        "pairing_id": pairing.pk,
        "kind": "transfer",
        "fund_year": 2021,
        "date": "2021-06-01",
        "amount": f"{value:.2f}",
        "source": "fiscal",
    }

    created = api.post("/fund-flows/", body)

    assert created.status_code == 201, created.content
    assert created.json()["amount"] == f"{value:.2f}"
    pk = created.json()["id"]
    assert api.get(f"/fund-flows/{pk}/").json()["amount"] == f"{value:.2f}"
    listed = api.get("/fund-flows/", pairing=pairing.pk)
    assert listed.status_code == 200
    assert [item["amount"] for item in listed.json()["items"]] == [f"{value:.2f}"]
    reversed_ = api.post(f"/fund-flows/{pk}/reverse/", {"reason": "测试冲销"})
    assert reversed_.status_code == 201, reversed_.content
    assert reversed_.json()["amount"] == f"{-value:.2f}"


def test_it_refuses_more_than_the_maximum_through_the_api_and_writes_nothing(personas, build):
    api = Api.as_user(personas.admin)
    pairing = fresh_pairing(build)
    body = {
        "pairing_id": pairing.pk,
        "kind": "transfer",
        "fund_year": 2021,
        "date": "2021-06-01",
        "amount": "100000000000000.00",
        "source": "fiscal",
    }

    assert api.post("/fund-flows/", body).status_code == 422
    assert api.post("/projects/", {"planned_budget": "100000000000000.00"}).status_code == 422
    assert not FundFlow.objects.filter(pairing=pairing).exists()


def test_the_schema_states_the_maximum(personas):
    schema = Api.as_user(personas.admin).get("/openapi.json").json()
    pattern = schema["components"]["schemas"]["FundFlowIn"]["properties"]["amount"]["pattern"]
    digits = len(str(int(MAX_AMOUNT)))
    assert f"{{1,{digits}}}" in pattern


# --- import and export ----------------------------------------------------------------------

FUND_HEADER = ["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "凭证或文号"]


def fund_sheet(path: Path, pairing, values: list[Decimal], prefix: str) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "资金记录"
    sheet.append(FUND_HEADER)
    for i, value in enumerate(values):
        # Typed as text, as an office does for amounts a spreadsheet number cannot hold.
        sheet.append(
            [str(pairing), "拨付", 2021, "2021-06-01", f"{value}", "财政援助资金", f"{prefix}-{i}"]
        )
    workbook.save(path)
    return path


def exported_amounts(path: Path, fmt: str, prefix: str) -> dict[str, Decimal]:
    if fmt == "xlsx":
        rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    else:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    header = [str(cell) for cell in rows[0]]
    amount = next(i for i, name in enumerate(header) if name.startswith("金额"))
    voucher = header.index("凭证或文号")
    return {
        row[voucher]: cells.parse_money(row[amount])
        for row in rows[1:]
        if str(row[voucher]).startswith(prefix)
    }


@PROPERTY
@given(values=some_amounts)
@example(values=EXTREMES)
def test_it_keeps_every_fen_through_import_and_export(build, tmp_path_factory, values):
    tmp = tmp_path_factory.mktemp("money")
    pairing = fresh_pairing(build)
    prefix = f"IMP{next(_serial)}"

    _batch, report = exchange.import_file(fund_sheet(tmp / "in.xlsx", pairing, values, prefix))

    assert report.valid and report.counts()["added"] == len(values)
    stored = FundFlow.objects.filter(pairing=pairing).order_by("voucher")
    assert [flow.amount for flow in stored] == values
    expected = {f"{prefix}-{i}": value for i, value in enumerate(values)}
    for fmt in ("xlsx", "csv"):
        path = tmp / f"out.{fmt}"
        Exporter("funds").write(path, fmt, FundFlow.objects.filter(pairing=pairing))
        assert exported_amounts(path, fmt, prefix) == expected
        _again, report = exchange.import_file(path)
        assert report.counts()["unchanged"] == len(values), report.counts()

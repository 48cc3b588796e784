"""/api/v1/fund-flows/: the fund ledger — recorded, reversed, confirmed or disputed, never
edited or deleted."""

from __future__ import annotations

from decimal import Decimal

from test_api_support import Api, api_entries, demo_pairing

from pairaid.ledger.models import FundFlow, Project


def transfer(pairing, **fields):
    return {
        "pairing_id": pairing.pk,
        "kind": "transfer",
        "fund_year": 2023,
        "date": "2023-02-01",
        "amount": "1234567.89",
        "source": "social_cash",
        "voucher": "江帮办发〔2023〕1号",
        **fields,
    }


def test_it_lists_fund_flows_with_filters(personas, django_assert_max_num_queries):
    pairing = demo_pairing("江阳区")
    client = Api.as_user(personas.jiangyang, "read")
    expected = FundFlow.objects.filter(
        pairing=pairing, fund_year=2022, kind="transfer", source="fiscal"
    )
    with django_assert_max_num_queries(8):
        body = client.get(
            "/fund-flows/", pairing=pairing.pk, year=2022, kind="transfer", source="fiscal"
        ).json()
    assert body["count"] == expected.count() > 0
    assert [item["id"] for item in body["items"]] == sorted(expected.values_list("pk", flat=True))
    assert {item["amount"] for item in body["items"]} == {
        f"{amount:.2f}" for amount in expected.values_list("amount", flat=True)
    }
    everything = client.get("/fund-flows/").json()["count"]
    assert everything == FundFlow.objects.filter(pairing=pairing).count()


def test_it_filters_by_confirmation_project_and_text(personas):
    client = Api.as_user(personas.admin, "read")
    project = Project.objects.filter(fund_flows__isnull=False).first()
    flows = client.get("/fund-flows/", project=project.pk, limit=500).json()
    assert flows["count"] == project.fund_flows.count()
    unconfirmed = client.get("/fund-flows/", status="unconfirmed").json()["count"]
    assert unconfirmed == FundFlow.objects.filter(confirmation="unconfirmed").count()
    voucher = FundFlow.objects.exclude(voucher="").first().voucher
    found = client.get("/fund-flows/", q=voucher, limit=500).json()
    assert found["count"] == FundFlow.objects.filter(voucher__icontains=voucher).count()


def test_it_reads_a_fund_flow(personas):
    flow = FundFlow.objects.filter(pairing=demo_pairing("龙马潭区"), kind="transfer").first()
    body = Api.as_user(personas.puge, "read").get(f"/fund-flows/{flow.pk}/").json()
    assert body["amount"] == f"{flow.amount:.2f}"
    assert (body["kind"], body["fund_year"], body["reverses_id"], body["reversed_by_id"]) == (
        "transfer",
        flow.fund_year,
        None,
        None,
    )


def test_it_records_a_transfer_exactly(personas):
    pairing = demo_pairing("江阳区")
    response = Api.as_user(personas.jiangyang).post("/fund-flows/", transfer(pairing))
    assert response.status_code == 201
    body = response.json()
    flow = FundFlow.objects.get(pk=body["id"])
    assert flow.amount == Decimal("1234567.89")
    assert body["amount"] == "1234567.89"
    assert body["confirmation"] == "unconfirmed"
    entry = api_entries("fundflow", flow.pk).get()
    assert (entry.action, entry.user, entry.changes["amount"]) == (
        "fundflow.recorded",
        personas.jiangyang,
        "1234567.89",
    )


def test_it_refuses_money_that_is_not_a_string_of_yuan(personas):
    client = Api.as_user(personas.jiangyang)
    pairing = demo_pairing("江阳区")
    for amount in (1234.5, "1,234.50", "12.345", "-5.00", "1e6"):
        response = client.post("/fund-flows/", transfer(pairing, amount=amount))
        assert response.status_code == 422, amount
        assert list(response.json()["errors"]) == ["amount"]
    zero = client.post("/fund-flows/", transfer(pairing, amount="0.00"))
    assert zero.json()["errors"] == {"amount": ["金额必须大于0；更正请使用冲销"]}


def test_it_needs_a_project_of_the_same_pairing_for_spending(personas):
    client = Api.as_user(personas.jiangyang)
    pairing = demo_pairing("江阳区")
    without = client.post("/fund-flows/", transfer(pairing, kind="spend"))
    assert without.json()["errors"] == {"project_id": ["分配和支出须指明项目"]}
    elsewhere = Project.objects.filter(pairing=demo_pairing("龙马潭区")).first()
    other = client.post("/fund-flows/", transfer(pairing, kind="spend", project_id=elsewhere.pk))
    assert other.status_code == 422
    assert list(other.json()["errors"]) == ["project_id"]
    own = Project.objects.filter(pairing=pairing).first()
    ok = client.post("/fund-flows/", transfer(pairing, kind="spend", project_id=own.pk))
    assert ok.status_code == 201 and ok.json()["project_id"] == own.pk


def test_it_reverses_a_fund_flow_once(personas):
    client = Api.as_user(personas.jiangyang)
    flow = client.post("/fund-flows/", transfer(demo_pairing("江阳区"))).json()

    response = client.post(
        f"/fund-flows/{flow['id']}/reverse/", {"reason": "重复录入", "on": "2023-02-03"}
    )
    assert response.status_code == 201
    reversal = response.json()
    assert (reversal["amount"], reversal["reverses_id"], reversal["date"]) == (
        "-1234567.89",
        flow["id"],
        "2023-02-03",
    )
    assert reversal["note"] == "冲销：重复录入"
    original = client.get(f"/fund-flows/{flow['id']}/").json()
    assert original["reversed_by_id"] == reversal["id"]
    assert original["amount"] == "1234567.89"  # the original stays as recorded

    again = client.post(f"/fund-flows/{flow['id']}/reverse/", {"reason": "再来一次"})
    assert again.status_code == 422
    assert again.json()["errors"] == {"__all__": ["该记录已被冲销"]}
    of_reversal = client.post(f"/fund-flows/{reversal['id']}/reverse/", {"reason": "x"})
    assert of_reversal.json()["errors"] == {"__all__": ["冲销记录不能再次冲销"]}


def test_it_needs_a_reason_to_reverse(personas):
    client = Api.as_user(personas.jiangyang)
    flow = client.post("/fund-flows/", transfer(demo_pairing("江阳区"))).json()
    response = client.post(f"/fund-flows/{flow['id']}/reverse/", {"reason": ""})
    assert response.status_code == 422
    assert response.json()["errors"] == {"reason": ["至少 1 个字符"]}


def test_it_lets_the_recipient_confirm_or_dispute(personas):
    flow = Api.as_user(personas.jiangyang).post("/fund-flows/", transfer(demo_pairing("江阳区")))
    flow_id = flow.json()["id"]
    recipient = Api.as_user(personas.yanyuan)

    refused = recipient.post(f"/fund-flows/{flow_id}/dispute/", {"note": ""})
    assert refused.status_code == 422
    disputed = recipient.post(f"/fund-flows/{flow_id}/dispute/", {"note": "未收到"})
    assert (disputed.json()["confirmation"], disputed.json()["confirmation_note"]) == (
        "disputed",
        "未收到",
    )
    # An answer stands until it is re-opened (with a reason), never answered over.
    assert recipient.post(f"/fund-flows/{flow_id}/confirm/", {}).status_code == 422
    reopened = recipient.post(f"/fund-flows/{flow_id}/reopen-confirmation/", {"reason": "已补拨"})
    assert reopened.status_code == 200
    confirmed = recipient.post(f"/fund-flows/{flow_id}/confirm/", {"note": "已到账"})
    assert confirmed.status_code == 200
    assert confirmed.json()["confirmation"] == "confirmed"
    assert confirmed.json()["confirmed_at"]
    actions = list(api_entries("fundflow", flow_id).values_list("action", flat=True))
    assert actions == [
        "fundflow.recorded",
        "fundflow.disputed",
        "fundflow.confirmation_reopened",
        "fundflow.confirmed",
    ]


def test_it_keeps_confirmation_to_the_recipient_side(personas):
    flow = Api.as_user(personas.jiangyang).post("/fund-flows/", transfer(demo_pairing("江阳区")))
    response = Api.as_user(personas.jiangyang).post(f"/fund-flows/{flow.json()['id']}/confirm/")
    assert response.status_code == 403


def test_it_offers_no_way_to_edit_or_delete_a_fund_flow(personas):
    flow = FundFlow.objects.filter(pairing=demo_pairing("江阳区")).first()
    client = Api.as_user(personas.admin)
    assert client.patch(f"/fund-flows/{flow.pk}/", {"amount": "1.00"}).status_code == 405
    deleted = client.client.delete(f"/api/v1/fund-flows/{flow.pk}/", headers=client.headers)
    assert deleted.status_code == 405
    assert FundFlow.objects.get(pk=flow.pk).amount == flow.amount

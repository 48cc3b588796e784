"""The fund ledger's pages as each office uses them: a transfer typed in 元 is kept to the
fen and shown so, the rules of money dates refused in Chinese, a reversal dated no earlier
than its original, the recipient side's answer (confirm, dispute, re-open) with its audit
entries, and who sees which of these doors (owner, recipient, auditor, viewer, outsider,
anonymous)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import services
from pairaid.ledger.models import AuditEntry, FundFlow, Pairing, Project
from pairaid.ledger.money import MAX_AMOUNT

YEAR = 2025  # a fund year the demo leaves open (no year of the demo is locked after 2022)
DAY = dt.date(YEAR, 6, 1)


@pytest.fixture
def jiangyang(db) -> Pairing:
    return Pairing.objects.get(helper_region__name="江阳区", is_demo=True)


@pytest.fixture
def owner(client, personas):
    client.force_login(personas.jiangyang)
    return client


def flow_data(pairing: Pairing, **fields) -> dict:
    data = {
        "pairing": pairing.pk,
        "kind": "transfer",
        "fund_year": str(YEAR),
        "date": DAY.isoformat(),
        "amount": "1234567.89",
        "source": "fiscal",
        "voucher": "江帮办发〔2025〕7号",
        "note": "",
        "cross_year_reason": "",
    }
    data.update(fields)
    return data


def recorded(pairing: Pairing, user, amount: str = "500000.00", **fields) -> FundFlow:
    fields.setdefault("kind", "transfer")
    fields.setdefault("source", "fiscal")
    return services.record_fund_flow(
        acting_user=user,
        via="test",
        pairing=pairing,
        fund_year=fields.pop("fund_year", YEAR),
        date=fields.pop("date", DAY),
        amount=Decimal(amount),
        **fields,
    )


def web_entries(flow: FundFlow) -> list[str]:
    return list(
        AuditEntry.objects.filter(record_type="fundflow", record_id=str(flow.pk), actor="web")
        .order_by("id")
        .values_list("action", flat=True)
    )


def wan(amount: Decimal) -> str:
    """万元 with two decimals, half-up, computed here rather than by the product."""
    return f"{(amount / Decimal(10000)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}万元"


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


# --- recording ------------------------------------------------------------------------------


@settings(
    max_examples=6, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(fen=st.integers(min_value=1, max_value=int(MAX_AMOUNT * 100)))
def test_it_keeps_every_fen_of_an_amount_typed_in_yuan(owner, jiangyang, fen):
    amount = Decimal(fen).scaleb(-2)

    response = owner.post("/funds/new/", flow_data(jiangyang, amount=str(amount)))

    assert response.status_code == 302, response.content.decode()[:2000]
    flow = FundFlow.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))
    assert flow.amount == amount and flow.amount.as_tuple().exponent == -2
    page = owner.get(response["Location"]).content.decode()
    assert f"{amount:,}" in page  # 元 to the fen, grouped
    assert wan(amount) in page  # and 万元 rounded half-up, at display only


def test_it_records_through_the_service_and_says_so(owner, personas, jiangyang):
    response = owner.post("/funds/new/", flow_data(jiangyang), follow=True)

    flow = FundFlow.objects.get(pairing=jiangyang, voucher="江帮办发〔2025〕7号")
    assert "已登记资金记录" in messages_of(response)
    entry = AuditEntry.objects.get(record_type="fundflow", record_id=str(flow.pk))
    assert (entry.action, entry.actor, entry.user) == (
        "fundflow.recorded",
        "web",
        personas.jiangyang,
    )
    assert entry.changes["amount"] == "1234567.89"
    assert flow.confirmation == "unconfirmed"


def test_it_audits_an_amount_typed_with_fewer_places_as_its_fen(owner, jiangyang):
    """The audit entry holds the amount as stored (3.50), not as typed (3.5)."""
    response = owner.post("/funds/new/", flow_data(jiangyang, amount="3.5", voucher="三元五角"))

    flow = FundFlow.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))
    entry = AuditEntry.objects.get(record_type="fundflow", record_id=str(flow.pk))
    assert entry.changes["amount"] == "3.50" == f"{flow.amount}"


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "金额必须大于0；更正请使用冲销"),
        ("-100.00", "金额必须大于0；更正请使用冲销"),
        ("12.345", ""),
        ("1e5", ""),
        ("一百万", ""),
    ],
)
def test_it_refuses_an_amount_that_is_not_money_in_chinese(owner, jiangyang, amount, message):
    before = FundFlow.objects.filter(pairing=jiangyang).count()

    response = owner.post("/funds/new/", flow_data(jiangyang, amount=amount))

    body = response.content.decode()
    assert response.status_code == 400
    assert "amount" in response.context["form"].errors
    assert message in body
    assert re.search(r"[\u4e00-\u9fff]", " ".join(response.context["form"].errors["amount"]))
    assert FundFlow.objects.filter(pairing=jiangyang).count() == before


def test_it_refuses_money_dated_after_today(owner, jiangyang):
    from django.utils import timezone

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = owner.post(
        "/funds/new/",
        flow_data(jiangyang, fund_year=str(tomorrow.year), date=tomorrow.isoformat()),
    )

    assert response.status_code == 400
    assert response.context["form"].errors["date"] == ["日期不能晚于今天"]
    assert not FundFlow.objects.filter(pairing=jiangyang, date=tomorrow).exists()


def test_it_takes_money_dated_today(owner, jiangyang):
    from django.utils import timezone

    today = timezone.localdate()
    response = owner.post(
        "/funds/new/", flow_data(jiangyang, fund_year=str(today.year), date=today.isoformat())
    )

    assert response.status_code == 302
    assert FundFlow.objects.filter(pairing=jiangyang, date=today, fund_year=today.year).exists()


def test_it_asks_why_money_is_dated_more_than_a_year_from_its_fund_year(owner, jiangyang):
    within = owner.post(
        "/funds/new/", flow_data(jiangyang, fund_year="2024", date="2025-12-31", voucher="A-1")
    )
    beyond = owner.post(
        "/funds/new/", flow_data(jiangyang, fund_year="2023", date="2025-01-01", voucher="A-2")
    )
    explained = owner.post(
        "/funds/new/",
        flow_data(
            jiangyang,
            fund_year="2023",
            date="2025-01-01",
            voucher="A-3",
            cross_year_reason="项目跨年度实施",
        ),
    )

    assert within.status_code == 302
    assert beyond.status_code == 400
    assert beyond.context["form"].errors["cross_year_reason"] == [
        "日期与资金年度（2023年）相差超过一年，请填写跨年度说明"
    ]
    assert explained.status_code == 302
    vouchers = set(FundFlow.objects.filter(pairing=jiangyang).values_list("voucher", flat=True))
    assert {"A-1", "A-3"} <= vouchers and "A-2" not in vouchers


def test_it_needs_a_project_of_the_same_pairing_to_allocate_or_spend(owner, jiangyang):
    elsewhere = Project.objects.filter(pairing__helper_region__name="龙马潭区").first()
    own = jiangyang.projects.order_by("pk").first()

    missing = owner.post("/funds/new/", flow_data(jiangyang, kind="allocate"))
    foreign = owner.post("/funds/new/", flow_data(jiangyang, kind="spend", project=elsewhere.pk))
    fine = owner.post("/funds/new/", flow_data(jiangyang, kind="spend", project=own.pk))

    assert missing.status_code == 400
    assert missing.context["form"].errors["project"] == ["分配和支出须指明项目"]
    assert foreign.status_code == 400  # not among the choices the owner is offered
    assert "project" in foreign.context["form"].errors
    assert fine.status_code == 302
    assert FundFlow.objects.filter(project=own, kind="spend", fund_year=YEAR).count() == 1


def test_it_fills_the_pairing_in_from_a_project_in_the_address(owner, jiangyang):
    project = jiangyang.projects.order_by("pk").first()

    page = owner.get(f"/funds/new/?project={project.pk}&kind=spend")

    form = page.context["form"]
    assert page.status_code == 200
    assert str(form.initial["pairing"]) == str(jiangyang.pk)
    assert str(form.initial["project"]) == str(project.pk)
    assert form.initial["kind"] == "spend"


def test_it_answers_404_for_a_project_in_the_address_out_of_view(owner):
    elsewhere = Project.objects.filter(pairing__helper_region__name="龙马潭区").first()
    assert owner.get(f"/funds/new/?project={elsewhere.pk}").status_code == 404
    assert owner.get("/funds/new/?project=not-a-number").status_code == 404


# --- reversal -------------------------------------------------------------------------------


def test_it_reverses_on_the_day_given_and_links_both_entries(owner, personas, jiangyang):
    flow = recorded(jiangyang, personas.jiangyang, "8800.08")

    response = owner.post(
        f"/funds/{flow.pk}/reverse/", {"reason": "凭证重复", "on": "2025-06-20"}, follow=True
    )

    reversal = FundFlow.objects.get(reverses=flow)
    assert "已冲销该资金记录" in messages_of(response)
    assert (reversal.amount, reversal.date, reversal.kind) == (
        -flow.amount,
        dt.date(2025, 6, 20),
        flow.kind,
    )
    assert web_entries(reversal) == ["fundflow.reversed"]
    original = owner.get(f"/funds/{flow.pk}/").content.decode()
    assert "该记录已被冲销" in original and f"/funds/{reversal.pk}/" in original
    assert "冲销该记录" not in original  # no second reversal offered
    shown = owner.get(f"/funds/{reversal.pk}/").content.decode()
    assert "这是一条冲销记录" in shown and f"{-flow.amount:,}" in shown
    assert "冲销该记录" not in shown  # a reversal is never reversed


def test_it_refuses_a_reversal_dated_before_its_original(owner, personas, jiangyang):
    flow = recorded(jiangyang, personas.jiangyang, "100.00", date=dt.date(2025, 6, 1))

    response = owner.post(f"/funds/{flow.pk}/reverse/", {"reason": "错", "on": "2025-05-31"})

    assert response.status_code == 400
    assert "冲销日期不能早于原记录的日期（2025-06-01）" in response.content.decode()
    assert not FundFlow.objects.filter(reverses=flow).exists()


def test_it_reverses_today_when_no_day_is_given(owner, personas, jiangyang):
    from django.utils import timezone

    flow = recorded(jiangyang, personas.jiangyang, "100.00")

    owner.post(f"/funds/{flow.pk}/reverse/", {"reason": "录错结对", "on": ""})

    assert FundFlow.objects.get(reverses=flow).date == timezone.localdate()


def test_it_offers_the_reversal_no_earlier_than_the_original(owner, personas, jiangyang):
    from django.utils import timezone

    flow = recorded(jiangyang, personas.jiangyang, "100.00")
    form = owner.get(f"/funds/{flow.pk}/").context["form"]
    assert form.fields["on"].initial == max(timezone.localdate(), flow.date)


def test_it_nets_a_reversed_transfer_to_nothing_in_the_lists_total(owner, personas, jiangyang):
    voucher = "净额-核对"
    kept = recorded(jiangyang, personas.jiangyang, "300.30", voucher=voucher)
    wrong = recorded(jiangyang, personas.jiangyang, "99.99", voucher=voucher)
    owner.post(f"/funds/{wrong.pk}/reverse/", {"reason": "重复", "on": ""})

    page = owner.get("/funds/", {"q": voucher, "kind": "transfer"}).content.decode()

    rows = FundFlow.objects.filter(pairing=jiangyang, voucher=voucher)
    assert rows.count() == 3  # the reversal keeps its original's voucher
    shown = Decimal(re.search(r'data-total="(-?[\d.]+)"', page)[1])
    assert shown == sum((f.amount for f in rows), Decimal("0.00")) == kept.amount


# --- the recipient side's answer -------------------------------------------------------------


def test_it_lets_the_recipient_confirm_and_audits_it(client, personas, jiangyang):
    flow = recorded(jiangyang, personas.jiangyang)
    client.force_login(personas.yanyuan)

    page = client.get(f"/funds/{flow.pk}/").content.decode()
    response = client.post(f"/funds/{flow.pk}/confirm/", {"decision": "confirm"}, follow=True)

    flow.refresh_from_db()
    assert 'name="decision"' in page
    assert "已确认" in messages_of(response)
    assert flow.confirmation == "confirmed" and flow.confirmed_at is not None
    assert web_entries(flow) == ["fundflow.confirmed"]
    again = client.get(f"/funds/{flow.pk}/").content.decode()
    assert 'name="decision"' not in again and 'name="reason"' in again  # re-open, not re-answer


def test_it_needs_a_reason_to_dispute(client, personas, jiangyang):
    flow = recorded(jiangyang, personas.jiangyang)
    client.force_login(personas.yanyuan)

    blank = client.post(
        f"/funds/{flow.pk}/confirm/", {"decision": "dispute", "note": " "}, follow=True
    )
    nothing = client.post(f"/funds/{flow.pk}/confirm/", {}, follow=True)
    disputed = client.post(
        f"/funds/{flow.pk}/confirm/", {"decision": "dispute", "note": "金额不符"}, follow=True
    )

    flow.refresh_from_db()
    assert "有异议时请说明原因" in messages_of(blank)
    assert "请选择确认或有异议" in messages_of(nothing)
    assert "已提出异议" in messages_of(disputed)
    assert (flow.confirmation, flow.confirmation_note) == ("disputed", "金额不符")
    assert web_entries(flow) == ["fundflow.disputed"]


def test_it_refuses_to_answer_twice_and_reopens_with_a_reason(client, personas, jiangyang):
    flow = recorded(jiangyang, personas.jiangyang)
    client.force_login(personas.yanyuan)
    client.post(f"/funds/{flow.pk}/confirm/", {"decision": "confirm"})

    twice = client.post(
        f"/funds/{flow.pk}/confirm/", {"decision": "dispute", "note": "改主意"}, follow=True
    )
    no_reason = client.post(f"/funds/{flow.pk}/reopen/", {"reason": ""}, follow=True)
    flow.refresh_from_db()
    assert flow.confirmation == "confirmed"
    assert messages_of(twice) and "已提出异议" not in messages_of(twice)
    assert messages_of(no_reason) and "已重新开放" not in messages_of(no_reason)

    reopened = client.post(f"/funds/{flow.pk}/reopen/", {"reason": "补充到账凭证"}, follow=True)

    flow.refresh_from_db()
    assert "已重新开放确认" in messages_of(reopened)
    assert flow.confirmation == "unconfirmed"
    assert web_entries(flow) == ["fundflow.confirmed", "fundflow.confirmation_reopened"]


def test_it_lets_the_coordinator_reopen_but_not_answer(client, personas, jiangyang):
    flow = recorded(jiangyang, personas.jiangyang)
    services.confirm_record(flow, acting_user=personas.yanyuan, via="test", accept=True, note="")
    client.force_login(personas.luzhou)

    assert client.post(f"/funds/{flow.pk}/confirm/", {"decision": "confirm"}).status_code == 403
    client.post(f"/funds/{flow.pk}/reopen/", {"reason": "核对后重新确认"})

    flow.refresh_from_db()
    assert flow.confirmation == "unconfirmed"


# --- who sees which door ----------------------------------------------------------------------


def test_it_shows_each_office_only_the_doors_it_may_use(client, personas, jiangyang):
    flow = recorded(jiangyang, personas.jiangyang)
    doors = {
        # persona: (reverse form, answer form, history)
        "jiangyang": (True, False, True),
        "yanyuan": (False, True, False),
        "luzhou": (False, False, True),
        "sichuan_auditor": (False, False, True),
        "viewer": (False, False, False),
    }
    for name, (reverse, answer, history) in doors.items():
        client.force_login(getattr(personas, name))
        response = client.get(f"/funds/{flow.pk}/")
        assert response.status_code == 200, name
        assert response.context["reversible"] is reverse, name
        assert response.context["answerable"] is answer, name
        assert bool(list(response.context["history"])) is history, name


def test_it_refuses_the_doors_to_those_without_them(client, personas, jiangyang):
    flow = recorded(jiangyang, personas.jiangyang)
    for name in ("yanyuan", "sichuan_auditor", "viewer", "luzhou"):
        client.force_login(getattr(personas, name))
        assert client.post(f"/funds/{flow.pk}/reverse/", {"reason": "x"}).status_code == 403
    for name in ("jiangyang", "sichuan_auditor", "viewer"):
        client.force_login(getattr(personas, name))
        assert client.post(f"/funds/{flow.pk}/confirm/", {"decision": "confirm"}).status_code == 403
        assert client.post(f"/funds/{flow.pk}/reopen/", {"reason": "x"}).status_code == 403
    for name in ("sichuan_auditor", "viewer", "outsider"):
        client.force_login(getattr(personas, name))
        assert client.get("/funds/new/").status_code == 403, name
    flow.refresh_from_db()
    assert flow.confirmation == "unconfirmed" and not FundFlow.objects.filter(reverses=flow)


def test_it_answers_404_to_an_office_that_does_not_see_the_pairing(client, personas, jiangyang):
    flow = recorded(jiangyang, personas.jiangyang)
    for name in ("longmatan", "puge", "outsider"):
        client.force_login(getattr(personas, name))
        assert client.get(f"/funds/{flow.pk}/").status_code == 404, name
        assert client.post(f"/funds/{flow.pk}/reverse/", {"reason": "x"}).status_code == 404
        assert client.post(f"/funds/{flow.pk}/confirm/", {"decision": "confirm"}).status_code == 404
        assert client.post(f"/funds/{flow.pk}/reopen/", {"reason": "x"}).status_code == 404
    assert not AuditEntry.objects.filter(
        record_type="fundflow", record_id=str(flow.pk), actor="web"
    )


def test_it_sends_an_anonymous_caller_to_the_login_page(client, personas, jiangyang):
    flow = recorded(jiangyang, personas.jiangyang)
    for url in (f"/funds/{flow.pk}/", "/funds/", "/funds/new/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    posted = client.post(f"/funds/{flow.pk}/reverse/", {"reason": "x"})
    assert posted.status_code == 302 and posted["Location"].startswith("/login/")
    assert not FundFlow.objects.filter(reverses=flow).exists()


def test_it_never_offers_a_way_to_edit_money(owner, personas, jiangyang):
    flow = recorded(jiangyang, personas.jiangyang)
    assert owner.get(f"/funds/{flow.pk}/edit/").status_code == 404
    assert owner.get(f"/funds/{flow.pk}/reverse/").status_code == 405  # a POST only

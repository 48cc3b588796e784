"""A pairing's years under review, through its page (/pairings/<pk>/years/): every year
from the pairing's start, the steps each office may take (submit, approve and lock, return,
reopen), the reasons they need, the lock felt on the record pages, and who is refused."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from pairaid.ledger import services
from pairaid.ledger.messages import FIRST_YEAR, LAST_YEAR
from pairaid.ledger.models import AuditEntry, FundFlow, Pairing, PairingYear

YEAR = 2025  # open in the demo


@pytest.fixture
def jiangyang(db) -> Pairing:
    return Pairing.objects.get(helper_region__name="江阳区", is_demo=True)


def years_url(pairing: Pairing) -> str:
    return f"/pairings/{pairing.pk}/years/"


def step_url(pairing: Pairing, year: int, step: str) -> str:
    return f"/pairings/{pairing.pk}/years/{year}/{step}/"


def shown_years(response) -> list[int]:
    return [int(y) for y in re.findall(r'<tr data-year="(\d+)">', response.content.decode())]


def steps_of(response, year: int) -> list[str]:
    for row in response.context["rows"]:
        if row["record"].year == year:
            return [step for step, _label, _comment in row["steps"]]
    raise AssertionError(f"no row for {year}")


def status_of(pairing: Pairing, year: int) -> str:
    found = PairingYear.objects.filter(pairing=pairing, year=year).first()
    return found.status if found else PairingYear.Status.DRAFT


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def year_entries(pairing: Pairing, year: int) -> list[tuple[str, str]]:
    record = PairingYear.objects.get(pairing=pairing, year=year)
    return [
        (e.action, e.changes.get("comment", ""))
        for e in AuditEntry.objects.filter(
            record_type="pairingyear", record_id=str(record.pk), actor="web"
        ).order_by("id")
    ]


def test_it_lists_every_year_from_the_pairings_start_newest_first(admin_client, build):
    pairing = build.pairing("审甲区", "审乙县", valid_from=dt.date(2019, 4, 1))

    response = admin_client.get(years_url(pairing))

    this_year = timezone.localdate().year
    assert response.status_code == 200
    assert shown_years(response) == list(range(this_year, 2018, -1))
    assert {row["record"].status for row in response.context["rows"]} == {"draft"}


def test_it_offers_each_office_the_steps_it_may_take(client, personas, jiangyang):
    offered = {
        "jiangyang": ["submitted"],
        "yanyuan": ["submitted"],  # either side reports its year
        "luzhou": [],
        "sichuan_auditor": [],
        "viewer": [],
    }
    for name, steps in offered.items():
        client.force_login(getattr(personas, name))
        response = client.get(years_url(jiangyang))
        assert response.status_code == 200, name
        assert steps_of(response, YEAR) == steps, name

    services.move_year(jiangyang, YEAR, "submitted", acting_user=personas.jiangyang, via="test")
    client.force_login(personas.luzhou)
    assert steps_of(client.get(years_url(jiangyang)), YEAR) == ["approved", "returned"]
    client.force_login(personas.jiangyang)
    assert steps_of(client.get(years_url(jiangyang)), YEAR) == []


def test_it_submits_approves_and_reopens_a_year_with_a_reason(client, personas, jiangyang):
    client.force_login(personas.jiangyang)
    submitted = client.post(step_url(jiangyang, YEAR, "submitted"), follow=True)
    assert f"{YEAR}年度：已办理" in messages_of(submitted)
    client.force_login(personas.luzhou)
    client.post(step_url(jiangyang, YEAR, "approved"))
    assert status_of(jiangyang, YEAR) == "approved"

    unexplained = client.post(step_url(jiangyang, YEAR, "reopened"), {"comment": "  "}, follow=True)
    assert "请填写意见或原因" in messages_of(unexplained)
    assert status_of(jiangyang, YEAR) == "approved"

    client.post(step_url(jiangyang, YEAR, "reopened"), {"comment": "补录一笔拨付"})

    assert status_of(jiangyang, YEAR) == "draft"
    assert year_entries(jiangyang, YEAR) == [
        ("pairingyear.submitted", ""),
        ("pairingyear.approved", ""),
        ("pairingyear.reopened", "补录一笔拨付"),
    ]
    page = client.get(years_url(jiangyang)).content.decode()
    assert "补录一笔拨付" in page


def test_it_returns_a_submitted_year_with_the_coordinators_comment(client, personas, jiangyang):
    services.move_year(jiangyang, YEAR, "submitted", acting_user=personas.yanyuan, via="test")
    client.force_login(personas.luzhou)

    client.post(step_url(jiangyang, YEAR, "returned"), {"comment": "项目进度未更新"})

    assert status_of(jiangyang, YEAR) == "draft"
    client.force_login(personas.jiangyang)
    response = client.get(years_url(jiangyang))
    assert "项目进度未更新" in response.content.decode()
    assert steps_of(response, YEAR) == ["submitted"]  # to be reported again


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("approved", "只有已报送的年度可以审核通过"),
        ("returned", "只有已报送的年度可以退回"),
        ("reopened", "只有已审核锁定的年度可以重新开放"),
    ],
)
def test_it_refuses_a_step_out_of_order_in_chinese(client, personas, jiangyang, step, message):
    client.force_login(personas.luzhou)

    response = client.post(step_url(jiangyang, YEAR, step), {"comment": "原因"}, follow=True)

    assert message in messages_of(response)
    assert status_of(jiangyang, YEAR) == "draft"


def test_it_refuses_to_submit_twice(client, personas, jiangyang):
    client.force_login(personas.jiangyang)
    client.post(step_url(jiangyang, YEAR, "submitted"))

    again = client.post(step_url(jiangyang, YEAR, "submitted"), follow=True)

    assert "只有填报中的年度可以报送" in messages_of(again)
    assert [a for a, _c in year_entries(jiangyang, YEAR)] == ["pairingyear.submitted"]


def test_it_answers_404_for_a_step_it_does_not_know(admin_client, jiangyang):
    assert admin_client.post(step_url(jiangyang, YEAR, "deleted")).status_code == 404
    assert not PairingYear.objects.filter(pairing=jiangyang, year=YEAR).exists()


@pytest.mark.parametrize("year", [FIRST_YEAR - 1, LAST_YEAR + 1, 9999, 0])
def test_it_refuses_a_year_the_ledger_does_not_keep(client, personas, jiangyang, year):
    """A year outside 1990–2100 is no year of data: taking it would leave a row that the page
    then lists with every year up to it."""
    client.force_login(personas.jiangyang)

    response = client.post(step_url(jiangyang, year, "submitted"), follow=True)

    assert f"{FIRST_YEAR}" in messages_of(response) and f"{LAST_YEAR}" in messages_of(response)
    assert not PairingYear.objects.filter(pairing=jiangyang, year=year).exists()
    assert max(shown_years(client.get(years_url(jiangyang)))) == timezone.localdate().year


def test_it_refuses_the_steps_to_those_who_may_not_take_them(client, personas, jiangyang):
    for name in ("viewer", "sichuan_auditor", "luzhou"):
        client.force_login(getattr(personas, name))
        assert client.post(step_url(jiangyang, YEAR, "submitted")).status_code == 403, name
    services.move_year(jiangyang, YEAR, "submitted", acting_user=personas.jiangyang, via="test")
    for name in ("jiangyang", "yanyuan", "viewer", "sichuan_auditor"):
        client.force_login(getattr(personas, name))
        assert client.post(step_url(jiangyang, YEAR, "approved")).status_code == 403, name
    assert status_of(jiangyang, YEAR) == "submitted"


def test_it_answers_404_outside_the_scope_and_sends_strangers_to_log_in(
    client, personas, jiangyang
):
    for name in ("longmatan", "puge", "outsider"):
        client.force_login(getattr(personas, name))
        assert client.get(years_url(jiangyang)).status_code == 404, name
        assert client.post(step_url(jiangyang, YEAR, "submitted")).status_code == 404, name
    client.logout()
    assert client.get(years_url(jiangyang))["Location"].startswith("/login/")
    assert client.post(step_url(jiangyang, YEAR, "submitted"))["Location"].startswith("/login/")
    assert not PairingYear.objects.filter(pairing=jiangyang, year=YEAR).exists()
    assert client.get(years_url(jiangyang).replace("/years/", "/years/x/")).status_code == 404


def test_it_answers_a_get_on_a_step_with_405(admin_client, jiangyang):
    assert admin_client.get(step_url(jiangyang, YEAR, "submitted")).status_code == 405


# --- the lock, felt on the record pages -------------------------------------------------------


def lock(pairing: Pairing, personas, year: int = YEAR) -> None:
    services.move_year(pairing, year, "submitted", acting_user=personas.jiangyang, via="test")
    services.move_year(pairing, year, "approved", acting_user=personas.luzhou, via="test")


def transfer(pairing: Pairing, year: int, voucher: str) -> dict:
    return {
        "pairing": pairing.pk,
        "kind": "transfer",
        "fund_year": str(year),
        "date": f"{year}-05-01",
        "amount": "1000.00",
        "source": "fiscal",
        "voucher": voucher,
    }


def test_it_refuses_money_of_a_locked_year_on_the_fund_pages(client, personas, jiangyang):
    flow = services.record_fund_flow(
        acting_user=personas.jiangyang,
        via="test",
        pairing=jiangyang,
        kind="transfer",
        fund_year=YEAR,
        date=dt.date(YEAR, 3, 1),
        amount=Decimal("10.00"),
        source="fiscal",
    )
    lock(jiangyang, personas)
    client.force_login(personas.jiangyang)

    new = client.post("/funds/new/", transfer(jiangyang, YEAR, "锁-1"))
    reversed_ = client.post(f"/funds/{flow.pk}/reverse/", {"reason": "错", "on": ""})
    other_year = client.post("/funds/new/", transfer(jiangyang, YEAR - 1, "锁-2"))

    assert new.status_code == 400 and "已审核锁定" in new.content.decode()
    assert reversed_.status_code == 400 and "已审核锁定" in reversed_.content.decode()
    assert other_year.status_code == 302  # only the approved year is locked
    assert not FundFlow.objects.filter(voucher="锁-1").exists()
    assert not FundFlow.objects.filter(reverses=flow).exists()


def test_it_lets_the_year_be_written_again_once_reopened(client, personas, jiangyang):
    lock(jiangyang, personas)
    services.move_year(
        jiangyang, YEAR, "reopened", acting_user=personas.luzhou, via="test", comment="补录"
    )
    client.force_login(personas.jiangyang)

    response = client.post("/funds/new/", transfer(jiangyang, YEAR, "开-1"))

    assert response.status_code == 302
    assert FundFlow.objects.filter(voucher="开-1", fund_year=YEAR).exists()


def test_it_keeps_a_locked_projects_plan_but_lets_progress_go_on(client, personas, jiangyang):
    project = services.create_record(
        jiangyang.projects.model,
        acting_user=personas.jiangyang,
        via="test",
        pairing=jiangyang,
        code="LOCK-1",
        name="锁定年度的项目",
        sector="industry",
        mode="capacity_building",
        status="in_progress",
        start_date=dt.date(YEAR, 2, 1),
    )
    lock(jiangyang, personas)
    client.force_login(personas.jiangyang)
    edit = client.get(f"/projects/{project.pk}/edit/")
    data = {
        name: ("" if value is None else value)
        for name, value in edit.context["form"].initial.items()
        if name in edit.context["form"].fields
    }

    renamed = client.post(f"/projects/{project.pk}/edit/", {**data, "name": "改名"})
    client.force_login(personas.yanyuan)
    progress = client.post(
        f"/projects/{project.pk}/edit/",
        {
            "status": "in_progress",
            "progress": "70",
            "beneficiary_households": "0",
            "beneficiary_persons": "0",
            "outcomes": "",
            "version": project.version,
        },
    )

    project.refresh_from_db()
    assert renamed.status_code == 400 and "已审核锁定" in renamed.content.decode()
    assert project.name == "锁定年度的项目"
    assert progress.status_code == 302, progress.content.decode()[-3000:]
    assert project.progress == 70

"""An approved (locked) year through the API: every resource refuses to record or change
what belongs to that year, in Chinese, with a 422 and no audit entry; what goes on after a
year is closed (a project's progress, a posting's end, a task's or an agreement's status)
still changes; other years and other pairings are not touched; a reopened year takes
writes again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from test_api_support import Api, api_entries, demo_pairing

from pairaid.ledger import services
from pairaid.ledger.models import (
    Agreement,
    AuditEntry,
    Event,
    FundFlow,
    Organisation,
    Posting,
    Project,
    Target,
    Task,
)

YEAR = 2024  # a year of the demo's pairings with no data under review
LOCKED = "已审核锁定"


@pytest.fixture
def jiangyang(db):
    return demo_pairing("江阳区")


def lock(pairing, personas, year: int = YEAR) -> None:
    services.move_year(pairing, year, "submitted", acting_user=personas.jiangyang, via="test")
    services.move_year(pairing, year, "approved", acting_user=personas.luzhou, via="test")


def refused_for_the_lock(response) -> bool:
    errors = response.json().get("errors", {})
    return response.status_code == 422 and any(
        LOCKED in message for messages in errors.values() for message in messages
    )


def api_writes() -> int:
    return AuditEntry.objects.filter(actor="api").count()


def transfer(pairing, year: int = YEAR, **fields) -> dict:
    return {
        "pairing_id": pairing.pk,
        "kind": "transfer",
        "fund_year": year,
        "date": f"{year}-04-01",
        "amount": "2500.00",
        "source": "fiscal",
        **fields,
    }


def test_it_refuses_money_of_a_locked_year_and_writes_nothing(personas, jiangyang):
    lock(jiangyang, personas)
    client = Api.as_user(personas.jiangyang)
    before, writes = FundFlow.objects.count(), api_writes()

    refused = client.post("/fund-flows/", transfer(jiangyang, voucher="锁定年度"))

    assert refused_for_the_lock(refused), refused.json()
    assert str(YEAR) in refused.json()["errors"]["__all__"][0]
    assert (FundFlow.objects.count(), api_writes()) == (before, writes)
    other = client.post("/fund-flows/", transfer(jiangyang, year=YEAR - 1))
    assert other.status_code == 201


def test_it_refuses_to_reverse_or_answer_money_of_a_locked_year(personas, jiangyang):
    flow = services.record_fund_flow(
        acting_user=personas.jiangyang,
        via="test",
        pairing=jiangyang,
        kind="transfer",
        fund_year=YEAR,
        date=dt.date(YEAR, 3, 1),
        amount=Decimal("77.70"),
        source="fiscal",
    )
    lock(jiangyang, personas)

    reversed_ = Api.as_user(personas.jiangyang).post(
        f"/fund-flows/{flow.pk}/reverse/", {"reason": "错录"}
    )
    confirmed = Api.as_user(personas.yanyuan).post(f"/fund-flows/{flow.pk}/confirm/", {})

    assert refused_for_the_lock(reversed_) and refused_for_the_lock(confirmed)
    flow.refresh_from_db()
    assert flow.confirmation == "unconfirmed"
    assert not FundFlow.objects.filter(reverses=flow).exists()
    assert not api_entries("fundflow", flow.pk).exists()


def test_it_keeps_a_locked_projects_plan_but_takes_its_progress(personas, jiangyang):
    project = services.create_record(
        Project,
        acting_user=personas.jiangyang,
        via="test",
        pairing=jiangyang,
        code="API-LOCK-1",
        name="锁定年度项目",
        sector="education",
        mode="direct_aid",
        status="in_progress",
        start_date=dt.date(YEAR, 5, 1),
        planned_budget=Decimal("100000.00"),
    )
    lock(jiangyang, personas)

    budget = Api.as_user(personas.jiangyang).patch(
        f"/projects/{project.pk}/", {"planned_budget": "200000.00"}
    )
    progress = Api.as_user(personas.yanyuan).patch(f"/projects/{project.pk}/", {"progress": 80})
    new = Api.as_user(personas.jiangyang).post(
        "/projects/",
        {
            "pairing_id": jiangyang.pk,
            "code": "API-LOCK-2",
            "name": "锁定年度新项目",
            "sector": "industry",
            "mode": "capacity_building",
            "status": "in_progress",
            "start_date": f"{YEAR}-07-01",
        },
    )

    project.refresh_from_db()
    assert refused_for_the_lock(budget)
    assert project.planned_budget == Decimal("100000.00")
    assert progress.status_code == 200 and project.progress == 80
    assert refused_for_the_lock(new)
    assert not Project.objects.filter(code="API-LOCK-2").exists()
    assert list(api_entries("project", project.pk).values_list("action", flat=True)) == [
        "project.updated"
    ]


def test_it_lets_a_posting_of_a_locked_year_end_but_not_change(personas, jiangyang, build):
    host = Organisation.objects.get(name="盐源中学")
    posting = services.create_record(
        Posting,
        acting_user=personas.jiangyang,
        via="test",
        person=build.person("锁年度"),
        pairing=jiangyang,
        host_organisation=host,
        post="教师",
        start_date=dt.date(YEAR, 9, 1),
    )
    lock(jiangyang, personas)
    client = Api.as_user(personas.jiangyang)

    renamed = client.patch(f"/postings/{posting.pk}/", {"post": "副校长"})
    ended = client.patch(
        f"/postings/{posting.pk}/", {"status": "completed", "actual_end": f"{YEAR + 1}-07-15"}
    )
    another = client.post(
        "/postings/",
        {
            "person_id": build.person("又一人").pk,
            "pairing_id": jiangyang.pk,
            "start_date": f"{YEAR}-10-01",
        },
    )

    posting.refresh_from_db()
    assert refused_for_the_lock(renamed) and posting.post == "教师"
    assert ended.status_code == 200, ended.json()
    assert (posting.status, posting.actual_end) == ("completed", dt.date(YEAR + 1, 7, 15))
    assert refused_for_the_lock(another)


def test_it_lets_a_task_of_a_locked_year_be_reported_done_only(personas, jiangyang):
    owner = Organisation.objects.get(name="中共江阳区委组织部")
    task = services.create_record(
        Task,
        acting_user=personas.jiangyang,
        via="test",
        pairing=jiangyang,
        title="锁定年度事项",
        owner=owner,
        due_date=dt.date(YEAR, 11, 30),
    )
    lock(jiangyang, personas)
    client = Api.as_user(personas.jiangyang)

    retitled = client.patch(f"/tasks/{task.pk}/", {"title": "改名"})
    done = client.patch(f"/tasks/{task.pk}/", {"status": "done", "evidence": "验收单"})
    new = client.post(
        "/tasks/", {"pairing_id": jiangyang.pk, "title": "新事项", "due_date": f"{YEAR}-12-01"}
    )

    task.refresh_from_db()
    assert refused_for_the_lock(retitled) and task.title == "锁定年度事项"
    assert done.status_code == 200 and (task.status, task.evidence) == ("done", "验收单")
    assert refused_for_the_lock(new) and not Task.objects.filter(title="新事项").exists()


def test_it_refuses_an_event_of_a_locked_year(personas, jiangyang):
    lock(jiangyang, personas)

    response = Api.as_user(personas.jiangyang).post(
        "/events/",
        {
            "pairing_id": jiangyang.pk,
            "kind": "visit",
            "title": "锁定年度调研",
            "start_date": f"{YEAR}-06-01",
        },
    )

    assert refused_for_the_lock(response)
    assert not Event.objects.filter(title="锁定年度调研").exists()


def test_it_keeps_a_locked_agreement_and_its_obligations(personas, jiangyang):
    agreement = services.create_record(
        Agreement,
        acting_user=personas.jiangyang,
        via="test",
        pairing=jiangyang,
        title="锁定年度协议",
        kind="annual",
        status="signed",
        signed_date=dt.date(YEAR, 2, 1),
    )
    lock(jiangyang, personas)
    client = Api.as_user(personas.jiangyang)

    retitled = client.patch(f"/agreements/{agreement.pk}/", {"title": "改名协议"})
    in_force = client.patch(f"/agreements/{agreement.pk}/", {"status": "in_force"})
    obligation = client.post(
        f"/agreements/{agreement.pk}/obligations/", {"deliverable": "补充一项", "due_date": None}
    )

    agreement.refresh_from_db()
    assert refused_for_the_lock(retitled) and agreement.title == "锁定年度协议"
    assert in_force.status_code == 200 and agreement.status == "in_force"
    assert refused_for_the_lock(obligation)
    assert not agreement.obligations.exists()


def test_it_keeps_the_targets_of_a_locked_year(personas, jiangyang):
    target = services.create_record(
        Target,
        acting_user=personas.luzhou,
        via="test",
        pairing=jiangyang,
        year=YEAR,
        indicator="funds_transferred",
        value=Decimal("1000000.00"),
    )
    lock(jiangyang, personas)
    client = Api.as_user(personas.luzhou)

    changed = client.patch(f"/targets/{target.pk}/", {"value": "2000000.00"})
    new = client.post(
        "/targets/",
        {"pairing_id": jiangyang.pk, "year": YEAR, "indicator": "jobs", "value": "50.00"},
    )

    target.refresh_from_db()
    assert refused_for_the_lock(changed) and target.value == Decimal("1000000.00")
    assert refused_for_the_lock(new)


def test_it_locks_the_year_of_one_pairing_only(personas, jiangyang):
    lock(jiangyang, personas)
    longmatan = demo_pairing("龙马潭区")

    response = Api.as_user(personas.longmatan).post("/fund-flows/", transfer(longmatan))

    assert response.status_code == 201
    assert response.json()["fund_year"] == YEAR


def test_it_takes_writes_again_once_the_year_is_reopened(personas, jiangyang):
    lock(jiangyang, personas)
    client = Api.as_user(personas.jiangyang)
    assert refused_for_the_lock(client.post("/fund-flows/", transfer(jiangyang)))

    services.move_year(
        jiangyang, YEAR, "reopened", acting_user=personas.luzhou, via="test", comment="补录"
    )
    response = client.post("/fund-flows/", transfer(jiangyang))

    assert response.status_code == 201
    assert api_entries("fundflow", response.json()["id"]).get().action == "fundflow.recorded"

"""Create and edit through the pages: every change goes through the services (audited as
"web" with the logged-in user), a service's ValidationError shows on the form in Chinese,
fund flows are recorded and reversed but never edited, and only those who may change a
pairing's records see or use its forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pairaid.ledger import services
from pairaid.ledger.messages import CONSTRAINT_MESSAGES
from pairaid.ledger.models import (
    Agreement,
    AgreementParty,
    AuditEntry,
    Event,
    EventParticipant,
    FundFlow,
    Obligation,
    Organisation,
    Pairing,
    Person,
    Posting,
    Project,
    Task,
)


@pytest.fixture
def pair(build):
    return build.pairing("甲区", "乙县")


def audited(obj, action: str) -> AuditEntry:
    entry = AuditEntry.objects.get(
        record_type=obj._meta.model_name, record_id=str(obj.pk), action=action
    )
    assert entry.actor == "web"
    return entry


def project_data(pair: Pairing, **fields) -> dict:
    data = {
        "pairing": pair.pk,
        "code": "W-001",
        "name": "乌鸡养殖基地",
        "sector": "industry",
        "mode": "capacity_building",
        "planned_budget": "1200000.00",
        "start_date": "2024-03-01",
        "status": "in_progress",
        "progress": "20",
        "beneficiary_households": "30",
        "beneficiary_persons": "120",
    }
    data.update(fields)
    return data


# --- projects -----------------------------------------------------------------------------


def test_it_creates_a_project_through_the_service(admin_client, admin_user, pair):
    response = admin_client.post("/projects/new/", project_data(pair))

    project = Project.objects.get(pairing=pair, code="W-001")
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/"
    assert project.planned_budget == Decimal("1200000.00")
    assert audited(project, "project.created").user == admin_user
    page = admin_client.get(response["Location"]).content.decode()
    assert "乌鸡养殖基地" in page and "120.00万元" in page


def test_it_shows_the_rules_broken_in_chinese(admin_client, pair):
    response = admin_client.post(
        "/projects/new/", project_data(pair, start_date="2024-03-01", end_date="2023-01-01")
    )
    body = response.content.decode()

    assert response.status_code == 400
    assert "完工日期不能早于开工日期" in body
    assert not Project.objects.filter(pairing=pair).exists()


def test_it_says_which_fields_are_missing_in_chinese(admin_client, pair):
    response = admin_client.post("/projects/new/", {"pairing": pair.pk})
    assert response.status_code == 400
    assert "这个字段是必填项。" in response.content.decode()


def test_it_refuses_a_second_project_with_the_same_code(admin_client, build, pair):
    build.project(pair, code="W-001")
    response = admin_client.post("/projects/new/", project_data(pair))

    assert response.status_code == 400
    assert str(CONSTRAINT_MESSAGES["project_unique_code_in_pairing"]) in response.content.decode()
    assert Project.objects.filter(pairing=pair, code="W-001").count() == 1


def test_it_edits_a_project_and_audits_the_change(admin_client, build, pair):
    project = build.project(pair, code="W-002", name="旧名称")
    data = project_data(pair, code="W-002", name="新名称", progress="55")

    response = admin_client.post(f"/projects/{project.pk}/edit/", data)

    project.refresh_from_db()
    assert response.status_code == 302
    assert (project.name, project.progress) == ("新名称", 55)
    entry = audited(project, "project.updated")
    assert entry.changes["name"] == ["旧名称", "新名称"]
    assert entry.changes["progress"] == [0, 55]


def test_the_pairing_of_a_record_cannot_be_changed_by_its_form(admin_client, build, pair):
    other = build.pairing("丙区", "丁县")
    project = build.project(pair, code="W-003")

    admin_client.post(f"/projects/{project.pk}/edit/", project_data(other, code="W-003"))

    project.refresh_from_db()
    assert project.pairing == pair


def test_the_recipient_side_updates_progress_only(client, personas):
    yanyuan = Pairing.objects.get(recipient_region__name="盐源县")
    project = Project.objects.filter(pairing=yanyuan, status="in_progress").first()
    client.force_login(personas.yanyuan)

    form = client.get(f"/projects/{project.pk}/edit/").content.decode()
    response = client.post(
        f"/projects/{project.pk}/edit/",
        {
            "status": "in_progress",
            "progress": "90",
            "beneficiary_households": "1",
            "beneficiary_persons": "2",
            "outcomes": "已完成主体工程",
            "name": "改名",
        },
    )

    project.refresh_from_db()
    assert 'name="name"' not in form
    assert response.status_code == 302
    assert project.progress == 90 and project.name != "改名"


def test_a_viewer_may_not_open_the_forms(client, personas):
    client.force_login(personas.viewer)
    project = Project.objects.first()

    assert client.get("/projects/new/").status_code == 403
    assert client.get(f"/projects/{project.pk}/edit/").status_code == 403
    assert client.get("/funds/new/").status_code == 403
    assert "新建项目" not in client.get("/projects/").content.decode()


def test_a_record_outside_the_users_view_is_not_found(client, personas):
    client.force_login(personas.jiangyang)
    longmatan = Pairing.objects.get(helper_region__name="龙马潭区")
    project = Project.objects.filter(pairing=longmatan).first()
    flow = FundFlow.objects.filter(pairing=longmatan).first()
    agreement = Agreement.objects.filter(pairing=longmatan).first()

    for url in (
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/edit/",
        f"/funds/{flow.pk}/",
        f"/agreements/{agreement.pk}/",
        f"/agreements/{agreement.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/funds/{flow.pk}/reverse/", {"reason": "越权"}).status_code == 404


def test_a_helper_office_cannot_create_in_another_pairing(client, personas):
    client.force_login(personas.jiangyang)
    longmatan = Pairing.objects.get(helper_region__name="龙马潭区")

    response = client.post("/projects/new/", project_data(longmatan, code="X-9"))

    assert response.status_code == 400  # not among the form's choices
    assert not Project.objects.filter(code="X-9").exists()


def test_the_project_page_shows_its_money_progress_and_outcomes(admin_client):
    project = Project.objects.get(code="JY-2016-001")
    body = admin_client.get(f"/projects/{project.pk}/").content.decode()
    allocated = sum(f.amount for f in FundFlow.objects.filter(project=project, kind="allocate"))

    assert "105.63万元" in body  # planned
    assert f"{allocated / 10000:.2f}万元" in body
    assert "100%" in body
    assert project.outcomes in body


# --- fund flows ---------------------------------------------------------------------------


def flow_data(pair: Pairing, **fields) -> dict:
    data = {
        "pairing": pair.pk,
        "kind": "transfer",
        "fund_year": "2024",
        "date": "2024-06-01",
        "amount": "500000.00",
        "source": "fiscal",
        "voucher": "CZ-2024-01",
        "note": "2024年第1批",
    }
    data.update(fields)
    return data


def test_it_records_a_transfer(admin_client, admin_user, pair):
    response = admin_client.post("/funds/new/", flow_data(pair))

    flow = FundFlow.objects.get(pairing=pair)
    assert response.status_code == 302
    assert flow.amount == Decimal("500000.00")
    assert audited(flow, "fundflow.recorded").user == admin_user


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "-5.00"}, "金额必须大于0；更正请使用冲销"),
        ({"amount": "1.005"}, "金额最多两位小数（到分）"),
        ({"kind": "allocate"}, "分配和支出须指明项目"),
        ({"fund_year": "1800"}, "1990"),
    ],
)
def test_it_explains_a_refused_fund_flow_in_chinese(admin_client, pair, fields, message):
    response = admin_client.post("/funds/new/", flow_data(pair, **fields))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FundFlow.objects.filter(pairing=pair).exists()


def test_a_fund_flow_has_no_edit_or_delete(admin_client, build, pair):
    flow = build.flow(pair, "100.00")
    assert admin_client.get(f"/funds/{flow.pk}/edit/").status_code == 404
    assert admin_client.post(f"/funds/{flow.pk}/delete/").status_code == 404


def test_it_reverses_a_fund_flow_with_a_reason(admin_client, build, pair):
    flow = build.flow(pair, "800.00")

    response = admin_client.post(
        f"/funds/{flow.pk}/reverse/", {"reason": "金额录入错误", "on": "2024-07-01"}
    )

    reversal = FundFlow.objects.get(reverses=flow)
    assert response.status_code == 302
    assert response["Location"] == f"/funds/{reversal.pk}/"
    assert reversal.amount == Decimal("-800.00")
    assert reversal.date == dt.date(2024, 7, 1)
    assert "金额录入错误" in reversal.note
    page = admin_client.get(f"/funds/{flow.pk}/").content.decode()
    assert "该记录已被冲销" in page and "冲销该记录" not in page


def test_it_refuses_to_reverse_twice_or_without_a_reason(admin_client, build, pair):
    flow = build.flow(pair, "800.00")

    no_reason = admin_client.post(f"/funds/{flow.pk}/reverse/", {"reason": ""})
    admin_client.post(f"/funds/{flow.pk}/reverse/", {"reason": "重复"})
    again = admin_client.post(f"/funds/{flow.pk}/reverse/", {"reason": "再次"})
    reversal = FundFlow.objects.get(reverses=flow)
    of_reversal = admin_client.post(f"/funds/{reversal.pk}/reverse/", {"reason": "再次"})

    assert no_reason.status_code == 400 and "这个字段是必填项。" in no_reason.content.decode()
    assert again.status_code == 400 and "该记录已被冲销" in again.content.decode()
    assert "冲销记录不能再次冲销" in of_reversal.content.decode()
    assert FundFlow.objects.filter(pairing=pair).count() == 2


def test_it_refuses_changes_to_a_locked_year_in_chinese(admin_client, build, pair):
    flow = build.flow(pair, "100.00", year=2023)
    services.move_year(pair, 2023, "submitted", acting_user=None, via="test")
    services.move_year(pair, 2023, "approved", acting_user=None, via="test")

    response = admin_client.post("/funds/new/", flow_data(pair, fund_year="2023"))
    reverse = admin_client.post(f"/funds/{flow.pk}/reverse/", {"reason": "更正"})

    assert "已审核锁定" in response.content.decode()
    assert "已审核锁定" in reverse.content.decode()


# --- people and postings ------------------------------------------------------------------


def test_it_creates_a_person_then_their_posting(admin_client, pair):
    response = admin_client.post(
        "/people/new/",
        {
            "number": "W0001",
            "name": "李明",
            "gender": "male",
            "ethnicity": "彝族",
            "category": "professional",
            "profession": "teacher",
            "new_id_number": "513423199001011234",
            "new_phone": "13800001111",
        },
    )
    person = Person.objects.get(number="W0001")
    assert response["Location"] == f"/people/{person.pk}/postings/new/"
    assert person.id_number == "513423199001011234"

    response = admin_client.post(
        f"/people/{person.pk}/postings/new/",
        {
            "pairing": pair.pk,
            "post": "支教教师",
            "batch": "3",
            "start_date": "2024-09-01",
            "planned_end": "2025-07-01",
            "status": "in_post",
        },
    )
    posting = Posting.objects.get(person=person)
    assert response["Location"] == f"/people/{person.pk}/"
    assert audited(posting, "posting.created")

    page = admin_client.get(f"/people/{person.pk}/").content.decode()
    assert "支教教师" in page and "第3批" in page
    assert "513423********1234" in page and "513423199001011234" not in page
    assert "138****1111" in page


def test_personal_numbers_are_write_only(admin_client, build):
    person = build.person("王芳", id_number="513423199001011234")
    form = admin_client.get(f"/people/{person.pk}/edit/").content.decode()
    assert "513423199001011234" not in form

    admin_client.post(
        f"/people/{person.pk}/edit/",
        {
            "number": person.number,
            "name": "王芳",
            "gender": "female",
            "category": "cadre",
            "new_id_number": "",
        },
    )
    person.refresh_from_db()
    assert person.id_number == "513423199001011234"  # left blank: unchanged
    assert person.gender == "female"


def test_a_persons_page_shows_all_their_postings(admin_client, build, pair):
    other = build.pairing("丙区", "丁县")
    person = build.person("赵刚")
    build.posting(person, pair, dt.date(2020, 1, 1), post="副县长")
    build.posting(person, other, dt.date(2023, 1, 1), post="副局长")

    page = admin_client.get(f"/people/{person.pk}/").content.decode()

    assert "副县长" in page and "副局长" in page
    assert "甲区→乙县" in page and "丙区→丁县" in page


def test_it_edits_a_posting(admin_client, build, pair):
    person = build.person("钱伟")
    posting = build.posting(person, pair, dt.date(2022, 1, 1), post="挂职")

    response = admin_client.post(
        f"/postings/{posting.pk}/edit/",
        {
            "post": "挂职副县长",
            "start_date": "2022-01-01",
            "actual_end": "2021-01-01",
            "status": "completed",
        },
    )
    assert response.status_code == 400
    assert "实际离岗不能早于到岗日期" in response.content.decode()

    admin_client.post(
        f"/postings/{posting.pk}/edit/",
        {
            "post": "挂职副县长",
            "start_date": "2022-01-01",
            "actual_end": "2023-12-31",
            "status": "completed",
        },
    )
    posting.refresh_from_db()
    assert (posting.post, posting.status) == ("挂职副县长", "completed")


# --- agreements, events, tasks ------------------------------------------------------------


def test_it_creates_an_agreement_with_parties_and_obligations(admin_client, build, pair):
    org = build.organisation("甲区农业农村局", pair.helper_region)
    refused = admin_client.post(
        "/agreements/new/",
        {"pairing": pair.pk, "title": "产业合作协议", "kind": "framework", "status": "signed"},
    )
    assert "已签订的协议须填写签订日期" in refused.content.decode()

    admin_client.post(
        "/agreements/new/",
        {
            "pairing": pair.pk,
            "title": "产业合作协议",
            "kind": "framework",
            "status": "signed",
            "signed_date": "2024-05-01",
            "signed_place": "乙县",
        },
    )
    agreement = Agreement.objects.get(pairing=pair)
    admin_client.post(
        f"/agreements/{agreement.pk}/parties/", {"organisation": org.pk, "role": "party_a"}
    )
    admin_client.post(
        f"/agreements/{agreement.pk}/obligations/new/",
        {
            "deliverable": "建成示范基地",
            "owner": org.pk,
            "due_date": "2024-12-31",
            "status": "open",
        },
    )

    page = admin_client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert "甲方" in page and "甲区农业农村局" in page
    assert "建成示范基地" in page and "2024-12-31" in page and "逾期" in page
    obligation = Obligation.objects.get(agreement=agreement)
    admin_client.post(
        f"/obligations/{obligation.pk}/edit/",
        {
            "deliverable": "建成示范基地",
            "due_date": "2024-12-31",
            "status": "done",
            "evidence": "验收报告",
        },
    )
    obligation.refresh_from_db()
    assert obligation.status == "done"
    party = AgreementParty.objects.get(agreement=agreement)
    admin_client.post(f"/agreements/{agreement.pk}/parties/{party.pk}/remove/")
    assert not AgreementParty.objects.filter(pk=party.pk).exists()
    assert audited(party, "agreementparty.deleted")


def test_an_agreements_page_shows_the_event_it_was_signed_at(admin_client):
    agreement = Agreement.objects.get(title="科研用高粱采购合同")
    page = admin_client.get(f"/agreements/{agreement.pk}/").content.decode()

    assert agreement.event.title in page
    assert "186.00万元" in page
    for party in agreement.parties.all():
        assert party.organisation.name in page
    for obligation in agreement.obligations.all():
        assert obligation.deliverable in page


def test_it_creates_an_event_with_participants_and_a_task(admin_client, pair):
    admin_client.post(
        "/events/new/",
        {
            "pairing": pair.pk,
            "kind": "joint_meeting",
            "title": "联席会议",
            "start_date": "2024-04-01",
            "places": "乙县",
        },
    )
    event = Event.objects.get(pairing=pair)
    admin_client.post(
        f"/events/{event.pk}/participants/", {"name": "张三", "title": "区长", "side": "甲区"}
    )
    admin_client.post(
        "/tasks/new/",
        {
            "pairing": pair.pk,
            "title": "落实会议议定事项",
            "due_date": "2024-06-30",
            "status": "open",
            "event": event.pk,
        },
    )
    page = admin_client.get(f"/events/{event.pk}/").content.decode()

    assert "张三" in page and "区长" in page and "落实会议议定事项" in page
    participant = EventParticipant.objects.get(event=event)
    admin_client.post(f"/events/{event.pk}/participants/{participant.pk}/remove/")
    assert not EventParticipant.objects.filter(event=event).exists()

    refused = admin_client.post(
        f"/events/{event.pk}/edit/",
        {
            "kind": "joint_meeting",
            "title": "联席会议",
            "start_date": "2024-04-01",
            "end_date": "2024-03-01",
        },
    )
    assert "结束日期不能早于开始日期" in refused.content.decode()


def test_it_edits_a_task(admin_client, build, pair):
    task = services.create_record(
        Task, acting_user=None, via="test", pairing=pair, title="事项", status="open"
    )
    admin_client.post(
        f"/tasks/{task.pk}/edit/", {"title": "事项", "status": "done", "evidence": "已完成"}
    )

    task.refresh_from_db()
    assert task.status == "done"
    assert audited(task, "task.updated").changes["status"] == ["open", "done"]


def test_the_forms_offer_only_pairings_the_user_may_record_in(client, personas):
    client.force_login(personas.jiangyang)
    form = client.get("/projects/new/").content.decode()

    assert "江阳区→盐源县" in form
    assert "龙马潭区→普格县" not in form
    assert Organisation.objects.first().name in form

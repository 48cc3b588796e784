"""The Django admin, through HTTP: every change it makes goes through the services (audited as
"admin" with the logged-in user), fund flows are append-only, and lists cost a bounded number of
queries. Each test makes its own small pairing and does not depend on the demo figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from pairaid.ledger import services
from pairaid.ledger.models import (
    Agreement,
    AgreementParty,
    AuditEntry,
    Event,
    FundFlow,
    Organisation,
    PairingYear,
    Person,
    Posting,
    Project,
    Region,
    Team,
)


@pytest.fixture
def client(admin_client):
    """The module's pages are the admin's: every client is the administrator's."""
    return admin_client


def url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def entries_for(obj, action):
    return AuditEntry.objects.filter(
        record_type=obj._meta.model_name, record_id=str(obj.pk), action=action
    )


def project_form(pairing, **fields):
    """The add/change form of a project, as the browser posts it."""
    data = {
        "pairing": pairing.pk,
        "code": "ADM-001",
        "name": "乌鸡养殖基地",
        "sector": Project.Sector.INDUSTRY,
        "mode": Project.Mode.CAPACITY_BUILDING,
        "location": "",
        "implementing_organisation": "",
        "planned_budget": "1200000.50",
        "start_date": "2022-03-01",
        "end_date": "",
        "status": Project.Status.IN_PROGRESS,
        "progress": "30",
        "beneficiary_households": "12",
        "beneficiary_persons": "40",
        "outcomes": "",
        "after_completion": "",
    }
    data.update(fields)
    return data


def flow_form(pairing, **fields):
    data = {
        "pairing": pairing.pk,
        "kind": FundFlow.Kind.TRANSFER,
        "fund_year": "2022",
        "date": "2022-12-02",
        "amount": "5000000.00",
        "source": FundFlow.Source.FISCAL,
        "project": "",
        "voucher": "泸财2022-88",
        "note": "",
    }
    data.update(fields)
    return data


def inline_management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


# --- every page opens ------------------------------------------------------------------------


def test_it_opens_every_changelist_and_add_page(client, admin_user, build):
    build.project(build.pairing())  # at least one row in the ledger's main lists
    request = RequestFactory().get("/")
    request.user = admin_user

    for model, model_admin in admin.site._registry.items():
        assert client.get(url(model, "changelist")).status_code == 200, model
        expected = 200 if model_admin.has_add_permission(request) else 403
        assert client.get(url(model, "add")).status_code == expected, model


def test_it_shows_the_site_in_chinese(client):
    response = client.get(reverse("admin:index"))

    assert "pairaid 对口帮扶台账 管理后台" in response.content.decode()
    assert "资金记录" in response.content.decode()


def test_it_opens_the_change_page_of_each_kind_of_record(client, build):
    pairing = build.pairing()
    project = build.project(pairing)
    flow = build.flow(pairing, "10.00")
    posting = build.posting(build.person(), pairing, dt.date(2022, 1, 1))
    entry = entries_for(project, "project.created").get()

    for obj in (pairing, project, flow, posting, posting.person, entry):
        assert client.get(url(type(obj), "change", obj.pk)).status_code == 200, obj


def test_it_finds_records_by_search(client, build):
    pairing = build.pairing()
    build.project(pairing, code="SRCH-1", name="高粱种植示范")
    build.project(pairing, code="SRCH-2", name="乌鸡养殖")

    response = client.get(url(Project, "changelist"), {"q": "高粱种植"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "SRCH-1" in content
    assert "SRCH-2" not in content


def test_it_filters_fund_flows_by_kind_and_year(client, build):
    pairing = build.pairing()
    build.flow(pairing, "10.00", year=2021, voucher="V-2021")
    build.flow(pairing, "20.00", year=2022, voucher="V-2022")
    build.flow(pairing, "30.00", year=2022, kind=FundFlow.Kind.PLAN, voucher="V-PLAN")

    response = client.get(
        url(FundFlow, "changelist"),
        {"pairing__id__exact": pairing.pk, "kind__exact": "transfer", "fund_year": "2022"},
    )

    content = response.content.decode()
    assert "V-2022" in content
    assert "V-2021" not in content
    assert "V-PLAN" not in content
    assert "20.00" in content


# --- plain records: add, change, delete through the services -----------------------------


def test_it_creates_a_project_through_the_services(client, admin_user, build):
    pairing = build.pairing()

    response = client.post(url(Project, "add"), project_form(pairing))

    assert response.status_code == 302
    project = Project.objects.get(pairing=pairing, code="ADM-001")
    assert project.planned_budget == Decimal("1200000.50")
    entry = entries_for(project, "project.created").get()
    assert (entry.actor, entry.user) == ("admin", admin_user)
    assert entry.pairing_id == pairing.pk
    assert entry.changes["name"] == "乌鸡养殖基地"


def test_it_records_only_the_changed_fields_of_an_edit(client, admin_user, build):
    pairing = build.pairing()
    client.post(url(Project, "add"), project_form(pairing, name="旧名称"))
    project = Project.objects.get(pairing=pairing, code="ADM-001")

    response = client.post(url(Project, "change", project.pk), project_form(pairing, name="新名称"))

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "新名称"
    entry = entries_for(project, "project.updated").get()
    assert entry.changes == {"name": ["旧名称", "新名称"]}
    assert (entry.actor, entry.user) == ("admin", admin_user)


def test_it_writes_nothing_when_an_edit_changes_nothing(client, build):
    pairing = build.pairing()
    client.post(url(Project, "add"), project_form(pairing))
    project = Project.objects.get(pairing=pairing, code="ADM-001")

    response = client.post(url(Project, "change", project.pk), project_form(pairing))

    assert response.status_code == 302
    assert not entries_for(project, "project.updated").exists()


def test_it_shows_a_broken_rule_as_a_chinese_form_error(client, build):
    pairing = build.pairing()
    before = AuditEntry.objects.count()

    response = client.post(
        url(Project, "add"), project_form(pairing, start_date="2022-03-01", end_date="2021-01-01")
    )

    assert response.status_code == 200
    assert "完工日期不能早于开工日期" in response.content.decode()
    assert not Project.objects.filter(pairing=pairing).exists()
    assert AuditEntry.objects.count() == before


def lock_year(pairing, year):
    for step in ("submitted", "approved"):
        services.move_year(pairing, year, step, acting_user=None, via="test")


def test_it_shows_a_service_refusal_on_the_form_and_rolls_everything_back(client, build):
    project = build.project(build.pairing(), name="原名", start=dt.date(2022, 3, 1))
    lock_year(project.pairing, 2022)
    before = AuditEntry.objects.count()

    response = client.post(
        url(Project, "change", project.pk), project_form(project.pairing, name="新名")
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "2022年的数据已审核锁定" in content
    assert 'value="新名"' in content  # the user's input is kept
    project.refresh_from_db()
    assert project.name == "原名"
    assert AuditEntry.objects.count() == before


def test_it_shows_a_permission_refusal_on_the_form(client, build):
    from django.contrib.auth.models import Permission

    from pairaid.accounts.models import RoleAssignment

    pairing = build.pairing()
    viewer = get_user_model().objects.create_user("staff-viewer", password="x", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__endswith="_project"))
    RoleAssignment.objects.create(user=viewer, role="viewer", region=pairing.helper_region)
    client.force_login(viewer)

    response = client.post(url(Project, "add"), project_form(pairing))

    assert response.status_code == 200
    assert "您无权进行此项操作" in response.content.decode()
    assert not Project.objects.filter(pairing=pairing).exists()


def test_it_deletes_a_project_through_the_services(client, admin_user, build):
    project = build.project(build.pairing(), name="将删除")

    response = client.post(url(Project, "delete", project.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()
    entry = entries_for(project, "project.deleted").get()
    assert (entry.actor, entry.user) == ("admin", admin_user)
    assert entry.changes["name"] == "将删除"


def test_it_refuses_to_delete_a_project_with_fund_flows(client, build):
    pairing = build.pairing()
    project = build.project(pairing)
    build.flow(pairing, "10.00", kind=FundFlow.Kind.ALLOCATE, project=project)

    response = client.post(url(Project, "delete", project.pk), {"post": "yes"})

    assert response.status_code == 200  # Django's "cannot delete" page, in Chinese
    assert Project.objects.filter(pk=project.pk).exists()
    assert not entries_for(project, "project.deleted").exists()


def test_it_shows_a_service_refusal_to_delete_as_a_message(client, build):
    project = build.project(build.pairing(), start=dt.date(2022, 3, 1))
    lock_year(project.pairing, 2022)

    response = client.post(url(Project, "delete", project.pk), {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert "2022年的数据已审核锁定" in response.content.decode()
    assert Project.objects.filter(pk=project.pk).exists()
    assert not entries_for(project, "project.deleted").exists()


def test_it_deletes_selected_records_one_audit_entry_each(client, build):
    pairing = build.pairing()
    projects = [build.project(pairing) for _ in range(3)]

    response = client.post(
        url(Project, "changelist"),
        {
            "action": "delete_selected",
            ACTION_CHECKBOX_NAME: [p.pk for p in projects],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not Project.objects.filter(pairing=pairing).exists()
    for project in projects:
        assert entries_for(project, "project.deleted").get().actor == "admin"


def test_it_deletes_none_of_the_selection_when_one_is_refused(client, build):
    pairing = build.pairing()
    projects = [build.project(pairing, start=dt.date(year, 3, 1)) for year in (2021, 2022)]
    lock_year(pairing, 2022)

    response = client.post(
        url(Project, "changelist"),
        {
            "action": "delete_selected",
            ACTION_CHECKBOX_NAME: [p.pk for p in projects],
            "post": "yes",
        },
        follow=True,
    )

    assert "2022年的数据已审核锁定" in response.content.decode()
    assert Project.objects.filter(pairing=pairing).count() == 2
    assert not AuditEntry.objects.filter(action="project.deleted", pairing=pairing).exists()


# --- many-to-many fields and inline rows ---------------------------------------------------


def test_it_sets_a_teams_schools_through_the_services(client, admin_user, build):
    pairing = build.pairing()
    region = Region.objects.get(pk=pairing.helper_region_id)
    schools = [build.organisation(f"第{n}中学", region, kind="school") for n in range(3)]

    response = client.post(
        url(Team, "add"),
        {
            "pairing": pairing.pk,
            "name": "组团式教师队",
            "from_organisations": [schools[0].pk, schools[1].pk],
            "to_organisations": [schools[2].pk],
            "start_date": "2022-09-01",
            "note": "",
        },
    )

    assert response.status_code == 302
    team = Team.objects.get(pairing=pairing)
    assert set(team.from_organisations.all()) == {schools[0], schools[1]}
    changed = [e.changes for e in entries_for(team, "team.updated")]
    assert {"from_organisations": [[], sorted([schools[0].pk, schools[1].pk])]} in changed
    assert {"to_organisations": [[], [schools[2].pk]]} in changed
    assert entries_for(team, "team.created").get().user == admin_user


def test_it_saves_inline_rows_through_the_services(client, admin_user, build):
    pairing = build.pairing()
    data = {
        "pairing": pairing.pk,
        "kind": Event.Kind.JOINT_MEETING,
        "title": "联席会议",
        "start_date": "2022-12-01",
        "end_date": "2022-12-02",
        "places": "盐源县",
        "summary": "",
        **inline_management("participants", 2),
        "participants-0-name": "张三",
        "participants-0-title": "区委书记",
        "participants-0-side": "江阳区",
        "participants-1-name": "李四",
        "participants-1-title": "县长",
        "participants-1-side": "盐源县",
    }

    response = client.post(url(Event, "add"), data)

    assert response.status_code == 302
    event = Event.objects.get(pairing=pairing)
    people = list(event.participants.order_by("id"))
    assert [p.name for p in people] == ["张三", "李四"]
    for person in people:
        entry = entries_for(person, "eventparticipant.created").get()
        assert (entry.actor, entry.user, entry.pairing_id) == ("admin", admin_user, pairing.pk)

    data.update(inline_management("participants", 2, initial=2))
    data.update(
        {
            "participants-0-id": people[0].pk,
            "participants-0-event": event.pk,
            "participants-0-title": "区长",
            "participants-1-id": people[1].pk,
            "participants-1-event": event.pk,
            "participants-1-DELETE": "on",
        }
    )
    response = client.post(url(Event, "change", event.pk), data)

    assert response.status_code == 302
    assert list(event.participants.values_list("name", "title")) == [("张三", "区长")]
    assert entries_for(people[0], "eventparticipant.updated").get().changes == {
        "title": ["区委书记", "区长"]
    }
    assert entries_for(people[1], "eventparticipant.deleted").exists()


def test_it_deletes_an_agreement_with_its_parties_one_audit_entry_each(client, build):
    pairing = build.pairing()
    region = Region.objects.get(pk=pairing.helper_region_id)
    agreement = services.create_record(
        Agreement,
        acting_user=None,
        via="test",
        pairing=pairing,
        title="人才联盟协同发展协议",
        kind=Agreement.Kind.TALENT,
    )
    party = services.create_record(
        AgreementParty,
        acting_user=None,
        via="test",
        agreement=agreement,
        organisation=build.organisation("龙马潭区人民政府", region),
        role=AgreementParty.Role.PARTY_A,
    )

    response = client.post(url(Agreement, "delete", agreement.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Agreement.objects.filter(pk=agreement.pk).exists()
    assert entries_for(party, "agreementparty.deleted").get().actor == "admin"
    assert entries_for(agreement, "agreement.deleted").exists()


def test_it_uploads_an_agreement_file_through_the_services(client, build, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    pairing = build.pairing()
    data = {
        "pairing": pairing.pk,
        "title": "科研用高粱采购合同",
        "kind": Agreement.Kind.PURCHASE,
        "signed_date": "2022-12-02",
        "signed_place": "普格县",
        "event": "",
        "amount": "300000.00",
        "term_start": "",
        "term_end": "",
        "status": Agreement.Status.SIGNED,
        **inline_management("parties", 0),
        **inline_management("obligations", 1),
        "obligations-0-deliverable": "收购高粱",
        "obligations-0-owner": "",
        "obligations-0-due_date": "2023-10-31",
        "obligations-0-status": "open",
        "obligations-0-evidence": "",
        **inline_management("files", 1),
        "files-0-title": "合同扫描件",
        "files-0-file": SimpleUploadedFile("contract.pdf", b"%PDF-1.4 test"),
    }

    response = client.post(url(Agreement, "add"), data)

    assert response.status_code == 302
    agreement = Agreement.objects.get(pairing=pairing)
    stored = agreement.files.get()
    assert stored.file.read() == b"%PDF-1.4 test"
    entry = entries_for(stored, "agreementfile.created").get()
    assert entry.changes["file"] == stored.file.name
    assert entries_for(agreement.obligations.get(), "obligation.created").exists()


# --- the fund ledger: record, reverse, confirm; never edit or delete ---------------------


def test_it_records_a_fund_flow_through_the_services(client, admin_user, build):
    pairing = build.pairing()

    response = client.post(url(FundFlow, "add"), flow_form(pairing))

    assert response.status_code == 302
    flow = FundFlow.objects.get(pairing=pairing)
    assert flow.amount == Decimal("5000000.00")
    entry = entries_for(flow, "fundflow.recorded").get()
    assert (entry.actor, entry.user) == ("admin", admin_user)


def test_it_refuses_a_fund_flow_for_another_pairings_project(client, build):
    pairing, other = build.pairing(), build.pairing("丙区", "丁县")
    foreign_project = build.project(other)
    before = AuditEntry.objects.count()

    response = client.post(
        url(FundFlow, "add"),
        flow_form(pairing, kind=FundFlow.Kind.ALLOCATE, project=foreign_project.pk),
    )

    assert response.status_code == 200
    assert "项目不属于该结对关系" in response.content.decode()
    assert not FundFlow.objects.filter(pairing=pairing).exists()
    assert AuditEntry.objects.count() == before


def test_it_shows_a_recorded_fund_flow_read_only_and_refuses_edits(client, build):
    flow = build.flow(build.pairing(), "100.00")
    change_url = url(FundFlow, "change", flow.pk)

    page = client.get(change_url)
    posted = client.post(change_url, flow_form(flow.pairing, amount="999.00"))

    assert page.status_code == 200
    assert 'name="amount"' not in page.content.decode()
    assert posted.status_code == 403
    flow.refresh_from_db()
    assert flow.amount == Decimal("100.00")
    assert not AuditEntry.objects.filter(record_type="fundflow", action__contains="updated")


def test_it_forbids_deleting_a_fund_flow(client, build):
    flow = build.flow(build.pairing(), "100.00")

    assert client.get(url(FundFlow, "delete", flow.pk)).status_code == 403
    assert client.post(url(FundFlow, "delete", flow.pk), {"post": "yes"}).status_code == 403
    assert FundFlow.objects.filter(pk=flow.pk).exists()
    actions = client.get(url(FundFlow, "changelist")).context["action_form"]
    assert "delete_selected" not in dict(actions.fields["action"].choices)


def test_it_reverses_selected_fund_flows_after_asking_why(client, admin_user, build):
    pairing = build.pairing()
    flow = build.flow(pairing, "1234.56", voucher="V-WRONG")
    changelist = url(FundFlow, "changelist")
    selection = {"action": "reverse_selected", ACTION_CHECKBOX_NAME: [flow.pk]}

    asked = client.post(changelist, {**selection, "index": "0"})
    assert asked.status_code == 200
    assert "冲销原因" in asked.content.decode()
    assert not FundFlow.objects.filter(reverses=flow).exists()

    no_reason = client.post(changelist, {**selection, "post": "yes", "reason": " "})
    assert no_reason.status_code == 200
    assert not FundFlow.objects.filter(reverses=flow).exists()

    done = client.post(changelist, {**selection, "post": "yes", "reason": "金额录入错误"})
    assert done.status_code == 302
    reversal = FundFlow.objects.get(reverses=flow)
    assert reversal.amount == Decimal("-1234.56")
    entry = entries_for(reversal, "fundflow.reversed").get()
    assert (entry.actor, entry.user) == ("admin", admin_user)
    assert entry.changes["reverses"] == flow.pk
    assert entry.changes["reason"] == "金额录入错误"

    listed = client.get(changelist, {"pairing__id__exact": pairing.pk}).content.decode()
    assert f"冲销 #{flow.pk}" in listed
    assert f"已被 #{reversal.pk} 冲销" in listed
    assert "-1,234.56" in listed


def test_it_shows_a_refused_reversal_as_an_error_message(client, build):
    pairing = build.pairing()
    flow = build.flow(pairing, "10.00")
    services.reverse_fund_flow(flow, acting_user=None, via="test", reason="重复")

    response = client.post(
        url(FundFlow, "changelist"),
        {
            "action": "reverse_selected",
            ACTION_CHECKBOX_NAME: [flow.pk],
            "post": "yes",
            "reason": "再次冲销",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "该记录已被冲销" in response.content.decode()
    assert FundFlow.objects.filter(pairing=pairing).count() == 2


def test_it_confirms_receipt_of_selected_fund_flows(client, admin_user, build):
    pairing = build.pairing()
    flows = [build.flow(pairing, "10.00"), build.flow(pairing, "20.00")]

    response = client.post(
        url(FundFlow, "changelist"),
        {"action": "confirm_selected", ACTION_CHECKBOX_NAME: [f.pk for f in flows], "index": "0"},
    )

    assert response.status_code == 302
    for flow in flows:
        flow.refresh_from_db()
        assert flow.confirmation == FundFlow.Confirmation.CONFIRMED
        entry = entries_for(flow, "fundflow.confirmed").get()
        assert (entry.actor, entry.user) == ("admin", admin_user)


def test_it_confirms_arrival_of_selected_postings(client, admin_user, build):
    pairing = build.pairing()
    posting = build.posting(build.person(), pairing, dt.date(2022, 9, 1))

    response = client.post(
        url(Posting, "changelist"),
        {"action": "confirm_selected", ACTION_CHECKBOX_NAME: [posting.pk], "index": "0"},
    )

    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.confirmation == "confirmed"
    assert entries_for(posting, "posting.confirmed").get().user == admin_user


# --- personal data, review of a year, scope ---------------------------------------------------


def person_form(**fields):
    data = {
        "number": "ADM-P1",
        "name": "王老师",
        "gender": Person.Gender.FEMALE,
        "ethnicity": "彝族",
        "home_organisation": "",
        "category": Person.Category.PROFESSIONAL,
        "profession": Person.Profession.TEACHER,
        "id_number": "",
        "phone": "",
    }
    data.update(fields)
    return data


def test_it_keeps_personal_data_masked_and_write_only(client, db):
    client.post(url(Person, "add"), person_form(id_number="513423199001011234"))
    person = Person.objects.get(number="ADM-P1")
    assert person.id_number == "513423199001011234"

    page = client.get(url(Person, "change", person.pk)).content.decode()
    assert "513423199001011234" not in page
    assert "513423********1234" in page

    client.post(url(Person, "change", person.pk), person_form(name="王芳"))  # id left blank
    person.refresh_from_db()
    assert (person.name, person.id_number) == ("王芳", "513423199001011234")
    assert entries_for(person, "person.updated").get().changes == {"name": ["王老师", "王芳"]}

    client.post(url(Person, "change", person.pk), person_form(name="王芳", phone="13812345678"))
    person.refresh_from_db()
    assert person.phone == "13812345678"
    audited = entries_for(person, "person.updated").latest("id").changes
    assert "13812345678" not in str(audited)


def test_it_moves_a_year_through_review_with_the_actions(client, admin_user, build):
    pairing = build.pairing()
    services.move_year(pairing, 2022, "submitted", acting_user=None, via="test")
    year = PairingYear.objects.get(pairing=pairing, year=2022)
    changelist = url(PairingYear, "changelist")
    selected = {ACTION_CHECKBOX_NAME: [year.pk]}

    client.post(changelist, {"action": "approve_selected", "index": "0", **selected})
    year.refresh_from_db()
    assert year.status == PairingYear.Status.APPROVED

    asked = client.post(changelist, {"action": "reopen_selected", "index": "0", **selected})
    assert "意见或原因" in asked.content.decode()
    client.post(
        changelist, {"action": "reopen_selected", "post": "yes", "reason": "补录项目", **selected}
    )
    year.refresh_from_db()
    assert (year.status, year.comment) == (PairingYear.Status.DRAFT, "补录项目")
    entry = AuditEntry.objects.filter(action="pairingyear.reopened").latest("id")
    assert (entry.actor, entry.user) == ("admin", admin_user)


def test_it_shows_a_refused_review_step_as_an_error_message(client, build):
    pairing = build.pairing()
    services.move_year(pairing, 2022, "submitted", acting_user=None, via="test")
    services.move_year(pairing, 2022, "approved", acting_user=None, via="test")
    year = PairingYear.objects.get(pairing=pairing, year=2022)

    response = client.post(
        url(PairingYear, "changelist"),
        {"action": "submit_selected", "index": "0", ACTION_CHECKBOX_NAME: [year.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "只有填报中的年度可以报送" in response.content.decode()
    year.refresh_from_db()
    assert year.status == PairingYear.Status.APPROVED


def test_it_shows_a_staff_member_only_the_pairings_in_scope(client, build):
    from django.contrib.auth.models import Permission

    from pairaid.accounts.models import RoleAssignment

    mine, theirs = build.pairing("本区", "本县"), build.pairing("他区", "他县")
    my_project = build.project(mine, code="MINE-1")
    their_project = build.project(theirs, code="THEIRS-1")
    staff = get_user_model().objects.create_user("staff-editor", password="x", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename="view_project"))
    RoleAssignment.objects.create(user=staff, role="helper_editor", region=mine.helper_region)
    client.force_login(staff)

    listed = client.get(url(Project, "changelist")).content.decode()

    assert "MINE-1" in listed
    assert "THEIRS-1" not in listed
    assert "他区→他县" not in listed  # not even in the pairing filter
    assert client.get(url(Project, "change", my_project.pk)).status_code == 200
    assert client.get(url(Project, "change", their_project.pk)).status_code == 302  # not found


# --- the audit trail ----------------------------------------------------------------------


def test_it_keeps_the_audit_trail_read_only_and_searchable(client, build):
    project = build.project(build.pairing(), name="审计可查项目")
    entry = entries_for(project, "project.created").get()

    found = client.get(url(AuditEntry, "changelist"), {"q": "审计可查项目"})
    filtered = client.get(url(AuditEntry, "changelist"), {"action": "project.created"})

    assert "审计可查项目" in found.content.decode()
    assert filtered.status_code == 200
    assert client.get(url(AuditEntry, "add")).status_code == 403
    assert client.post(url(AuditEntry, "change", entry.pk), {"actor": "x"}).status_code == 403
    assert client.post(url(AuditEntry, "delete", entry.pk), {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.actor == "test"


# --- lists cost a bounded number of queries --------------------------------------------------


@pytest.fixture
def long_lists(build):
    """About thirty projects, fund flows and postings, with the relations their lists show."""
    pairing = build.pairing()
    region = Region.objects.get(pk=pairing.recipient_region_id)
    hosts = [build.organisation(f"受援单位{n}", region) for n in range(5)]
    team = services.create_record(Team, acting_user=None, via="test", pairing=pairing, name="队")
    for n in range(30):
        project = build.project(pairing, location=region, implementing_organisation=hosts[n % 5])
        flow = build.flow(pairing, f"{n + 1}.00", kind=FundFlow.Kind.ALLOCATE, project=project)
        if n % 3 == 0:
            services.reverse_fund_flow(flow, acting_user=None, via="test", reason="测试")
        build.posting(
            build.person(f"人员{n}"),
            pairing,
            dt.date(2022, 1, 1),
            host_organisation=hosts[n % 5],
            team=team if n % 2 else None,
        )
    return pairing


@pytest.mark.parametrize("model", ["project", "fundflow", "posting", "auditentry", "event"])
def test_it_lists_many_records_in_a_bounded_number_of_queries(
    client, long_lists, django_assert_max_num_queries, model
):
    changelist = reverse(f"admin:ledger_{model}_changelist")

    with django_assert_max_num_queries(12):
        response = client.get(changelist, {"pairing__id__exact": long_lists.pk})

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= (30 if model != "event" else 0)


def test_it_makes_organisations_and_regions_autocomplete(client, build):
    pairing = build.pairing()
    region = Region.objects.get(pk=pairing.helper_region_id)
    build.organisation("补全测试中学校", region, kind=Organisation.Kind.SCHOOL)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "补全测试",
            "app_label": "ledger",
            "model_name": "posting",
            "field_name": "host_organisation",
        },
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["补全测试中学校"]

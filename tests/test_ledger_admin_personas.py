"""The admin's record pages for each persona: staff accounts holding every admin permission
but only their office's role. The role, not the admin permission, decides: the helper side
records and reverses money, the recipient side confirms it, the auditor only reads, a staff
account with no role sees nothing, and a record of another pairing is "not found"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from builders import Builder
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from shared_records import for_the_module

from pairaid.accounts.models import Role, RoleAssignment
from pairaid.ledger import services
from pairaid.ledger.models import AuditEntry, Confirmation, FundFlow, Posting, Project


def url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def make_scene():
    build = Builder()
    s = SimpleNamespace()
    s.pairing = build.pairing("管甲区", "管乙县")
    s.other = build.pairing("管丙区", "管丁县")
    s.project = build.project(s.pairing, code="ADM-MINE", name="本区项目")
    s.their_project = build.project(s.other, code="ADM-THEIRS", name="他区项目")
    s.flow = build.flow(s.pairing, "1234.56", voucher="V-MINE")
    s.their_flow = build.flow(s.other, "6543.21", voucher="V-THEIRS")
    s.posting = build.posting(build.person("周九"), s.pairing, dt.date(2021, 3, 1))
    every_permission = list(Permission.objects.filter(content_type__app_label="ledger"))
    users = get_user_model()
    for name, role, region in (
        ("helper", Role.HELPER_EDITOR, s.pairing.helper_region),
        ("recipient", Role.RECIPIENT_EDITOR, s.pairing.recipient_region),
        ("auditor", Role.AUDITOR, s.pairing.recipient_region),
        ("norole", None, None),
    ):
        user = users.objects.create_user(f"adm-{name}", password="x", is_staff=True)
        user.user_permissions.add(*every_permission)
        if role:
            RoleAssignment.objects.create(user=user, role=role, region=region)
        setattr(s, name, user)
    return s


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    yield from for_the_module(django_db_blocker, make_scene)


@pytest.fixture
def s(shared, db):
    return shared


def as_user(client, user):
    client.force_login(user)
    return client


def flow_form(pairing, **fields):
    return {
        "pairing": pairing.pk,
        "kind": FundFlow.Kind.TRANSFER,
        "fund_year": "2022",
        "date": "2022-12-02",
        "amount": "300.01",
        "source": FundFlow.Source.FISCAL,
        "project": "",
        "voucher": "管财-1",
        "note": "",
        **fields,
    }


def project_form(project, **fields):
    return {
        "pairing": project.pairing_id,
        "code": project.code,
        "name": project.name,
        "sector": project.sector,
        "mode": project.mode,
        "location": "",
        "implementing_organisation": "",
        "planned_budget": "0.00",
        "start_date": project.start_date.isoformat() if project.start_date else "",
        "end_date": "",
        "status": project.status,
        "progress": str(project.progress),
        "beneficiary_households": "0",
        "beneficiary_persons": "0",
        "outcomes": "",
        "after_completion": "",
        **fields,
    }


# --- what each persona sees -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["helper", "recipient", "auditor"])
def test_it_lists_only_the_records_of_the_personas_pairings(client, s, name):
    as_user(client, getattr(s, name))

    flows = client.get(url(FundFlow, "changelist")).content.decode()
    projects = client.get(url(Project, "changelist")).content.decode()

    assert "1,234.56" in flows and "6,543.21" not in flows
    assert "ADM-MINE" in projects and "ADM-THEIRS" not in projects


def test_it_lists_nothing_of_any_pairing_to_a_staff_account_without_a_role(client, s):
    as_user(client, s.norole)

    flows = client.get(url(FundFlow, "changelist")).content.decode()
    projects = client.get(url(Project, "changelist")).content.decode()

    assert "1,234.56" not in flows and "6,543.21" not in flows
    assert "ADM-MINE" not in projects and "ADM-THEIRS" not in projects


@pytest.mark.parametrize("name", ["helper", "recipient", "auditor", "norole"])
def test_it_answers_a_record_of_another_pairing_as_not_found(client, s, name):
    as_user(client, getattr(s, name))

    for model, record in ((Project, s.their_project), (FundFlow, s.their_flow)):
        response = client.get(url(model, "change", record.pk))
        assert response.status_code == 302, model  # the admin's "does not exist"
        assert "他区项目" not in client.get(response.url).content.decode()


@pytest.mark.parametrize("name", ["helper", "recipient", "auditor"])
def test_it_offers_only_the_pairings_the_persona_sees_in_the_pairing_chooser(client, s, name):
    as_user(client, getattr(s, name))

    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "ledger", "model_name": "fundflow", "field_name": "pairing", "term": "管"},
    )

    assert found.status_code == 200
    offered = {row["text"] for row in found.json()["results"]}
    assert "管甲区→管乙县" in offered
    assert "管丙区→管丁县" not in offered


# --- money: record, reverse, confirm ---------------------------------------------------------


def test_it_records_money_for_the_helper_side_audited_as_its_user(client, s):
    as_user(client, s.helper)

    response = client.post(url(FundFlow, "add"), flow_form(s.pairing))

    assert response.status_code == 302
    flow = FundFlow.objects.get(pairing=s.pairing, voucher="管财-1")
    assert flow.amount == Decimal("300.01")
    entry = AuditEntry.objects.get(record_id=str(flow.pk), action="fundflow.recorded")
    assert (entry.user, entry.actor) == (s.helper, "admin")


@pytest.mark.parametrize("name", ["recipient", "auditor"])
def test_it_refuses_money_recorded_by_any_other_role_on_the_form(client, s, name):
    as_user(client, getattr(s, name))
    before = FundFlow.objects.count(), AuditEntry.objects.count()

    response = client.post(url(FundFlow, "add"), flow_form(s.pairing))

    assert response.status_code == 200
    assert "您无权进行此项操作" in response.content.decode()
    assert (FundFlow.objects.count(), AuditEntry.objects.count()) == before


def test_it_refuses_money_for_a_pairing_the_helper_does_not_see(client, s):
    as_user(client, s.helper)

    response = client.post(url(FundFlow, "add"), flow_form(s.other))

    assert response.status_code == 200
    assert not FundFlow.objects.filter(pairing=s.other, voucher="管财-1").exists()


def reverse_selected(client, flows, reason="金额有误"):
    return client.post(
        url(FundFlow, "changelist"),
        {
            "action": "reverse_selected",
            ACTION_CHECKBOX_NAME: [flow.pk for flow in flows],
            "post": "yes",
            "reason": reason,
        },
        follow=True,
    )


def test_it_lets_the_helper_reverse_its_money(client, s):
    as_user(client, s.helper)

    response = reverse_selected(client, [s.flow])

    assert "已冲销 1 条资金记录" in response.content.decode()
    reversal = FundFlow.objects.get(reverses=s.flow)
    assert reversal.amount == -s.flow.amount
    entry = AuditEntry.objects.get(record_id=str(reversal.pk), action="fundflow.reversed")
    assert entry.user == s.helper


def test_it_reverses_nothing_of_another_pairing_even_when_its_number_is_posted(client, s):
    as_user(client, s.helper)

    reverse_selected(client, [s.their_flow])

    assert not FundFlow.objects.filter(reverses=s.their_flow).exists()


def test_it_shows_the_recipients_refused_reversal_as_a_message(client, s):
    as_user(client, s.recipient)

    response = reverse_selected(client, [s.flow])

    assert "您无权进行此项操作" in response.content.decode()
    assert not FundFlow.objects.filter(reverses=s.flow).exists()


def confirm_selected(client, model, records):
    return client.post(
        url(model, "changelist"),
        {
            "action": "confirm_selected",
            ACTION_CHECKBOX_NAME: [record.pk for record in records],
            "index": "0",
        },
        follow=True,
    )


def test_it_lets_the_recipient_confirm_money_and_arrivals(client, s):
    as_user(client, s.recipient)

    money = confirm_selected(client, FundFlow, [s.flow])
    arrivals = confirm_selected(client, Posting, [s.posting])

    assert "已确认收到 1 条资金记录" in money.content.decode()
    assert arrivals.status_code == 200
    assert FundFlow.objects.get(pk=s.flow.pk).confirmation == Confirmation.CONFIRMED
    assert Posting.objects.get(pk=s.posting.pk).confirmation == Confirmation.CONFIRMED
    confirmed = AuditEntry.objects.get(record_id=str(s.flow.pk), action="fundflow.confirmed")
    assert (confirmed.user, confirmed.actor) == (s.recipient, "admin")


@pytest.mark.parametrize("name", ["helper", "auditor"])
def test_it_refuses_a_confirmation_by_any_other_role(client, s, name):
    as_user(client, getattr(s, name))

    response = confirm_selected(client, FundFlow, [s.flow])

    assert "您无权进行此项操作" in response.content.decode()
    assert FundFlow.objects.get(pk=s.flow.pk).confirmation == Confirmation.UNCONFIRMED


# --- other records: change and delete --------------------------------------------------------


def test_it_lets_the_helper_rename_its_project_and_audits_only_the_change(client, s):
    as_user(client, s.helper)

    response = client.post(
        url(Project, "change", s.project.pk), project_form(s.project, name="本区项目（改）")
    )

    assert response.status_code == 302
    assert Project.objects.get(pk=s.project.pk).name == "本区项目（改）"
    entry = AuditEntry.objects.get(record_id=str(s.project.pk), action="project.updated")
    assert entry.changes == {"name": ["本区项目", "本区项目（改）"]}
    assert entry.user == s.helper


def test_it_lets_the_recipient_move_progress_but_not_rename(client, s):
    as_user(client, s.recipient)

    moved = client.post(url(Project, "change", s.project.pk), project_form(s.project, progress=45))
    renamed = client.post(
        url(Project, "change", s.project.pk), project_form(s.project, progress=45, name="改名")
    )

    assert moved.status_code == 302
    assert renamed.status_code == 200 and "您无权进行此项操作" in renamed.content.decode()
    stored = Project.objects.get(pk=s.project.pk)
    assert (stored.progress, stored.name) == (45, "本区项目")


def test_it_lets_the_auditor_change_and_delete_nothing(client, s):
    as_user(client, s.auditor)
    before = AuditEntry.objects.count()

    changed = client.post(
        url(Project, "change", s.project.pk), project_form(s.project, name="审计改名")
    )
    deleted = client.post(url(Project, "delete", s.project.pk), {"post": "yes"}, follow=True)

    assert changed.status_code == 200 and "您无权进行此项操作" in changed.content.decode()
    assert "您无权进行此项操作" in deleted.content.decode()
    assert Project.objects.get(pk=s.project.pk).name == "本区项目"
    assert AuditEntry.objects.count() == before


def test_it_lets_the_helper_delete_a_project_nothing_refers_to(client, s):
    spare = services.create_record(
        Project,
        acting_user=None,
        via="test",
        pairing=s.pairing,
        code="ADM-SPARE",
        name="备用",
        sector="industry",
        mode="direct_aid",
    )
    as_user(client, s.helper)

    response = client.post(url(Project, "delete", spare.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Project.objects.filter(pk=spare.pk).exists()
    entry = AuditEntry.objects.get(record_id=str(spare.pk), action="project.deleted")
    assert entry.user == s.helper

"""The parts of agreements and events, through their pages: parties added once per role and
removed, obligations added and closed, participants added and removed — each audited, each
refused in Chinese when it breaks a rule or touches an approved year, and each door shut to
the offices that only read or confirm (403) or do not see the pairing (404)."""

from __future__ import annotations

import datetime as dt

import pytest

from pairaid.ledger import services
from pairaid.ledger.models import (
    Agreement,
    AgreementParty,
    AuditEntry,
    Event,
    EventParticipant,
    Obligation,
    Organisation,
    Pairing,
)

YEAR = 2024


@pytest.fixture
def jiangyang(db) -> Pairing:
    return Pairing.objects.get(helper_region__name="江阳区", is_demo=True)


@pytest.fixture
def organisations(db) -> tuple[Organisation, Organisation]:
    return (
        Organisation.objects.get(name="中共江阳区委组织部"),
        Organisation.objects.get(name="盐源中学"),
    )


@pytest.fixture
def agreement(personas, jiangyang, organisations) -> Agreement:
    made = services.create_record(
        Agreement,
        acting_user=personas.jiangyang,
        via="test",
        pairing=jiangyang,
        title="教育帮扶年度协议",
        kind="annual",
        status="signed",
        signed_date=dt.date(YEAR, 3, 1),
    )
    services.create_record(
        AgreementParty,
        acting_user=personas.jiangyang,
        via="test",
        agreement=made,
        organisation=organisations[0],
        role="party_a",
    )
    return made


@pytest.fixture
def event(personas, jiangyang) -> Event:
    made = services.create_record(
        Event,
        acting_user=personas.jiangyang,
        via="test",
        pairing=jiangyang,
        kind="visit",
        title="教育帮扶调研",
        start_date=dt.date(YEAR, 4, 10),
    )
    services.create_record(
        EventParticipant,
        acting_user=personas.jiangyang,
        via="test",
        event=made,
        name="李四",
        title="副区长",
        side="江阳区",
    )
    return made


def lock(pairing: Pairing, personas) -> None:
    services.move_year(pairing, YEAR, "submitted", acting_user=personas.jiangyang, via="test")
    services.move_year(pairing, YEAR, "approved", acting_user=personas.luzhou, via="test")


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def web_actions(model_name: str) -> list[str]:
    return list(
        AuditEntry.objects.filter(record_type=model_name, actor="web")
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.fixture
def owner(client, personas):
    client.force_login(personas.jiangyang)
    return client


# --- parties ----------------------------------------------------------------------------------


def test_it_adds_a_party_and_shows_it_on_the_agreement(owner, agreement, organisations):
    response = owner.post(
        f"/agreements/{agreement.pk}/parties/",
        {"organisation": organisations[1].pk, "role": "party_b"},
        follow=True,
    )

    assert "已添加当事方" in messages_of(response)
    assert set(agreement.parties.values_list("organisation__name", "role")) == {
        ("中共江阳区委组织部", "party_a"),
        ("盐源中学", "party_b"),
    }
    assert web_actions("agreementparty") == ["agreementparty.created"]
    assert "盐源中学" in response.content.decode()


def test_it_refuses_the_same_party_twice_in_one_role(owner, agreement, organisations):
    response = owner.post(
        f"/agreements/{agreement.pk}/parties/",
        {"organisation": organisations[0].pk, "role": "party_a"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "agreement_party_once_per_role" not in body  # a rule's name never reaches a user
    assert any(
        "\u4e00" <= c <= "\u9fff"
        for e in response.context["form"].errors.values()
        for m in e
        for c in m
    )
    assert agreement.parties.count() == 1
    assert web_actions("agreementparty") == []


def test_it_removes_a_party_with_a_post(owner, agreement):
    party = agreement.parties.get()
    url = f"/agreements/{agreement.pk}/parties/{party.pk}/remove/"

    assert owner.get(url).status_code == 405
    response = owner.post(url, follow=True)

    assert "已移除当事方" in messages_of(response)
    assert not agreement.parties.exists()
    assert web_actions("agreementparty") == ["agreementparty.deleted"]


def test_it_removes_a_party_only_through_its_own_agreement(owner, personas, agreement, jiangyang):
    other = services.create_record(
        Agreement, acting_user=personas.jiangyang, via="test", pairing=jiangyang,
        title="另一协议", kind="annual", status="draft",
    )  # fmt: skip
    party = agreement.parties.get()

    response = owner.post(f"/agreements/{other.pk}/parties/{party.pk}/remove/")

    assert response.status_code == 404
    assert agreement.parties.filter(pk=party.pk).exists()


def test_it_refuses_to_remove_a_party_of_an_approved_year(owner, personas, agreement):
    party = agreement.parties.get()
    lock(agreement.pairing, personas)

    response = owner.post(f"/agreements/{agreement.pk}/parties/{party.pk}/remove/", follow=True)

    assert response.status_code == 200
    assert "已审核锁定" in messages_of(response)
    assert agreement.parties.filter(pk=party.pk).exists()


def test_it_refuses_a_new_party_in_an_approved_year(owner, personas, agreement, organisations):
    lock(agreement.pairing, personas)

    response = owner.post(
        f"/agreements/{agreement.pk}/parties/",
        {"organisation": organisations[1].pk, "role": "party_b"},
    )

    assert response.status_code == 400 and "已审核锁定" in response.content.decode()
    assert agreement.parties.count() == 1


# --- obligations ----------------------------------------------------------------------------


def test_it_adds_an_obligation_and_closes_it_with_its_evidence(owner, agreement, organisations):
    created = owner.post(
        f"/agreements/{agreement.pk}/obligations/new/",
        {"deliverable": "选派骨干教师10名", "owner": organisations[0].pk, "due_date": "2024-09-01",
         "status": "open", "evidence": ""},
        follow=True,
    )  # fmt: skip
    obligation = agreement.obligations.get()
    closed = owner.post(
        f"/obligations/{obligation.pk}/edit/",
        {"deliverable": "选派骨干教师10名", "owner": organisations[0].pk, "due_date": "2024-09-01",
         "status": "done", "evidence": "到岗名单", "version": obligation.version},
        follow=True,
    )  # fmt: skip

    obligation.refresh_from_db()
    assert "已添加履约事项" in messages_of(created)
    assert "已保存履约事项" in messages_of(closed)
    assert closed.redirect_chain[-1][0] == f"/agreements/{agreement.pk}/"
    assert (obligation.status, obligation.evidence) == ("done", "到岗名单")
    assert web_actions("obligation") == ["obligation.created", "obligation.updated"]


def test_it_needs_a_deliverable(owner, agreement):
    response = owner.post(
        f"/agreements/{agreement.pk}/obligations/new/", {"deliverable": "", "status": "open"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["deliverable"] == ["这个字段是必填项。"]
    assert not agreement.obligations.exists()


def test_it_refuses_an_obligation_of_an_approved_years_agreement(owner, personas, agreement):
    lock(agreement.pairing, personas)

    response = owner.post(
        f"/agreements/{agreement.pk}/obligations/new/",
        {"deliverable": "补一项", "status": "open"},
    )

    assert response.status_code == 400 and "已审核锁定" in response.content.decode()
    assert not Obligation.objects.filter(agreement=agreement).exists()


# --- participants ----------------------------------------------------------------------------


def test_it_adds_and_removes_a_participant(owner, event):
    added = owner.post(
        f"/events/{event.pk}/participants/",
        {"name": "王五", "title": "县长", "side": "盐源县"},
        follow=True,
    )
    participant = event.participants.get(name="王五")
    removed = owner.post(f"/events/{event.pk}/participants/{participant.pk}/remove/", follow=True)

    assert "已添加参加人员" in messages_of(added) and "王五" in added.content.decode()
    assert "已移除参加人员" in messages_of(removed)
    assert list(event.participants.values_list("name", flat=True)) == ["李四"]
    assert web_actions("eventparticipant") == [
        "eventparticipant.created",
        "eventparticipant.deleted",
    ]


def test_it_needs_a_participants_name(owner, event):
    response = owner.post(f"/events/{event.pk}/participants/", {"name": "", "title": "县长"})

    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["这个字段是必填项。"]
    assert event.participants.count() == 1


def test_it_refuses_to_remove_a_participant_of_an_approved_year(owner, personas, event):
    participant = event.participants.get()
    lock(event.pairing, personas)

    response = owner.post(f"/events/{event.pk}/participants/{participant.pk}/remove/", follow=True)

    assert response.status_code == 200
    assert "已审核锁定" in messages_of(response)
    assert event.participants.filter(pk=participant.pk).exists()


def test_it_refuses_an_event_ending_before_it_starts(owner, jiangyang):
    response = owner.post(
        "/events/new/",
        {"pairing": jiangyang.pk, "kind": "forum", "title": "座谈会",
         "start_date": "2024-05-02", "end_date": "2024-05-01", "places": "", "summary": ""},
    )  # fmt: skip

    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not Event.objects.filter(title="座谈会").exists()


# --- who may ----------------------------------------------------------------------------------


def test_it_refuses_the_parts_to_offices_that_only_read_or_confirm(
    client, personas, agreement, event, organisations
):
    party = agreement.parties.get()
    participant = event.participants.get()
    for name in ("yanyuan", "viewer", "sichuan_auditor", "luzhou"):
        client.force_login(getattr(personas, name))
        posts = {
            f"/agreements/{agreement.pk}/parties/": {"organisation": organisations[1].pk,
                                                     "role": "party_b"},
            f"/agreements/{agreement.pk}/parties/{party.pk}/remove/": {},
            f"/agreements/{agreement.pk}/obligations/new/": {"deliverable": "x", "status": "open"},
            f"/events/{event.pk}/participants/": {"name": "x"},
            f"/events/{event.pk}/participants/{participant.pk}/remove/": {},
        }  # fmt: skip
        for url, data in posts.items():
            assert client.post(url, data).status_code == 403, (name, url)
    assert agreement.parties.count() == 1 and event.participants.count() == 1
    assert not agreement.obligations.exists()


def test_it_answers_404_to_offices_that_do_not_see_the_pairing(client, personas, agreement, event):
    party = agreement.parties.get()
    participant = event.participants.get()
    for name in ("longmatan", "puge", "outsider"):
        client.force_login(getattr(personas, name))
        for url in (f"/agreements/{agreement.pk}/", f"/events/{event.pk}/"):
            assert client.get(url).status_code == 404, (name, url)
        for url in (
            f"/agreements/{agreement.pk}/parties/{party.pk}/remove/",
            f"/events/{event.pk}/participants/{participant.pk}/remove/",
        ):
            assert client.post(url).status_code == 404, (name, url)
    assert AgreementParty.objects.filter(pk=party.pk).exists()
    assert EventParticipant.objects.filter(pk=participant.pk).exists()


def test_it_shows_the_parts_to_an_auditor_without_their_doors(client, personas, agreement):
    client.force_login(personas.sichuan_auditor)

    response = client.get(f"/agreements/{agreement.pk}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "中共江阳区委组织部" in body
    assert f"/agreements/{agreement.pk}/parties/" not in body
    assert f"/agreements/{agreement.pk}/obligations/new/" not in body

"""People and their postings through the pages: a person recorded and then posted, personal
data typed but never shown back (masked, revealed on request to those who may, each look
audited), postings refused in Chinese when their dates disagree, the recipient side's answer
on the person's page, and each office's doors (owner, recipient, auditor, viewer, outsider)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pairaid.ledger import services
from pairaid.ledger.models import AuditEntry, Organisation, Pairing, Person, Posting

ID_NUMBER = "510502199001011234"
PHONE = "13812345678"


@pytest.fixture
def jiangyang(db) -> Pairing:
    return Pairing.objects.get(helper_region__name="江阳区", is_demo=True)


@pytest.fixture
def posted(personas, jiangyang) -> Posting:
    """A person of 江阳区 posted to 盐源县, with personal data."""
    person = services.create_record(
        Person,
        acting_user=personas.jiangyang,
        via="test",
        number="PG-0001",
        name="沙马阿依",
        gender="female",
        category="professional",
        profession="teacher",
        id_number=ID_NUMBER,
        phone=PHONE,
    )
    return services.create_record(
        Posting,
        acting_user=personas.jiangyang,
        via="test",
        person=person,
        pairing=jiangyang,
        host_organisation=Organisation.objects.get(name="盐源中学"),
        post="教师",
        start_date=dt.date(2024, 9, 1),
        planned_end=dt.date(2026, 7, 31),
    )


def person_data(**fields) -> dict:
    data = {
        "number": "PG-0100",
        "name": "吉克石一",
        "gender": "male",
        "ethnicity": "彝族",
        "category": "cadre",
        "profession": "",
        "new_id_number": "",
        "new_phone": "",
    }
    data.update(fields)
    return data


def posting_data(pairing: Pairing, **fields) -> dict:
    data = {
        "pairing": pairing.pk,
        "host_organisation": Organisation.objects.get(name="盐源中学").pk,
        "post": "副校长",
        "batch": "5",
        "start_date": "2024-03-01",
        "planned_end": "2025-02-28",
        "actual_end": "",
        "status": "in_post",
        "team": "",
    }
    data.update(fields)
    return data


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def entries(record, actor: str = "web") -> list[str]:
    return list(
        AuditEntry.objects.filter(
            record_type=record._meta.model_name, record_id=str(record.pk), actor=actor
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- recording a person and their postings --------------------------------------------------


def test_it_records_a_person_and_goes_on_to_their_posting(client, personas):
    client.force_login(personas.jiangyang)

    response = client.post(
        "/people/new/", person_data(new_id_number=ID_NUMBER, new_phone=PHONE), follow=True
    )

    person = Person.objects.get(number="PG-0100")
    assert response.redirect_chain[-1][0] == f"/people/{person.pk}/postings/new/"
    assert "已新建人员：吉克石一。请继续登记其选派。" in messages_of(response)
    assert (person.id_number, person.phone) == (ID_NUMBER, PHONE)
    entry = AuditEntry.objects.get(record_type="person", record_id=str(person.pk))
    assert ID_NUMBER not in str(entry.changes) and PHONE not in str(entry.changes)


def test_it_refuses_a_profession_for_a_cadre_in_chinese(client, personas):
    client.force_login(personas.jiangyang)

    response = client.post("/people/new/", person_data(profession="teacher"))

    assert response.status_code == 400
    assert response.context["form"].errors["profession"] == ["党政干部不填写专业类别"]
    assert not Person.objects.filter(number="PG-0100").exists()


def test_it_refuses_a_number_already_given(client, personas, posted):
    client.force_login(personas.jiangyang)

    response = client.post("/people/new/", person_data(number=posted.person.number))

    assert response.status_code == 400
    assert "number" in response.context["form"].errors
    assert Person.objects.filter(number=posted.person.number).count() == 1


def test_it_keeps_personal_data_unless_a_new_value_is_typed(client, personas, posted):
    person = posted.person
    client.force_login(personas.jiangyang)
    form = client.get(f"/people/{person.pk}/edit/")
    body = form.content.decode()
    assert ID_NUMBER not in body and PHONE not in body  # write-only
    data = person_data(number=person.number, name="沙马阿依", gender="female")
    data.update(category="professional", profession="teacher", version=person.version)

    client.post(f"/people/{person.pk}/edit/", data)
    person.refresh_from_db()
    assert (person.id_number, person.phone) == (ID_NUMBER, PHONE)

    client.post(
        f"/people/{person.pk}/edit/",
        {**data, "version": person.version, "new_phone": "13900001111"},
    )
    person.refresh_from_db()
    assert (person.id_number, person.phone) == (ID_NUMBER, "13900001111")
    assert "13900001111" not in str(
        list(AuditEntry.objects.filter(record_type="person").values_list("changes", flat=True))
    )


def test_it_posts_a_person_and_shows_the_posting_on_their_page(client, personas, jiangyang):
    person = services.create_record(
        Person,
        acting_user=personas.jiangyang,
        via="test",
        number="PG-0200",
        name="阿牛",
        gender="male",
        category="cadre",
    )
    client.force_login(personas.jiangyang)

    response = client.post(
        f"/people/{person.pk}/postings/new/", posting_data(jiangyang), follow=True
    )

    posting = Posting.objects.get(person=person)
    assert response.redirect_chain[-1][0] == f"/people/{person.pk}/"
    assert "已登记选派" in messages_of(response)
    assert (posting.pairing, posting.post, posting.batch) == (jiangyang, "副校长", 5)
    assert entries(posting) == ["posting.created"]
    page = response.content.decode()
    assert "副校长" in page and "第5批" in page and "2024-03-01" in page


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"planned_end": "2024-02-01"}, "planned_end"),
        ({"actual_end": "2024-01-15", "status": "completed"}, "actual_end"),
    ],
)
def test_it_refuses_a_posting_whose_dates_disagree(client, personas, jiangyang, fields, field):
    person = services.create_record(
        Person, acting_user=personas.jiangyang, via="test", number="PG-0300", name="日期",
        gender="male", category="cadre",
    )  # fmt: skip
    client.force_login(personas.jiangyang)

    response = client.post(f"/people/{person.pk}/postings/new/", posting_data(jiangyang, **fields))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and all(any("\u4e00" <= c <= "\u9fff" for c in m) for m in errors[field])
    assert not Posting.objects.filter(person=person).exists()


def test_it_offers_the_helper_side_only_its_own_pairings_for_a_posting(client, personas):
    person = services.create_record(
        Person, acting_user=personas.jiangyang, via="test", number="PG-0400", name="范围",
        gender="male", category="cadre",
    )  # fmt: skip
    longmatan = Pairing.objects.get(helper_region__name="龙马潭区", is_demo=True)
    client.force_login(personas.jiangyang)

    response = client.post(f"/people/{person.pk}/postings/new/", posting_data(longmatan))

    assert response.status_code == 400 and "pairing" in response.context["form"].errors
    assert not Posting.objects.filter(person=person).exists()


def test_it_ends_a_posting_through_its_edit_page(client, personas, posted):
    client.force_login(personas.jiangyang)
    data = posting_data(
        posted.pairing,
        post="教师",
        batch="",
        start_date="2024-09-01",
        planned_end="2026-07-31",
        actual_end="2025-07-10",
        status="completed",
        version=posted.version,
    )

    response = client.post(f"/postings/{posted.pk}/edit/", data)

    posted.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == f"/people/{posted.person_id}/"
    assert (posted.status, posted.actual_end) == ("completed", dt.date(2025, 7, 10))
    assert entries(posted) == ["posting.updated"]


def test_it_shows_a_posting_past_its_planned_end_as_overdue(client, personas, jiangyang):
    person = services.create_record(
        Person, acting_user=personas.jiangyang, via="test", number="PG-0500", name="期满",
        gender="male", category="cadre",
    )  # fmt: skip
    ended = timezone.localdate() - dt.timedelta(days=10)
    services.create_record(
        Posting,
        acting_user=personas.jiangyang,
        via="test",
        person=person,
        pairing=jiangyang,
        start_date=ended - dt.timedelta(days=400),
        planned_end=ended,
    )
    client.force_login(personas.jiangyang)

    page = client.get(f"/people/{person.pk}/").content.decode()
    listed = client.get("/postings/", {"q": "PG-0500"}).content.decode()

    assert "期满未离岗" in page and "期满未离岗" in listed
    assert 'class="status p-overdue"' in page


# --- personal data in clear -------------------------------------------------------------------


def test_it_masks_personal_data_and_reveals_it_once_audited(client, personas, posted):
    person = posted.person
    client.force_login(personas.sichuan_auditor)

    page = client.get(f"/people/{person.pk}/").content.decode()
    revealed = client.post(f"/people/{person.pk}/reveal/")

    assert ID_NUMBER not in page and "510502********1234" in page and "138****5678" in page
    assert "显示完整信息" in page
    shown = revealed.content.decode()
    assert ID_NUMBER in shown and PHONE in shown and "本次查看已记入审计记录" in shown
    entry = AuditEntry.objects.get(
        record_type="person", record_id=str(person.pk), action="person.personal_data_viewed"
    )
    assert (entry.user, entry.actor) == (personas.sichuan_auditor, "web")
    assert ID_NUMBER not in str(entry.changes)


@pytest.mark.parametrize("name", ["jiangyang", "yanyuan", "luzhou", "sichuan_auditor"])
def test_it_lets_each_office_with_the_right_reveal(client, personas, posted, name):
    client.force_login(getattr(personas, name))
    assert ID_NUMBER in client.post(f"/people/{posted.person_id}/reveal/").content.decode()


def test_it_refuses_a_viewer_the_clear_numbers_and_logs_nothing(client, personas, posted):
    client.force_login(personas.viewer)

    page = client.get(f"/people/{posted.person_id}/").content.decode()
    response = client.post(f"/people/{posted.person_id}/reveal/")

    assert "显示完整信息" not in page and ID_NUMBER not in page
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="person.personal_data_viewed").exists()


def test_it_answers_404_to_those_who_do_not_see_the_person(client, personas, posted):
    for name in ("longmatan", "puge", "outsider"):
        client.force_login(getattr(personas, name))
        for url in (f"/people/{posted.person_id}/", f"/people/{posted.person_id}/edit/"):
            assert client.get(url).status_code == 404, (name, url)
        assert client.post(f"/people/{posted.person_id}/reveal/").status_code == 404, name
        assert client.get(f"/postings/{posted.pk}/edit/").status_code == 404, name
    assert not AuditEntry.objects.filter(action="person.personal_data_viewed").exists()


def test_it_refuses_edits_to_those_who_only_read_or_confirm(client, personas, posted):
    for name in ("yanyuan", "sichuan_auditor", "viewer", "luzhou"):
        client.force_login(getattr(personas, name))
        assert client.get(f"/people/{posted.person_id}/edit/").status_code == 403, name
        assert client.get(f"/postings/{posted.pk}/edit/").status_code == 403, name
        assert client.get(f"/people/{posted.person_id}/postings/new/").status_code == 403, name
        assert client.get("/people/new/").status_code == 403, name


def test_it_sends_an_anonymous_caller_to_log_in(client, posted):
    for url in (f"/people/{posted.person_id}/", "/people/", "/postings/", "/people/new/"):
        assert client.get(url)["Location"].startswith("/login/"), url
    assert client.post(f"/people/{posted.person_id}/reveal/")["Location"].startswith("/login/")


# --- the recipient side's answer on the person's page ----------------------------------------


def test_it_lets_the_recipient_confirm_an_arrival_on_the_persons_page(client, personas, posted):
    client.force_login(personas.yanyuan)
    page = client.get(f"/people/{posted.person_id}/").content.decode()

    response = client.post(f"/postings/{posted.pk}/confirm/", {"decision": "confirm"}, follow=True)

    posted.refresh_from_db()
    assert f"/postings/{posted.pk}/confirm/" in page
    assert response.redirect_chain[-1][0] == f"/people/{posted.person_id}/"
    assert "已确认" in messages_of(response)
    assert posted.confirmation == "confirmed"
    assert entries(posted) == ["posting.confirmed"]
    assert f"/postings/{posted.pk}/reopen/" in response.content.decode()


def test_it_needs_a_reason_to_dispute_or_reopen_an_arrival(client, personas, posted):
    client.force_login(personas.yanyuan)

    blank = client.post(f"/postings/{posted.pk}/confirm/", {"decision": "dispute"}, follow=True)
    client.post(f"/postings/{posted.pk}/confirm/", {"decision": "dispute", "note": "未到岗"})
    no_reason = client.post(f"/postings/{posted.pk}/reopen/", {"reason": " "}, follow=True)
    client.force_login(personas.luzhou)
    reopened = client.post(f"/postings/{posted.pk}/reopen/", {"reason": "已到岗"}, follow=True)

    posted.refresh_from_db()
    assert "有异议时请说明原因" in messages_of(blank)
    assert messages_of(no_reason) and "已重新开放" not in messages_of(no_reason)
    assert "已重新开放确认" in messages_of(reopened)
    assert posted.confirmation == "unconfirmed"
    assert entries(posted) == ["posting.disputed", "posting.confirmation_reopened"]


def test_it_keeps_the_answer_from_the_helper_side(client, personas, posted):
    client.force_login(personas.jiangyang)
    page = client.get(f"/people/{posted.person_id}/").content.decode()

    response = client.post(f"/postings/{posted.pk}/confirm/", {"decision": "confirm"})

    assert f"/postings/{posted.pk}/confirm/" not in page
    assert response.status_code == 403
    posted.refresh_from_db()
    assert posted.confirmation == "unconfirmed"

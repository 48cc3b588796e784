"""/api/v1/persons/: dispatched people, never with their identity or phone numbers."""

from __future__ import annotations

import datetime as dt

from test_api_support import Api, api_entries, demo_pairing

from pairaid.ledger import services
from pairaid.ledger.models import Person, Posting

PERSONAL = {"id_number", "phone"}


def new_person(**fields):
    return {
        "number": "API-0001",
        "name": "吉克阿依",
        "gender": "female",
        "ethnicity": "彝族",
        "category": "professional",
        "profession": "doctor",
        **fields,
    }


def test_it_lists_the_people_posted_in_the_users_pairings(personas, django_assert_max_num_queries):
    pairing = demo_pairing("江阳区")
    client = Api.as_user(personas.yanyuan, "read")
    with django_assert_max_num_queries(8):
        body = client.get("/persons/", limit=500).json()
    posted = Person.objects.filter(postings__pairing=pairing).distinct()
    assert body["count"] == posted.count() == 320
    assert {item["id"] for item in body["items"]} <= set(posted.values_list("pk", flat=True))
    assert all(not PERSONAL & set(item) for item in body["items"])


def test_it_never_answers_personal_data(personas):
    person = Person.objects.filter(postings__pairing=demo_pairing("江阳区")).first()
    services.update_record(
        person, acting_user=None, via="test", id_number="510502199001011234", phone="13812345678"
    )
    response = Api.as_user(personas.admin, "read").get(f"/persons/{person.pk}/")
    assert response.status_code == 200
    assert not PERSONAL & set(response.json())
    assert b"510502199001011234" not in response.content
    assert b"13812345678" not in response.content


def test_it_filters_people(personas):
    client = Api.as_user(personas.admin, "read")
    pairing = demo_pairing("龙马潭区")
    posted = Person.objects.filter(postings__pairing=pairing).distinct()
    assert client.get("/persons/", pairing=pairing.pk).json()["count"] == posted.count() == 268
    teachers = client.get("/persons/", profession="teacher").json()["count"]
    assert teachers == Person.objects.filter(profession="teacher").count()
    cadres = client.get("/persons/", category="cadre", pairing=pairing.pk).json()["count"]
    assert cadres == posted.filter(category="cadre").count()
    person = posted.first()
    assert person.pk in [i["id"] for i in client.get("/persons/", q=person.number).json()["items"]]


def test_it_hides_people_posted_only_elsewhere(personas):
    person = Person.objects.filter(postings__pairing=demo_pairing("龙马潭区")).first()
    assert Api.as_user(personas.jiangyang).get(f"/persons/{person.pk}/").status_code == 404


def test_it_creates_a_person_the_creator_can_then_post(personas):
    client = Api.as_user(personas.jiangyang)
    response = client.post("/persons/", new_person())
    assert response.status_code == 201
    person_id = response.json()["id"]
    assert client.get(f"/persons/{person_id}/").json()["name"] == "吉克阿依"
    assert api_entries("person", person_id).get().action == "person.created"
    posting = client.post(
        "/postings/",
        {
            "person_id": person_id,
            "pairing_id": demo_pairing("江阳区").pk,
            "start_date": "2023-03-01",
        },
    )
    assert posting.status_code == 201


def test_it_refuses_a_profession_for_a_cadre(personas):
    response = Api.as_user(personas.jiangyang).post(
        "/persons/", new_person(category="cadre", profession="doctor")
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"profession": ["党政干部不填写专业类别"]}


def test_it_refuses_a_person_from_a_viewer(personas):
    assert Api.as_user(personas.viewer).post("/persons/", new_person()).status_code == 403


def test_it_updates_a_person(personas):
    person = Person.objects.filter(postings__pairing=demo_pairing("江阳区")).first()
    response = Api.as_user(personas.jiangyang).patch(
        f"/persons/{person.pk}/", {"ethnicity": "回族"}
    )
    assert response.status_code == 200
    assert Person.objects.get(pk=person.pk).ethnicity == "回族"
    entry = api_entries("person", person.pk).get()
    assert entry.changes["ethnicity"][1] == "回族"


def test_it_lets_only_the_helper_side_change_a_person(personas):
    person = Person.objects.filter(postings__pairing=demo_pairing("江阳区")).first()
    response = Api.as_user(personas.yanyuan).patch(f"/persons/{person.pk}/", {"name": "某某"})
    assert response.status_code == 403


def test_it_shows_unposted_people_only_to_those_who_record_people(personas, build):
    loose = build.person("未派出")
    assert Api.as_user(personas.jiangyang).get(f"/persons/{loose.pk}/").status_code == 200
    assert Api.as_user(personas.viewer).get(f"/persons/{loose.pk}/").status_code == 404
    build.posting(loose, demo_pairing("龙马潭区"), dt.date(2023, 1, 1))
    assert Api.as_user(personas.jiangyang).get(f"/persons/{loose.pk}/").status_code == 404
    assert Posting.objects.filter(person=loose).count() == 1

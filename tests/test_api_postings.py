"""/api/v1/postings/: who was dispatched where, and the recipient side's confirmation."""

from __future__ import annotations

from test_api_support import Api, api_entries, demo_pairing

from pairaid.ledger.models import Organisation, Posting, Team


def test_it_lists_postings_with_filters(personas, django_assert_max_num_queries):
    pairing = demo_pairing("江阳区")
    client = Api.as_user(personas.jiangyang, "read")
    with django_assert_max_num_queries(8):
        body = client.get("/postings/", limit=500).json()
    assert body["count"] == Posting.objects.filter(pairing=pairing).count()
    in_2021 = Posting.objects.filter(pairing=pairing, start_date__year=2021)
    assert client.get("/postings/", year=2021).json()["count"] == in_2021.count()
    completed = client.get("/postings/", status="completed").json()["count"]
    assert completed == Posting.objects.filter(pairing=pairing, status="completed").count()


def test_it_lists_the_19_teachers_of_the_team(personas):
    team = Team.objects.get(is_demo=True)
    body = Api.as_user(personas.luzhou, "read").get("/postings/", team=team.pk).json()
    assert body["count"] == 19


def test_it_reads_a_posting(personas):
    posting = Posting.objects.filter(pairing=demo_pairing("龙马潭区")).first()
    body = Api.as_user(personas.puge, "read").get(f"/postings/{posting.pk}/").json()
    assert (body["person_id"], body["pairing_id"], body["start_date"]) == (
        posting.person_id,
        posting.pairing_id,
        posting.start_date.isoformat(),
    )
    assert Api.as_user(personas.jiangyang).get(f"/postings/{posting.pk}/").status_code == 404


def test_it_creates_and_updates_a_posting(personas, build):
    person = build.person("阿苏")
    host = Organisation.objects.get(name="盐源中学")
    client = Api.as_user(personas.jiangyang)
    response = client.post(
        "/postings/",
        {
            "person_id": person.pk,
            "pairing_id": demo_pairing("江阳区").pk,
            "host_organisation_id": host.pk,
            "post": "副校长",
            "batch": 7,
            "start_date": "2023-03-01",
            "planned_end": "2025-02-28",
        },
    )
    assert response.status_code == 201
    posting_id = response.json()["id"]
    assert response.json()["status"] == "in_post"

    ended = client.patch(
        f"/postings/{posting_id}/", {"status": "completed", "actual_end": "2025-03-01"}
    )
    assert ended.status_code == 200
    assert ended.json()["actual_end"] == "2025-03-01"
    bad = client.patch(f"/postings/{posting_id}/", {"actual_end": "2020-01-01"})
    assert bad.json()["errors"] == {"actual_end": ["实际离岗不能早于到岗日期"]}
    actions = list(api_entries("posting", posting_id).values_list("action", flat=True))
    assert actions == ["posting.created", "posting.updated"]


def test_it_refuses_a_team_of_another_pairing(personas, build):
    team = Team.objects.get(is_demo=True)  # under 泸州市→凉山州, not 江阳区→盐源县
    response = Api.as_user(personas.jiangyang).post(
        "/postings/",
        {
            "person_id": build.person().pk,
            "pairing_id": demo_pairing("江阳区").pk,
            "team_id": team.pk,
            "start_date": "2023-03-01",
        },
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["team_id"]


def test_it_lets_the_recipient_confirm_an_arrival(personas):
    posting = Posting.objects.filter(
        pairing=demo_pairing("江阳区"), confirmation="unconfirmed"
    ).first()
    client = Api.as_user(personas.yanyuan)
    disputed = client.post(f"/postings/{posting.pk}/dispute/", {"note": "尚未到岗"})
    assert disputed.json()["confirmation"] == "disputed"
    assert client.post(f"/postings/{posting.pk}/confirm/", {}).status_code == 422
    reopened = client.post(f"/postings/{posting.pk}/reopen-confirmation/", {"reason": "已到岗"})
    assert reopened.json()["confirmation"] == "unconfirmed"
    confirmed = client.post(f"/postings/{posting.pk}/confirm/", {})
    assert confirmed.status_code == 200 and confirmed.json()["confirmation"] == "confirmed"
    assert (
        Api.as_user(personas.jiangyang).post(f"/postings/{posting.pk}/confirm/").status_code == 403
    )

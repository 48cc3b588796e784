"""/api/v1/events/: visits, joint meetings, signings, hand-overs, forums."""

from __future__ import annotations

from test_api_support import Api, api_entries, demo_pairing

from pairaid.ledger.models import Event


def test_it_lists_the_events_of_the_visit(personas, django_assert_max_num_queries):
    client = Api.as_user(personas.luzhou, "read")
    # token, roles, the regions under 泸州市 level by level, count, page, participants
    with django_assert_max_num_queries(10):
        body = client.get("/events/", year=2022, pairing=demo_pairing("泸州市").pk).json()
    dates = {(item["start_date"], item["end_date"]) for item in body["items"]}
    assert ("2022-12-01", "2022-12-02") in dates
    kinds = {item["kind"] for item in body["items"]}
    assert {"visit", "joint_meeting", "signing", "fund_handover", "forum"} <= kinds
    meeting = next(item for item in body["items"] if item["kind"] == "joint_meeting")
    assert "杨林兴" in {p["name"] for p in meeting["participants"]}


def test_it_filters_and_reads_events(personas):
    client = Api.as_user(personas.admin, "read")
    forum = client.get("/events/", kind="forum").json()["items"]
    assert [item["title"] for item in forum] == ["与援彝干部代表座谈交流"]
    assert client.get("/events/", q="联席会议").json()["count"] == 1
    event = Event.objects.get(is_demo=True, kind="forum")
    assert client.get(f"/events/{event.pk}/").json()["start_date"] == "2022-12-02"


def test_it_keeps_the_citys_events_from_the_districts(personas):
    event = Event.objects.get(is_demo=True, kind="forum")
    assert Api.as_user(personas.jiangyang).get(f"/events/{event.pk}/").status_code == 404


def test_it_creates_an_event_with_its_participants(personas):
    response = Api.as_user(personas.jiangyang).post(
        "/events/",
        {
            "pairing_id": demo_pairing("江阳区").pk,
            "kind": "joint_meeting",
            "title": "江阳区—盐源县2023年联席会议",
            "start_date": "2023-04-18",
            "places": "盐源县",
            "participants": [{"name": "张三", "title": "副区长", "side": "江阳区"}],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert [(p["name"], p["title"]) for p in body["participants"]] == [("张三", "副区长")]
    assert api_entries("event", body["id"]).get().action == "event.created"


def test_it_updates_an_event_and_checks_its_dates(personas):
    client = Api.as_user(personas.jiangyang)
    event = client.post(
        "/events/",
        {
            "pairing_id": demo_pairing("江阳区").pk,
            "kind": "visit",
            "title": "调研",
            "start_date": "2023-05-01",
        },
    ).json()
    updated = client.patch(
        f"/events/{event['id']}/", {"summary": "调研产业园", "end_date": "2023-05-02"}
    )
    assert updated.status_code == 200 and updated.json()["summary"] == "调研产业园"
    wrong = client.patch(f"/events/{event['id']}/", {"end_date": "2023-04-30"})
    assert wrong.json()["errors"] == {"end_date": ["结束日期不能早于开始日期"]}

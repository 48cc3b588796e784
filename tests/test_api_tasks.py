"""/api/v1/tasks/: the 清单, one line at a time."""

from __future__ import annotations

from test_api_support import Api, api_entries, demo_pairing

from pairaid.ledger.models import Agreement, Event, Organisation, Task


def test_it_lists_tasks_with_filters(personas, django_assert_max_num_queries):
    pairing = demo_pairing("江阳区")
    client = Api.as_user(personas.jiangyang, "read")
    with django_assert_max_num_queries(8):
        body = client.get("/tasks/").json()
    assert body["count"] == Task.objects.filter(pairing=pairing).count() > 0
    done = client.get("/tasks/", status="done").json()
    assert done["count"] == Task.objects.filter(pairing=pairing, status="done").count()
    due_2023 = client.get("/tasks/", year=2023).json()["count"]
    assert due_2023 == Task.objects.filter(pairing=pairing, due_date__year=2023).count()
    found = client.get("/tasks/", q="党校").json()["items"]
    assert [item["title"] for item in found] == ["推进盐源县委党校迁建项目主体完工并投入使用"]


def test_it_reads_a_task_in_scope_only(personas):
    task = Task.objects.filter(pairing=demo_pairing("龙马潭区")).first()
    assert Api.as_user(personas.puge).get(f"/tasks/{task.pk}/").json()["title"] == task.title
    assert Api.as_user(personas.jiangyang).get(f"/tasks/{task.pk}/").status_code == 404


def test_it_creates_a_task_from_an_agreement(personas):
    agreement = Agreement.objects.get(title="深化干部人才培养交流工作框架协议")
    owner = Organisation.objects.get(name="中共江阳区委组织部")
    response = Api.as_user(personas.jiangyang).post(
        "/tasks/",
        {
            "pairing_id": agreement.pairing_id,
            "title": "落实干部双向挂职",
            "owner_id": owner.pk,
            "due_date": "2023-12-31",
            "agreement_id": agreement.pk,
            "plan_year": 2023,
        },
    )
    assert response.status_code == 201
    assert response.json()["agreement_id"] == agreement.pk
    assert api_entries("task", response.json()["id"]).get().user == personas.jiangyang


def test_it_refuses_a_source_outside_the_pairing(personas):
    agreement = Agreement.objects.get(title="人才联盟协同发展协议")  # 龙马潭区→普格县
    response = Api.as_user(personas.jiangyang).post(
        "/tasks/",
        {"pairing_id": demo_pairing("江阳区").pk, "title": "某事项", "agreement_id": agreement.pk},
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["agreement_id"]
    city_event = Event.objects.get(is_demo=True, kind="joint_meeting")  # the parent pairing's
    ok = Api.as_user(personas.jiangyang).post(
        "/tasks/",
        {"pairing_id": demo_pairing("江阳区").pk, "title": "会议事项", "event_id": city_event.pk},
    )
    assert ok.status_code == 201


def test_it_lets_the_recipient_report_a_task_done(personas):
    task = Task.objects.filter(pairing=demo_pairing("江阳区"), status="in_progress").first()
    response = Api.as_user(personas.jiangyang).patch(
        f"/tasks/{task.pk}/", {"status": "done", "evidence": "验收报告"}
    )
    assert response.status_code == 200
    assert Task.objects.get(pk=task.pk).status == "done"
    assert (
        Api.as_user(personas.viewer).patch(f"/tasks/{task.pk}/", {"status": "open"}).status_code
        == 403
    )

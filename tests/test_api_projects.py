"""/api/v1/projects/: list, read, create and update, through the services."""

from __future__ import annotations

from test_api_support import Api, api_entries, demo_pairing

from pairaid.ledger.models import Organisation, Project, Region


def new_project(pairing, **fields):
    return {
        "pairing_id": pairing.pk,
        "code": "API-TEST-001",
        "name": "盐源县苹果产业园冷链仓储",
        "sector": "industry",
        "mode": "capacity_building",
        "planned_budget": "3500000.00",
        **fields,
    }


def test_it_lists_the_projects_of_the_users_pairings(personas, django_assert_max_num_queries):
    pairing = demo_pairing("江阳区")
    client = Api.as_user(personas.jiangyang, "read")
    with django_assert_max_num_queries(8):
        body = client.get("/projects/", limit=500).json()
    assert body["count"] == Project.objects.filter(pairing=pairing).count()
    assert {item["pairing_id"] for item in body["items"]} == {pairing.pk}


def test_it_filters_projects(personas):
    pairing = demo_pairing("龙马潭区")
    client = Api.as_user(personas.admin, "read")
    started_2020 = Project.objects.filter(
        pairing=pairing, start_date__year=2020, status="completed", sector="education"
    )
    body = client.get(
        "/projects/", pairing=pairing.pk, year=2020, status="completed", sector="education"
    ).json()
    assert body["count"] == started_2020.count()
    assert {item["id"] for item in body["items"]} == set(started_2020.values_list("pk", flat=True))
    project = Project.objects.filter(pairing=pairing).first()
    by_code = client.get("/projects/", q=project.code).json()["items"]
    assert project.pk in {item["id"] for item in by_code}


def test_it_reads_a_project_with_money_as_a_string(personas):
    project = Project.objects.filter(pairing=demo_pairing("江阳区")).first()
    body = Api.as_user(personas.yanyuan, "read").get(f"/projects/{project.pk}/").json()
    assert body["code"] == project.code
    assert body["planned_budget"] == f"{project.planned_budget:.2f}"
    assert body["pairing_id"] == project.pairing_id


def test_it_answers_404_for_a_project_of_another_pairing(personas):
    project = Project.objects.filter(pairing=demo_pairing("龙马潭区")).first()
    assert Api.as_user(personas.jiangyang).get(f"/projects/{project.pk}/").status_code == 404


def test_it_creates_a_project_through_the_services(personas):
    pairing = demo_pairing("江阳区")
    town = Region.objects.get(code="513423110000")
    school = Organisation.objects.get(name="盐源中学")
    response = Api.as_user(personas.jiangyang).post(
        "/projects/",
        new_project(pairing, location_id=town.pk, implementing_organisation_id=school.pk),
    )
    assert response.status_code == 201
    body = response.json()
    project = Project.objects.get(pk=body["id"])
    assert (project.location, project.implementing_organisation) == (town, school)
    assert str(project.planned_budget) == "3500000.00" == body["planned_budget"]
    assert body["status"] == "planned" and body["progress"] == 0
    entry = api_entries("project", project.pk).get()
    assert (entry.action, entry.user, entry.pairing) == (
        "project.created",
        personas.jiangyang,
        pairing,
    )


def test_it_refuses_a_project_in_a_pairing_outside_the_scope(personas):
    response = Api.as_user(personas.jiangyang).post(
        "/projects/", new_project(demo_pairing("龙马潭区"))
    )
    assert response.status_code == 404
    assert not Project.objects.filter(code="API-TEST-001").exists()


def test_it_refuses_a_project_from_the_recipient_side(personas):
    response = Api.as_user(personas.yanyuan).post("/projects/", new_project(demo_pairing("江阳区")))
    assert response.status_code == 403


def test_it_explains_broken_rules_by_field(personas):
    client = Api.as_user(personas.jiangyang)
    pairing = demo_pairing("江阳区")
    response = client.post(
        "/projects/",
        new_project(pairing, status="in_progress", planned_budget="12.345", progress=101),
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"planned_budget", "progress"}

    response = client.post("/projects/", new_project(pairing, status="in_progress"))
    assert response.status_code == 422
    assert response.json()["errors"] == {"start_date": ["已开工的项目须填写开工日期"]}

    response = client.post("/projects/", new_project(pairing, location_id=10**12))
    assert response.json()["errors"] == {
        "location_id": ["实施地点 1000000000000 不存在，或不属于该结对关系"]
    }

    existing = Project.objects.filter(pairing=pairing).first()
    response = client.post("/projects/", new_project(pairing, code=existing.code))
    assert response.status_code == 422
    assert "__all__" in response.json()["errors"]


def test_it_lets_the_recipient_update_progress_but_not_the_plan(personas):
    project = Project.objects.filter(pairing=demo_pairing("江阳区"), status="in_progress").first()
    client = Api.as_user(personas.yanyuan)

    response = client.patch(f"/projects/{project.pk}/", {"progress": 80, "outcomes": "已建成"})
    assert response.status_code == 200
    assert (response.json()["progress"], response.json()["outcomes"]) == (80, "已建成")
    entry = api_entries("project", project.pk).get()
    assert entry.changes["progress"] == [project.progress, 80]

    refused = client.patch(f"/projects/{project.pk}/", {"planned_budget": "1.00"})
    assert refused.status_code == 403
    project.refresh_from_db()
    assert project.progress == 80


def test_it_updates_only_the_fields_sent(personas):
    project = Project.objects.filter(pairing=demo_pairing("江阳区")).first()
    body = Api.as_user(personas.jiangyang).patch(f"/projects/{project.pk}/", {"name": "新名称"})
    assert body.status_code == 200
    fresh = Project.objects.get(pk=project.pk)
    assert (fresh.name, fresh.code, fresh.planned_budget) == (
        "新名称",
        project.code,
        project.planned_budget,
    )


def test_it_refuses_unknown_fields(personas):
    project = Project.objects.filter(pairing=demo_pairing("江阳区")).first()
    response = Api.as_user(personas.jiangyang).patch(
        f"/projects/{project.pk}/", {"pairing": 3, "budget": "1.00"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"pairing": ["不接受此字段"], "budget": ["不接受此字段"]}

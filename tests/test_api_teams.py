"""/api/v1/teams/: 组团式 teams, with the bodies they come from and go to."""

from __future__ import annotations

from test_api_support import Api, api_entries, demo_pairing

from pairaid.ledger.models import Organisation, Team


def test_it_lists_the_demo_team(personas, django_assert_max_num_queries):
    client = Api.as_user(personas.luzhou, "read")
    with django_assert_max_num_queries(10):
        body = client.get("/teams/").json()
    assert body["count"] == 1
    team = body["items"][0]
    # 19 teachers from 6 schools of 江阳区 and 泸县 help 3 schools of 盐源县 and 普格县.
    assert (len(team["from_organisation_ids"]), len(team["to_organisation_ids"])) == (6, 3)
    assert team["pairing_id"] == demo_pairing("泸州市").pk
    to = Organisation.objects.filter(pk__in=team["to_organisation_ids"])
    assert {o.name for o in to} == {"盐源县职业技术学校", "盐源中学", "普格中学"}


def test_it_keeps_the_team_from_the_districts(personas):
    team = Team.objects.get(is_demo=True)
    assert Api.as_user(personas.jiangyang).get("/teams/").json()["count"] == 0
    assert Api.as_user(personas.jiangyang).get(f"/teams/{team.pk}/").status_code == 404


def test_it_creates_and_updates_a_team(personas):
    schools = list(Organisation.objects.filter(kind="school").order_by("pk")[:3])
    client = Api.as_user(personas.jiangyang)
    response = client.post(
        "/teams/",
        {
            "pairing_id": demo_pairing("江阳区").pk,
            "name": "江阳区医疗组团",
            "from_organisation_ids": [schools[0].pk, schools[1].pk],
            "to_organisation_ids": [schools[2].pk],
            "start_date": "2023-09-01",
        },
    )
    assert response.status_code == 201
    team = response.json()
    assert team["from_organisation_ids"] == sorted([schools[0].pk, schools[1].pk])

    updated = client.patch(
        f"/teams/{team['id']}/", {"to_organisation_ids": [schools[0].pk], "note": "第二批"}
    )
    assert updated.status_code == 200
    assert (updated.json()["to_organisation_ids"], updated.json()["note"]) == (
        [schools[0].pk],
        "第二批",
    )
    assert updated.json()["from_organisation_ids"] == team["from_organisation_ids"]
    changes = [entry.changes for entry in api_entries("team", team["id"])]
    assert {"to_organisations": [[schools[2].pk], [schools[0].pk]]} in changes


def test_it_refuses_unknown_organisations(personas):
    response = Api.as_user(personas.jiangyang).post(
        "/teams/",
        {
            "pairing_id": demo_pairing("江阳区").pk,
            "name": "某团队",
            "from_organisation_ids": [10**9],
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"from_organisation_ids": ["单位 1000000000 不存在"]}
    assert not Team.objects.filter(name="某团队").exists()


def test_it_reads_a_team(personas):
    team = Team.objects.get(is_demo=True)
    body = Api.as_user(personas.luzhou, "read").get(f"/teams/{team.pk}/").json()
    assert (body["name"], body["start_date"]) == ("泸州市“组团式”教育帮扶团队", "2022-08-29")
    assert body["from_organisation_ids"] == sorted(
        team.from_organisations.values_list("pk", flat=True)
    )

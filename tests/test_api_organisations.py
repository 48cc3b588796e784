"""/api/v1/organisations/: bodies, schools, hospitals, enterprises."""

from __future__ import annotations

from test_api_support import Api, api_entries

from pairaid.ledger.models import Organisation, Region


def test_it_lists_organisations_with_filters(personas, django_assert_max_num_queries):
    client = Api.as_user(personas.jiangyang, "read")
    with django_assert_max_num_queries(8):
        schools = client.get("/organisations/", kind="school", limit=500).json()
    assert schools["count"] == Organisation.objects.filter(kind="school").count()
    assert {"盐源中学", "螺髻山中学校"} <= {item["name"] for item in schools["items"]}
    yanyuan = Region.objects.get(code="513423")
    in_yanyuan = client.get("/organisations/", region=yanyuan.pk, limit=500).json()
    assert in_yanyuan["count"] == Organisation.objects.filter(region=yanyuan).count()
    found = client.get("/organisations/", q="螺髻山中学").json()["items"]
    assert [item["name"] for item in found] == ["螺髻山中学校"]


def test_it_reads_an_organisation(personas):
    school = Organisation.objects.get(name="盐源中学")
    body = Api.as_user(personas.viewer, "read").get(f"/organisations/{school.pk}/").json()
    assert body == {
        "id": school.pk,
        "name": "盐源中学",
        "kind": "school",
        "region_id": school.region_id,
        "is_demo": True,
    }


def test_it_lets_an_editor_add_an_organisation(personas):
    region = Region.objects.get(code="510502")
    response = Api.as_user(personas.jiangyang).post(
        "/organisations/",
        {"name": "江阳区接口测试单位", "kind": "department", "region_id": region.pk},
    )
    assert response.status_code == 201, response.json()
    organisation = Organisation.objects.get(name="江阳区接口测试单位")
    assert api_entries("organisation", organisation.pk).get().user == personas.jiangyang


def test_it_refuses_an_organisation_from_a_viewer(personas):
    region = Region.objects.get(code="510502")
    response = Api.as_user(personas.viewer).post(
        "/organisations/", {"name": "某单位", "kind": "other", "region_id": region.pk}
    )
    assert response.status_code == 403


def test_it_refuses_the_same_name_twice_in_a_region(personas):
    school = Organisation.objects.get(name="盐源中学")
    response = Api.as_user(personas.admin).post(
        "/organisations/", {"name": "盐源中学", "kind": "school", "region_id": school.region_id}
    )
    assert response.status_code == 422
    assert "__all__" in response.json()["errors"]

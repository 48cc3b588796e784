"""/api/v1/regions/: the administrative divisions (read by every role, added by the
administrator)."""

from __future__ import annotations

from test_api_support import Api, api_entries

from pairaid.ledger.models import Region


def test_it_lists_regions_with_filters(personas, django_assert_max_num_queries):
    client = Api.as_user(personas.viewer, "read")
    with django_assert_max_num_queries(8):
        counties = client.get("/regions/", level="county", limit=500).json()
    assert counties["count"] == Region.objects.filter(level="county").count()
    names = {item["name"] for item in counties["items"]}
    assert {"江阳区", "龙马潭区", "盐源县", "普格县"} <= names
    by_code = client.get("/regions/", q="513423").json()["items"]
    assert by_code[0]["name"] == "盐源县"
    liangshan = Region.objects.get(code="513400")
    below = client.get("/regions/", parent=liangshan.pk, limit=500).json()["items"]
    assert {"盐源县", "普格县"} <= {item["name"] for item in below}


def test_it_reads_a_region(personas):
    town = Region.objects.get(code="513428102000")
    body = Api.as_user(personas.viewer, "read").get(f"/regions/{town.pk}/").json()
    assert body["name"] == "螺髻山镇" or body["name"].endswith("螺髻山镇")
    assert (body["code"], body["level"]) == ("513428102000", "township")
    assert body["parent_id"] == town.parent_id


def test_it_lets_the_administrator_add_a_region(personas):
    parent = Region.objects.get(code="513423")
    response = Api.as_user(personas.admin).post(
        "/regions/",
        {"code": "513423199000", "name": "新设镇", "level": "township", "parent_id": parent.pk},
    )
    assert response.status_code == 201
    region = Region.objects.get(code="513423199000")
    assert response.json()["id"] == region.pk
    entry = api_entries("region", region.pk).get()
    assert (entry.action, entry.user) == ("region.created", personas.admin)


def test_it_refuses_a_region_from_anyone_but_the_administrator(personas):
    response = Api.as_user(personas.luzhou).post(
        "/regions/", {"code": "510500999000", "name": "某镇", "level": "township"}
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "只有系统管理员可以维护行政区划"}
    assert not Region.objects.filter(code="510500999000").exists()


def test_it_explains_a_wrong_region_field_by_field(personas):
    response = Api.as_user(personas.admin).post(
        "/regions/", {"code": "5134", "name": "", "level": "city", "parent_id": 99999999}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"code", "name", "level"}
    assert errors["name"] == ["至少 1 个字符"]
    assert errors["code"] == ["格式不正确"]

    unknown_parent = Api.as_user(personas.admin).post(
        "/regions/",
        {"code": "513423198000", "name": "某镇", "level": "township", "parent_id": 99999999},
    )
    assert unknown_parent.status_code == 422
    assert unknown_parent.json()["errors"] == {
        "parent_id": ["上级区划 99999999 不存在，或不属于该结对关系"]
    }


def test_it_refuses_a_duplicate_code(personas):
    response = Api.as_user(personas.admin).post(
        "/regions/", {"code": "510502", "name": "江阳区", "level": "county"}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["code"]

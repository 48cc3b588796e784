"""GET /api/v1/pairings/ and /api/v1/pairings/{id}/: the pairings a user may see."""

from __future__ import annotations

from test_api_support import Api, demo_pairing

from pairaid.ledger.models import Pairing


def test_it_lists_every_pairing_for_an_administrator(personas, django_assert_max_num_queries):
    client = Api.as_user(personas.admin, "read")
    with django_assert_max_num_queries(6):
        body = client.get("/pairings/").json()
    assert body["count"] == Pairing.objects.count()
    assert {item["name"] for item in body["items"]} >= {
        "泸州市→凉山彝族自治州",
        "江阳区→盐源县",
        "龙马潭区→普格县",
    }
    assert [item["id"] for item in body["items"]] == sorted(item["id"] for item in body["items"])


def test_it_lists_only_the_pairings_in_the_users_scope(personas):
    body = Api.as_user(personas.jiangyang, "read").get("/pairings/").json()
    assert [item["name"] for item in body["items"]] == ["江阳区→盐源县"]
    assert body["count"] == 1


def test_it_reads_one_pairing(personas):
    pairing = demo_pairing("江阳区")
    body = Api.as_user(personas.yanyuan, "read").get(f"/pairings/{pairing.pk}/").json()
    assert body == {
        "id": pairing.pk,
        "name": "江阳区→盐源县",
        "helper": "江阳区",
        "recipient": "盐源县",
        "scheme": "in_province",
        "helper_region_id": pairing.helper_region_id,
        "helper_organisation_id": None,
        "recipient_region_id": pairing.recipient_region_id,
        "recipient_organisation_id": None,
        "valid_from": pairing.valid_from.isoformat(),
        "valid_to": None,
        "parent_id": demo_pairing("泸州市").pk,
        "is_demo": True,
    }


def test_it_answers_404_for_a_pairing_outside_the_scope(personas):
    other = demo_pairing("龙马潭区")
    response = Api.as_user(personas.jiangyang, "read").get(f"/pairings/{other.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到该记录，或该记录不在您的权限范围内"}


def test_it_filters_pairings(personas):
    client = Api.as_user(personas.admin, "read")
    parent = demo_pairing("泸州市")
    children = client.get("/pairings/", parent=parent.pk).json()["items"]
    assert {item["helper"] for item in children} == {"江阳区", "龙马潭区"}
    assert [i["name"] for i in client.get("/pairings/", q="普格").json()["items"]] == [
        "龙马潭区→普格县"
    ]
    assert (
        client.get("/pairings/", scheme="east_west").json()["count"]
        == Pairing.objects.filter(scheme="east_west").count()
    )


def test_it_pages_by_offset_and_by_cursor_alike(personas, build):
    for n in range(4):
        build.pairing(f"甲{n}区", f"乙{n}县")
    client = Api.as_user(personas.admin, "read")
    everything = [item["id"] for item in client.get("/pairings/", limit=500).json()["items"]]

    by_offset, offset = [], 0
    while True:
        page = client.get("/pairings/", limit=2, offset=offset).json()
        by_offset += [item["id"] for item in page["items"]]
        offset += 2
        if page["next_after"] is None:
            break

    by_cursor, after = [], 0
    while after is not None:
        page = client.get("/pairings/", limit=2, after=after).json()
        assert page["count"] == len([i for i in everything if i > after])
        by_cursor += [item["id"] for item in page["items"]]
        after = page["next_after"]

    assert by_offset == by_cursor == everything == sorted(everything)
    assert len(everything) == Pairing.objects.count()


def test_it_refuses_a_page_size_beyond_the_limit(personas):
    response = Api.as_user(personas.admin, "read").get("/pairings/", limit=501)
    assert response.status_code == 422
    assert response.json()["errors"] == {"limit": ["不能大于 500"]}

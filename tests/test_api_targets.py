"""/api/v1/targets/: annual targets, set by the coordinating office."""

from __future__ import annotations

from test_api_support import Api, api_entries, demo_pairing

from pairaid.ledger.models import Target


def test_it_lists_targets_with_filters(personas, django_assert_max_num_queries):
    client = Api.as_user(personas.luzhou, "read")
    with django_assert_max_num_queries(8):
        body = client.get("/targets/", limit=500).json()
    assert body["count"] == Target.objects.count()
    pairing = demo_pairing("江阳区")
    mine = client.get("/targets/", pairing=pairing.pk, year=2022).json()
    assert mine["count"] == Target.objects.filter(pairing=pairing, year=2022).count()
    funds = client.get("/targets/", indicator="funds_transferred").json()
    assert {item["indicator"] for item in funds["items"]} <= {"funds_transferred"}


def test_it_reads_a_target_with_its_value_as_a_string(personas):
    target = Target.objects.filter(pairing=demo_pairing("江阳区")).first()
    body = Api.as_user(personas.jiangyang, "read").get(f"/targets/{target.pk}/").json()
    assert body["value"] == f"{target.value:.2f}"


def test_it_lets_the_coordinator_set_and_change_a_target(personas):
    client = Api.as_user(personas.luzhou)
    body = {
        "pairing_id": demo_pairing("江阳区").pk,
        "year": 2024,
        "indicator": "funds_transferred",
        "value": "21000000.00",
    }
    created = client.post("/targets/", body)
    assert created.status_code == 201
    target_id = created.json()["id"]
    changed = client.patch(f"/targets/{target_id}/", {"value": "22500000.50"})
    assert changed.json()["value"] == "22500000.50"
    assert str(Target.objects.get(pk=target_id).value) == "22500000.50"
    entry = api_entries("target", target_id).last()
    assert entry.changes == {"value": ["21000000.00", "22500000.50"]}

    twice = client.post("/targets/", body)
    assert twice.status_code == 422
    assert "__all__" in twice.json()["errors"]


def test_it_keeps_targets_from_the_offices_that_are_measured(personas):
    response = Api.as_user(personas.jiangyang).post(
        "/targets/",
        {
            "pairing_id": demo_pairing("江阳区").pk,
            "year": 2024,
            "indicator": "jobs",
            "value": "100.00",
        },
    )
    assert response.status_code == 403

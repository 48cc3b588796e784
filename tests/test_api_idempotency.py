"""Creates with an Idempotency-Key: a retried request never records money twice."""

from __future__ import annotations

import hashlib

import pytest
from test_api_support import Api, demo_pairing

from pairaid.api.models import IdempotencyKey
from pairaid.ledger.models import AuditEntry, FundFlow, Organisation, Team


@pytest.fixture
def jiangyang_api(personas):
    return Api.as_user(personas.jiangyang)


def transfer(pairing, amount="250000.00"):
    return {
        "pairing_id": pairing.pk,
        "kind": "transfer",
        "fund_year": 2023,
        "date": "2023-03-15",
        "amount": amount,
        "source": "fiscal",
        "voucher": "江帮办发〔2023〕7号",
    }


def test_it_records_a_retried_create_once(jiangyang_api):
    pairing = demo_pairing("江阳区")
    before = FundFlow.objects.filter(pairing=pairing).count()
    key = {"Idempotency-Key": "0d7f2c9e-retry-1"}

    first = jiangyang_api.post("/fund-flows/", transfer(pairing), headers=key)
    retry = jiangyang_api.post("/fund-flows/", transfer(pairing), headers=key)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert "Idempotent-Replayed" not in first.headers
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert FundFlow.objects.filter(pairing=pairing).count() == before + 1
    flow_id = first.json()["id"]
    assert AuditEntry.objects.filter(record_type="fundflow", record_id=str(flow_id)).count() == 1


def test_it_refuses_the_same_key_for_a_different_request(jiangyang_api):
    pairing = demo_pairing("江阳区")
    key = {"Idempotency-Key": "reused-key"}
    assert jiangyang_api.post("/fund-flows/", transfer(pairing), headers=key).status_code == 201
    count = FundFlow.objects.count()

    response = jiangyang_api.post("/fund-flows/", transfer(pairing, "1.00"), headers=key)

    assert response.status_code == 422
    assert response.json()["errors"]["Idempotency-Key"] == [
        "该幂等键已用于另一个请求；新的请求请使用新的幂等键"
    ]
    assert FundFlow.objects.count() == count


def test_it_keeps_nothing_of_a_failed_create(jiangyang_api):
    pairing = demo_pairing("江阳区")
    key = {"Idempotency-Key": "first-try-fails"}
    refused = jiangyang_api.post(
        "/fund-flows/", {**transfer(pairing), "kind": "spend"}, headers=key
    )
    assert refused.status_code == 422
    assert not IdempotencyKey.objects.filter(key="first-try-fails").exists()

    corrected = jiangyang_api.post("/fund-flows/", transfer(pairing), headers=key)
    assert corrected.status_code == 201


def test_it_keeps_keys_apart_per_user(personas):
    pairing = demo_pairing("泸州市")
    key = {"Idempotency-Key": "same-key"}
    body = {"pairing_id": pairing.pk, "kind": "visit", "title": "调研", "start_date": "2023-04-01"}
    first = Api.as_user(personas.admin).post("/events/", body, headers=key)
    second = Api.as_user(personas.luzhou).post("/events/", body, headers=key)
    # The coordinator may not record events: its own answer, not the administrator's.
    assert first.status_code == 201
    assert second.status_code == 403


def test_it_answers_a_retry_whose_first_attempt_another_server_committed(personas):
    """Two servers, one key: the one that loses the race on the unique key replays the
    winner's stored answer instead of creating again."""
    pairing = demo_pairing("江阳区")
    client = Api.as_user(personas.jiangyang)
    winner = client.post("/fund-flows/", transfer(pairing), headers={"Idempotency-Key": "k1"})
    stored = IdempotencyKey.objects.get(key="k1")
    count = FundFlow.objects.count()

    # A second key row as another server left it: same user, same request, committed.
    IdempotencyKey.objects.create(
        user=personas.jiangyang,
        key="k2",
        method=stored.method,
        path=stored.path,
        request_hash=stored.request_hash,
        response_status=stored.response_status,
        response_body=stored.response_body,
        created_at=stored.created_at,
    )
    replay = client.post("/fund-flows/", transfer(pairing), headers={"Idempotency-Key": "k2"})

    assert replay.status_code == 201
    assert replay.json() == winner.json()
    assert FundFlow.objects.count() == count


def test_it_stores_a_hash_of_the_request_not_the_request(jiangyang_api):
    pairing = demo_pairing("江阳区")
    jiangyang_api.post("/fund-flows/", transfer(pairing), headers={"Idempotency-Key": "h"})
    stored = IdempotencyKey.objects.get(key="h")
    assert len(stored.request_hash) == len(hashlib.sha256().hexdigest())
    assert (stored.method, stored.path, stored.response_status) == (
        "POST",
        "/api/v1/fund-flows/",
        201,
    )


def test_it_records_without_a_key_as_often_as_asked(jiangyang_api):
    pairing = demo_pairing("江阳区")
    count = FundFlow.objects.count()
    jiangyang_api.post("/fund-flows/", transfer(pairing))
    jiangyang_api.post("/fund-flows/", transfer(pairing))
    assert FundFlow.objects.count() == count + 2


def test_it_replays_a_retried_reversal(jiangyang_api, build):
    pairing = demo_pairing("江阳区")
    flow = jiangyang_api.post("/fund-flows/", transfer(pairing)).json()
    key = {"Idempotency-Key": "reverse-once"}
    first = jiangyang_api.post(f"/fund-flows/{flow['id']}/reverse/", {"reason": "重复录入"}, key)
    retry = jiangyang_api.post(f"/fund-flows/{flow['id']}/reverse/", {"reason": "重复录入"}, key)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert first.json()["amount"] == "-250000.00"
    assert FundFlow.objects.filter(reverses_id=flow["id"]).count() == 1


def test_it_refuses_a_key_that_is_not_printable_ascii(jiangyang_api):
    pairing = demo_pairing("江阳区")
    response = jiangyang_api.post(
        "/fund-flows/", transfer(pairing), headers={"Idempotency-Key": "x" * 201}
    )
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["errors"]


def test_it_replays_records_with_nested_parts(personas):
    school = Organisation.objects.filter(kind="school").first()
    body = {
        "pairing_id": demo_pairing("江阳区").pk,
        "name": "重试团队",
        "from_organisation_ids": [school.pk],
    }
    client = Api.as_user(personas.jiangyang)
    first = client.post("/teams/", body, headers={"Idempotency-Key": "team-1"})
    retry = client.post("/teams/", body, headers={"Idempotency-Key": "team-1"})
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.json()["from_organisation_ids"] == [school.pk]
    assert Team.objects.filter(name="重试团队").count() == 1

"""/api/v1/audit-entries/: the audit trail, read-only, for those who may audit."""

from __future__ import annotations

from test_api_support import Api, demo_pairing

from pairaid.ledger.models import AuditEntry, FundFlow


def test_it_shows_an_auditor_the_entries_of_the_pairings_it_audits(
    personas, django_assert_max_num_queries
):
    client = Api.as_user(personas.sichuan_auditor, "read")
    with django_assert_max_num_queries(12):
        body = client.get("/audit-entries/", limit=50).json()
    audited = AuditEntry.objects.filter(pairing__is_demo=True)
    assert body["count"] == audited.count() > 0
    assert all(item["pairing_id"] is not None for item in body["items"])
    assert [item["id"] for item in body["items"]] == sorted(item["id"] for item in body["items"])


def test_it_shows_an_administrator_everything(personas):
    body = Api.as_user(personas.admin, "read").get("/audit-entries/", limit=1).json()
    assert body["count"] == AuditEntry.objects.count()


def test_it_refuses_the_audit_trail_to_those_who_may_not_audit(personas):
    for user in (personas.jiangyang, personas.yanyuan, personas.viewer, personas.outsider):
        response = Api.as_user(user, "read").get("/audit-entries/")
        assert response.status_code == 403, user
        assert response.json() == {"detail": "无权查看审计记录"}


def test_it_records_who_wrote_through_the_api(personas):
    pairing = demo_pairing("江阳区")
    flow = (
        Api.as_user(personas.jiangyang)
        .post(
            "/fund-flows/",
            {
                "pairing_id": pairing.pk,
                "kind": "plan",
                "fund_year": 2024,
                "date": "2024-01-05",
                "amount": "30000000.00",
                "source": "fiscal",
            },
        )
        .json()
    )
    body = (
        Api.as_user(personas.sichuan_auditor, "read")
        .get("/audit-entries/", record_type="fundflow", record_id=str(flow["id"]))
        .json()
    )
    assert body["count"] == 1
    entry = body["items"][0]
    assert (entry["action"], entry["actor"], entry["username"], entry["pairing_id"]) == (
        "fundflow.recorded",
        "api",
        "jiangyang",
        pairing.pk,
    )
    assert entry["changes"]["amount"] == "30000000.00"
    one = Api.as_user(personas.sichuan_auditor, "read").get(f"/audit-entries/{entry['id']}/")
    assert one.json() == entry


def test_it_filters_by_pairing_and_action(personas):
    pairing = demo_pairing("龙马潭区")
    client = Api.as_user(personas.admin, "read")
    body = client.get("/audit-entries/", pairing=pairing.pk, action="fundflow.recorded").json()
    assert (
        body["count"]
        == AuditEntry.objects.filter(pairing=pairing, action="fundflow.recorded").count()
    )
    recorded = FundFlow.objects.filter(pairing=pairing, reverses__isnull=True)  # not reversals
    assert body["count"] == recorded.count()


def test_it_hides_entries_of_records_outside_any_pairing_from_auditors(personas):
    region_entry = AuditEntry.objects.filter(record_type="region").first()
    auditor = Api.as_user(personas.sichuan_auditor, "read")
    assert auditor.get(f"/audit-entries/{region_entry.pk}/").status_code == 404
    assert Api.as_user(personas.admin).get(f"/audit-entries/{region_entry.pk}/").status_code == 200

"""/api/v1/agreements/: agreements with their parties and obligations."""

from __future__ import annotations

from test_api_support import Api, api_entries, demo_pairing

from pairaid.ledger.models import Agreement, AgreementParty, Event, Obligation, Organisation

FOUR = {
    "深化干部人才培养交流工作框架协议",
    "科研用高粱采购合同",
    "乌鸡项目运营合作协议",
    "人才联盟协同发展协议",
}


def test_it_lists_the_four_agreements_signed_on_the_visit(personas, django_assert_max_num_queries):
    client = Api.as_user(personas.luzhou, "read")
    signing = Event.objects.get(is_demo=True, kind="signing")
    with django_assert_max_num_queries(10):
        body = client.get("/agreements/", year=2022, event=signing.pk).json()
    assert {item["title"] for item in body["items"]} == FOUR
    sorghum = next(item for item in body["items"] if item["title"] == "科研用高粱采购合同")
    assert sorghum["amount"] == "1860000.00"
    assert {p["role"] for p in sorghum["parties"]} == {"party_a", "party_b", "witness"}
    assert len(sorghum["obligations"]) == 3


def test_it_shows_a_district_only_its_own_agreements(personas):
    body = Api.as_user(personas.jiangyang, "read").get("/agreements/").json()
    assert [item["title"] for item in body["items"]] == ["深化干部人才培养交流工作框架协议"]
    other = Agreement.objects.get(title="乌鸡项目运营合作协议")
    assert Api.as_user(personas.jiangyang).get(f"/agreements/{other.pk}/").status_code == 404


def test_it_filters_agreements(personas):
    client = Api.as_user(personas.admin, "read")
    assert [i["title"] for i in client.get("/agreements/", kind="purchase").json()["items"]] == [
        "科研用高粱采购合同"
    ]
    assert client.get("/agreements/", q="乌鸡").json()["count"] == 1
    in_force = client.get("/agreements/", status="in_force").json()["count"]
    assert in_force == Agreement.objects.filter(status="in_force").count()


def test_it_creates_an_agreement_with_parties_and_obligations(personas):
    a, b = Organisation.objects.filter(name__in=["中共江阳区委组织部", "中共盐源县委组织部"])
    signing = Event.objects.get(is_demo=True, kind="signing")  # the city's: allowed
    response = Api.as_user(personas.jiangyang).post(
        "/agreements/",
        {
            "pairing_id": demo_pairing("江阳区").pk,
            "title": "2023年度对口帮扶协议",
            "kind": "annual",
            "status": "signed",
            "signed_date": "2023-02-10",
            "event_id": signing.pk,
            "amount": "20000000.00",
            "parties": [
                {"organisation_id": a.pk, "role": "party_a"},
                {"organisation_id": b.pk, "role": "party_b"},
            ],
            "obligations": [
                {"deliverable": "拨付2023年资金", "owner_id": a.pk, "due_date": "2023-06-30"}
            ],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["amount"] == "20000000.00"
    assert [(p["organisation_id"], p["role"]) for p in body["parties"]] == [
        (a.pk, "party_a"),
        (b.pk, "party_b"),
    ]
    assert body["obligations"][0]["status"] == "open"
    assert api_entries("agreement", body["id"]).get().action == "agreement.created"
    assert AgreementParty.objects.filter(agreement_id=body["id"]).count() == 2


def test_it_records_none_of_an_agreement_when_a_part_is_wrong(personas):
    a = Organisation.objects.get(name="中共江阳区委组织部")
    response = Api.as_user(personas.jiangyang).post(
        "/agreements/",
        {
            "pairing_id": demo_pairing("江阳区").pk,
            "title": "有问题的协议",
            "kind": "annual",
            "parties": [
                {"organisation_id": a.pk, "role": "party_a"},
                {"organisation_id": a.pk, "role": "party_a"},
            ],
        },
    )
    assert response.status_code == 422
    assert not Agreement.objects.filter(title="有问题的协议").exists()


def test_it_needs_a_signed_date_once_signed(personas):
    agreement = Agreement.objects.get(title="深化干部人才培养交流工作框架协议")
    client = Api.as_user(personas.jiangyang)
    response = client.patch(f"/agreements/{agreement.pk}/", {"signed_date": None})
    assert response.json()["errors"] == {"signed_date": ["已签订的协议须填写签订日期"]}
    ok = client.patch(f"/agreements/{agreement.pk}/", {"status": "completed"})
    assert ok.status_code == 200 and ok.json()["status"] == "completed"
    assert len(ok.json()["obligations"]) == 3


def test_it_adds_and_updates_obligations(personas):
    agreement = Agreement.objects.get(title="深化干部人才培养交流工作框架协议")
    client = Api.as_user(personas.jiangyang)
    created = client.post(
        f"/agreements/{agreement.pk}/obligations/",
        {"deliverable": "互派干部挂职", "due_date": "2024-12-31"},
    )
    assert created.status_code == 201
    obligation_id = created.json()["id"]
    assert created.json()["agreement_id"] == agreement.pk

    done = client.patch(
        f"/agreements/{agreement.pk}/obligations/{obligation_id}/",
        {"status": "done", "evidence": "挂职文件"},
    )
    assert (done.json()["status"], done.json()["evidence"]) == ("done", "挂职文件")
    assert list(api_entries("obligation", obligation_id).values_list("action", flat=True)) == [
        "obligation.created",
        "obligation.updated",
    ]

    foreign = Obligation.objects.exclude(agreement=agreement).first()
    wrong_parent = client.patch(
        f"/agreements/{agreement.pk}/obligations/{foreign.pk}/", {"status": "done"}
    )
    assert wrong_parent.status_code == 404


def test_it_reads_an_agreement_with_its_obligations(personas):
    agreement = Agreement.objects.get(title="乌鸡项目运营合作协议")
    body = Api.as_user(personas.puge, "read").get(f"/agreements/{agreement.pk}/").json()
    assert (body["kind"], body["status"], body["signed_date"]) == (
        "operation",
        "in_force",
        "2022-12-01",
    )
    assert body["amount"] is None
    assert [o["deliverable"] for o in body["obligations"]] == list(
        agreement.obligations.values_list("deliverable", flat=True)
    )
    assert {p["role"] for p in body["parties"]} == {"party_a", "party_b", "party_c"}

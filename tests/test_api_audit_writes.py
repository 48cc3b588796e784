"""Every write through the API leaves its audit entries — one per record it changes, with the
token's user, "api" and the record's pairing — that an auditor then reads through
/api/v1/audit-entries/; a write refused (422, 403, 404) leaves none; the trail pages by
cursor without losing or repeating an entry, and each auditing office reads its own scope."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from test_api_support import Api, demo_pairing

from pairaid.ledger.models import Agreement, AuditEntry, Organisation, Person, Project


def api_entries_since(mark: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=mark, actor="api").order_by("id"))


def mark() -> int:
    last = AuditEntry.objects.order_by("-id").first()
    return last.pk if last else 0


@pytest.fixture
def jiangyang(db):
    return demo_pairing("江阳区")


def project_body(pairing, code: str = "AUD-1") -> dict:
    return {
        "pairing_id": pairing.pk,
        "code": code,
        "name": "审计项目",
        "sector": "industry",
        "mode": "capacity_building",
    }


def transfer(pairing) -> dict:
    return {
        "pairing_id": pairing.pk,
        "kind": "transfer",
        "fund_year": 2025,
        "date": "2025-05-05",
        "amount": "123.45",
        "source": "fiscal",
    }


# name: (who writes, the write (client, pairing) → response, the actions it leaves)
WRITES: dict[str, tuple[str, Callable, list[str]]] = {
    "project created": (
        "jiangyang",
        lambda c, p: c.post("/projects/", project_body(p)),
        ["project.created"],
    ),
    "project updated": (
        "jiangyang",
        lambda c, p: c.patch(f"/projects/{p.projects.order_by('pk').first().pk}/", {"name": "改"}),
        ["project.updated"],
    ),
    "transfer recorded": (
        "jiangyang",
        lambda c, p: c.post("/fund-flows/", transfer(p)),
        ["fundflow.recorded"],
    ),
    "task created": (
        "jiangyang",
        lambda c, p: c.post("/tasks/", {"pairing_id": p.pk, "title": "审计事项"}),
        ["task.created"],
    ),
    "event with participants": (
        "jiangyang",
        lambda c, p: c.post(
            "/events/",
            {
                "pairing_id": p.pk,
                "kind": "visit",
                "title": "审计调研",
                "start_date": "2025-03-01",
                "participants": [{"name": "甲"}, {"name": "乙"}],
            },
        ),
        ["event.created", "eventparticipant.created", "eventparticipant.created"],
    ),
    "agreement with a party and an obligation": (
        "jiangyang",
        lambda c, p: c.post(
            "/agreements/",
            {
                "pairing_id": p.pk,
                "title": "审计协议",
                "kind": "annual",
                "parties": [
                    {
                        "organisation_id": Organisation.objects.get(name="盐源中学").pk,
                        "role": "party_b",
                    }
                ],
                "obligations": [{"deliverable": "一项"}],
            },
        ),
        ["agreement.created", "agreementparty.created", "obligation.created"],
    ),
    "target set": (
        "luzhou",
        lambda c, p: c.post(
            "/targets/", {"pairing_id": p.pk, "year": 2025, "indicator": "jobs", "value": "9.00"}
        ),
        ["target.created"],
    ),
    "arrival confirmed by the recipient": (
        "yanyuan",
        lambda c, p: c.post(
            f"/postings/{p.postings.filter(confirmation='unconfirmed').order_by('pk')[0].pk}"
            "/confirm/",
            {},
        ),
        ["posting.confirmed"],
    ),
}


@pytest.mark.parametrize("name", WRITES)
def test_it_leaves_one_entry_per_record_written(personas, jiangyang, name):
    who, write, actions = WRITES[name]
    user = getattr(personas, who)
    client = Api.as_user(user)
    since = mark()

    response = write(client, jiangyang)

    assert response.status_code in (200, 201), response.json()
    written = api_entries_since(since)
    assert [e.action for e in written] == actions
    assert {(e.user_id, e.pairing_id) for e in written} == {(user.pk, jiangyang.pk)}


@pytest.mark.parametrize("name", WRITES)
def test_it_lets_the_auditor_read_each_entry_written(personas, jiangyang, name):
    who, write, _actions = WRITES[name]
    client = Api.as_user(getattr(personas, who))
    since = mark()
    write(client, jiangyang)
    auditor = Api.as_user(personas.sichuan_auditor, "read")

    for entry in api_entries_since(since):
        body = auditor.get(
            "/audit-entries/", record_type=entry.record_type, record_id=entry.record_id
        ).json()
        shown = [item for item in body["items"] if item["id"] == entry.pk]
        assert shown, entry.action
        assert (shown[0]["action"], shown[0]["actor"], shown[0]["username"]) == (
            entry.action,
            "api",
            who,
        )


REFUSED: dict[str, tuple[str, str, Callable, int]] = {
    # name: (who, scope of the token, write, the status it is refused with)
    "a read-only token": (
        "jiangyang", "read", lambda c, p: c.post("/fund-flows/", transfer(p)), 403,
    ),
    "the recipient recording money": (
        "yanyuan", "write", lambda c, p: c.post("/fund-flows/", transfer(p)), 403,
    ),
    "a viewer's project": (
        "viewer", "write", lambda c, p: c.post("/projects/", project_body(p)), 403,
    ),
    "an office outside the pairing": (
        "longmatan", "write", lambda c, p: c.post("/projects/", project_body(p)), 404,
    ),
    "a broken rule": (
        "jiangyang", "write",
        lambda c, p: c.post("/fund-flows/", {**transfer(p), "kind": "spend"}), 422,
    ),
    "a project code taken": (
        "jiangyang", "write",
        lambda c, p: c.post("/projects/", project_body(p, p.projects.first().code)), 422,
    ),
    "an auditor's change": (
        "sichuan_auditor", "write",
        lambda c, p: c.patch(f"/projects/{p.projects.first().pk}/", {"name": "审计改"}), 403,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", REFUSED)
def test_it_leaves_no_entry_for_a_write_refused(personas, jiangyang, name):
    who, scope, write, status = REFUSED[name]
    client = Api.as_user(getattr(personas, who), scope)
    since = mark()
    projects = Project.objects.count()

    response = write(client, jiangyang)

    assert response.status_code == status, response.json()
    assert AuditEntry.objects.filter(pk__gt=since).count() == 0
    assert Project.objects.count() == projects


def test_it_pages_the_trail_by_cursor_without_losing_an_entry(personas, jiangyang):
    writer = Api.as_user(personas.jiangyang)
    for code in ("AUD-P1", "AUD-P2", "AUD-P3"):
        writer.post("/projects/", project_body(jiangyang, code))
    auditor = Api.as_user(personas.sichuan_auditor, "read")
    expected = list(
        AuditEntry.objects.filter(pairing=jiangyang).order_by("id").values_list("pk", flat=True)
    )

    seen: list[int] = []
    after = None
    while True:
        params = {"pairing": jiangyang.pk, "limit": 200}
        if after is not None:
            params["after"] = after
        body = auditor.get("/audit-entries/", **params).json()
        ids = [item["id"] for item in body["items"]]
        if not ids:
            break
        seen += ids
        after = ids[-1]

    assert seen == expected


def test_it_shows_each_auditing_office_its_own_scope(personas):
    jiangyang, longmatan = demo_pairing("江阳区"), demo_pairing("龙马潭区")
    luzhou = Api.as_user(personas.luzhou, "read")
    auditor = Api.as_user(personas.sichuan_auditor, "read")

    for client in (luzhou, auditor):
        for pairing in (jiangyang, longmatan):
            body = client.get("/audit-entries/", pairing=pairing.pk, limit=1).json()
            assert body["count"] == AuditEntry.objects.filter(pairing=pairing).count() > 0


def test_it_filters_the_trail_by_record(personas, jiangyang):
    writer = Api.as_user(personas.jiangyang)
    created = writer.post("/persons/", {"number": "AUD-R1", "name": "记录人", "gender": "male",
                                        "category": "cadre"})  # fmt: skip
    assert created.status_code == 201, created.json()
    person = Person.objects.get(number="AUD-R1")
    writer.patch(f"/persons/{person.pk}/", {"ethnicity": "彝族"})

    body = (
        Api.as_user(personas.admin, "read")
        .get("/audit-entries/", record_type="person", record_id=str(person.pk))
        .json()
    )

    assert [item["action"] for item in body["items"]] == ["person.created", "person.updated"]
    assert body["items"][1]["changes"]["ethnicity"] == ["", "彝族"]


def test_it_reads_no_entry_of_a_pairing_out_of_scope(personas):
    agreement = Agreement.objects.get(title="人才联盟协同发展协议")  # 龙马潭区→普格县
    entry = AuditEntry.objects.filter(pairing=agreement.pairing).first()

    longmatan_editor = Api.as_user(personas.longmatan, "read")
    outsider = Api.as_user(personas.outsider, "read")

    assert longmatan_editor.get(f"/audit-entries/{entry.pk}/").status_code == 403
    assert outsider.get(f"/audit-entries/{entry.pk}/").status_code == 403
    assert Api.as_user(personas.admin, "read").get(f"/audit-entries/{entry.pk}/").status_code == 200

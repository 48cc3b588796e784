"""The authorization matrix: every route of the API, and what each kind of caller gets.

| caller                                  | read route     | write route      |
|-----------------------------------------|----------------|------------------|
| anonymous (no or unknown credentials)   | 401            | 401              |
| read-only token (administrator)         | 200            | 403              |
| read-write token (administrator)        | 200            | 2xx (row's `ok`) |
| read-write token of a user with no role | row's `outsider`: 404 for a record, an empty list … |

The routes are read from the served OpenAPI document: a route added without a row here
makes `test_it_has_a_row_for_every_route` fail, and so does a row left for a route that
is gone. Each column runs every route over one fresh set of records (`World`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import declared_records as generic
import pytest
from builders import Builder
from django.contrib.auth import get_user_model
from evidence_files import png
from shared_records import for_the_module
from test_api_support import Api, token_for

from pairaid.api import services as api_services
from pairaid.api.api import api as ninja_api
from pairaid.ledger import record_types, services
from pairaid.ledger.models import (
    Agreement,
    Event,
    Obligation,
    Organisation,
    Target,
    Task,
    Team,
)

D = dt.date


class World:
    """Fresh records of one pairing, made through the services, for the rows to act on."""

    def __init__(self, build: Any) -> None:
        self.pairing = build.pairing("矩阵区", "矩阵县")
        self.region = self.pairing.helper_region
        self.organisation = build.organisation("矩阵中学", self.region, kind="school")
        self.project = build.project(self.pairing)
        self.flows = [build.flow(self.pairing, "1000.00") for _ in range(3)]
        self.person = build.person("赵六")
        self.postings = [build.posting(self.person, self.pairing, D(2021, 3, 1)) for _ in range(3)]

        def create(model: type, **fields: Any) -> Any:
            return services.create_record(model, acting_user=None, via="test", **fields)

        self.team = create(Team, pairing=self.pairing, name="矩阵团队")
        self.agreement = create(
            Agreement, pairing=self.pairing, title="矩阵协议", kind=Agreement.Kind.FRAMEWORK
        )
        self.obligation = create(Obligation, agreement=self.agreement, deliverable="履约")
        self.event = create(
            Event,
            pairing=self.pairing,
            kind=Event.Kind.VISIT,
            title="调研",
            start_date=D(2021, 5, 1),
        )
        self.task = create(Task, pairing=self.pairing, title="清单事项")
        self.target = create(
            Target,
            pairing=self.pairing,
            year=2021,
            indicator=Target.Indicator.FUNDS_TRANSFERRED,
            value="1000000.00",
        )
        self.evidence = services.attach_evidence(self.project, png(), acting_user=None, via="test")
        self.update = services.record_progress_update(
            self.project, date=D(2021, 6, 1), progress=10, text="进展", acting_user=None, via="test"
        )
        self.audit_entry = self.pairing.audit_entries.order_by("id").first()
        self.build = build
        # A record of each type with pages and an API resource (`generic_rows`).
        self.generic = {slug: generic.make(slug, self.pairing) for slug in GENERIC}


@dataclass(frozen=True)
class Row:
    ok: int  # what an administrator's read-write token gets
    outsider: int  # what the read-write token of a user with no role gets
    path: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    query: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    body: Callable[[World], dict[str, Any]] | None = None  # None: the route reads

    @property
    def writes(self) -> bool:
        return self.body is not None


def one(attribute: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"id": getattr(w, attribute).pk}


def nth(attribute: str, index: int) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"id": getattr(w, attribute)[index].pk}


LIST = Row(200, 200)
V1 = "/api/v1"

ROUTES: dict[tuple[str, str], Row] = {
    ("get", f"{V1}/pairings/"): LIST,
    ("get", f"{V1}/pairings/{{id}}/"): Row(200, 404, one("pairing")),
    ("get", f"{V1}/regions/"): LIST,
    ("get", f"{V1}/regions/{{id}}/"): Row(200, 404, one("region")),
    ("post", f"{V1}/regions/"): Row(
        201, 403, body=lambda w: {"code": "880001", "name": "矩阵镇", "level": "township"}
    ),
    ("get", f"{V1}/organisations/"): LIST,
    ("get", f"{V1}/organisations/{{id}}/"): Row(200, 404, one("organisation")),
    ("post", f"{V1}/organisations/"): Row(
        201,
        422,  # the region it names does not exist for someone who sees no region
        body=lambda w: {"name": "矩阵医院", "kind": "hospital", "region_id": w.region.pk},
    ),
    ("get", f"{V1}/projects/"): LIST,
    ("get", f"{V1}/evidence/"): LIST,  # read only: files are attached on the pages
    ("get", f"{V1}/evidence/{{id}}/"): Row(200, 404, one("evidence")),
    ("get", f"{V1}/progress-updates/"): LIST,
    ("get", f"{V1}/progress-updates/{{id}}/"): Row(200, 404, one("update")),
    ("get", f"{V1}/projects/{{id}}/"): Row(200, 404, one("project")),
    ("post", f"{V1}/projects/"): Row(
        201,
        404,
        body=lambda w: {
            "pairing_id": w.pairing.pk,
            "code": "M-1",
            "name": "矩阵项目",
            "sector": "industry",
            "mode": "direct_aid",
        },
    ),
    ("patch", f"{V1}/projects/{{id}}/"): Row(
        200, 404, one("project"), body=lambda w: {"progress": 50}
    ),
    ("get", f"{V1}/fund-flows/"): LIST,
    ("get", f"{V1}/fund-flows/{{id}}/"): Row(200, 404, nth("flows", 0)),
    ("post", f"{V1}/fund-flows/"): Row(
        201,
        404,
        body=lambda w: {
            "pairing_id": w.pairing.pk,
            "kind": "transfer",
            "fund_year": 2022,
            "date": "2022-05-01",
            "amount": "100.00",
            "source": "fiscal",
        },
    ),
    ("post", f"{V1}/fund-flows/{{id}}/reverse/"): Row(
        201, 404, nth("flows", 0), body=lambda w: {"reason": "录入错误"}
    ),
    ("post", f"{V1}/fund-flows/{{id}}/confirm/"): Row(200, 404, nth("flows", 1), body=lambda w: {}),
    ("post", f"{V1}/fund-flows/{{id}}/dispute/"): Row(
        200, 404, nth("flows", 2), body=lambda w: {"note": "金额不符"}
    ),
    ("post", f"{V1}/fund-flows/{{id}}/reopen-confirmation/"): Row(
        200, 404, nth("flows", 2), body=lambda w: {"reason": "重新核对"}
    ),
    ("get", f"{V1}/persons/"): LIST,
    ("get", f"{V1}/persons/{{id}}/"): Row(200, 404, one("person")),
    ("post", f"{V1}/persons/"): Row(
        201,
        403,
        body=lambda w: {"number": "M-0001", "name": "李四", "gender": "male", "category": "cadre"},
    ),
    ("patch", f"{V1}/persons/{{id}}/"): Row(
        200, 404, one("person"), body=lambda w: {"ethnicity": "彝族"}
    ),
    ("get", f"{V1}/postings/"): LIST,
    ("get", f"{V1}/postings/{{id}}/"): Row(200, 404, nth("postings", 0)),
    ("post", f"{V1}/postings/"): Row(
        201,
        404,
        body=lambda w: {
            "person_id": w.person.pk,
            "pairing_id": w.pairing.pk,
            "start_date": "2022-03-01",
        },
    ),
    ("patch", f"{V1}/postings/{{id}}/"): Row(
        200, 404, nth("postings", 0), body=lambda w: {"post": "副县长"}
    ),
    ("post", f"{V1}/postings/{{id}}/confirm/"): Row(
        200, 404, nth("postings", 1), body=lambda w: {}
    ),
    ("post", f"{V1}/postings/{{id}}/dispute/"): Row(
        200, 404, nth("postings", 2), body=lambda w: {"note": "未到岗"}
    ),
    ("post", f"{V1}/postings/{{id}}/reopen-confirmation/"): Row(
        200, 404, nth("postings", 2), body=lambda w: {"reason": "重新核对"}
    ),
    ("get", f"{V1}/teams/"): LIST,
    ("get", f"{V1}/teams/{{id}}/"): Row(200, 404, one("team")),
    ("post", f"{V1}/teams/"): Row(
        201,
        404,
        body=lambda w: {
            "pairing_id": w.pairing.pk,
            "name": "组团式教师团队",
            "from_organisation_ids": [w.organisation.pk],
        },
    ),
    ("patch", f"{V1}/teams/{{id}}/"): Row(200, 404, one("team"), body=lambda w: {"note": "三年"}),
    ("get", f"{V1}/agreements/"): LIST,
    ("get", f"{V1}/agreements/{{id}}/"): Row(200, 404, one("agreement")),
    ("post", f"{V1}/agreements/"): Row(
        201,
        404,
        body=lambda w: {
            "pairing_id": w.pairing.pk,
            "title": "人才协议",
            "kind": "talent",
            "parties": [{"organisation_id": w.organisation.pk, "role": "party_a"}],
            "obligations": [{"deliverable": "选派教师"}],
        },
    ),
    ("patch", f"{V1}/agreements/{{id}}/"): Row(
        200, 404, one("agreement"), body=lambda w: {"signed_place": "盐源县"}
    ),
    ("post", f"{V1}/agreements/{{id}}/obligations/"): Row(
        201, 404, one("agreement"), body=lambda w: {"deliverable": "培训"}
    ),
    ("patch", f"{V1}/agreements/{{id}}/obligations/{{obligation_id}}/"): Row(
        200,
        404,
        lambda w: {"id": w.agreement.pk, "obligation_id": w.obligation.pk},
        body=lambda w: {"status": "done"},
    ),
    ("get", f"{V1}/events/"): LIST,
    ("get", f"{V1}/events/{{id}}/"): Row(200, 404, one("event")),
    ("post", f"{V1}/events/"): Row(
        201,
        404,
        body=lambda w: {
            "pairing_id": w.pairing.pk,
            "kind": "forum",
            "title": "座谈会",
            "start_date": "2022-12-02",
            "participants": [{"name": "王五", "title": "县长"}],
        },
    ),
    ("patch", f"{V1}/events/{{id}}/"): Row(
        200, 404, one("event"), body=lambda w: {"summary": "座谈"}
    ),
    ("get", f"{V1}/tasks/"): LIST,
    ("get", f"{V1}/tasks/{{id}}/"): Row(200, 404, one("task")),
    ("post", f"{V1}/tasks/"): Row(
        201, 404, body=lambda w: {"pairing_id": w.pairing.pk, "title": "落实协议"}
    ),
    ("patch", f"{V1}/tasks/{{id}}/"): Row(200, 404, one("task"), body=lambda w: {"status": "done"}),
    ("get", f"{V1}/targets/"): LIST,
    ("get", f"{V1}/targets/{{id}}/"): Row(200, 404, one("target")),
    ("post", f"{V1}/targets/"): Row(
        201,
        404,
        body=lambda w: {
            "pairing_id": w.pairing.pk,
            "year": 2023,
            "indicator": "projects_started",
            "value": "12.00",
        },
    ),
    ("patch", f"{V1}/targets/{{id}}/"): Row(
        200, 404, one("target"), body=lambda w: {"value": "2000000.00"}
    ),
    ("get", f"{V1}/figures/"): Row(200, 404, query=lambda w: {"pairing": w.pairing.pk}),
    ("get", f"{V1}/audit-entries/"): Row(200, 403),
    ("get", f"{V1}/audit-entries/{{id}}/"): Row(200, 403, one("audit_entry")),
}


# The types with pages and an API: four routes each, made from the type's fields.
GENERIC = [rt.pages.slug for rt in record_types.with_pages() if rt.pages and rt.api]


def generic_rows(slug: str) -> dict[tuple[str, str], Row]:
    declared = generic.record_type(slug)
    assert declared.api is not None
    path = f"{V1}{declared.api.path}"
    text = generic.text_field(slug)

    def record(w: World) -> dict[str, Any]:
        return {"id": w.generic[slug].pk}

    return {
        ("get", path): LIST,
        ("get", f"{path}{{id}}/"): Row(200, 404, record),
        ("post", path): Row(
            201, 404, body=lambda w: generic.body(slug, generic.values(slug, w.pairing))
        ),
        ("patch", f"{path}{{id}}/"): Row(200, 404, record, body=lambda w: {text: "矩阵修改"}),
    }


for _slug in GENERIC:
    ROUTES.update(generic_rows(_slug))


def served_routes() -> set[tuple[str, str]]:
    document = ninja_api.get_openapi_schema()
    return {(method, path) for path, methods in document["paths"].items() for method in methods}


def call(client: Api, route: tuple[str, str], row: Row, world: World) -> Any:
    method, template = route
    path = template.format(**row.path(world))
    if method == "get":
        return client.client.get(path, row.query(world), headers=client.headers)
    body = row.body(world) if row.body else {}
    return client.patch(path, body) if method == "patch" else client.post(path, body)


def run_column(client: Api, world: World, expected: Callable[[Row], int]) -> list[str]:
    """Every route once; the mismatches, as lines of a table."""
    wrong = []
    for route, row in ROUTES.items():
        response = call(client, route, row, world)
        if response.status_code != expected(row):
            detail = response.content[:200].decode(errors="replace")
            wrong.append(
                f"{route[0].upper()} {route[1]}: {response.status_code} ≠ {expected(row)} {detail}"
            )
    return wrong


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The records, made once for the module; what each test's calls write is undone after
    it."""
    yield from for_the_module(django_db_blocker, lambda: World(Builder()))


@pytest.fixture
def world(db, module_world):
    return module_world


def test_it_has_a_row_for_every_route():
    served = served_routes()
    missing = sorted(served - set(ROUTES))
    stale = sorted(set(ROUTES) - served)
    assert not missing, f"routes without a row in the authorization matrix: {missing}"
    assert not stale, f"rows for routes that are not served: {stale}"


def test_it_refuses_anonymous_callers(world):
    assert run_column(Api(), world, lambda row: 401) == []
    assert run_column(Api("pat_not-a-real-token"), world, lambda row: 401) == []


def test_it_lets_a_read_only_token_read_and_nothing_else(world, admin_user):
    client = Api(token_for(admin_user, "read"))
    assert run_column(client, world, lambda row: 403 if row.writes else 200) == []


def test_it_lets_a_read_write_token_read_and_write(world, admin_user):
    client = Api(token_for(admin_user, "write"))
    assert run_column(client, world, lambda row: row.ok) == []


def test_it_answers_a_user_with_no_role_as_if_nothing_existed(world, db):
    nobody = get_user_model().objects.create_user("nobody", password="pass-nobody")
    client = Api(token_for(nobody, "write"))
    assert run_column(client, world, lambda row: row.outsider) == []
    lists = [path for (method, path), row in ROUTES.items() if row is LIST]
    for path in lists:
        assert client.client.get(path, headers=client.headers).json()["count"] == 0, path


def test_it_refuses_a_revoked_token(world, admin_user):
    secret = token_for(admin_user, "write")
    token = admin_user.api_tokens.get()
    api_services.revoke_token(token, acting_user=admin_user, via="test")
    assert run_column(Api(secret), world, lambda row: 401) == []


def test_it_refuses_the_token_of_a_deactivated_user(world, db):
    user = get_user_model().objects.create_user("leaver", password="pass-leaver")
    secret = token_for(user, "write")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert run_column(Api(secret), world, lambda row: 401) == []


def test_it_keeps_organisations_and_regions_visible_to_roles_only(world, personas):
    organisations = Api.as_user(personas.viewer, "read").get("/organisations/").json()
    assert organisations["count"] == Organisation.objects.count()

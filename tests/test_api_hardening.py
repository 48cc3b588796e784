"""The API refuses what it used to read by luck: true as an id, a number as a date, a code
of spaces, text that reorders itself, bodies that are not JSON — with documented answers."""

from __future__ import annotations

import json

import pytest
from test_api_projects import new_project
from test_api_support import Api, demo_pairing

from pairaid.ledger.models import Project

BIDI_OVERRIDE = "\u202e"


@pytest.fixture
def api(personas):
    return Api.as_user(personas.jiangyang)


@pytest.fixture
def pairing(db):
    return demo_pairing("江阳区")


def refused(response, field: str) -> list[str]:
    assert response.status_code == 422, response.content
    return response.json()["errors"][field]


def test_it_refuses_a_boolean_as_an_id(api, pairing):
    response = api.post("/projects/", new_project(pairing, pairing_id=True))

    assert refused(response, "pairing_id")
    assert not Project.objects.filter(code=new_project(pairing)["code"]).exists()


def test_it_refuses_a_boolean_as_a_count(api, pairing):
    response = api.post("/projects/", new_project(pairing, progress=True))

    assert refused(response, "progress")


@pytest.mark.parametrize("value", [0, 1670000000, "0", "20221201", 2022.5])
def test_it_refuses_a_date_that_is_not_written_as_one(api, pairing, value):
    response = api.post("/projects/", new_project(pairing, start_date=value))

    assert refused(response, "start_date") == ["应为日期（YYYY-MM-DD）"]


def test_it_refuses_a_number_as_the_as_of_date_of_figures(api, pairing):
    response = api.get("/figures/", pairing=pairing.pk, as_of="0")

    assert refused(response, "as_of")
    assert api.get("/figures/", pairing=pairing.pk, as_of="2022-12-04").status_code == 200


@pytest.mark.parametrize("code", ["   ", "\t\n", "\u3000"])
def test_it_refuses_a_code_of_spaces(api, pairing, code):
    response = api.post("/projects/", new_project(pairing, code=code))

    assert refused(response, "code") == ["不能只有空白"]


def test_it_refuses_characters_that_reorder_text(api, pairing):
    response = api.post("/projects/", new_project(pairing, name=f"乌鸡项目{BIDI_OVERRIDE}gpj.exe"))

    assert refused(response, "name") == ["不能包含改变文字方向的控制字符"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_it_refuses_a_body_that_is_not_sent_as_json(api, pairing, content_type):
    response = api.client.post(
        "/api/v1/projects/",
        json.dumps(new_project(pairing)),
        content_type=content_type,
        headers=api.headers,
    )

    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    assert not Project.objects.filter(code=new_project(pairing)["code"]).exists()


def test_it_answers_malformed_json_with_a_documented_400(api):
    response = api.client.post(
        "/api/v1/projects/", '{"code": ', content_type="application/json", headers=api.headers
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "请求体不是有效的 JSON"}


def test_it_documents_400_and_415_for_every_operation_with_a_body(db):
    schema = Api().get("/openapi.json").json()

    operations = [
        operation
        for path in schema["paths"].values()
        for operation in path.values()
        if "requestBody" in operation
    ]
    assert operations
    for operation in operations:
        for status in ("400", "415"):
            answer = operation["responses"][status]
            assert answer["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorOut"
            }
    assert "ErrorOut" in schema["components"]["schemas"]


def test_it_still_takes_a_well_formed_request(api, pairing):
    response = api.post("/projects/", new_project(pairing, start_date="2022-12-01"))

    assert response.status_code == 201, response.content

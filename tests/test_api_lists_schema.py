"""Every list of the API, read from its OpenAPI document: pages by offset and by cursor give
the same records, in record-number order, with a count that holds; every bound of `limit`,
`offset` and `after` is refused in Chinese and named; each listed record reads back by its
id; every choice filter refuses a value its list does not offer, and its values split the
list without overlap or loss; a number filter refuses text; a record that does not exist
is a 404 and a malformed id is refused, on every detail route — never a server error.

The routes come from the pinned document (`tests/openapi_v1.sqlite.json`, which
`tests/test_api_openapi_document.py` holds equal to the served one), so a new list is
covered the day it is served. The records are one fresh pairing's of every kind
(`test_api_matrix.World`), read with an administrator's read-only token."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from builders import Builder
from shared_records import for_the_module
from test_api_matrix import World
from test_api_support import Api, token_for

DOCUMENT = json.loads(
    (Path(__file__).parent / "openapi_v1.sqlite.json").read_text(encoding="utf-8")
)
PAGE = {"limit", "offset", "after"}


def query_parameters(path: str) -> dict[str, dict[str, Any]]:
    operation = DOCUMENT["paths"][path]["get"]
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}


def schema_of(parameter: dict[str, Any]) -> dict[str, Any]:
    """The parameter's schema, a reference to a component or an "or null" followed."""
    schema = parameter["schema"]
    if "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for option in schema.get("anyOf", ()):
        if option.get("type") != "null":
            return schema_of({"schema": option})
    return schema


LISTS = sorted(
    path
    for path, methods in DOCUMENT["paths"].items()
    if "get" in methods and set(query_parameters(path)) >= PAGE
)
DETAILS = sorted(
    path for path, methods in DOCUMENT["paths"].items() if "get" in methods and "{id}" in path
)
CHOICE_FILTERS = [
    (path, name, schema_of(parameter)["enum"])
    for path in LISTS
    for name, parameter in query_parameters(path).items()
    if "enum" in schema_of(parameter)
]
NUMBER_FILTERS = [
    (path, name)
    for path in LISTS
    for name, parameter in query_parameters(path).items()
    if name not in PAGE and schema_of(parameter).get("type") == "integer"
]


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The records, made once for the module: its tests only read them."""
    yield from for_the_module(django_db_blocker, lambda: World(Builder()))


@pytest.fixture
def world(db, module_world):
    return module_world


@pytest.fixture
def api(admin_user):
    return Api(token_for(admin_user, "read"))


def scoped(path: str, world: World) -> dict[str, Any]:
    """The fresh pairing's records where the list filters by pairing; the whole list
    otherwise (pairings, regions, organisations)."""
    return {"pairing": world.pairing.pk} if "pairing" in query_parameters(path) else {}


def everything(api: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    items, after = [], 0
    while after is not None:
        page = api.get(path, limit=500, after=after, **params)
        assert page.status_code == 200, (path, page.content[:300])
        items += page.json()["items"]
        after = page.json()["next_after"]
    return items


def test_it_finds_the_lists_and_details_in_the_document():
    assert "/api/v1/projects/" in LISTS and "/api/v1/fund-flows/" in LISTS
    assert len(DETAILS) >= len(LISTS) - 1  # every record list but the audit's own has a detail
    assert CHOICE_FILTERS and NUMBER_FILTERS


@pytest.mark.parametrize("path", LISTS)
def test_it_pages_every_list_and_reads_its_records_back(path, world, api):
    params = scoped(path, world)
    ids = [item["id"] for item in everything(api, path, **params)]
    assert ids == sorted(ids) and len(ids) == len(set(ids)), path
    first = api.get(path, **params).json()
    assert first["count"] == len(ids) and first["limit"] == 100 and first["offset"] == 0
    size = max(1, math.ceil(len(ids) / 6))

    by_offset, offset = [], 0
    while True:
        page = api.get(path, limit=size, offset=offset, **params).json()
        assert page["count"] == len(ids)
        assert len(page["items"]) <= size
        by_offset += [item["id"] for item in page["items"]]
        offset += size
        if page["next_after"] is None:
            break
        assert page["next_after"] == by_offset[-1]

    by_cursor, after = [], 0
    while after is not None:
        page = api.get(path, limit=size, after=after, **params).json()
        assert page["count"] == len([i for i in ids if i > after])
        by_cursor += [item["id"] for item in page["items"]]
        after = page["next_after"]

    assert by_offset == by_cursor == ids
    past = api.get(path, limit=size, offset=len(ids), **params).json()
    assert past["items"] == [] and past["next_after"] is None and past["count"] == len(ids)

    # the records the test made are listed (a list filtering them all away would page
    # nothing), each read back by its id where the list has a detail route
    items = everything(api, path, **params)
    if params and not path.endswith("/audit-entries/"):
        assert items, f"{path} lists none of the fresh pairing's records"
        assert all(item.get("pairing_id", world.pairing.pk) == world.pairing.pk for item in items)
    if f"{path}{{id}}/" in DETAILS:
        for item in items[:3]:
            response = api.get(f"{path}{item['id']}/")
            assert response.status_code == 200, (path, item["id"])
            assert response.json()["id"] == item["id"]


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("limit", 0, "不能小于 1"),
        ("limit", 501, "不能大于 500"),
        ("limit", -1, "不能小于 1"),
        ("limit", "十", None),
        ("limit", "1.5", None),
        ("offset", -1, "不能小于 0"),
        ("offset", "前面", None),
        ("after", -1, "不能小于 0"),
        ("after", "末尾", None),
    ],
)
def test_it_refuses_every_page_bound_naming_the_parameter(name, value, words, db, api):
    for path in LISTS:
        response = api.get(path, **{name: value})

        assert response.status_code == 422, (path, response.status_code)
        errors = response.json()["errors"]
        assert list(errors) == [name], (path, errors)
        message = errors[name][0]
        assert message and not message.isascii(), (path, message)  # said in Chinese
        if words:
            assert message == words, (path, message)


@pytest.mark.parametrize(
    ("path", "name", "values"), CHOICE_FILTERS, ids=[f"{p}:{n}" for p, n, _v in CHOICE_FILTERS]
)
def test_it_refuses_a_choice_its_filter_does_not_offer(path, name, values, db, api):
    response = api.get(path, **{name: "不存在的选项"})

    assert response.status_code == 422, response.content[:300]
    assert list(response.json()["errors"]) == [name]


@pytest.mark.parametrize(
    ("path", "name", "values"), CHOICE_FILTERS, ids=[f"{p}:{n}" for p, n, _v in CHOICE_FILTERS]
)
def test_it_splits_a_list_by_each_choice_without_overlap_or_loss(path, name, values, world, api):
    params = scoped(path, world)
    listed = {item["id"]: item for item in everything(api, path, **params)}
    seen: dict[int, Any] = {}
    for value in values:
        for item in everything(api, path, **params, **{name: value}):
            assert item["id"] in listed, (path, name, value, item["id"])
            assert item["id"] not in seen, (path, name, item["id"], seen.get(item["id"]), value)
            seen[item["id"]] = value
            if name in item and not isinstance(item[name], dict | list):
                assert item[name] == value, (path, name, item)
    choices_of_every_record = all(listed[i].get(name) is not None for i in listed)
    if name in next(iter(listed.values()), {}) and choices_of_every_record:
        assert set(seen) == set(listed), (path, name)


@pytest.mark.parametrize(
    ("path", "name"), NUMBER_FILTERS, ids=[f"{p}:{n}" for p, n in NUMBER_FILTERS]
)
def test_it_refuses_text_in_a_number_filter(path, name, db, api):
    response = api.get(path, **{name: "二〇二二"})

    assert response.status_code == 422, response.content[:300]
    assert list(response.json()["errors"]) == [name]


@pytest.mark.parametrize("path", DETAILS)
def test_it_answers_a_record_that_does_not_exist_with_404(path, db, api):
    response = api.get(path.replace("{id}", str(2**31 - 1)))

    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("path", DETAILS)
def test_it_refuses_an_id_that_is_not_a_number(path, db, api):
    response = api.get(path.replace("{id}", "abc"))

    assert response.status_code in (404, 422), response.status_code
    assert response["Content-Type"].startswith("application/json")

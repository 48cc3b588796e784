"""/api/v1/<type>/: the resource of every record type declared with pages and an `api`, made
from its fields — create, read, list, update with a version, refusals in Chinese, scope."""

from __future__ import annotations

import dataclasses

import declared_records as records
import pytest
from django.db import models
from test_api_support import Api, api_entries, demo_pairing

from pairaid.api.endpoints import generic
from pairaid.ledger import record_types
from pairaid.ledger.moneyfield import MoneyField

SLUGS = [rt.pages.slug for rt in record_types.with_pages() if rt.pages and rt.api]


def path_of(slug: str) -> str:
    api = records.record_type(slug).api
    assert api is not None
    return api.path


def made(slug: str, helper: str = "江阳区"):
    return records.make(slug, demo_pairing(helper))


def test_it_serves_every_type_with_pages_and_an_api(client):
    document = client.get("/api/v1/openapi.json").json()
    operations = {
        operation["operationId"]
        for methods in document["paths"].values()
        for operation in methods.values()
    }
    assert SLUGS, "no type with pages declares an API resource"
    for rt in record_types.with_pages():
        if rt.api is None:
            continue
        name = rt.api.name
        assert {f"list_{name}s", f"get_{name}", f"create_{name}", f"update_{name}"} <= operations


@pytest.mark.parametrize("slug", SLUGS)
def test_it_creates_a_record_and_audits_it(slug, personas, build):
    rt = records.record_type(slug)
    values = records.values(slug, demo_pairing("江阳区"))
    response = Api.as_user(personas.jiangyang).post(path_of(slug), records.body(slug, values))

    assert response.status_code == 201, response.content
    answer = response.json()
    record = rt.model.objects.get(pk=answer["id"])
    for name, value in values.items():
        assert getattr(record, name) == value, name
    assert answer == records.body(slug, values) | {
        key: answer[key] for key in answer if key not in records.body(slug, values)
    }
    assert api_entries(rt.model._meta.model_name, record.pk).count() == 1


@pytest.mark.parametrize("slug", SLUGS)
def test_it_reads_and_lists_records_in_scope(slug, personas, build):
    mine = made(slug)
    theirs = made(slug, helper="龙马潭区")
    client = Api.as_user(personas.jiangyang, "read")

    read = client.get(f"{path_of(slug)}{mine.pk}/")
    listed = client.get(path_of(slug), pairing=mine.pairing_id, limit=500).json()

    assert read.status_code == 200
    assert read.json()["id"] == mine.pk and read.json()["pairing_id"] == mine.pairing_id
    for model_field in records.model_fields(slug):
        if isinstance(model_field, MoneyField):
            assert read.json()[model_field.name] == f"{getattr(mine, model_field.name):.2f}"
    ids = {item["id"] for item in listed["items"]}
    assert mine.pk in ids and theirs.pk not in ids
    everything = client.get(path_of(slug), limit=500).json()
    assert theirs.pk not in {item["id"] for item in everything["items"]}
    assert client.get(f"{path_of(slug)}{theirs.pk}/").status_code == 404


@pytest.mark.parametrize("slug", SLUGS)
def test_it_changes_a_record_with_its_version(slug, personas, build):
    rt = records.record_type(slug)
    record = made(slug)
    client = Api.as_user(personas.jiangyang)
    text = records.text_field(slug)
    url = f"{path_of(slug)}{record.pk}/"
    etag = client.get(url).headers.get("ETag")

    changed = client.patch(url, {text: "经接口修改"}, headers={"If-Match": etag} if etag else None)

    assert changed.status_code == 200, changed.content
    assert changed.json()[text] == "经接口修改"
    record.refresh_from_db()
    assert getattr(record, text) == "经接口修改"
    entry = api_entries(rt.model._meta.model_name, record.pk).last()
    assert list(entry.changes) == [text]
    if etag is not None:
        # A versioned record: an edit made on the version before is refused, not applied.
        stale = client.patch(url, {text: "过期的修改"}, headers={"If-Match": etag})
        assert stale.status_code == 412
        record.refresh_from_db()
        assert getattr(record, text) == "经接口修改"


def bad_value(model_field: models.Field) -> object:
    """A value of the wrong shape for the field."""
    if isinstance(model_field, MoneyField):
        return 1000.5  # money is a string of yuan, never a float
    if isinstance(model_field, models.DateField):
        return "2023/6/1"
    if model_field.choices:
        return "没有这个选项"
    if isinstance(model_field, models.BooleanField):
        return "也许"
    if isinstance(model_field, models.IntegerField | models.DecimalField):
        return "许多"
    return 12345  # text given as a number


@pytest.mark.parametrize("slug", SLUGS)
def test_it_refuses_each_field_given_in_a_bad_shape_in_chinese(slug, personas, build):
    rt = records.record_type(slug)
    values = records.values(slug, demo_pairing("江阳区"))
    client = Api.as_user(personas.jiangyang)
    before = rt.model.objects.count()
    for model_field in records.model_fields(slug):
        if model_field.is_relation:
            continue
        body = records.body(slug, values) | {model_field.name: bad_value(model_field)}

        response = client.post(path_of(slug), body)

        assert response.status_code == 422, model_field.name
        messages = response.json()["errors"][model_field.name]
        assert messages and all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in messages)
    assert rt.model.objects.count() == before


@pytest.mark.parametrize("slug", SLUGS)
def test_it_refuses_a_reference_outside_the_records_pairing(slug, personas, build):
    references = [
        f
        for f in records.model_fields(slug)
        if isinstance(f, models.ForeignKey) and f.name != "pairing"
    ]
    pairing = demo_pairing("江阳区")
    body = records.body(slug, records.values(slug, pairing))
    client = Api.as_user(personas.jiangyang)
    other = build.pairing("接口他区", "接口他县")
    for model_field in references:
        elsewhere = records.values(slug, other)[model_field.name]
        if elsewhere.__class__.__name__ in {"Region", "Organisation"}:
            continue  # the shared vocabulary: any region or unit may be named
        response = client.post(path_of(slug), body | {f"{model_field.name}_id": elsewhere.pk})
        assert response.status_code == 422
        assert f"{model_field.name}_id" in response.json()["errors"]
    outside = client.post(path_of(slug), body | {"pairing_id": other.pk})
    assert outside.status_code == 404


@pytest.mark.parametrize("slug", SLUGS)
def test_it_hides_records_from_an_outsider(slug, personas, build):
    record = made(slug)
    client = Api.as_user(personas.outsider)
    url = f"{path_of(slug)}{record.pk}/"

    assert client.get(url).status_code == 404
    assert client.patch(url, {records.text_field(slug): "外人的修改"}).status_code == 404
    assert client.get(path_of(slug)).json()["count"] == 0


@pytest.mark.parametrize("slug", SLUGS)
def test_it_lets_a_viewer_read_but_not_write(slug, personas, build):
    record = made(slug)
    client = Api.as_user(personas.viewer)
    url = f"{path_of(slug)}{record.pk}/"
    body = records.body(slug, records.values(slug, demo_pairing("江阳区")))

    assert client.get(url).status_code == 200
    assert client.post(path_of(slug), body).status_code == 403
    assert client.patch(url, {records.text_field(slug): "查阅者的修改"}).status_code == 403


@pytest.mark.parametrize("slug", SLUGS)
def test_it_creates_once_for_a_retried_request(slug, personas, build):
    rt = records.record_type(slug)
    body = records.body(slug, records.values(slug, demo_pairing("江阳区")))
    client = Api.as_user(personas.jiangyang)
    before = rt.model.objects.count()

    first = client.post(path_of(slug), body, headers={"Idempotency-Key": f"generic-{slug}"})
    again = client.post(path_of(slug), body, headers={"Idempotency-Key": f"generic-{slug}"})

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert rt.model.objects.count() == before + 1


@pytest.mark.parametrize("slug", SLUGS)
def test_it_filters_the_list_by_year_and_text(slug, personas, build):
    rt = records.record_type(slug)
    record = made(slug)
    client = Api.as_user(personas.jiangyang, "read")
    listing = rt.listing
    assert listing is not None
    if listing.year_field:
        year = getattr(record, listing.year_field)
        year = getattr(year, "year", year)
        found = client.get(path_of(slug), year=year, limit=500).json()
        assert record.pk in {item["id"] for item in found["items"]}
        later = client.get(path_of(slug), year=year + 1, limit=500).json()
        assert record.pk not in {item["id"] for item in later["items"]}
    if listing.search:
        words = str(records.lookup(record, listing.search[0]))
        found = client.get(path_of(slug), q=words, limit=500).json()
        assert record.pk in {item["id"] for item in found["items"]}
        assert client.get(path_of(slug), q="没有这样的文字", limit=500).json()["count"] == 0


def test_it_describes_a_search_through_a_relation(client):
    """A list may search a field of the record it refers to ("pairing__name")."""
    rt = records.record_type(SLUGS[0])
    assert rt.listing is not None
    listing = dataclasses.replace(rt.listing, search=("pairing__name",))

    filters = generic.filters_for(dataclasses.replace(rt, listing=listing))

    assert filters.model_fields["q"].description == "结对关系的名称包含此文字"

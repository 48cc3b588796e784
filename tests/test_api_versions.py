"""Versions of the records the API changes (ETag and If-Match), resource by resource: every
read and write says the version, a write on the version read applies and moves it on by one,
a write on an older (or unknown, or unreadable) version is refused with 412, the fields
changed since and the current version, and leaves no audit entry; `*`, a weak tag and a list
of tags are read as HTTP says; a write without If-Match still applies (last write wins)."""

from __future__ import annotations

import pytest
from test_api_support import Api, api_entries

from pairaid.ledger.models import (
    Agreement,
    Event,
    Obligation,
    Person,
    Posting,
    Project,
    Target,
    Task,
    Team,
)

# resource: (model, path of one record, the field changed and two values for it)
RESOURCES = {
    "projects": (Project, "/projects/{pk}/", "name", "甲名称", "乙名称"),
    "postings": (Posting, "/postings/{pk}/", "post", "副县长", "县委常委"),
    "tasks": (Task, "/tasks/{pk}/", "title", "甲事项", "乙事项"),
    "agreements": (Agreement, "/agreements/{pk}/", "title", "甲协议", "乙协议"),
    "events": (Event, "/events/{pk}/", "title", "甲活动", "乙活动"),
    "targets": (Target, "/targets/{pk}/", "value", "1000.00", "2000.50"),
    "teams": (Team, "/teams/{pk}/", "name", "甲团队", "乙团队"),
    "persons": (Person, "/persons/{pk}/", "name", "甲某", "乙某"),
    "obligations": (
        Obligation,
        "/agreements/{agreement}/obligations/{pk}/",
        "deliverable",
        "甲履约",
        "乙履约",
    ),
}


def one(model):
    """A demo record of the type (in 江阳区→盐源县 where it has a pairing of its own)."""
    records = model.objects.order_by("pk")
    if model is Obligation:
        return records.filter(agreement__pairing__helper_region__name="江阳区").first()
    if model is Person:
        return records.filter(postings__pairing__helper_region__name="江阳区").first()
    if model in (Team, Target, Event):  # the demo's are the city's (泸州市→凉山州)
        return records.first()
    return records.filter(pairing__helper_region__name="江阳区").first()


def url_of(resource: str, record) -> str:
    path = RESOURCES[resource][1]
    return path.format(pk=record.pk, agreement=getattr(record, "agreement_id", None))


def read_etag(client: Api, resource: str, record) -> str:
    if resource == "obligations":  # read through its agreement
        response = client.get(f"/agreements/{record.agreement_id}/")
        assert response.status_code == 200
        record.refresh_from_db()
        return f'"{record.version}"'
    response = client.get(url_of(resource, record))
    assert response.status_code == 200
    return response["ETag"]


def stored(model, record, field: str) -> str:
    return str(getattr(model.objects.get(pk=record.pk), field))


@pytest.fixture
def admin_api(personas):
    return Api.as_user(personas.admin)


@pytest.mark.parametrize("resource", RESOURCES)
def test_it_moves_the_version_on_by_one_for_a_write_on_the_version_read(admin_api, resource):
    model, _path, field, first, _second = RESOURCES[resource]
    record = one(model)
    tag = read_etag(admin_api, resource, record)

    response = admin_api.patch(url_of(resource, record), {field: first}, {"If-Match": tag})

    assert response.status_code == 200, response.json()
    version = model.objects.get(pk=record.pk).version
    assert tag == f'"{version - 1}"'
    assert response["ETag"] == f'"{version}"'
    assert stored(model, record, field) == first


@pytest.mark.parametrize("resource", RESOURCES)
def test_it_refuses_a_write_on_an_older_version_with_what_changed(admin_api, resource):
    model, _path, field, first, second = RESOURCES[resource]
    record = one(model)
    tag = read_etag(admin_api, resource, record)
    admin_api.patch(url_of(resource, record), {field: first}, {"If-Match": tag})  # someone else
    entries = api_entries(model._meta.model_name, record.pk).count()

    late = admin_api.patch(url_of(resource, record), {field: second}, {"If-Match": tag})

    current = model.objects.get(pk=record.pk).version
    assert late.status_code == 412, late.json()
    body = late.json()
    assert body["version"] == current and late["ETag"] == f'"{current}"'
    assert str(body["changed"][field]) == first or first in str(body["changed"][field])
    assert "其他用户已修改" in body["detail"]
    assert stored(model, record, field) == first
    assert api_entries(model._meta.model_name, record.pk).count() == entries


@pytest.mark.parametrize("resource", ["projects", "tasks", "persons", "obligations"])
def test_it_lets_a_write_without_if_match_overwrite(admin_api, resource):
    model, _path, field, first, second = RESOURCES[resource]
    record = one(model)
    admin_api.patch(url_of(resource, record), {field: first})

    response = admin_api.patch(url_of(resource, record), {field: second})

    assert response.status_code == 200
    assert stored(model, record, field) == second


@pytest.mark.parametrize(
    ("header", "applies"),
    [
        ("*", True),
        ("W/{current}", True),
        ('"99999", {current}', True),
        ('"1", "2"', False),  # neither the current version (demo records were changed since)
        ('"99999"', False),
        ("abc", False),
        ('""', False),
    ],
)
def test_it_reads_if_match_as_http_says(admin_api, header, applies):
    record = one(Project)
    for name in ("先改一次", "再改一次", "三改"):  # to a version past "1" and "2"
        admin_api.patch(f"/projects/{record.pk}/", {"name": name})
    current = read_etag(admin_api, "projects", record)
    assert current not in ('"1"', '"2"')

    response = admin_api.patch(
        f"/projects/{record.pk}/",
        {"name": "按条件修改"},
        {"If-Match": header.format(current=current)},
    )

    assert (response.status_code == 200) is applies, (header, response.json())
    assert (stored(Project, record, "name") == "按条件修改") is applies
    if not applies:
        assert response.status_code == 412 and response["ETag"] == current


def test_it_makes_no_version_for_a_write_that_changes_nothing(admin_api):
    record = one(Task)
    tag = read_etag(admin_api, "tasks", record)

    response = admin_api.patch(f"/tasks/{record.pk}/", {"title": record.title}, {"If-Match": tag})

    assert response.status_code == 200
    assert response["ETag"] == tag
    assert Task.objects.get(pk=record.pk).version == record.version


def test_it_keeps_the_first_of_two_writes_made_on_the_same_version(personas):
    """Two callers, one record: the second, who read the first version, is told (412), and
    the first caller's change stands; the record's history names both writes it kept."""
    record = one(Posting)
    first, second = Api.as_user(personas.jiangyang), Api.as_user(personas.admin)
    tag = read_etag(first, "postings", record)
    assert read_etag(second, "postings", record) == tag

    kept = first.patch(f"/postings/{record.pk}/", {"post": "副校长"}, {"If-Match": tag})
    lost = second.patch(f"/postings/{record.pk}/", {"post": "校长"}, {"If-Match": tag})

    assert (kept.status_code, lost.status_code) == (200, 412)
    assert lost.json()["changed"] == {"post": "副校长"}
    assert stored(Posting, record, "post") == "副校长"
    writers = [e.user for e in api_entries("posting", record.pk)]
    assert writers == [personas.jiangyang]

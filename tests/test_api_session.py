"""The logged-in session as a way into the API (for "Try it out" on the docs page): the
same scope as the pages, and Django's CSRF check on writes."""

from __future__ import annotations

import json

from django.test import Client
from test_api_support import demo_pairing

from pairaid.ledger.models import Task


def test_it_answers_a_logged_in_user_within_the_users_scope(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.jiangyang)
    body = client.get("/api/v1/pairings/").json()
    assert [item["name"] for item in body["items"]] == ["江阳区→盐源县"]


def test_it_needs_the_csrf_token_to_write_with_a_session(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.jiangyang)
    payload = json.dumps({"pairing_id": demo_pairing("江阳区").pk, "title": "会话登记"})

    refused = client.post("/api/v1/tasks/", payload, content_type="application/json")
    assert refused.status_code == 403
    assert "X-CSRFToken" in refused.json()["detail"]
    assert not Task.objects.filter(title="会话登记").exists()

    client.get("/api/v1/docs")  # the docs page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/tasks/", payload, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 201
    assert Task.objects.get(title="会话登记").pairing == demo_pairing("江阳区")


def test_it_answers_401_not_a_csrf_error_to_callers_without_a_session(personas):
    client = Client(enforce_csrf_checks=True)
    payload = json.dumps({"pairing_id": demo_pairing("江阳区").pk, "title": "无会话"})
    for headers in ({}, {"Authorization": "Bearer pat_revoked-or-mistyped"}):
        response = client.post(
            "/api/v1/tasks/", payload, content_type="application/json", headers=headers
        )
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="pairaid"'

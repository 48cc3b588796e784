"""`/healthz`: for load balancers, no login, never locked out."""

from __future__ import annotations

from unittest import mock

from django.db import DatabaseError
from django.test import override_settings


def test_it_answers_ok_without_a_login(db, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_it_answers_503_when_the_database_does_not(db, client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError):
        response = client.get("/healthz")

    assert response.status_code == 503


@override_settings(ALLOWED_HOSTS=["pairaid.example.org"], SECURE_SSL_REDIRECT=True)
def test_it_answers_a_probe_by_address_over_plain_http(db, client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")

    assert response.status_code == 200


def test_it_is_not_locked_out_by_failed_logins(client, admin_user):
    for _ in range(10):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})

    assert client.get("/healthz").status_code == 200
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405

"""Login hardening: argon2 hashes and a lockout after repeated failures."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from test_api_support import token_for

from pairaid.accounts.models import LoginFailure


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_it_hashes_passwords_with_argon2(db):
    user = get_user_model().objects.create_user("hashed", password="a-long-pass-phrase")
    assert user.password.startswith("argon2")


def test_it_locks_an_account_after_repeated_failures(client, admin_user):
    for _ in range(5):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})
    assert LoginFailure.objects.filter(username="admin").count() == 5

    response = client.post("/admin/login/", {"username": "admin", "password": "pass"})

    assert response.status_code == 200
    assert "账户已临时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_clears_failures_after_a_successful_login(client, admin_user):
    client.post("/admin/login/", {"username": "admin", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "admin", "password": "pass"})

    assert response.status_code == 302
    assert not LoginFailure.objects.filter(username="admin").exists()


def fail_logins(client, username: str, address: str, times: int = 5) -> None:
    for _ in range(times):
        client.post("/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def test_it_locks_only_the_address_that_failed(client, admin_user):
    fail_logins(client, "admin", "203.0.113.9")

    locked = client.post(
        "/login/", {"username": "admin", "password": "pass"}, REMOTE_ADDR="203.0.113.9"
    )
    elsewhere = client.post(
        "/login/", {"username": "admin", "password": "pass"}, REMOTE_ADDR="198.51.100.4"
    )

    assert locked.status_code == 200 and "账户已临时锁定" in locked.content.decode()
    assert elsewhere.status_code == 302
    assert LoginFailure.objects.filter(username="admin", address="203.0.113.9").count() == 5


def test_it_reads_the_client_address_behind_a_trusted_proxy(client, admin_user, settings):
    settings.PAIRAID_TRUSTED_PROXIES = 1
    for _ in range(5):
        client.post(
            "/login/",
            {"username": "admin", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.9",
        )

    response = client.post(
        "/login/",
        {"username": "admin", "password": "pass"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )

    assert response.status_code == 302
    assert set(LoginFailure.objects.values_list("address", flat=True)) == {"203.0.113.9"}


def test_it_stops_the_users_api_tokens_while_locked(client, personas):
    secret = token_for(personas.jiangyang)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR="203.0.113.9")
    assert api.get("/api/v1/pairings/").status_code == 200

    fail_logins(client, "jiangyang", "203.0.113.9")

    assert api.get("/api/v1/pairings/").status_code == 403
    elsewhere = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR="198.51.100.4")
    assert elsewhere.get("/api/v1/pairings/").status_code == 200

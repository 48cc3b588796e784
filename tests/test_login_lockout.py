"""Login hardening: argon2 hashes and a lockout after repeated failures."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import override_settings

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

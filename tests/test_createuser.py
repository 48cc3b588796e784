"""`pairaid createuser`: Django's password checks, in Chinese, with their own exit code."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command


def createuser(*args: str) -> str:
    out = io.StringIO()
    call_command("createuser", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("password", ["1", "12345678901", "password123", "office-clerk-01"])
def test_it_refuses_a_weak_password_in_chinese(db, password):
    with pytest.raises(CommandError) as refused:
        createuser("office-clerk", "--password", password)

    assert str(refused.value).startswith("密码不符合要求：")
    assert refused.value.returncode == 3
    assert not get_user_model().objects.filter(username="office-clerk").exists()


def test_it_creates_a_user_with_a_strong_password(db):
    out = createuser("office-clerk", "--password", "泸州-盐源-2022-台账")

    user = get_user_model().objects.get(username="office-clerk")
    assert user.check_password("泸州-盐源-2022-台账")
    assert "已创建用户" in out


def test_it_allows_the_demo_password_only_when_asked(db):
    createuser("demo", "--password", "demo", "--superuser", "--allow-weak-password")
    again = createuser("demo", "--password", "demo", "--superuser", "--exists-ok")

    assert get_user_model().objects.get(username="demo").check_password("demo")
    assert "已存在" in again


def test_it_checks_passwords_set_in_the_admin(admin_user, client):
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "clerk", "password1": "1", "password2": "1", "usable_password": "true"},
    )

    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="clerk").exists()
    assert "密码" in response.content.decode()

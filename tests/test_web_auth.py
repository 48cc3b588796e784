"""Logging in and out, every page behind the login, and the language switch."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import get_resolver, reverse

from pairaid.accounts.models import LoginFailure


def web_urls() -> list[str]:
    """Every page of the web app, with 1 for each id in its path."""
    urls = []
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) != "web":
            continue
        for page in pattern.url_patterns:
            if page.name in {"login", "logout", "favicon"}:  # the icon is asked before login
                continue
            args = [1] * len(page.pattern.converters)
            urls.append(reverse(f"web:{page.name}", args=args))
    return urls


def test_every_page_requires_login(client):
    urls = web_urls()

    assert len(urls) >= 35
    for url in urls:
        response = client.get(url)
        if response.status_code == 405:  # POST-only: refused before anything is read
            response = client.post(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/login/?next={url}", url


def test_the_login_page_is_chinese_by_default(client):
    response = client.get("/login/")
    body = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in body
    assert "用户名" in body and "密码" in body


def test_it_logs_in_and_goes_where_the_user_was_going(client, admin_user):
    response = client.post(
        "/login/", {"username": "admin", "password": "pass", "next": "/projects/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/projects/"
    assert client.get("/projects/").status_code == 200


def test_it_logs_in_to_the_overview_by_default(client, admin_user):
    response = client.post("/login/", {"username": "admin", "password": "pass"})
    assert response["Location"] == "/"


def test_it_refuses_a_wrong_password_in_chinese(client, admin_user):
    response = client.post("/login/", {"username": "admin", "password": "wrong"})
    body = response.content.decode()

    assert response.status_code == 200
    assert "请输入一个正确的" in body and "区分大小写" in body
    assert "_auth_user_id" not in client.session


def test_it_locks_an_account_after_repeated_failures(client, admin_user):
    for _ in range(settings.PAIRAID_LOGIN_FAILURE_LIMIT):
        client.post("/login/", {"username": "admin", "password": "wrong"})
    response = client.post("/login/", {"username": "admin", "password": "pass"})

    assert LoginFailure.objects.filter(username="admin").count() >= 5
    assert "账户已临时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_sends_a_logged_in_user_away_from_the_login_page(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/login/")["Location"] == "/"


def test_it_logs_out_with_a_post_only(client, admin_user):
    client.force_login(admin_user)

    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.get("/projects/").status_code == 302


def test_it_switches_to_english_and_back(client, admin_user):
    client.force_login(admin_user)

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/projects/"})
    english = client.get("/projects/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/projects/"})
    chinese = client.get("/projects/").content.decode()

    assert switched["Location"] == "/projects/"
    assert '<html lang="en">' in english and "Assistance projects" in english
    assert '<html lang="zh-Hans">' in chinese and "帮扶项目" in chinese


def test_the_switch_offers_the_other_language(client):
    chinese = client.get("/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    english = client.get("/login/").content.decode()

    assert 'value="en"' in chinese and 'value="zh-hans"' not in chinese
    assert 'value="zh-hans"' in english and 'value="en"' not in english


CHINESE_FIRST = [
    "pairaid.web.middleware.ChineseByDefaultLocaleMiddleware"
    if m == "django.middleware.locale.LocaleMiddleware"
    else m
    for m in settings.MIDDLEWARE
]


@override_settings(MIDDLEWARE=CHINESE_FIRST)
@pytest.mark.parametrize("header", ["en-US,en;q=0.9", "en", "fr-FR", ""])
def test_an_english_browser_still_gets_chinese_until_it_switches(client, header):
    """With ChineseByDefaultLocaleMiddleware the browser's Accept-Language is not followed:
    Chinese until the user picks English with the switch."""
    before = client.get("/login/", HTTP_ACCEPT_LANGUAGE=header).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    after = client.get("/login/", HTTP_ACCEPT_LANGUAGE=header).content.decode()

    assert '<html lang="zh-Hans">' in before
    assert '<html lang="en">' in after


@override_settings(MIDDLEWARE=CHINESE_FIRST)
def test_an_unknown_language_cookie_falls_back_to_chinese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="zh-Hans">' in client.get("/login/").content.decode()

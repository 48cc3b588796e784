"""Logging in and out on the pages, and the lock after repeated failures, as a user meets
them: the login page, where it sends one afterwards, what a locked account is told, how long
a lock lasts (read from the settings, not the clock), and that a lock is per user name and
address — whoever guesses locks out only themselves. Accounts made with `pairaid
createuser` log in; a deactivated one does not."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from pairaid.accounts.models import LoginFailure

LOCKED = "账户已临时锁定"
HOME = "203.0.113.7"
AWAY = "198.51.100.23"


@pytest.fixture
def clerk(db):
    return get_user_model().objects.create_user("clerk", password="a-long-pass-phrase-1")


def login(client: Client, username: str, password: str, address: str = HOME, **data: str):
    return client.post(
        "/login/" + (f"?next={data.pop('next')}" if "next" in data else ""),
        {"username": username, "password": password, **data},
        REMOTE_ADDR=address,
    )


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(client: Client, username: str, times: int, address: str = HOME) -> None:
    for _ in range(times):
        login(client, username, "not-the-password", address)


# --- logging in and out ---------------------------------------------------------------------


def test_it_shows_the_login_page_to_a_stranger_and_sends_pages_there(client, db):
    page = client.get("/login/")
    assert page.status_code == 200
    assert 'name="username"' in page.content.decode()
    assert 'name="password"' in page.content.decode()

    sent = client.get("/projects/")
    assert sent.status_code == 302
    assert sent["Location"].startswith("/login/")


def test_it_logs_a_user_in_and_sends_them_where_they_were_going(client, clerk):
    response = login(client, "clerk", "a-long-pass-phrase-1", next="/projects/")

    assert response.status_code == 302
    assert response["Location"] == "/projects/"
    assert logged_in(client)
    assert int(client.session["_auth_user_id"]) == clerk.pk


def test_it_never_sends_a_user_to_another_site_after_login(client, clerk):
    response = login(client, "clerk", "a-long-pass-phrase-1", next="https://evil.example/")

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_it_refuses_a_wrong_password_without_saying_which_part_was_wrong(client, clerk):
    wrong_password = login(client, "clerk", "nope")
    no_such_user = login(client, "nobody-here", "nope")

    assert wrong_password.status_code == no_such_user.status_code == 200
    assert not logged_in(client)

    def errors(response) -> str:
        found = re.search(r'<ul class="errorlist[^"]*">(.*?)</ul>', response.content.decode(), re.S)
        assert found, "the page says the login failed"
        return found.group(1)

    assert errors(wrong_password) == errors(no_such_user)


def test_it_refuses_a_deactivated_account(client, clerk):
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])

    response = login(client, "clerk", "a-long-pass-phrase-1")

    assert response.status_code == 200
    assert not logged_in(client)


def test_it_logs_out_on_a_post_and_forgets_the_session(client, clerk):
    login(client, "clerk", "a-long-pass-phrase-1")
    assert logged_in(client)

    response = client.post("/logout/")

    assert response.status_code in (200, 302)
    assert not logged_in(client)
    assert client.get("/projects/").status_code == 302


def test_it_does_not_log_out_on_a_get(client, clerk):
    login(client, "clerk", "a-long-pass-phrase-1")

    client.get("/logout/")

    assert logged_in(client)


def test_it_sends_a_logged_in_user_away_from_the_login_page(client, clerk):
    login(client, "clerk", "a-long-pass-phrase-1")

    response = client.get("/login/")

    assert response.status_code == 302


# --- lockout --------------------------------------------------------------------------------


def test_it_locks_after_the_configured_number_of_failures_and_not_before(client, clerk, settings):
    limit = settings.PAIRAID_LOGIN_FAILURE_LIMIT
    fail(client, "clerk", limit - 1)

    response = login(client, "clerk", "a-long-pass-phrase-1")

    assert response.status_code == 302 and logged_in(client)
    assert not LoginFailure.objects.filter(username="clerk", address=HOME).exists()


def test_it_tells_a_locked_user_so_even_with_the_right_password(client, clerk, settings):
    fail(client, "clerk", settings.PAIRAID_LOGIN_FAILURE_LIMIT)

    response = login(client, "clerk", "a-long-pass-phrase-1")

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert not logged_in(client)


def test_it_follows_a_lower_limit_from_the_settings(client, clerk, settings):
    settings.PAIRAID_LOGIN_FAILURE_LIMIT = 2
    fail(client, "clerk", 2)

    assert LOCKED in login(client, "clerk", "a-long-pass-phrase-1").content.decode()


def test_it_lifts_the_lock_once_the_failures_are_older_than_the_lock(client, clerk, settings):
    fail(client, "clerk", settings.PAIRAID_LOGIN_FAILURE_LIMIT)
    past = timezone.now() - dt.timedelta(minutes=settings.PAIRAID_LOGIN_LOCKOUT_MINUTES + 1)
    LoginFailure.objects.filter(username="clerk").update(at=past)

    response = login(client, "clerk", "a-long-pass-phrase-1")

    assert response.status_code == 302 and logged_in(client)


def test_it_keeps_the_lock_while_the_newest_failure_is_recent(client, clerk, settings):
    limit = settings.PAIRAID_LOGIN_FAILURE_LIMIT
    fail(client, "clerk", limit)
    past = timezone.now() - dt.timedelta(minutes=settings.PAIRAID_LOGIN_LOCKOUT_MINUTES - 1)
    LoginFailure.objects.filter(username="clerk").update(at=past)

    assert LOCKED in login(client, "clerk", "a-long-pass-phrase-1").content.decode()


def test_it_counts_a_user_name_in_any_case_as_the_same_account(client, clerk, settings):
    limit = settings.PAIRAID_LOGIN_FAILURE_LIMIT
    for number in range(limit):
        login(client, "CLERK" if number % 2 else "Clerk", "wrong")

    assert LOCKED in login(client, "clerk", "a-long-pass-phrase-1").content.decode()


def test_it_locks_only_the_address_that_failed_and_only_that_account(client, clerk, settings):
    other = get_user_model().objects.create_user("other", password="another-long-phrase")
    fail(client, "clerk", settings.PAIRAID_LOGIN_FAILURE_LIMIT, address=HOME)

    from_home_other = login(Client(), "other", "another-long-phrase", HOME)
    from_away = login(Client(), "clerk", "a-long-pass-phrase-1", AWAY)

    assert from_home_other.status_code == 302
    assert from_away.status_code == 302
    assert other.pk and LoginFailure.objects.filter(username="other").count() == 0


def test_it_records_failures_for_names_no_account_has_without_failing(client, db, settings):
    fail(client, "ghost", settings.PAIRAID_LOGIN_FAILURE_LIMIT + 2)

    response = login(client, "ghost", "anything")

    assert response.status_code == 200
    assert LoginFailure.objects.filter(username="ghost").count() >= (
        settings.PAIRAID_LOGIN_FAILURE_LIMIT
    )


def test_it_clears_only_the_failures_of_the_address_that_logged_in(client, clerk):
    fail(client, "clerk", 2, address=HOME)
    fail(client, "clerk", 2, address=AWAY)

    login(Client(), "clerk", "a-long-pass-phrase-1", HOME)

    assert set(LoginFailure.objects.filter(username="clerk").values_list("address", flat=True)) == {
        AWAY
    }


def test_it_ignores_a_forwarded_address_unless_proxies_are_trusted(client, clerk, settings):
    settings.PAIRAID_TRUSTED_PROXIES = 0
    for _ in range(settings.PAIRAID_LOGIN_FAILURE_LIMIT):
        client.post(
            "/login/",
            {"username": "clerk", "password": "wrong"},
            REMOTE_ADDR=HOME,
            HTTP_X_FORWARDED_FOR=AWAY,
        )

    assert set(LoginFailure.objects.values_list("address", flat=True)) == {HOME}
    response = client.post(
        "/login/",
        {"username": "clerk", "password": "a-long-pass-phrase-1"},
        REMOTE_ADDR=AWAY,
        HTTP_X_FORWARDED_FOR=HOME,
    )
    assert response.status_code == 302


def test_it_locks_the_admins_login_page_as_well(client, clerk, settings):
    clerk.is_staff = True
    clerk.save(update_fields=["is_staff"])
    for _ in range(settings.PAIRAID_LOGIN_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "clerk", "password": "wrong"})

    response = client.post(
        "/admin/login/", {"username": "clerk", "password": "a-long-pass-phrase-1"}
    )

    assert LOCKED in response.content.decode()
    assert not logged_in(client)


# --- accounts made on the command line ------------------------------------------------------


def test_it_logs_in_an_account_made_with_createuser(client, db):
    call_command(
        "createuser", "made-by-cli", "--password", "correct-horse-battery-9", stdout=io.StringIO()
    )

    assert login(client, "made-by-cli", "correct-horse-battery-9").status_code == 302
    assert logged_in(client)


def test_it_refuses_to_make_an_account_with_a_weak_password(db):
    with pytest.raises(CommandError):
        call_command("createuser", "weakling", "--password", "123", stdout=io.StringIO())

    assert not get_user_model().objects.filter(username="weakling").exists()


def test_it_refuses_to_make_the_same_account_twice(db):
    call_command(
        "createuser", "twice", "--password", "correct-horse-battery-9", stdout=io.StringIO()
    )

    with pytest.raises(CommandError):
        call_command(
            "createuser", "twice", "--password", "another-horse-battery-9", stdout=io.StringIO()
        )

    user = get_user_model().objects.get(username="twice")
    assert user.check_password("correct-horse-battery-9")


def test_it_makes_a_superuser_who_reaches_the_admin(client, db):
    call_command(
        "createuser",
        "chief",
        "--password",
        "correct-horse-battery-9",
        "--superuser",
        stdout=io.StringIO(),
    )
    login(client, "chief", "correct-horse-battery-9")

    assert client.get("/admin/").status_code == 200

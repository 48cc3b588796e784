"""Personal API tokens as their holders use them: made on the token page or with `pairaid
token create`, sent as `Authorization: Bearer …`, listed and revoked. A token acts as its
user — it sees what the user's roles see and nothing more — a read-only one cannot write, a
revoked, unknown or malformed one is refused, and a deactivated user's tokens stop."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from test_api_support import Api

from pairaid.api.models import ApiToken
from pairaid.ledger import access
from pairaid.ledger.models import AuditEntry

SECRET = re.compile(r"pat_[A-Za-z0-9_-]{40,}")


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def made_on_the_command_line(username: str, scope: str = "read", name: str = "对接") -> str:
    found = SECRET.search(cli("create", username, "--name", name, "--scope", scope))
    assert found, "the secret is printed once"
    return found.group(0)


def made_on_the_page(user, scope: str = "write", name: str = "页面令牌") -> str:
    client = Client()
    client.force_login(user)
    found = SECRET.search(
        client.post("/api/tokens/", {"name": name, "scope": scope}).content.decode()
    )
    assert found
    return found.group(0)


def visible_ids(secret: str) -> set[int]:
    response = Api(secret).get("/pairings/", limit=100)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


# --- a token acts as its user ---------------------------------------------------------------


@pytest.mark.parametrize("persona", ["jiangyang", "yanyuan", "luzhou", "viewer", "sichuan_auditor"])
def test_it_sees_through_a_token_exactly_what_the_user_sees(personas, persona):
    user = getattr(personas, persona)
    secret = made_on_the_command_line(user.username)

    assert visible_ids(secret) == set(access.visible_pairings(user).values_list("pk", flat=True))


def test_it_shows_nothing_to_a_token_of_a_user_without_roles(personas):
    secret = made_on_the_page(personas.outsider)

    assert visible_ids(secret) == set()


def test_it_answers_a_pairing_outside_the_tokens_user_as_not_found(personas):
    secret = made_on_the_command_line(personas.jiangyang.username)
    hidden = access.visible_pairings(personas.longmatan).exclude(
        pk__in=access.visible_pairings(personas.jiangyang)
    )
    pairing = hidden.first()
    assert pairing is not None

    assert Api(secret).get(f"/pairings/{pairing.pk}/").status_code == 404


# --- what a token may do --------------------------------------------------------------------


def test_it_refuses_every_write_with_a_read_only_token(personas):
    secret = made_on_the_command_line(personas.jiangyang.username, scope="read")
    audit = AuditEntry.objects.count()

    response = Api(secret).post("/projects/", {"name": "只读令牌不能建项目"})

    assert response.status_code == 403
    assert "只读令牌" in response.content.decode()
    assert AuditEntry.objects.count() == audit


def test_it_lets_a_write_token_reach_the_endpoints_checks(personas):
    secret = made_on_the_page(personas.jiangyang, scope="write")

    response = Api(secret).post("/projects/", {})

    assert response.status_code in (400, 422)  # the body is checked, not the token


@pytest.mark.parametrize(
    "header",
    [
        "Bearer pat_" + "x" * 43,
        "Bearer not-a-token",
        "Bearer ",
        "Token pat_" + "y" * 43,
        "",
    ],
)
def test_it_refuses_an_unknown_or_malformed_token(db, header):
    client = Client()
    headers = {"Authorization": header} if header else {}

    response = client.get("/api/v1/pairings/", headers=headers)

    assert response.status_code == 401


def test_it_refuses_a_token_once_it_is_revoked_on_the_command_line(personas):
    secret = made_on_the_command_line(personas.jiangyang.username)
    token = ApiToken.objects.get(user=personas.jiangyang)
    assert Api(secret).get("/pairings/").status_code == 200

    out = cli("revoke", str(token.pk))

    assert Api(secret).get("/pairings/").status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert str(token.pk) in out or token.prefix in out or out.strip()


def test_it_refuses_a_token_revoked_on_the_page_and_keeps_the_others(personas):
    first = made_on_the_page(personas.jiangyang, name="第一")
    second = made_on_the_page(personas.jiangyang, name="第二")
    client = Client()
    client.force_login(personas.jiangyang)
    token = ApiToken.objects.get(user=personas.jiangyang, name="第一")

    client.post(f"/api/tokens/{token.pk}/revoke/")

    assert Api(first).get("/pairings/").status_code == 401
    assert Api(second).get("/pairings/").status_code == 200


def test_it_will_not_let_one_user_revoke_anothers_token(personas):
    secret = made_on_the_page(personas.jiangyang)
    token = ApiToken.objects.get(user=personas.jiangyang)
    client = Client()
    client.force_login(personas.longmatan)

    response = client.post(f"/api/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    assert Api(secret).get("/pairings/").status_code == 200


def test_it_stops_the_tokens_of_a_deactivated_user(personas):
    secret = made_on_the_command_line(personas.jiangyang.username)
    user = personas.jiangyang
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert Api(secret).get("/pairings/").status_code == 401


def test_it_stops_a_users_tokens_from_an_address_that_locked_the_account(personas, settings):
    secret = made_on_the_command_line(personas.jiangyang.username)
    for _ in range(settings.PAIRAID_LOGIN_FAILURE_LIMIT):
        Client().post(
            "/login/", {"username": "jiangyang", "password": "wrong"}, REMOTE_ADDR="203.0.113.50"
        )
    headers = {"Authorization": f"Bearer {secret}"}

    there = Client().get("/api/v1/pairings/", headers=headers, REMOTE_ADDR="203.0.113.50")
    elsewhere = Client().get("/api/v1/pairings/", headers=headers, REMOTE_ADDR="198.51.100.50")

    assert there.status_code == 403
    assert elsewhere.status_code == 200


# --- listing and keeping the secret ---------------------------------------------------------


def test_it_lists_a_users_tokens_by_prefix_and_never_the_secret(personas):
    secret = made_on_the_command_line(personas.jiangyang.username, name="财务对接")
    made_on_the_command_line(personas.jiangyang.username, name="统计对接", scope="write")

    out = cli("list", personas.jiangyang.username)

    assert "财务对接" in out and "统计对接" in out
    assert secret not in out
    assert secret[:12] in out


def test_it_notes_when_a_token_was_last_used(personas):
    secret = made_on_the_command_line(personas.jiangyang.username)
    token = ApiToken.objects.get(user=personas.jiangyang)
    assert token.last_used_at is None

    Api(secret).get("/pairings/")

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_it_refuses_to_make_a_token_for_no_such_user(db):
    with pytest.raises(CommandError):
        cli("create", "nobody-at-all", "--name", "x", "--scope", "read")
    assert not ApiToken.objects.exists()


def test_it_refuses_to_revoke_a_token_that_does_not_exist(db):
    with pytest.raises(CommandError):
        cli("revoke", "987654")


def test_it_makes_each_secret_different(personas):
    secrets = {made_on_the_command_line(personas.jiangyang.username) for _ in range(5)}

    assert len(secrets) == 5
    assert ApiToken.objects.filter(user=personas.jiangyang).count() == 5


def test_it_shows_the_token_page_only_to_a_logged_in_user_and_only_their_tokens(personas):
    made_on_the_page(personas.jiangyang, name="江阳令牌")
    made_on_the_page(personas.longmatan, name="龙马潭令牌")
    client = Client()
    client.force_login(personas.longmatan)

    page = client.get("/api/tokens/").content.decode()

    assert "龙马潭令牌" in page and "江阳令牌" not in page

"""Personal API tokens: the page /api/tokens/, `pairaid token`, and what a token may do."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from test_api_support import Api, demo_pairing

from pairaid.api.models import ApiToken
from pairaid.ledger.models import AuditEntry

SECRET = re.compile(r"pat_[A-Za-z0-9_-]{40,}")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def token(command_output: str) -> str:
    found = SECRET.search(command_output)
    assert found, command_output
    return found.group(0)


def test_it_sends_strangers_to_the_login_page(db):
    response = Client().get("/api/tokens/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_it_creates_a_token_on_the_page_and_shows_the_secret_once(personas):
    client = logged_in(personas.jiangyang)
    response = client.post("/api/tokens/", {"name": "财务系统对接", "scope": "write"})
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    secret = token(response.content.decode())
    stored = ApiToken.objects.get(user=personas.jiangyang)
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert (stored.name, stored.scope, stored.prefix) == ("财务系统对接", "write", secret[:12])
    assert secret not in str(ApiToken.objects.filter(pk=stored.pk).values().get())

    again = client.get("/api/tokens/").content.decode()
    assert secret not in again
    assert stored.prefix in again and "财务系统对接" in again

    assert Api(secret).get("/pairings/").json()["count"] == 1


def test_it_writes_token_changes_to_the_audit_trail_without_the_secret(personas):
    client = logged_in(personas.jiangyang)
    secret = token(client.post("/api/tokens/", {"name": "对接", "scope": "read"}).content.decode())
    stored = ApiToken.objects.get(user=personas.jiangyang)
    client.post(f"/api/tokens/{stored.pk}/revoke/")
    entries = AuditEntry.objects.filter(record_type="apitoken", record_id=str(stored.pk))
    assert list(entries.order_by("id").values_list("action", "actor", "user")) == [
        ("apitoken.created", "web", personas.jiangyang.pk),
        ("apitoken.revoked", "web", personas.jiangyang.pk),
    ]
    assert all(secret not in str(entry.changes) for entry in entries)
    assert entries.order_by("id").first().changes == {
        "user": "jiangyang",
        "name": "对接",
        "scope": "read",
        "prefix": stored.prefix,
    }


def test_it_revokes_a_token_at_once(personas):
    client = logged_in(personas.jiangyang)
    secret = token(client.post("/api/tokens/", {"name": "对接", "scope": "write"}).content.decode())
    assert Api(secret).get("/pairings/").status_code == 200
    stored = ApiToken.objects.get(user=personas.jiangyang)

    response = client.post(f"/api/tokens/{stored.pk}/revoke/", follow=True)

    assert "已撤销" in response.content.decode()
    assert ApiToken.objects.get(pk=stored.pk).revoked_at is not None
    assert Api(secret).get("/pairings/").status_code == 401


def test_it_lets_nobody_revoke_someone_elses_token(personas):
    _secret = token(
        logged_in(personas.jiangyang)
        .post("/api/tokens/", {"name": "对接", "scope": "write"})
        .content.decode()
    )
    stored = ApiToken.objects.get(user=personas.jiangyang)
    response = logged_in(personas.longmatan).post(f"/api/tokens/{stored.pk}/revoke/")
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=stored.pk).revoked_at is None
    assert logged_in(personas.jiangyang).get(f"/api/tokens/{stored.pk}/revoke/").status_code == 405


def test_it_explains_a_missing_name(personas):
    response = logged_in(personas.jiangyang).post("/api/tokens/", {"name": "", "scope": "write"})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert "这个字段是必填项" in response.content.decode()


def test_it_notes_when_a_token_was_last_used(personas):
    secret = token(
        logged_in(personas.jiangyang)
        .post("/api/tokens/", {"name": "对接", "scope": "read"})
        .content.decode()
    )
    assert ApiToken.objects.get().last_used_at is None
    Api(secret).get("/pairings/")
    assert ApiToken.objects.get().last_used_at is not None


def test_it_keeps_a_read_only_token_from_writing(personas):
    secret = token(
        logged_in(personas.jiangyang)
        .post("/api/tokens/", {"name": "只读", "scope": "read"})
        .content.decode()
    )
    response = Api(secret).post(
        "/tasks/", {"pairing_id": demo_pairing("江阳区").pk, "title": "不应登记"}
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "只读令牌不能修改数据；请使用读写令牌"}


def test_it_manages_tokens_from_the_command_line(personas):
    out = io.StringIO()
    call_command(
        "token", "create", "yanyuan", "--name", "县财政局对接", "--scope", "write", stdout=out
    )
    secret = token(out.getvalue())
    assert "只显示这一次" in out.getvalue()
    stored = ApiToken.objects.get(user=personas.yanyuan)
    assert stored.scope == "write"
    entry = AuditEntry.objects.get(record_type="apitoken", action="apitoken.created")
    assert (entry.actor, entry.user, entry.changes["user"]) == ("cli", None, "yanyuan")
    assert Api(secret).get("/pairings/").json()["items"][0]["name"] == "江阳区→盐源县"

    listing = io.StringIO()
    call_command("token", "list", "yanyuan", stdout=listing)
    assert stored.prefix in listing.getvalue() and "县财政局对接" in listing.getvalue()
    assert secret not in listing.getvalue()

    revoked = io.StringIO()
    call_command("token", "revoke", str(stored.pk), stdout=revoked)
    assert "已撤销" in revoked.getvalue()
    assert Api(secret).get("/pairings/").status_code == 401
    assert AuditEntry.objects.filter(action="apitoken.revoked", actor="cli").count() == 1


def test_it_defaults_to_a_read_only_token_on_the_command_line(personas):
    call_command("token", "create", "viewer", "--name", "看板", stdout=io.StringIO())
    assert ApiToken.objects.get(user=personas.viewer).scope == "read"


def test_it_refuses_an_unknown_user_or_token_on_the_command_line(db):
    with pytest.raises(CommandError, match="没有用户 ghost"):
        call_command("token", "create", "ghost", "--name", "x")
    with pytest.raises(CommandError, match="没有编号为 999999 的令牌"):
        call_command("token", "revoke", "999999")

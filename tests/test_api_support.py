"""Helpers shared by the API's tests (this module holds no tests of its own).

`Api` calls the API the way an integrating system does: JSON bodies and a personal
token in the Authorization header, made through the public token service."""

from __future__ import annotations

import json
from typing import Any

import shared_clients

from pairaid.api import services

BASE = "/api/v1"


def token_for(user: Any, scope: str = "write", name: str = "测试令牌") -> str:
    _token, secret = services.create_token(
        user, name=name, scope=scope, acting_user=user, via="test"
    )
    return secret


class Api:
    """A client for /api/v1/ with a token (or none: anonymous)."""

    def __init__(self, secret: str | None = None) -> None:
        self.client = shared_clients.client()  # the middleware loaded once per process
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    @classmethod
    def as_user(cls, user: Any, scope: str = "write") -> Api:
        return cls(token_for(user, scope))

    def url(self, path: str) -> str:
        return path if path.startswith("/") and path.startswith(BASE) else BASE + path

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(self.url(path), params, headers=self.headers)

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(
            self.url(path),
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )

    def patch(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.client.patch(
            self.url(path),
            json.dumps(body),
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )

    def call(self, method: str, path: str, body: Any = None) -> Any:
        if method == "get":
            return self.get(path)
        if method == "patch":
            return self.patch(path, body or {})
        return self.post(path, body)


def demo_pairing(helper: str) -> Any:
    """A pairing of the demo data set by its helper's name (泸州市, 江阳区, 龙马潭区)."""
    from pairaid.ledger.models import Pairing

    return Pairing.objects.get(helper_region__name=helper, is_demo=True)


def api_entries(record_type: str, record_id: Any) -> Any:
    """The audit entries written for a record through the API."""
    from pairaid.ledger.models import AuditEntry

    return AuditEntry.objects.filter(
        record_type=record_type, record_id=str(record_id), actor="api"
    ).order_by("id")

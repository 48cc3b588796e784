"""What every body shares: a request body refuses unknown fields (`In`), a response body
reads attributes (`Out`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja import Schema
from pydantic import ConfigDict


def _stored(obj: Any, field: str) -> tuple[bool, Any]:
    """A response read back from storage (an idempotent replay) is already a dict."""
    if isinstance(obj, dict):
        return True, obj.get(field)
    return False, None


def _effective_status(obj: Any) -> str:
    """A record's status as of today (`status_on`), or as it was answered (a replay; one
    stored before this field existed answers its stored status, a valid value too)."""
    stored, value = _stored(obj, "effective_status")
    if stored:
        replayed: str = value or obj.get("status")
        return replayed
    status: str = getattr(obj, "effective_status", None) or obj.status_on(timezone.localdate())
    return status


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class Out(Schema):
    pass

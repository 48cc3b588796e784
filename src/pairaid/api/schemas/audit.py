"""The body of an audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from pairaid.api.schemas.base import Out, _stored

# --- the audit trail and the figures --------------------------------------------------------


class AuditEntryOut(Out):
    id: int
    at: dt.datetime
    user_id: int | None
    username: str | None
    actor: str = Field(description="操作来源，如 web、api、cli、import")
    action: str
    record_type: str
    record_id: str
    record_repr: str
    pairing_id: int | None
    changes: dict[str, Any]

    @staticmethod
    def resolve_username(obj: Any) -> str | None:
        stored, value = _stored(obj, "username")
        if stored:
            username: str | None = value
            return username
        return obj.user.get_username() if obj.user_id else None

"""Lock an account for a while after repeated failed logins.

Failures are kept in the database (not a per-process cache) so that the lock holds across
several application servers. A successful login clears them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from pairaid.accounts.models import LoginFailure


def is_locked(username: str) -> bool:
    since = timezone.now() - dt.timedelta(minutes=settings.PAIRAID_LOGIN_LOCKOUT_MINUTES)
    recent = LoginFailure.objects.filter(username__iexact=username, at__gte=since).count()
    return recent >= settings.PAIRAID_LOGIN_FAILURE_LIMIT


def client_address(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = credentials.get("username")
    if username:
        LoginFailure.objects.create(
            username=username[:150], address=client_address(request), at=timezone.now()
        )


def clear_failures(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    LoginFailure.objects.filter(username__iexact=user.get_username()).delete()


class LockoutModelBackend(ModelBackend):
    """Django's password check, refused outright while the account is locked."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username and is_locked(username):
            raise PermissionDenied("account locked")
        return super().authenticate(request, username=username, password=password, **kwargs)

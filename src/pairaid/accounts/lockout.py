"""Lock an account for a while after repeated failed logins — from the address that failed.

A lock holds for one user name *and* one client address: someone guessing a password from
their own machine locks only themselves out, never the account's owner working elsewhere.
While it holds, that address can neither log in as the user nor use the user's API tokens.
Failures are kept in the database (not a per-process cache) so that the lock holds across
several application servers. A successful login from an address clears its failures.

Behind a reverse proxy every request comes from the proxy's address: set
PAIRAID_TRUSTED_PROXIES to the number of proxies in front of pairaid, and the client's
address is read from X-Forwarded-For (the entry that many hops from the right).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from pairaid.accounts.models import LoginFailure


def recent_failures(username: Any, address: str | None) -> QuerySet[LoginFailure]:
    """The failures that count towards a lock now (`username` may be an OuterRef)."""
    since = timezone.now() - dt.timedelta(minutes=settings.PAIRAID_LOGIN_LOCKOUT_MINUTES)
    return LoginFailure.objects.filter(username__iexact=username, address=address, at__gte=since)


def recent_failure_count(username: Any, address: str | None) -> Subquery:
    """The number of recent failures as a subquery, to annotate another query with."""
    return Subquery(
        recent_failures(username, address)
        .order_by()
        .values("username")
        .annotate(n=Count("id"))
        .values("n")[:1],
        output_field=IntegerField(),
    )


def is_locked(username: str, address: str | None) -> bool:
    return recent_failures(username, address).count() >= settings.PAIRAID_LOGIN_FAILURE_LIMIT


def too_many(failures: int | None) -> bool:
    return (failures or 0) >= settings.PAIRAID_LOGIN_FAILURE_LIMIT


def client_address(request: HttpRequest | None) -> str | None:
    """The client's IP address: REMOTE_ADDR, or X-Forwarded-For behind trusted proxies."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR")
    proxies = settings.PAIRAID_TRUSTED_PROXIES
    if proxies:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ipaddress.ip_address(address or "")
    except ValueError:
        return None
    return address


def record_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = credentials.get("username")
    if username:
        LoginFailure.objects.create(
            username=username[:150], address=client_address(request), at=timezone.now()
        )


def clear_failures(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    LoginFailure.objects.filter(
        username__iexact=user.get_username(), address=client_address(request)
    ).delete()


class LockoutModelBackend(ModelBackend):
    """Django's password check, refused outright while the account is locked."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username and is_locked(username, client_address(request)):
            raise PermissionDenied("account locked")
        return super().authenticate(request, username=username, password=password, **kwargs)

"""Who is calling: a personal API token (`Authorization: Bearer pat_…`) or, for the
interactive docs page, the logged-in session (with its CSRF token on writes)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from pairaid.accounts.lockout import client_address
from pairaid.api import services

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """A live token of an active user. A read-only token may only read: every write is
    refused here, in one place, whatever the endpoint (403)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = services.authenticate_token(token.strip(), address=client_address(request))
        if api_token is None:
            return None
        if api_token.owner_locked:  # type: ignore[attr-defined]  # authenticate_token sets it
            # Repeated failed logins from this address lock the account here: its tokens too.
            raise PermissionDenied(_("登录失败次数过多，账户已临时锁定，令牌暂不可用"))
        if not api_token.can_write and request.method not in SAFE_METHODS:
            raise PermissionDenied(_("只读令牌不能修改数据；请使用读写令牌"))
        request.api_token = api_token  # type: ignore[attr-defined]  # the token, for the views
        return api_token.user


class LoggedInSession(SessionAuth):
    """The pages' login, for trying the API out on its docs page; writes need Django's CSRF
    token (header X-CSRFToken), as on the pages."""

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            # No session: nothing to check CSRF for, and the answer is 401, not 403.
            return None
        try:
            return super().__call__(request)
        except HttpError as exc:
            raise PermissionDenied(
                _("CSRF 校验失败：用登录会话修改数据时，请求须带 X-CSRFToken 请求头")
            ) from exc

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user

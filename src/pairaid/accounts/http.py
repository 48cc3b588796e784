"""The request of a page behind `login_required`, typed for the checker."""

from __future__ import annotations

from django.http import HttpRequest

from pairaid.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user is a login (`login_required` let it through): `request.user` is
    a `User`, never the anonymous user."""

    user: User

"""`/healthz` for load balancers: 200 `ok` when the database answers, else 503.

Answered by a middleware placed first, before host checks, HTTPS redirects, sessions, login
and lockout: a probe needs no login, sets no cookie and is never locked out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse

PATH = "/healthz"
logger = logging.getLogger(__name__)


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            answered: bool = cursor.fetchone() == (1,)
            return answered
    except DatabaseError:
        logger.exception("health check: the database does not answer")
        return False


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.rstrip("/") != PATH:
            return self.get_response(request)
        if request.method not in {"GET", "HEAD"}:
            response = HttpResponse(status=405, content_type="text/plain; charset=utf-8")
            response["Allow"] = "GET, HEAD"
        elif database_answers():
            response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
        else:
            response = HttpResponse(
                "database unavailable\n", status=503, content_type="text/plain; charset=utf-8"
            )
        response["Cache-Control"] = "no-store"
        return response

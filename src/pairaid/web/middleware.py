"""Chinese unless the user picks English with the switch.

Django's LocaleMiddleware follows the browser's Accept-Language header when no language has
been chosen, so an office PC with an English browser would open pairaid in English. This
one does not consult the header: the language is the one chosen with the switch (Django's
`set_language` view stores it in the language cookie), else LANGUAGE_CODE (zh-hans). It
replaces "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from pairaid.ledger import access


class ChineseByDefaultLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        try:
            language = translation.get_supported_language_variant(chosen)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# Everything pairaid shows is served by itself (offices work offline): no other origin, no
# inline script or style, no plugin, no framing, forms post only back to pairaid.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header to every answer that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class OutOfScopeMiddleware:
    """A pairing or record outside the user's scope (`ledger.access.OutOfScope`, raised by
    the access rules and the services they guard) is "not found" on every page: a 404, as if
    it did not exist."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, access.OutOfScope):
            raise Http404("no such record") from exception

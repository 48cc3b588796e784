"""Test clients that share the product's middleware.

Django's test client loads the middleware anew for each client it makes, and the product's
WhiteNoise reads the headers of every static file when it is loaded (about 0.1 CPU s each
time): a module whose every test makes a client spends more on that than on its requests.
`client()` gives a new client (its own cookies and session) whose handler, and so its
middleware, is shared by the test process; a change of settings (`settings`,
`override_settings`) drops it, so a test that changes them gets middleware loaded under
them, as with Django's own client. tests/conftest.py gives it as pytest-django's `client`
and `admin_client`; a module that makes clients of its own calls `client()`.
"""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.test import Client
from django.test.client import ClientHandler

# The middleware as last loaded: the handler's attributes that `load_middleware` sets.
_LOADED = ("_view_middleware", "_template_response_middleware", "_exception_middleware")
_loaded: dict[str, Any] = {}


class SharedClientHandler(ClientHandler):
    """Django's test handler, loading the middleware only when the process has none loaded
    under the current settings (at its first request, as Django's own)."""

    def load_middleware(self, is_async: bool = False) -> None:
        if not _loaded:
            super().load_middleware(is_async)
            _loaded.update({name: getattr(self, name) for name in _LOADED})
            _loaded["_middleware_chain"] = self._middleware_chain
            return
        for name, value in _loaded.items():
            setattr(self, name, value)


def client() -> Client:
    """A new test client (cookies and session of its own) with the shared middleware."""
    made = Client()
    made.handler = SharedClientHandler(enforce_csrf_checks=False)
    return made


def _forget(**_kwargs: Any) -> None:
    _loaded.clear()


setting_changed.connect(_forget, dispatch_uid="shared_clients.forget")

"""Pages of the API app: the personal token page and the docs page's own files."""

from __future__ import annotations

from pathlib import Path

import ninja
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from pairaid.accounts.models import User
from pairaid.api import services
from pairaid.api.forms import TokenForm

# The Swagger UI that django-ninja ships with itself, served from the installed package so
# that the docs page works with no internet connection (and nothing is copied into ours).
NINJA_STATIC = Path(ninja.__file__).resolve().parent / "static" / "ninja"
DOCS_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
}


class LoggedIn(HttpRequest):
    """A request of a page behind `login_required`: its user is a login (for the checker)."""

    user: User


def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in DOCS_ASSETS:
        raise Http404(name)
    response = FileResponse(
        (NINJA_STATIC / name).open("rb"), content_type=f"{DOCS_ASSETS[name]}; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


@never_cache  # the page may show a new token's secret: no copy of it in any cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: LoggedIn) -> HttpResponse:
    created = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, secret = services.create_token(
            request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            acting_user=request.user,
            via="web",
        )
        created = {"token": token, "secret": secret}
        form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": request.user.api_tokens.all(),
        },
    )


@login_required
@require_POST
def revoke(request: LoggedIn, token_id: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens, pk=token_id)
    services.revoke_token(token, acting_user=request.user, via="web")
    messages.success(request, _("令牌“%(name)s”已撤销") % {"name": token.name})
    return redirect("api_tokens")

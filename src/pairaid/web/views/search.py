"""Search (/search/?q=): pairings, projects, persons, agreements, organisations and regions
by name, code, or full or initial pinyin, in the user's scope (`ledger.search`); and the
small result list that choosers fetch as the user types (/search/choices/?kind=&q=).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from pairaid.ledger import search
from pairaid.ledger.models import SearchKey

CHOICES_LIMIT = 20


def link(row: SearchKey) -> str:
    """Where a result opens: the record's page, or (organisations and regions, which have
    none) the list of projects that name them."""
    kind = SearchKey.Kind
    pages: dict[str, str] = {
        kind.PAIRING: "web:pairing",
        kind.PROJECT: "web:project",
        kind.PERSON: "web:person",
        kind.AGREEMENT: "web:agreement",
    }
    if row.kind in pages:
        return reverse(pages[row.kind], args=[row.record_id])
    name = row.label.split(" ")[0]
    target = "web:agreements" if row.kind == kind.ORGANISATION else "web:projects"
    return reverse(target) + "?" + urlencode({"q": name})


@require_GET
@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    found = search.find(request.user, query)
    labels = dict(SearchKey.Kind.choices)
    groups: list[dict[str, Any]] = [
        {
            "kind": kind,
            "title": labels[kind],
            "rows": [{"label": row.label, "link": link(row)} for row in rows],
            "more": len(rows) >= search.LIMIT,
        }
        for kind, rows in found.items()
    ]
    return render(
        request,
        "web/search/results.html",
        {"query": query, "groups": groups, "count": sum(len(g["rows"]) for g in groups)},
    )


@require_GET
@login_required
def choices(request: HttpRequest) -> JsonResponse:
    """[{"id", "label"}, ...]: at most CHOICES_LIMIT records of one kind for a chooser."""
    kind = request.GET.get("kind", "")
    if kind not in SearchKey.Kind.values:
        return JsonResponse({"results": []}, status=400)
    rows = search.find(request.user, request.GET.get("q", ""), [kind], CHOICES_LIMIT)
    return JsonResponse(
        {"results": [{"id": row.record_id, "label": row.label} for row in rows.get(kind, [])]}
    )

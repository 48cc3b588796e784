"""The bulletin page: paste or upload a published text, see each figure and its verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from pairaid.accounts.models import User
from pairaid.bulletin.forms import CheckForm
from pairaid.bulletin.models import Claim, SourceDocument
from pairaid.bulletin.services import record_check
from pairaid.ledger import access


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    form = CheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document, _report = record_check(
            form.cleaned_data["text"],
            acting_user=request.user,
            source=form.cleaned_data.get("source") or "粘贴",
            as_of=form.cleaned_data.get("as_of"),
        )
        return redirect("bulletin:document", pk=document.pk)
    recent = documents_for(request.user)[:20]
    return render(request, "bulletin/index.html", {"form": form, "recent": recent})


@login_required
def document(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_document_for_user(request.user, pk)
    claims = list(doc.claims.all())
    context = {
        "document": doc,
        "claims": claims,
        "segments": segments(doc, claims),
        "counts": {v: sum(c.verdict == v for c in claims) for v in Claim.Verdict.values},
    }
    return render(request, "bulletin/document.html", context)


def documents_for(user: access.Viewer) -> QuerySet[SourceDocument]:
    """A user sees the texts they checked; an administrator sees all."""
    documents = SourceDocument.objects.all()
    if access.is_administrator(user):
        return documents
    if not isinstance(user, User):  # no login (the pages ask for one first): none
        return documents.none()
    return documents.filter(created_by=user)


def get_document_for_user(user: access.Viewer, pk: int) -> SourceDocument:
    try:
        return documents_for(user).get(pk=pk)
    except SourceDocument.DoesNotExist as exc:
        raise Http404("no such document") from exc


@dataclass(frozen=True)
class Segment:
    text: str
    claim: Claim | None = None
    number: int = 0
    repair: dict[str, Any] | None = None


def segments(doc: SourceDocument, claims: list[Claim]) -> list[Segment]:
    """The clean text cut into plain runs, claim figures and repaired places, so the page
    can mark each figure with its verdict and each repair with its note."""
    marks: list[tuple[int, int, Claim | None, dict[str, Any] | None]] = [
        (c.span_start, c.span_end, c, None) for c in claims
    ]
    marks += [(f["start"], f["end"], None, f) for f in doc.repair_flags]
    marks.sort(key=lambda mark: (mark[0], mark[1]))
    text = doc.clean_text
    out: list[Segment] = []
    position = 0
    for start, end, claim, repair in marks:
        if start < position:
            continue  # overlapping marks: the first one wins
        if start > position:
            out.append(Segment(text[position:start]))
        number = claims.index(claim) + 1 if claim is not None else 0
        out.append(Segment(text[start:end], claim, number, repair))
        position = end
    if position < len(text):
        out.append(Segment(text[position:]))
    return out

"""Dispatched people (干部人才) and their postings (选派)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairaid.ledger import services
from pairaid.ledger.models import Person, Posting
from pairaid.lib.personal_data import mask_id_number, mask_phone
from pairaid.web import access, listing
from pairaid.web.forms import PersonFilter, PersonForm, PostingFilter, PostingForm
from pairaid.web.views.common import VIA, done, form_page, history, submitted, today
from pairaid.web.views.review import can_answer, can_reopen, may_reveal, person_history_visible

PERSON_SORTS = listing.Sorts.of(Person)
POSTING_SORTS = listing.Sorts.of(Posting)


@dataclass(frozen=True)
class PostingRow:
    """A posting on its person's page, with the answers the user may give on it."""

    posting: Posting
    answerable: bool
    reopenable: bool


def with_posting_count(queryset: QuerySet[Person]) -> QuerySet[Person]:
    postings = (
        Posting.objects.filter(person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(n=Count("id"))
        .values("n")
    )
    return queryset.annotate(
        posting_count=Coalesce(Subquery(postings, output_field=IntegerField()), 0)
    )


@require_GET
@login_required
def person_list(request: HttpRequest) -> HttpResponseBase:
    found = listing.build(
        request,
        list_name="web:persons",
        base=with_posting_count(access.records(request.user, Person)),
        form=PersonFilter(request.GET, user=request.user),
        sorts=PERSON_SORTS,
        related=lambda qs: qs.select_related("home_organisation"),
    )
    return listing.respond(
        request,
        "web/people/person_list.html",
        found,
        results="web/people/_person_results.html",
        can_record=access.can_record_anywhere(request.user),
    )


@require_GET
@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_for_user(request.user, Person, pk)
    return person_page(request, person)


def person_page(
    request: HttpRequest, person: Person, clear: dict[str, str] | None = None
) -> HttpResponse:
    """A person's page. Identity and phone numbers are masked; `clear` holds them in clear
    once, after `services.reveal_personal_data` has logged the look."""
    person = Person.objects.select_related("home_organisation").get(pk=person.pk)
    postings = list(
        access.within_view(
            request.user,
            person.postings.with_effective_status(today())
            .select_related("pairing", "host_organisation", "team")
            .order_by("start_date", "id"),
        )
    )
    all_pairings = [p.pairing for p in person.postings.select_related("pairing")]
    rows = [
        PostingRow(
            posting,
            answerable=can_answer(request.user, posting),
            reopenable=can_reopen(request.user, posting),
        )
        for posting in postings
    ]
    shown = clear or {
        "id_number": mask_id_number(person.id_number),
        "phone": mask_phone(person.phone),
    }
    return render(
        request,
        "web/people/person_detail.html",
        {
            "person": person,
            "postings": rows,
            "id_number": shown["id_number"],
            "phone": shown["phone"],
            "clear": clear is not None,
            "can_reveal": clear is None
            and bool(person.id_number or person.phone)
            and may_reveal(request.user, all_pairings),
            "history": history(person)
            if person_history_visible(request.user, person, all_pairings)
            else [],
            "can_edit": access.can_record_anywhere(request.user),
        },
    )


@require_POST
@login_required
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_for_user(request.user, Person, pk)
    clear = services.reveal_personal_data(person, acting_user=request.user, via=VIA)
    return person_page(request, person, clear=clear)


@require_http_methods(["GET", "POST"])
@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    if not access.can_record_anywhere(request.user):
        raise PermissionDenied
    form = PersonForm(request.POST or None, user=request.user)
    person = submitted(
        request,
        form,
        lambda data: services.create_record(Person, acting_user=request.user, via=VIA, **data),
    )
    if person is not None:
        return done(
            request,
            _("已新建人员：%(name)s。请继续登记其选派。") % {"name": person.name},
            "web:posting_create",
            person.pk,
        )
    return form_page(request, form, title=_("新建干部人才"), cancel=reverse("web:persons"))


@require_http_methods(["GET", "POST"])
@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_for_user(request.user, Person, pk)
    if not access.can_record_anywhere(request.user):
        raise PermissionDenied
    form = PersonForm(request.POST or None, user=request.user, instance=person)
    saved = submitted(
        request,
        form,
        lambda data: services.update_record(person, acting_user=request.user, via=VIA, **data),
    )
    if saved is not None:
        return done(
            request, _("已保存人员：%(name)s") % {"name": person.name}, "web:person", person.pk
        )
    return form_page(
        request,
        form,
        title=_("编辑干部人才：%(name)s") % {"name": person.name},
        cancel=reverse("web:person", args=[person.pk]),
    )


# --- postings -------------------------------------------------------------------------------


@require_GET
@login_required
def posting_list(request: HttpRequest) -> HttpResponseBase:
    found = listing.build(
        request,
        list_name="web:postings",
        base=access.within_view(request.user, Posting.objects.with_effective_status(today())),
        form=PostingFilter(request.GET, user=request.user),
        sorts=POSTING_SORTS,
        related=lambda qs: qs.select_related(
            *listing.pairing_names(), "person", "host_organisation", "team"
        ),
        total=lambda qs: qs.aggregate(n=Count("person", distinct=True))["n"],
    )
    return listing.respond(
        request,
        "web/people/posting_list.html",
        found,
        results="web/people/_posting_results.html",
    )


@require_http_methods(["GET", "POST"])
@login_required
def posting_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = access.get_for_user(request.user, Person, person_pk)
    if not access.can_record_anywhere(request.user):
        raise PermissionDenied
    form = PostingForm(request.POST or None, user=request.user)
    posting = submitted(
        request,
        form,
        lambda data: services.create_record(
            Posting, acting_user=request.user, via=VIA, person=person, **data
        ),
    )
    if posting is not None:
        return done(request, _("已登记选派"), "web:person", person.pk)
    return form_page(
        request,
        form,
        title=_("登记选派：%(name)s") % {"name": person.name},
        cancel=reverse("web:person", args=[person.pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def posting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    posting = access.get_for_user(
        request.user, Posting, pk, Posting.objects.select_related("person")
    )
    if not access.can(request.user, posting.pairing, access.EDIT):
        raise PermissionDenied
    form = PostingForm(request.POST or None, user=request.user, instance=posting)
    saved = submitted(
        request,
        form,
        lambda data: services.update_record(posting, acting_user=request.user, via=VIA, **data),
    )
    if saved is not None:
        return done(request, _("已保存选派"), "web:person", posting.person_id)
    return form_page(
        request,
        form,
        title=_("编辑选派：%(name)s") % {"name": posting.person.name},
        cancel=reverse("web:person", args=[posting.person_id]),
    )

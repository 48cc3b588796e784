"""Every page fetches records through this module, and only through it.

The decision itself — which pairings a user sees, what they may do there — lives in
`pairaid.ledger.access` (roles over regions and organisations), which the services ask too.
This module is the pages' side of it: the visible pairings, a record fetched through its
pairing ("not found" when outside the user's scope, as if it did not exist), and the
pairings a user may record data in. Tighten or widen access there, not in a view.

What the pages add on top, each in `ledger.access` terms: a record's change history is shown
to users who can(AUDIT) or can(EDIT) on its pairing (`views.common.history_visible`); the
audit list (/audit/) to users with AUDIT somewhere, with entries of the pairings where they
have AUDIT (entries of no pairing: administrators only); identity and phone numbers in
clear to users with READ_PERSONAL on a pairing the person is posted in, each look audited.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from pairaid.ledger import access as rules
from pairaid.ledger.access import Viewer
from pairaid.ledger.models import (
    Organisation,
    Pairing,
    PairingQuerySet,
    Person,
    Region,
)

M = TypeVar("M", bound=Model)

READ = rules.READ
READ_PERSONAL = rules.READ_PERSONAL
EDIT = rules.EDIT
CONFIRM = rules.CONFIRM
PROGRESS = rules.PROGRESS
SUBMIT = rules.SUBMIT
APPROVE = rules.APPROVE
AUDIT = rules.AUDIT
REOPEN_ACTIONS = rules.REOPEN_ACTIONS


def visible_pairings(user: Viewer) -> PairingQuerySet:
    # rules.visible_pairings, typed as the pairings queryset it is (`with_names`)
    return rules.pairings(user, READ).order_by("valid_from", "id")


def sees_everything(user: Viewer) -> bool:
    return rules.is_administrator(user)


def in_view(user: Viewer, path: str = "pairing") -> Q:
    """The condition "`path` (a pairing) is one the user sees", for filtering records."""
    return rules.in_view(user, path)


def get_pairing_for_user(user: Viewer, pk: Any) -> Pairing:
    """The pairing `pk`, or Http404 when it does not exist or is outside the user's view."""
    try:
        return rules.get_pairing_for_user(user, pk)
    except rules.OutOfScope as exc:
        raise Http404("no such pairing") from exc


def can(user: Viewer, pairing: Pairing | None, action: str) -> bool:
    return rules.can(user, pairing, action)


def writable_pairings(user: Viewer, action: str = EDIT) -> list[Pairing]:
    """The pairings in which the user may record data (the choices of a form)."""
    return list(rules.pairings(user, action).order_by("valid_from", "id"))


def can_record_anywhere(user: Viewer) -> bool:
    return rules.can(user, None, EDIT)


# --- records, each fetched through its pairing ---------------------------------------------

PAIRING_PATH = rules.PAIRING_PATH


def within_view(user: Viewer, queryset: QuerySet[M]) -> QuerySet[M]:
    """Narrow any queryset of records to those the user sees (through their pairing)."""
    return rules.within_view(user, queryset)


def records(user: Viewer, model: type[M]) -> QuerySet[M]:
    """All records of a type that hang off a pairing the user sees."""
    return rules.records(user, model)


def get_for_user(user: Viewer, model: type[M], pk: Any, queryset: QuerySet[M] | None = None) -> M:
    """One record through its pairing: Http404 if it does not exist or is out of view."""
    found = records(user, model) if queryset is None else within_view(user, queryset)
    try:
        return found.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:  # model.DoesNotExist
        raise Http404("no such record") from exc


def visible_persons(user: Viewer) -> QuerySet[Person]:
    """Persons posted in a pairing the user sees (and, for those who record people, persons
    not posted anywhere yet): `ledger.access.visible_persons`."""
    return rules.visible_persons(user)


# --- reference records (regions, organisations) --------------------------------------------


def organisations(user: Viewer) -> QuerySet[Organisation]:
    """Organisations offered in forms. Reference data: shared by all pairings."""
    return Organisation.objects.order_by("region__code", "name")


def regions(user: Viewer) -> QuerySet[Region]:
    return Region.objects.order_by("code")

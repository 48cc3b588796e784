"""Who may see and change what: the one module that decides.

A user holds roles (`accounts.RoleAssignment`), each over a region — with everything below
it — or an organisation. A role covers pairings on one side (a helper editor: pairings its
region or organisation helps; a recipient editor: pairings that help it) or either side
(coordinator, auditor, viewer). What it may do there is `ROLE_ACTIONS`.

Every surface (pages, admin, downloads, reports, API, importer) fetches pairings through
`visible_pairings` and asks `require`; the services ask it too, so a door that forgot
cannot change what it should not. A pairing outside the user's scope is "not found"
(`OutOfScope`, which each door answers as its own "not found": 404 on the pages and the
API), so that its existence is not revealed; a visible pairing the user may not change in
that way is "forbidden" (PermissionDenied). This module raises no HTTP errors.

Set-shaped questions, which raise nothing: `pairings(user, action)` (the pairings where the
user may do `action`), `records(user, model)` (the records hanging off pairings the user
sees) and `figure_scope(user, pairing)` — the pairings a figure of `pairing` may cover for
the user: the pairing itself and the pairings below it that the user sees. A figure of a
coordinating pairing (市对州) includes its children, but never a child the user may not see:
its amount and its name stay out of every page, report, API answer and bulletin check.

`acting_user=None` is the system itself (the demo loader, a command run by the server's
operator): it may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.db.models.expressions import Combinable
from django.utils.translation import gettext as _

from pairaid.accounts.models import Role, User
from pairaid.ledger import record_types
from pairaid.ledger.models import (
    Pairing,
    PairingQuerySet,
    Person,
    Posting,
    Region,
)

M = TypeVar("M", bound=Model)

# Who asks: a login (`request.user`, a command's `--user`), or None for the operator, who
# sees everything (commands answer for the operator).
Viewer = User | AnonymousUser | None

READ = "read"
READ_PERSONAL = "read_personal"  # identity and phone numbers in clear
EDIT = "edit"  # the helper side records its pairings' projects, money, people, agreements
CONFIRM = "confirm"  # the recipient side confirms or disputes money and people
PROGRESS = "progress"  # the recipient side updates project progress and outcomes
SUBMIT = "submit"  # submit a year of data for review
TARGETS = "targets"  # set annual targets
APPROVE = "approve"  # approve, return or reopen a year; set up pairings
AUDIT = "audit"  # read the audit trail
# Who may re-open an answered confirmation: the side that answers, or the coordinating office.
REOPEN_ACTIONS = (CONFIRM, APPROVE)

ALL_ACTIONS = frozenset(
    {READ, READ_PERSONAL, EDIT, CONFIRM, PROGRESS, SUBMIT, TARGETS, APPROVE, AUDIT}
)
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: ALL_ACTIONS,
    Role.COORDINATOR: frozenset({READ, READ_PERSONAL, TARGETS, APPROVE, AUDIT}),
    Role.HELPER_EDITOR: frozenset({READ, READ_PERSONAL, EDIT, SUBMIT}),
    Role.RECIPIENT_EDITOR: frozenset({READ, READ_PERSONAL, CONFIRM, PROGRESS, SUBMIT}),
    Role.AUDITOR: frozenset({READ, READ_PERSONAL, AUDIT}),
    Role.VIEWER: frozenset({READ}),
}
HELPER, RECIPIENT, EITHER = "helper", "recipient", "either"


class OutOfScope(Exception):
    """A pairing (or a record through it) the user does not see, or that does not exist:
    "not found" at every door, never "forbidden", so that its existence is not revealed."""


ROLE_SIDE: dict[str, str] = {Role.HELPER_EDITOR: HELPER, Role.RECIPIENT_EDITOR: RECIPIENT}


@dataclass(frozen=True)
class Grant:
    """One role assignment, resolved: the actions, the side, the regions, the organisation."""

    actions: frozenset[str]
    side: str
    region_ids: frozenset[int]
    organisation_id: int | None
    everywhere: bool = False

    def side_q(self, side: str) -> Q:
        q = Q(**{f"{side}_organisation_id": self.organisation_id}) if self.organisation_id else Q()
        if self.region_ids:
            q |= Q(**{f"{side}_region_id__in": self.region_ids})
            q |= Q(**{f"{side}_organisation__region_id__in": self.region_ids})
        return q

    def q(self) -> Q:
        if self.everywhere:
            return Q()
        sides = [HELPER, RECIPIENT] if self.side == EITHER else [self.side]
        combined = Q(pk__in=[])
        for side in sides:
            combined |= self.side_q(side)
        return combined

    def covers(self, pairing: Pairing) -> bool:
        if self.everywhere:
            return True
        sides = [HELPER, RECIPIENT] if self.side == EITHER else [self.side]
        for side in sides:
            region_id = getattr(pairing, f"{side}_region_id")
            organisation = getattr(pairing, f"{side}_organisation")
            if region_id in self.region_ids:
                return True
            if organisation is not None and (
                organisation.pk == self.organisation_id or organisation.region_id in self.region_ids
            ):
                return True
        return False


def region_and_below(region_id: int) -> frozenset[int]:
    found = {region_id}
    frontier = [region_id]
    while frontier:
        frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        found.update(frontier)
    return frozenset(found)


def grants(user: Viewer) -> list[Grant]:
    """The user's roles, resolved once per user object (i.e. once per request)."""
    if user is None:
        return [Grant(ALL_ACTIONS, EITHER, frozenset(), None, everywhere=True)]
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[Grant] | None = getattr(user, "_pairaid_grants", None)
    if cached is not None:
        return cached
    resolved = []
    if user.is_superuser:
        resolved.append(Grant(ALL_ACTIONS, EITHER, frozenset(), None, everywhere=True))
    for assignment in user.roles.all():
        resolved.append(
            Grant(
                actions=ROLE_ACTIONS[assignment.role],
                side=ROLE_SIDE.get(assignment.role, EITHER),
                region_ids=region_and_below(assignment.region_id)
                if assignment.region_id
                else frozenset(),
                organisation_id=assignment.organisation_id,
                everywhere=assignment.role == Role.ADMINISTRATOR,
            )
        )
    user.__dict__["_pairaid_grants"] = resolved  # kept on this user object only
    return resolved


def visible_pairings(user: Viewer) -> QuerySet[Pairing]:
    """The pairings the user sees (every role reads): `pairings(user, READ)`."""
    return pairings(user, READ)


def actions_on(user: Viewer, pairing: Pairing) -> frozenset[str]:
    allowed: set[str] = set()
    for grant in grants(user):
        if grant.covers(pairing):
            allowed |= grant.actions
    return frozenset(allowed)


def actions_anywhere(user: Viewer) -> frozenset[str]:
    """What the user may do on at least one pairing (for records with no pairing)."""
    allowed: set[str] = set()
    for grant in grants(user):
        allowed |= grant.actions
    return frozenset(allowed)


def can(user: Viewer, pairing: Pairing | None, action: str) -> bool:
    if pairing is None:
        return action in actions_anywhere(user)
    return action in actions_on(user, pairing)


def require(user: Viewer, pairing: Pairing | None, *actions: str) -> None:
    """Allow if the user may do any of `actions` on the pairing: else `OutOfScope` when the
    pairing is outside the user's scope, PermissionDenied when it is visible but the action
    is not allowed."""
    allowed = actions_anywhere(user) if pairing is None else actions_on(user, pairing)
    if pairing is not None and READ not in allowed:
        raise OutOfScope("no such pairing")
    if not allowed.intersection(actions):
        raise PermissionDenied(_("您无权进行此项操作"))


def is_administrator(user: Viewer) -> bool:
    return any(grant.everywhere for grant in grants(user))


def get_pairing_for_user(user: Viewer, pk: Any, *, write: bool = False) -> Pairing:
    """The pairing `pk` if the user may see it (`OutOfScope` otherwise); with `write`,
    PermissionDenied unless the user may record data in it."""
    try:
        pairing = visible_pairings(user).get(pk=pk)
    except (Pairing.DoesNotExist, ValueError, TypeError) as exc:
        raise OutOfScope("no such pairing") from exc
    if write:
        require(user, pairing, EDIT)
    return pairing


# --- set-shaped questions (they raise nothing) ----------------------------------------------


def pairings(user: Viewer, action: str = READ) -> PairingQuerySet:
    """The pairings where the user may do `action` (READ: every pairing the user sees)."""
    user_grants = [grant for grant in grants(user) if action in grant.actions]
    if not user_grants:
        return Pairing.objects.none()
    if any(grant.everywhere for grant in user_grants):
        return Pairing.objects.all()
    combined = Q(pk__in=[])
    for grant in user_grants:
        combined |= grant.q()
    return Pairing.objects.filter(combined).distinct()


def figure_scope(user: Viewer, pairing: Pairing, *, children: bool = True) -> tuple[int, ...]:
    """The pairings a figure of `pairing` may cover for the user (`figure_tree`'s ids)."""
    return figure_tree(user, pairing, children=children)[0]


def figure_tree(
    user: Viewer, pairing: Pairing, *, children: bool = True
) -> tuple[tuple[int, ...], bool]:
    """The pairings a figure of `pairing` may cover for the user, as ids: the pairing itself
    and, with `children`, every pairing below it (at any depth) that the user sees.

    A child the user does not see is left out with its records, so a coordinating office
    that sees 泸州市→凉山州 and only one of its district pairings gets the figures of that
    one and of the city's own work. The pairing itself is the caller's to have fetched
    through the user's scope (`get_pairing_for_user`, `pairings`).

    Also whether, with `children`, they are the pairing's whole tree (the user sees every
    pairing below it): only then may a figure read the subtree rollups."""
    if not children:
        return (pairing.pk,), False
    below = pairing.descendant_ids()
    whole = len(below)
    if below and not is_administrator(user):
        seen = set(visible_pairings(user).filter(pk__in=below).values_list("pk", flat=True))
        below = [pk for pk in below if pk in seen]
    return (pairing.pk, *below), len(below) == whole


def sees_all(user: Viewer, pairing_ids: Any) -> bool:
    """Whether the user sees every one of these pairings (what a kept figure covered)."""
    wanted = set(pairing_ids)
    if is_administrator(user):
        return True
    return visible_pairings(user).filter(pk__in=wanted).count() == len(wanted)


# How each record type reaches its pairing: declared with the type (`ledger/record_types.py`).
PAIRING_PATH: dict[type[Model], str] = record_types.pairing_paths()


def in_view(user: Viewer, path: str = "pairing") -> Q:
    """The condition "`path` (a pairing) is one the user sees", for filtering records."""
    if is_administrator(user):
        return Q()
    return Q(**{f"{path}__in": visible_pairings(user).values("pk")})


def within_view(user: Viewer, queryset: QuerySet[M]) -> QuerySet[M]:
    """Narrow a queryset of records to those the user sees (through their pairing)."""
    if queryset.model is Person:
        return queryset.filter(pk__in=visible_persons(user).values("pk"))
    declared = record_types.of(queryset.model)
    # A record of a type not declared (or of no one pairing) hangs off its pairing directly.
    path = (declared.pairing_path if declared else "") or "pairing"
    return queryset.filter(in_view(user, path))


def records(user: Viewer, model: type[M]) -> QuerySet[M]:
    """All records of a type that hang off a pairing the user sees."""
    if model is Person:
        return cast("QuerySet[M]", visible_persons(user))  # M is Person here
    return within_view(user, model._default_manager.all())


def shared_records(user: Viewer, model: type[M]) -> QuerySet[M]:
    """Reference records of no one pairing (regions, organisations): the common vocabulary
    of everyone who holds a role somewhere; nothing for a user with none."""
    if actions_anywhere(user):
        return model._default_manager.all()
    return model._default_manager.none()


def visible_persons(user: Viewer) -> QuerySet[Person]:
    """Persons posted in a pairing the user sees; and, for those who record people, persons
    not posted anywhere yet (so that a person can be entered before the posting)."""
    if is_administrator(user):
        return Person.objects.all()
    condition: Q | Combinable = Q(
        Exists(Posting.objects.filter(in_view(user), person=OuterRef("pk")))
    )
    if EDIT in actions_anywhere(user):
        condition |= ~Exists(Posting.objects.filter(person=OuterRef("pk")))
    return Person.objects.filter(condition)


# --- import batches ------------------------------------------------------------------------

UPLOAD_ACTIONS = frozenset({EDIT, CONFIRM, PROGRESS})


def may_upload(user: Viewer) -> bool:
    """Whether the user may import files at all: a role that records data somewhere
    (the helper side's EDIT, the recipient side's CONFIRM or PROGRESS). A viewer, an
    auditor, a coordinator or a staff account with no role may not."""
    return bool(actions_anywhere(user) & UPLOAD_ACTIONS)


def may_see_import(user: Viewer, owner_id: int | None) -> bool:
    """An import batch (its rows, errors and rejected-rows file hold personal data): the
    system, an administrator, or the user who uploaded it while they may still upload.
    Anyone else — a staff account with no role included — gets "not found"."""
    if user is None:
        return True
    if is_administrator(user):
        return True
    return owner_id is not None and owner_id == user.pk and may_upload(user)

"""Who may make a change, and which years are locked: the checks every change runs first."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from pairaid.ledger import access
from pairaid.ledger import locks as year_locks
from pairaid.ledger.models import (
    Confirmation,
    Organisation,
    Pairing,
    PairingYear,
    Person,
    Project,
    Region,
    Target,
)
from pairaid.ledger.services.audit import pairing_of

M = TypeVar("M", bound=models.Model)
# What the recipient side may update on a project (its progress), besides the helper side.
PROGRESS_FIELDS = year_locks.PROGRESS_FIELDS


# --- who may, and which years are locked ----------------------------------------------------


def _required_actions(obj: models.Model, changed: Iterable[str] | None) -> tuple[str, ...]:
    """What a user must be allowed to do to create (changed=None) or change a record."""
    if isinstance(obj, Target):
        return (access.TARGETS,)
    if isinstance(obj, Pairing):
        return (access.APPROVE,)
    if isinstance(obj, Project) and changed is not None and set(changed) <= PROGRESS_FIELDS:
        return (access.EDIT, access.PROGRESS)
    return (access.EDIT,)


def _authorize(acting_user: Any, obj: models.Model, changed: Iterable[str] | None = None) -> None:
    if acting_user is None:
        return
    if isinstance(obj, Region):
        if not access.is_administrator(acting_user):
            raise PermissionDenied(_("只有系统管理员可以维护行政区划"))
        return
    if isinstance(obj, Person):
        _authorize_person(acting_user, obj)
        return
    if isinstance(obj, Organisation):
        access.require(acting_user, None, access.EDIT, access.PROGRESS, access.APPROVE)
        return
    pairing = pairing_of(obj)
    if isinstance(obj, Pairing) and obj.pk is None:
        pairing = obj.parent  # a new pairing is set up by whoever coordinates its parent
        if pairing is None and not access.is_administrator(acting_user):
            raise PermissionDenied(_("只有系统管理员可以建立顶层结对关系"))
        if pairing is None:
            return
    if isinstance(obj, Pairing) and changed is not None and "parent" in changed:
        _authorize_move(acting_user, obj)
    access.require(acting_user, pairing, *_required_actions(obj, changed))


def _authorize_move(acting_user: Any, pairing: Pairing) -> None:
    """A pairing moved under another is placed there by whoever coordinates the new parent,
    as a new one is set up (its money then counts in the new parent's figures): never under
    a pairing the user does not see. Checked on the new state only (its parent differs from
    the stored one)."""
    if pairing.parent is None:
        return
    stored = Pairing.objects.filter(pk=pairing.pk).values_list("parent_id", flat=True).first()
    if stored != pairing.parent_id:
        access.require(acting_user, pairing.parent, access.APPROVE)


def _authorize_person(acting_user: Any, person: Person) -> None:
    """A person is changed by the helper side of a pairing the person is posted in, or by
    any helper-side editor while the person has no posting yet."""
    postings = list(person.postings.select_related("pairing")) if person.pk else []
    if not postings:
        access.require(acting_user, None, access.EDIT)
        return
    if not any(access.can(acting_user, p.pairing, access.EDIT) for p in postings):
        access.require(acting_user, postings[0].pairing, access.EDIT)


def _ensure_unlocked(
    obj: models.Model,
    changed: Iterable[str] | None = None,
    locks: dict[tuple[int, int], bool] | None = None,
) -> None:
    """Refuse a change to a year a coordinator has approved; which year a record is in is
    declared once per record type in `ledger.locks`. `locks` remembers answers across
    the rows of one bulk call."""
    found = year_locks.locked_year(obj, changed)
    if found is None:
        return
    record, year = found
    pairing = pairing_of(record)
    if pairing is None:
        return
    locks = {} if locks is None else locks
    if (pairing.pk, year) not in locks:
        locks[pairing.pk, year] = PairingYear.objects.filter(
            pairing=pairing, year=year, status=PairingYear.Status.APPROVED
        ).exists()
    if locks[pairing.pk, year]:
        raise ValidationError(
            _("%(pairing)s %(year)s年的数据已审核锁定；如需修改，请协调办公室重新开放该年度")
            % {"pairing": pairing, "year": year}
        )


def _guard(
    acting_user: Any,
    obj: models.Model,
    changed: Iterable[str] | None = None,
    locks: dict[tuple[int, int], bool] | None = None,
) -> None:
    _authorize(acting_user, obj, changed)
    _ensure_unlocked(obj, changed, locks)
    if changed is None and acting_user is not None:
        _refuse_self_confirmation(obj)


def _refuse_self_confirmation(obj: models.Model) -> None:
    """Only the recipient side answers for money and people, through `confirm_record`."""
    if getattr(obj, "confirmation", Confirmation.UNCONFIRMED) != Confirmation.UNCONFIRMED:
        raise PermissionDenied(_("新登记的记录须由受援方通过确认功能确认"))


def _validate_row(obj: models.Model) -> None:
    """Validate one row of a bulk write. Foreign keys given as loaded records are not
    looked up again (the database's own foreign keys still hold)."""
    loaded = [
        f.name
        for f in obj._meta.concrete_fields
        if f.is_relation and cast("models.ForeignKey[Any, Any]", f).is_cached(obj)
    ]
    obj.full_clean(exclude=loaded, validate_unique=False, validate_constraints=False)

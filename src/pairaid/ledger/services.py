"""The one door for every change to the ledger.

Each function checks that the acting user may make the change (`ledger.access`), that the
year it touches is not locked, validates (the model's `full_clean`, i.e. its `clean()`
rules and field checks), writes its audit entry and runs in one transaction. Web pages, the
admin, the importer, the API and the command line all call these; none of them calls
`.save()`. `acting_user=None` is the system itself (the demo loader, the operator's
commands).

Fund flows are a ledger: once recorded they are never edited or deleted. A mistake is
corrected with `reverse_fund_flow` (a negative entry pointing at the original), and
`correct_fund_flow` does the reversal and the new entry together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from cryptography.fernet import InvalidToken
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pairaid.ledger import access
from pairaid.ledger import locks as year_locks
from pairaid.ledger.models import (
    AuditChain,
    AuditEntry,
    Confirmation,
    FundFlow,
    Organisation,
    Pairing,
    PairingYear,
    Person,
    Posting,
    Project,
    Region,
    Target,
)
from pairaid.lib import personal_data
from pairaid.lib.personal_data import EncryptedTextField, mask

M = TypeVar("M", bound=models.Model)

CONFIRMATION_FIELDS = ("confirmation", "confirmed_at", "confirmation_note")
NOT_AUDITED = {"recorded_at", "version"}
# What the recipient side may update on a project (its progress), besides the helper side.
PROGRESS_FIELDS = year_locks.PROGRESS_FIELDS

# --- audit ----------------------------------------------------------------------------------

# The audit trail is one hash chain per pairing (AuditEntry.chain_for): an append locks only
# its chain's head row (AuditChain, SELECT … FOR UPDATE until commit), so writes to different
# pairings never wait for each other. Every ANCHOR_EVERY entries an anchor over all chain
# heads is recorded after commit (ledger.audit_chain.record_anchor).
ANCHOR_EVERY = 10_000  # an anchor holds every head: about 110 bytes a chain


def _plain(value: Any) -> Any:
    """A JSON-safe copy of a field value, exact for money and dates."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "url"):  # a stored file
        return value.name or ""
    return value


def record_values(obj: models.Model) -> dict[str, Any]:
    """The stored values of a record's own columns, keyed by field name. Personal data is
    kept masked: the audit trail shows that it changed, not what it is."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in NOT_AUDITED:
            continue
        value = getattr(obj, field.attname)
        values[field.name] = (
            mask(value, 2, 2) if isinstance(field, EncryptedTextField) else _plain(value)
        )
    return values


def pairing_of(obj: models.Model) -> Pairing | None:
    """The pairing a record hangs off, directly or through its parent record."""
    if isinstance(obj, Pairing):
        return obj
    for parent_field in ("pairing", "agreement", "event"):
        if getattr(obj, f"{parent_field}_id", None):
            return pairing_of(getattr(obj, parent_field))
    return None


def _lock_chains(names: Iterable[str]) -> dict[str, AuditChain]:
    """The heads of these chains, locked until commit, in name order so that two writers
    touching the same chains cannot wait on each other in a circle. A chain's first entry
    makes its head (racing writers agree through the unique name). SQLite runs one write
    transaction at a time (settings: transaction_mode IMMEDIATE), so there it locks nothing
    more."""
    wanted = sorted(set(names))
    heads = AuditChain.objects.select_for_update().filter(name__in=wanted).order_by("name")
    found = {head.name: head for head in heads}
    missing = [name for name in wanted if name not in found]
    if missing:
        AuditChain.objects.bulk_create(
            [AuditChain(name=name) for name in missing], ignore_conflicts=True
        )
        found.update(
            (head.name, head)
            for head in AuditChain.objects.select_for_update()
            .filter(name__in=missing)
            .order_by("name")
        )
    return found


def _entry(
    obj: models.Model,
    action: str,
    acting_user: Any,
    via: str,
    changes: Mapping[str, Any],
    at: dt.datetime,
) -> AuditEntry:
    pairing = pairing_of(obj)
    return AuditEntry(
        at=at,
        user=acting_user if getattr(acting_user, "pk", None) else None,
        actor=via,
        action=action,
        record_type=obj._meta.model_name or "",
        record_id=str(obj.pk),
        record_repr=str(obj)[:300],
        pairing_id=pairing.pk if pairing and pairing.pk else None,
        changes=dict(changes),
    )


def _append(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Link each entry to the newest one of its chain and store them."""
    if not entries:
        return entries
    for entry in entries:
        entry.chain = AuditEntry.chain_for(entry.pairing_id)
    heads = _lock_chains(entry.chain for entry in entries)
    tails = {name: head.last_hash for name, head in heads.items()}
    for entry in entries:
        entry.prev_hash = tails[entry.chain]
        entry.hash = tails[entry.chain] = entry.compute_hash(entry.prev_hash)
    created = AuditEntry.objects.bulk_create(entries, batch_size=500)
    for entry in created:
        head = heads[entry.chain]
        head.last_id, head.last_hash, head.length = entry.pk, entry.hash, head.length + 1
    for head in heads.values():
        head.save(update_fields=["last_id", "last_hash", "length"])
    first, last = created[0].pk, created[-1].pk
    if (
        first is not None
        and last is not None
        and last // ANCHOR_EVERY > (first - 1) // ANCHOR_EVERY
    ):
        from pairaid.ledger.audit_chain import record_anchor

        transaction.on_commit(record_anchor, robust=True)
    return created


@transaction.atomic
def log_action(
    action: str, obj: models.Model, *, acting_user: Any, via: str, changes: Mapping[str, Any]
) -> AuditEntry:
    """Append one entry to the audit trail (also for changes outside the ledger's records,
    such as a frozen briefing or an API token)."""
    entry = _entry(obj, action, acting_user, via, changes, timezone.now())
    return _append([entry])[0]


def _bulk_log(objs: Iterable[models.Model], verb: str, *, acting_user: Any, via: str) -> None:
    now = timezone.now()
    _append(
        [_entry(obj, _action(obj, verb), acting_user, via, record_values(obj), now) for obj in objs]
    )


def _action(obj: models.Model | type[models.Model], verb: str) -> str:
    return f"{obj._meta.model_name}.{verb}"


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
    access.require(acting_user, pairing, *_required_actions(obj, changed))


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
    obj: models.Model, changed: Iterable[str] | None = None, locks: dict | None = None
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
    locks: dict | None = None,
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
    loaded = [f.name for f in obj._meta.concrete_fields if f.is_relation and f.is_cached(obj)]
    obj.full_clean(exclude=loaded, validate_unique=False, validate_constraints=False)


# --- plain records --------------------------------------------------------------------------


def _refuse_fund_flow(model: type[models.Model]) -> None:
    if issubclass(model, FundFlow):
        raise ValidationError(_("资金记录只能登记或冲销，不能直接修改或删除"))


@transaction.atomic
def create_record(model: type[M], *, acting_user: Any, via: str, **fields: Any) -> M:
    """Create one record of any type but a fund flow (see `record_fund_flow`)."""
    _refuse_fund_flow(model)
    obj = model(**fields)
    obj.full_clean()
    _guard(acting_user, obj)
    obj.save(force_insert=True)
    log_action(
        _action(obj, "created"), obj, acting_user=acting_user, via=via, changes=record_values(obj)
    )
    return obj


@transaction.atomic
def bulk_create_records(
    model: type[M], rows: Sequence[Mapping[str, Any]], *, acting_user: Any, via: str
) -> list[M]:
    """Create many records of one type: each validated, all written or none, one audit entry
    per record. For demo data and imports, where one insert per row would be slow."""
    _refuse_fund_flow(model)
    objs = [model(**row) for row in rows]
    locks: dict = {}
    for obj in objs:
        _validate_row(obj)
        _guard(acting_user, obj, locks=locks)
    created = model._default_manager.bulk_create(objs)
    _bulk_log(created, "created", acting_user=acting_user, via=via)
    return created


class StaleRecord(ValidationError):
    """An edit made on an older version of a record than the stored one: another user
    changed it in between. `changed` holds, for each field they changed, its current value;
    `current_version` is the version to edit from once the user has seen them."""

    def __init__(self, obj: models.Model, expected_version: int, current: models.Model):
        self.current_version = current.version  # type: ignore[attr-defined]
        self.changed = changes_since(current, expected_version)
        shown = "；".join(
            _("%(field)s：%(value)s") % {"field": label, "value": value}
            for label, value in self.changed.values()
        )
        message = _(
            "保存前，其他用户已修改了此记录"
            "（您打开的是第 %(expected)s 版，现在是第 %(current)s 版）。"
            "其他用户修改后的内容：%(fields)s。您填写的内容尚未保存，请核对后再次保存。"
        ) % {
            "expected": expected_version,
            "current": self.current_version,
            "fields": shown or _("（无记录）"),
        }
        super().__init__(message, code="stale")


# The audit actions that make a new version of a record (each made exactly one).
VERSIONING_VERBS = ("updated", "confirmed", "disputed", "confirmation_reopened")


def changes_since(current: models.Model, version: int) -> dict[str, tuple[str, str]]:
    """The fields changed after `version`, as {field: (label, current value shown)}: those
    of the record's latest audit entries that made the versions since."""
    made = max(current.version - version, 0)  # type: ignore[attr-defined]
    entries = AuditEntry.objects.filter(
        record_type=current._meta.model_name,
        record_id=str(current.pk),
        action__in=[_action(current, verb) for verb in VERSIONING_VERBS],
    ).order_by("-id")[:made]
    names: list[str] = []
    for entry in entries:
        names += [name for name in entry.changes or {} if name not in names]
    shown = {}
    for name in names:
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, EncryptedTextField):
            value = _("（个人信息，已修改）")
        elif getattr(field, "choices", None):
            value = getattr(current, f"get_{name}_display")()
        else:
            value = getattr(current, name)
            value = "" if value is None else str(value)
        shown[name] = (str(field.verbose_name), value or _("（空）"))
    return shown


def _claim_version(obj: models.Model, stored: int, expected: int | None) -> None:
    """Move the stored record from version `stored` to the next, in the database, only if
    no one else did first: a conditional UPDATE, which also holds the row until commit, so
    two concurrent saves cannot both win."""
    manager = type(obj)._default_manager
    if not manager.filter(pk=obj.pk, version=stored).update(version=stored + 1):
        raise StaleRecord(obj, stored if expected is None else expected, manager.get(pk=obj.pk))
    obj.version = stored + 1  # type: ignore[attr-defined]


def _versioned(obj: models.Model) -> bool:
    return any(field.name == "version" for field in obj._meta.concrete_fields)


@transaction.atomic
def update_record(
    obj: M, *, acting_user: Any, via: str, expected_version: int | None = None, **changes: Any
) -> M:
    """Change some fields of a record; the audit entry holds each field's old and new value.
    A record with a version gets the next one. With `expected_version` (the version the
    user's form or request was read at), an edit of a record that has changed since is
    refused with `StaleRecord`; without it, the edit applies to whatever is stored."""
    _refuse_fund_flow(type(obj))
    # Compare with the stored record, not the instance: a caller (a bound form) may
    # already have changed the instance in memory.
    original = type(obj)._default_manager.get(pk=obj.pk)
    versioned = _versioned(obj)
    if versioned and expected_version is not None and original.version != expected_version:
        raise StaleRecord(obj, expected_version, original)
    before = record_values(original)
    for name, value in changes.items():
        setattr(obj, name, value)
    if versioned:
        obj.version = original.version  # type: ignore[attr-defined]
    obj.full_clean()
    after = record_values(obj)
    diff = {name: [before[name], after[name]] for name in after if before.get(name) != after[name]}
    if not diff:
        return obj
    if set(diff) & set(CONFIRMATION_FIELDS):
        raise ValidationError(_("确认或异议请使用确认功能"))
    # Check the record as it was (its pairing, its year) and as it will be.
    _guard(acting_user, original, diff)
    _guard(acting_user, obj, diff)
    fields = [obj._meta.get_field(name).name for name in diff]
    if versioned:
        _claim_version(obj, original.version, expected_version)
    obj.save(update_fields=fields)
    log_action(_action(obj, "updated"), obj, acting_user=acting_user, via=via, changes=diff)
    return obj


@transaction.atomic
def delete_record(obj: models.Model, *, acting_user: Any, via: str) -> None:
    """Delete a record that nothing depends on; the audit entry keeps its last values."""
    _refuse_fund_flow(type(obj))
    _guard(acting_user, obj)
    values = record_values(obj)
    pk = obj.pk
    # Parts that go with the record (an event's participants, an agreement's obligations)
    # leave their own audit entries before the database cascade removes them.
    for part in _cascaded_parts(obj):
        _guard(acting_user, part)
        log_action(
            _action(part, "deleted"),
            part,
            acting_user=acting_user,
            via=via,
            changes=record_values(part),
        )
    log_action(_action(obj, "deleted"), obj, acting_user=acting_user, via=via, changes=values)
    try:
        with transaction.atomic():
            obj.delete()
    except models.ProtectedError as exc:
        raise ValidationError(_("%(record)s 仍被其他记录引用，不能删除") % {"record": obj}) from exc
    obj.pk = pk


def _cascaded_parts(obj: models.Model) -> list[models.Model]:
    parts: list[models.Model] = []
    for relation in obj._meta.related_objects:
        if relation.on_delete is models.CASCADE and not relation.many_to_many:
            accessor = relation.get_accessor_name()
            if relation.one_to_one:
                part = getattr(obj, accessor, None)
                parts.extend([part] if part is not None else [])
            else:
                parts.extend(getattr(obj, accessor).all())
    return parts


@transaction.atomic
def set_related(
    obj: models.Model, field: str, related: Iterable[models.Model], *, acting_user: Any, via: str
) -> None:
    """Replace the members of a many-to-many field (e.g. a team's schools), audited."""
    manager = getattr(obj, field)
    before = sorted(manager.values_list("pk", flat=True))
    after = sorted(item.pk for item in related)
    if before != after:
        _guard(acting_user, obj, [field])
        manager.set(after)
        log_action(
            _action(obj, "updated"),
            obj,
            acting_user=acting_user,
            via=via,
            changes={field: [before, after]},
        )


# --- fund flows: record, reverse, correct ---------------------------------------------------


@transaction.atomic
def record_fund_flow(*, acting_user: Any, via: str, **fields: Any) -> FundFlow:
    """Record a plan, transfer, allocation or spending. Amount in yuan, positive."""
    if fields.get("reverses") is not None or fields.get("reverses_id") is not None:
        raise ValidationError(_("冲销请使用冲销功能"))
    flow = FundFlow(**fields)
    flow.full_clean()
    _guard(acting_user, flow)
    flow.save(force_insert=True)
    log_action(
        "fundflow.recorded", flow, acting_user=acting_user, via=via, changes=record_values(flow)
    )
    return flow


def reverse_fund_flow(
    flow: FundFlow, *, acting_user: Any, via: str, reason: str, on: dt.date | None = None
) -> FundFlow:
    """Cancel a recorded fund flow with an equal and opposite entry dated `on` (by default
    today, or the original's own date when that is later: a reversal is never dated before
    the entry it cancels)."""
    reversals = bulk_reverse_fund_flows(
        [flow], acting_user=acting_user, via=via, reason=reason, on=on
    )
    return reversals[0]


RECORDED_FIELDS = (
    "pairing_id", "kind", "fund_year", "date", "amount", "source",
    "project_id", "voucher", "note", "cross_year_reason", "is_demo",
)  # fmt: skip


def recorded_fields(flow: FundFlow) -> dict[str, Any]:
    """What a fund flow was recorded with: enough to record it again (a correction, an
    import rolled back and restored)."""
    return {name: getattr(flow, name) for name in RECORDED_FIELDS}


@transaction.atomic
def correct_fund_flow(
    flow: FundFlow,
    *,
    acting_user: Any,
    via: str,
    reason: str,
    on: dt.date | None = None,
    **changes: Any,
) -> tuple[FundFlow, FundFlow]:
    """Correct a fund flow: reverse it and record the corrected entry. Returns both."""
    reversal = reverse_fund_flow(flow, acting_user=acting_user, via=via, reason=reason, on=on)
    fields = recorded_fields(flow)
    fields.update(changes)
    replacement = record_fund_flow(acting_user=acting_user, via=via, **fields)
    return reversal, replacement


# --- the recipient side's answer ------------------------------------------------------------


ANSWERED = (Confirmation.CONFIRMED, Confirmation.DISPUTED)


def _set_confirmation(
    obj: FundFlow | Posting, *, acting_user: Any, via: str, verb: str, answered: bool, **values: Any
) -> FundFlow | Posting:
    """Write the answer fields (and a new version, for records that have one) only if the
    record is still unanswered (`answered=False`) or answered (`answered=True`): a
    conditional UPDATE, so two concurrent answers cannot both be written."""
    model = type(obj)
    stored = model._default_manager.get(pk=obj.pk)
    before = {name: _plain(getattr(stored, name)) for name in CONFIRMATION_FIELDS}
    allowed = list(ANSWERED) if answered else [Confirmation.UNCONFIRMED]
    update = dict(values)
    if _versioned(obj):
        update["version"] = models.F("version") + 1
    if not model._default_manager.filter(pk=obj.pk, confirmation__in=allowed).update(**update):
        if answered:
            raise ValidationError(_("该记录尚未答复，无需重新开放"))
        raise ValidationError(_("受援方已答复（已确认或有异议）；如需改变答复，请先重新开放确认"))
    for name, value in values.items():
        setattr(obj, name, value)
    changes = {name: [before[name], _plain(getattr(obj, name))] for name in CONFIRMATION_FIELDS}
    if _versioned(obj):
        obj.version = stored.version + 1  # type: ignore[attr-defined]
    log_action(_action(obj, verb), obj, acting_user=acting_user, via=via, changes=changes)
    return obj


@transaction.atomic
def confirm_record(
    obj: FundFlow | Posting, *, acting_user: Any, via: str, accept: bool, note: str = ""
) -> FundFlow | Posting:
    """The recipient side confirms money received or a person arrived, or disputes it with a
    reason. Only the answer changes; the record itself stays as recorded. An answer is
    given once: changing it takes `reopen_confirmation` first."""
    if acting_user is not None:
        access.require(acting_user, obj.pairing, access.CONFIRM)
    _ensure_unlocked(obj)
    if not accept and not note.strip():
        raise ValidationError({"confirmation_note": _("有异议时请说明原因")})
    return _set_confirmation(
        obj,
        acting_user=acting_user,
        via=via,
        verb="confirmed" if accept else "disputed",
        answered=False,
        confirmation=Confirmation.CONFIRMED if accept else Confirmation.DISPUTED,
        confirmed_at=timezone.now(),
        confirmation_note=note.strip(),
    )


@transaction.atomic
def reopen_confirmation(
    obj: FundFlow | Posting, acting_user: Any, reason: str, *, via: str = "web"
) -> FundFlow | Posting:
    """Re-open an answered confirmation (confirmed or disputed) so that the recipient side
    can answer again: an explicit step with a reason, audited with the answer it undoes.
    Allowed to the recipient side (who answers) and the coordinating office."""
    if acting_user is not None:
        access.require(acting_user, obj.pairing, access.CONFIRM, access.APPROVE)
    _ensure_unlocked(obj)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写重新开放的原因")})
    obj = _set_confirmation(
        obj,
        acting_user=acting_user,
        via=via,
        verb="confirmation_reopened",
        answered=True,
        confirmation=Confirmation.UNCONFIRMED,
        confirmed_at=None,
        confirmation_note=(_("重新开放：%(reason)s") % {"reason": reason.strip()})[:300],
    )
    return obj


# --- a year of data: submit, approve (lock), return, reopen ---------------------------------

YEAR_STEPS = {
    # step: (permission, allowed from, goes to, needs a comment)
    "submitted": (access.SUBMIT, {PairingYear.Status.DRAFT}, PairingYear.Status.SUBMITTED, False),
    "approved": (
        access.APPROVE,
        {PairingYear.Status.SUBMITTED},
        PairingYear.Status.APPROVED,
        False,
    ),
    "returned": (access.APPROVE, {PairingYear.Status.SUBMITTED}, PairingYear.Status.DRAFT, True),
    "reopened": (access.APPROVE, {PairingYear.Status.APPROVED}, PairingYear.Status.DRAFT, True),
}
STEP_ERRORS = {
    "submitted": gettext_lazy("只有填报中的年度可以报送"),
    "approved": gettext_lazy("只有已报送的年度可以审核通过"),
    "returned": gettext_lazy("只有已报送的年度可以退回"),
    "reopened": gettext_lazy("只有已审核锁定的年度可以重新开放"),
}


@transaction.atomic
def move_year(
    pairing: Pairing, year: int, step: str, *, acting_user: Any, via: str, comment: str = ""
) -> PairingYear:
    """Move a pairing's year through review: `submitted`, `approved` (locks the year),
    `returned` (back to draft, with a comment) or `reopened` (unlocks, with a reason)."""
    permission, allowed_from, target, needs_comment = YEAR_STEPS[step]
    if acting_user is not None:
        access.require(acting_user, pairing, permission)
    record, _created = PairingYear.objects.select_for_update().get_or_create(
        pairing=pairing, year=year
    )
    if record.status not in allowed_from:
        raise ValidationError(STEP_ERRORS[step])
    if needs_comment and not comment.strip():
        raise ValidationError({"comment": _("请填写意见或原因")})
    before = record.status
    record.status = target
    record.comment = comment.strip()
    record.changed_at = timezone.now()
    record.save(update_fields=["status", "comment", "changed_at"])
    log_action(
        f"pairingyear.{step}",
        record,
        acting_user=acting_user,
        via=via,
        changes={"status": [before, target], "comment": record.comment},
    )
    return record


# --- reading personal data ------------------------------------------------------------------


@transaction.atomic
def reveal_personal_data(person: Person, *, acting_user: Any, via: str) -> dict[str, str]:
    """The clear identity and phone numbers, for a role that needs them; each look is
    written to the audit trail."""
    postings = list(person.postings.select_related("pairing"))
    allowed = (
        acting_user is None
        or access.is_administrator(acting_user)
        or any(access.can(acting_user, p.pairing, access.READ_PERSONAL) for p in postings)
    )
    if not allowed:
        raise PermissionDenied(_("无权查看个人敏感信息"))
    log_action(
        "person.personal_data_viewed",
        person,
        acting_user=acting_user,
        via=via,
        changes={"fields": ["id_number", "phone"]},
    )
    return {"id_number": person.id_number, "phone": person.phone}


# --- many fund flows at once (imports, and an import batch rolled back) ---------------------
#
# For tens of thousands of entries: the same checks as `record_fund_flow` and
# `reverse_fund_flow`, but the access and lock check (`_guard`) runs once per pairing and
# fund year — all it depends on for a fund flow — and references given as records
# (pairing, project, the reversed flow) are not fetched again from the database.

_FLOW_REFERENCES = ["pairing", "project", "reverses"]


def _guard_flows(acting_user: Any, flows: Iterable[FundFlow]) -> None:
    checked: set[tuple[int, int]] = set()
    for flow in flows:
        if (flow.pairing_id, flow.fund_year) not in checked:
            _guard(acting_user, flow)
            checked.add((flow.pairing_id, flow.fund_year))


def _check_references(flows: Sequence[FundFlow]) -> None:
    """The references that are ids only (not records) must exist."""
    for name, model in (("pairing", Pairing), ("project", Project), ("reverses", FundFlow)):
        attname = f"{name}_id"
        wanted = {
            getattr(flow, attname)
            for flow in flows
            if getattr(flow, attname) is not None and name not in flow._state.fields_cache
        }
        if wanted and model.objects.filter(pk__in=wanted).count() != len(wanted):
            raise ValidationError({name: _("引用的记录不存在")})


@transaction.atomic
def bulk_record_fund_flows(
    rows: Sequence[Mapping[str, Any]], *, acting_user: Any, via: str
) -> list[FundFlow]:
    """Record many fund flows (demo data, imports): each validated, all written or none,
    one audit entry each."""
    flows = [FundFlow(**row) for row in rows]
    for flow in flows:
        if flow.reverses_id:
            raise ValidationError(_("冲销请使用冲销功能"))
        flow.full_clean(exclude=_FLOW_REFERENCES, validate_unique=False, validate_constraints=False)
        if acting_user is not None:
            _refuse_self_confirmation(flow)
    _check_references(flows)
    _guard_flows(acting_user, flows)
    created = FundFlow.objects.bulk_create(flows, batch_size=500)
    _bulk_log(created, "recorded", acting_user=acting_user, via=via)
    return created


@transaction.atomic
def bulk_reverse_fund_flows(
    flows: Sequence[FundFlow],
    *,
    acting_user: Any,
    via: str,
    reason: str,
    on: dt.date | None = None,
) -> list[FundFlow]:
    """Reverse many fund flows as `reverse_fund_flow` reverses one: none may be a reversal
    or already reversed, each written with its audit entry. All or none."""
    if not reason.strip():
        raise ValidationError({"note": _("请填写冲销原因")})
    ids = [flow.pk for flow in flows]
    originals = list(FundFlow.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    # Their pairings and projects, fetched once (PostgreSQL cannot lock an outer join).
    pairings = Pairing.objects.in_bulk({flow.pairing_id for flow in originals})
    projects = Project.objects.in_bulk({f.project_id for f in originals if f.project_id})
    if any(flow.is_reversal for flow in originals):
        raise ValidationError(_("冲销记录不能再次冲销"))
    if FundFlow.objects.filter(reverses_id__in=ids).exists():
        raise ValidationError(_("该记录已被冲销"))
    note = (_("冲销：%(reason)s") % {"reason": reason.strip()})[:300]
    reversals = []
    for flow in originals:
        reversal = FundFlow(
            pairing=pairings[flow.pairing_id],
            kind=flow.kind,
            fund_year=flow.fund_year,
            date=on or max(timezone.localdate(), flow.date),
            amount=-flow.amount,
            source=flow.source,
            project=projects.get(flow.project_id),
            voucher=flow.voucher,
            reverses=flow,
            note=note,
            is_demo=flow.is_demo,
        )
        reversal.full_clean(
            exclude=_FLOW_REFERENCES, validate_unique=False, validate_constraints=False
        )
        reversals.append(reversal)
    _guard_flows(acting_user, reversals)
    created = FundFlow.objects.bulk_create(reversals, batch_size=500)
    now = timezone.now()
    _append(
        [
            _entry(
                reversal,
                "fundflow.reversed",
                acting_user,
                via,
                {
                    "reverses": reversal.reverses_id,
                    "amount": str(reversal.amount),
                    "reason": reason,
                },
                now,
            )
            for reversal in created
        ]
    )
    return created


# --- the data key of personal data ----------------------------------------------------------


def _rotate_json(value: Any, keys: Sequence[str]) -> Any:
    if isinstance(value, str) and value.startswith(personal_data.PREFIX):
        return personal_data.rotate(value, keys)
    if isinstance(value, dict):
        return {k: _rotate_json(v, keys) for k, v in value.items()}
    if isinstance(value, list):
        return [_rotate_json(v, keys) for v in value]
    return value


@transaction.atomic
def rotate_personal_data_key(
    old_keys: Sequence[str], new_key: str, *, acting_user: Any, via: str
) -> dict[str, int]:
    """Re-encrypt every stored identity and phone number (and the encrypted values kept in
    import snapshots) with `new_key`, opening them with any of `old_keys` (or the new key:
    running it twice changes nothing readable). One transaction: a value no key opens
    stops it with nothing changed. One audit entry per record whose values were
    re-encrypted (the audit trail itself holds no encrypted values and is not touched).
    Returns how many records of each kind were re-encrypted."""
    from django.apps import apps

    keys = [new_key, *old_keys]
    raw_text = models.TextField()
    rotated: dict[str, int] = {}
    for model in apps.get_models():
        if not model._meta.app_config.name.startswith("pairaid.") or model is AuditEntry:
            continue
        fields = model._meta.concrete_fields
        secret = [f for f in fields if isinstance(f, EncryptedTextField)]
        json_fields = [f for f in fields if isinstance(f, models.JSONField)]
        if not secret and not json_fields:
            continue
        reads = [
            models.ExpressionWrapper(models.F(f.attname), output_field=raw_text) for f in secret
        ]
        rows = model._base_manager.order_by("pk").values_list(
            "pk", *reads, *[f.attname for f in json_fields]
        )
        changed: dict[Any, list[str]] = {}
        for pk, *values in rows.iterator(chunk_size=2000):
            updates: dict[str, Any] = {}
            for f, value in zip([*secret, *json_fields], values, strict=True):
                try:
                    if f in secret:
                        new = personal_data.rotate(value, keys) if value else value
                        if new != value:
                            updates[f.attname] = models.Value(new, output_field=raw_text)
                    else:
                        new = _rotate_json(value, keys)
                        if new != value:
                            updates[f.attname] = new
                except InvalidToken as exc:
                    raise ValidationError(
                        _("%(model)s #%(pk)s 的加密数据无法用给出的旧密钥解密，未作任何改动")
                        % {"model": model._meta.verbose_name, "pk": pk}
                    ) from exc
            if updates:
                model._base_manager.filter(pk=pk).update(**updates)
                changed[pk] = [name for name in updates]
        if not changed:
            continue
        rotated[model._meta.label_lower] = len(changed)
        now = timezone.now()
        pks = list(changed)
        for start in range(0, len(pks), 1000):
            objs = model._base_manager.in_bulk(pks[start : start + 1000])
            _append(
                [
                    _entry(
                        obj,
                        f"{model._meta.model_name}.data_key_rotated",
                        acting_user,
                        via,
                        {"fields": changed[pk]},
                        now,
                    )
                    for pk, obj in objs.items()
                ]
            )
    return rotated

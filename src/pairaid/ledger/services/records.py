"""Plain records: create, update (on the version it was made on), delete, set related."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.ledger import subtree_rollups
from pairaid.ledger.models import (
    AuditEntry,
    Confirmation,
    FundFlow,
    Pairing,
    Project,
)
from pairaid.ledger.services import history
from pairaid.ledger.services.audit import (
    CONFIRMATION_FIELDS,
    _action,
    _append,
    _bulk_log,
    _entries,
    log_action,
    record_values,
    with_parents,
)
from pairaid.ledger.services.guards import M, _guard, _validate_row
from pairaid.ledger.services.search import drop_records, index_records
from pairaid.lib.personal_data import EncryptedTextField

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
    if isinstance(obj, Project):
        history.note_created([obj], acting_user)
    if isinstance(obj, Pairing):  # its place in the tree the subtree rollups add up by
        subtree_rollups.place_pairings([obj.pk], new=True)
    index_records([obj])
    return obj


@transaction.atomic
def bulk_create_records(
    model: type[M],
    rows: Sequence[Mapping[str, Any] | M],
    *,
    acting_user: Any,
    via: str,
    validated: bool = False,
) -> list[M]:
    """Create many records of one type: each validated, all written or none, one audit entry
    per record. For demo data and imports, where one insert per row would be slow. `rows`
    are field values, or unsaved records; with `validated` the caller has already run each
    one's `full_clean` (the importer's check of the file) and it is not run again — the
    access and year-lock checks still are."""
    _refuse_fund_flow(model)
    objs = [
        row if isinstance(row, model) else model(**cast(Mapping[str, Any], row)) for row in rows
    ]
    locks: dict[tuple[int, int], bool] = {}
    for obj in objs:
        if not validated:
            _validate_row(obj)
        _guard(acting_user, obj, locks=locks)
    created = model._default_manager.bulk_create(objs, batch_size=1000)
    _bulk_log(created, "created", acting_user=acting_user, via=via)
    if issubclass(model, Project):
        history.note_created(cast(list[Project], created), acting_user)
    if issubclass(model, Pairing):
        subtree_rollups.place_pairings([obj.pk for obj in created], new=True)
    index_records(created)
    return created


@transaction.atomic
def bulk_delete_records(
    model: type[models.Model], objs: Sequence[models.Model], *, acting_user: Any, via: str
) -> None:
    """Delete many records of one type as `delete_record` deletes one (an import batch
    rolled back): each checked, one audit entry per record and per part that goes with it,
    then one delete for all of them. Refused as a whole if any is still referenced."""
    _refuse_fund_flow(model)
    objs = list(objs)
    if not objs:
        return
    with_parents(objs)
    locks: dict[tuple[int, int], bool] = {}
    for obj in objs:
        _guard(acting_user, obj, locks=locks)
    now = timezone.now()
    entries = []
    for part_model, parts in _cascaded_parts_of(model, objs):
        for part in parts:
            _guard(acting_user, part, locks=locks)
        entries += _entries(parts, _action(part_model, "deleted"), acting_user, via, now)
    entries += _entries(objs, _action(model, "deleted"), acting_user, via, now)
    _append(entries)
    pks = [obj.pk for obj in objs]
    try:
        with transaction.atomic():
            model._default_manager.filter(pk__in=pks).delete()
    except models.ProtectedError as exc:
        raise ValidationError(
            _("%(record)s 仍被其他记录引用，不能删除") % {"record": _referenced(objs, exc)}
        ) from exc
    drop_records(objs)


def _cascaded_parts_of(
    model: type[models.Model], objs: Sequence[models.Model]
) -> list[tuple[type[models.Model], list[models.Model]]]:
    """`_cascaded_parts` for many records: one query per kind of part, each part knowing
    its record (so that its pairing is not looked up again)."""
    by_pk = {obj.pk: obj for obj in objs}
    found = []
    for relation in model._meta.related_objects:
        if relation.on_delete is not models.CASCADE or relation.many_to_many:
            continue
        field = relation.field
        parts = list(
            relation.related_model._default_manager.filter(
                **{f"{field.attname}__in": list(by_pk)}
            ).order_by("pk")
        )
        for part in parts:
            field.set_cached_value(part, by_pk[getattr(part, field.attname)])
        if parts:
            found.append((relation.related_model, parts))
    return found


def _referenced(objs: Sequence[models.Model], exc: models.ProtectedError) -> models.Model:
    """The record of `objs` that a protected record still refers to."""
    by_pk = {obj.pk: obj for obj in objs}
    model = type(objs[0])
    for other in exc.protected_objects:
        for field in other._meta.concrete_fields:
            target = getattr(other, field.attname) if field.is_relation else None
            if field.related_model is model and target in by_pk:
                return by_pk[target]
    return objs[0]


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
        shown[name] = (str(getattr(field, "verbose_name", name)), value or _("（空）"))
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
    # `versioned` checks the model has the field; the type of M does not say so
    stored_version: int = getattr(original, "version", 0)
    if versioned and expected_version is not None and stored_version != expected_version:
        raise StaleRecord(obj, expected_version, original)
    before = record_values(original)
    for name, value in changes.items():
        setattr(obj, name, value)
    if versioned:
        obj.version = stored_version  # type: ignore[attr-defined]  # M is any model: see above
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
    diff.update(_unwitness(obj, original, diff))
    fields = [obj._meta.get_field(name).name for name in diff]
    if versioned:
        _claim_version(obj, stored_version, expected_version)
    obj.save(update_fields=fields)
    log_action(_action(obj, "updated"), obj, acting_user=acting_user, via=via, changes=diff)
    if isinstance(obj, Project) and isinstance(original, Project):
        history.note_changed(obj, original, acting_user)
    if isinstance(obj, Pairing) and "parent" in diff:  # moved: its subtree's totals move too
        subtree_rollups.place_pairings([obj.pk])
    index_records([obj])
    return obj


def _unwitness(
    obj: models.Model, original: models.Model, diff: Mapping[str, Any]
) -> dict[str, list[Any]]:
    """A change to what the recipient side witnessed (the model's `WITNESSED` fields, e.g. a
    workshop's jobs) takes its answer back: the record waits for its confirmation again, and
    the audit entry shows the answer undone."""
    changed = [name for name in getattr(type(obj), "WITNESSED", ()) if name in diff]
    if not changed or original.confirmation == Confirmation.UNCONFIRMED:  # type: ignore[attr-defined]
        return {}
    labels = "、".join(
        str(getattr(obj._meta.get_field(name), "verbose_name", name)) for name in changed
    )
    values = {
        "confirmation": Confirmation.UNCONFIRMED,
        "confirmed_at": None,
        "confirmation_note": (_("已修改%(fields)s，待受援方重新确认") % {"fields": labels})[:300],
    }
    before = record_values(original)
    for name, value in values.items():
        setattr(obj, name, value)
    after = record_values(obj)
    return {name: [before[name], after[name]] for name in values}


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
    drop_records([obj])


def _cascaded_parts(obj: models.Model) -> list[models.Model]:
    parts: list[models.Model] = []
    for relation in obj._meta.related_objects:
        if relation.on_delete is models.CASCADE and not relation.many_to_many:
            accessor = relation.get_accessor_name()
            assert accessor is not None  # only a hidden relation (name ending "+") has none
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

"""Rolling an import batch back, and the batches a user may see, resume or discard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.exchange.models import ImportBatch, ImportChange
from pairaid.exchange.services.layout import logger
from pairaid.exchange.services.validation import restore, snapshot
from pairaid.ledger import access
from pairaid.ledger import services as ledger
from pairaid.ledger.audit_chain import lock_chains
from pairaid.ledger.models import FundFlow
from pairaid.lib.fields import own_field
from pairaid.lib.personal_data import (
    decrypt,
)

# --- rolling back ----------------------------------------------------------------------------


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def may_see(user: Any, batch: ImportBatch) -> bool:
    return access.may_see_import(user, batch.user_id)


def batches_for(user: Any) -> Any:
    """The batches a user may see (`may_see`), newest first."""
    batches = ImportBatch.objects.select_related("user").order_by("-created_at", "-id")
    if user is None or access.is_administrator(user):
        return batches
    if not access.may_upload(user):
        return batches.none()
    return batches.filter(user=user)


def beat() -> dict[str, Any]:
    """The fields that record a batch's sign of life, for an `update()`."""
    return {"heartbeat_at": timezone.now()}


def stale_batches() -> Any:
    """Batches left checking or importing by a process that died (`ImportBatch.is_stale`)."""
    from pairaid.exchange.models import stale_before

    busy = (ImportBatch.Status.QUEUED, ImportBatch.Status.VALIDATING, ImportBatch.Status.IMPORTING)
    before = stale_before()
    return ImportBatch.objects.filter(status__in=busy).filter(
        models.Q(heartbeat_at__lt=before)
        | models.Q(heartbeat_at__isnull=True, created_at__lt=before)
    )


def resume_batch(batch: ImportBatch) -> bool:
    """Put a stale batch back in the queue to be checked again from its file (an import
    that died wrote nothing: it ran in one transaction). Returns False, changing nothing,
    if the batch is not stale or its file is gone; the caller enqueues the check."""
    if not batch.file:
        return False
    resumed = (
        stale_batches()
        .filter(pk=batch.pk)
        .update(status=ImportBatch.Status.QUEUED, stage="", rows_done=0, message="", **beat())
    )
    return bool(resumed)


def discard_batch(batch: ImportBatch) -> bool:
    """Mark a stale batch failed and delete its file. Returns False if it is not stale."""
    with transaction.atomic():
        discarded = (
            stale_batches()
            .filter(pk=batch.pk)
            .update(
                status=ImportBatch.Status.FAILED,
                stage="",
                message=_("处理中断，已放弃；如需导入请重新上传文件"),
                finished_at=timezone.now(),
            )
        )
        if discarded:
            purge_original(batch)
    return bool(discarded)


def purge_original(batch: ImportBatch) -> None:
    """Delete the uploaded file once the batch needs it no more (imported, failed or
    discarded): it may hold identity and phone numbers in clear. Rollback works from the
    recorded changes, not from the file. Runs after the transaction commits."""
    if not batch.file:
        return
    name = batch.file.name or ""
    storage = batch.file.storage

    def purge() -> None:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not delete the uploaded file %s", name, exc_info=True)
        ImportBatch.objects.filter(pk=batch.pk, file=name).update(file="")

    transaction.on_commit(purge)


def rollback_batch(batch: ImportBatch, *, user: Any = None, via: str = "import") -> ImportBatch:
    """Undo everything a batch did, newest first, through the ledger's services: delete
    the records it created, put back the values it changed, and — money is never deleted —
    reverse the fund flows it recorded (and re-record the ones it corrected).

    Every change it made is checked first, so a rollback that must be refused (a record
    changed since, or one that a later record refers to) undoes nothing. Then each change is
    undone in a short transaction of its own that also forgets it, so rolling back a large
    batch never holds the database for long, and a rollback interrupted half-way goes on
    where it stopped when run again. Records are deleted and fund flows reversed 500 at a
    time, in bulk, each with its own audit entry.

    A batch the user may not see (`may_see`: anyone's but their own, unless an
    administrator) is `OutOfScope`, "not found" as on the import page; None is the system."""
    if not may_see(user, batch):
        raise access.OutOfScope("no such batch")
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status not in (ImportBatch.Status.IMPORTED, ImportBatch.Status.ROLLING_BACK):
            raise ValidationError(_("只有已导入的批次可以撤销"))
    changes = batch.changes.order_by("-id")
    for change in changes.filter(action=ImportChange.Action.UPDATED).iterator():
        _undoable_update(_model(change.record_type), change.data)
    for change in changes.filter(action=ImportChange.Action.CREATED).iterator():
        model = _model(change.record_type)
        if model is not FundFlow:
            for part in _chunks(change.data["ids"]):
                _refuse_referenced(model, part)
    reason = _("撤销导入批次#%(id)s（%(file)s）") % {"id": batch.pk, "file": batch.file_name}
    for change in list(changes):
        with transaction.atomic():
            _undo(change, user, via, reason)
            ImportChange.objects.filter(pk=change.pk).delete()
    batch.status = ImportBatch.Status.ROLLED_BACK
    batch.rolled_back_at = timezone.now()
    batch.rolled_back_by = user if getattr(user, "pk", None) else None
    batch.save(update_fields=["status", "rolled_back_at", "rolled_back_by"])
    return batch


def _undo(change: ImportChange, user: Any, via: str, reason: str) -> None:
    model = _model(change.record_type)
    if change.action == ImportChange.Action.CREATED:
        ids = change.data["ids"]
    else:
        ids = [change.data.get("replacement_id"), change.data["record_id"]]
    if any(field.name == "pairing" for field in model._meta.concrete_fields):
        # The chains of every pairing this undo logs to, locked at once and in order.
        lock_chains(
            model._default_manager.filter(pk__in=[pk for pk in ids if pk])
            .values_list("pairing_id", flat=True)
            .distinct()
        )
    if change.action == ImportChange.Action.CREATED:
        _undo_created(model, change.data["ids"], user, via, reason)
    elif change.action == ImportChange.Action.UPDATED:
        _undo_updated(model, change.data, user, via)
    else:
        _undo_corrected(change.data, user, via, reason)


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _undo_created(
    model: type[models.Model], ids: list[int], user: Any, via: str, reason: str
) -> None:
    if model is FundFlow:
        for part in _chunks(ids):
            flows = list(FundFlow.objects.filter(pk__in=part))
            ledger.bulk_reverse_fund_flows(flows, acting_user=user, via=via, reason=reason)
        return
    for part in _chunks(list(reversed(ids))):
        objs = list(model._default_manager.filter(pk__in=part).order_by("-pk"))
        ledger.bulk_delete_records(model, objs, acting_user=user, via=via)


def _refuse_referenced(model: type[models.Model], ids: list[int]) -> None:
    """Refuse the rollback if a record outside these (made since) still refers to one of
    them, before anything is undone."""
    for relation in model._meta.related_objects:
        if relation.on_delete is not models.PROTECT or relation.many_to_many:
            continue
        field = relation.field
        others = relation.related_model._default_manager.filter(**{f"{field.attname}__in": ids})
        if relation.related_model is model:
            others = others.exclude(pk__in=ids)
        referring = others.values_list(field.attname, flat=True).first()
        if referring is not None:
            record = model._default_manager.get(pk=referring)
            raise ValidationError(_("%(record)s 仍被其他记录引用，不能删除") % {"record": record})


def _undoable_update(model: type[models.Model], data: dict[str, Any]) -> models.Model:
    """The record an import changed, if it still holds what the import wrote."""
    obj = model._default_manager.filter(pk=data["record_id"]).first()
    if obj is None:
        raise ValidationError(_("导入时修改的记录已被删除，不能自动撤销"))
    now = snapshot(obj, data["after"])
    for name, value in data["after"].items():
        current = now[name]
        if isinstance(value, dict) and "secret" in value:
            same = decrypt(current["secret"]) == decrypt(value["secret"])
        else:
            same = current == value
        if not same:
            raise ValidationError(
                _("记录“%(record)s”在导入后又被修改（%(field)s），不能自动撤销；请手工核对")
                % {"record": obj, "field": own_field(type(obj), name).verbose_name}
            )
    return obj


def _undo_updated(model: type[models.Model], data: dict[str, Any], user: Any, via: str) -> None:
    obj = _undoable_update(model, data)
    ledger.update_record(obj, acting_user=user, via=via, **restore(obj, data["before"]))


def _undo_corrected(data: dict[str, Any], user: Any, via: str, reason: str) -> None:
    replacement = FundFlow.objects.get(pk=data["replacement_id"])
    ledger.reverse_fund_flow(replacement, acting_user=user, via=via, reason=reason)
    original = FundFlow.objects.get(pk=data["record_id"])
    ledger.record_fund_flow(
        acting_user=user,
        via=via,
        **ledger.recorded_fields(original),
    )

"""The one door for every change to the ledger.

Each function validates (the model's `full_clean`, i.e. its `clean()` rules and field
checks), writes its audit entry and runs in one transaction. Web pages, the admin, the
importer, the API and the command line all call these; none of them calls `.save()`.

Fund flows are a ledger: once recorded they are never edited or deleted. A mistake is
corrected with `reverse_fund_flow` (a negative entry pointing at the original), and
`correct_fund_flow` does the reversal and the new entry together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.ledger.models import AuditEntry, FundFlow, Pairing

M = TypeVar("M", bound=models.Model)

# Fields a fund flow may still change after it is recorded: only the recipient's answer.
CONFIRMATION_FIELDS = ("confirmation", "confirmed_at", "confirmation_note")
NOT_AUDITED = {"recorded_at"}


# --- audit --------------------------------------------------------------------------------


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
    """The stored values of a record's own columns, keyed by field name."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in NOT_AUDITED:
            continue
        values[field.name] = _plain(getattr(obj, field.attname))
    return values


def pairing_of(obj: models.Model) -> Pairing | None:
    """The pairing a record hangs off, directly or through its parent record."""
    if isinstance(obj, Pairing):
        return obj
    for parent_field in ("pairing", "agreement", "event"):
        if hasattr(obj, f"{parent_field}_id") and getattr(obj, f"{parent_field}_id"):
            return pairing_of(getattr(obj, parent_field))
    return None


def log_action(
    action: str,
    obj: models.Model,
    *,
    acting_user: Any,
    via: str,
    changes: Mapping[str, Any],
) -> AuditEntry:
    pairing = pairing_of(obj)
    return AuditEntry.objects.create(
        at=timezone.now(),
        user=acting_user if getattr(acting_user, "pk", None) else None,
        actor=via,
        action=action,
        record_type=obj._meta.model_name or "",
        record_id=str(obj.pk),
        record_repr=str(obj)[:300],
        pairing_id=pairing.pk if pairing and pairing.pk else None,
        changes=dict(changes),
    )


def _action(obj: models.Model | type[models.Model], verb: str) -> str:
    return f"{obj._meta.model_name}.{verb}"


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
    obj.save(force_insert=True)
    log_action(_action(obj, "created"), obj, acting_user=acting_user, via=via,
               changes=record_values(obj))
    return obj


@transaction.atomic
def bulk_create_records(
    model: type[M], rows: Sequence[Mapping[str, Any]], *, acting_user: Any, via: str
) -> list[M]:
    """Create many records of one type: each validated, all written or none, one audit entry
    per record. For demo data and imports, where one insert per row would be slow."""
    _refuse_fund_flow(model)
    objs = [model(**row) for row in rows]
    for obj in objs:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    created = model._default_manager.bulk_create(objs)
    _bulk_log(created, "created", acting_user=acting_user, via=via)
    return created


def _bulk_log(objs: Iterable[models.Model], verb: str, *, acting_user: Any, via: str) -> None:
    now = timezone.now()
    user = acting_user if getattr(acting_user, "pk", None) else None
    entries = []
    for obj in objs:
        pairing = pairing_of(obj)
        entries.append(
            AuditEntry(
                at=now, user=user, actor=via, action=_action(obj, verb),
                record_type=obj._meta.model_name or "", record_id=str(obj.pk),
                record_repr=str(obj)[:300], pairing_id=pairing.pk if pairing else None,
                changes=record_values(obj),
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=500)


@transaction.atomic
def update_record(obj: M, *, acting_user: Any, via: str, **changes: Any) -> M:
    """Change some fields of a record; the audit entry holds each field's old and new value."""
    _refuse_fund_flow(type(obj))
    before = record_values(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    after = record_values(obj)
    diff = {name: [before[name], after[name]] for name in after if before.get(name) != after[name]}
    if diff:
        obj.save(update_fields=[obj._meta.get_field(name).name for name in diff])
        log_action(_action(obj, "updated"), obj, acting_user=acting_user, via=via, changes=diff)
    return obj


@transaction.atomic
def delete_record(obj: models.Model, *, acting_user: Any, via: str) -> None:
    """Delete a record that nothing depends on; the audit entry keeps its last values."""
    _refuse_fund_flow(type(obj))
    values = record_values(obj)
    pk = obj.pk
    log_action(_action(obj, "deleted"), obj, acting_user=acting_user, via=via, changes=values)
    try:
        with transaction.atomic():
            obj.delete()
    except models.ProtectedError as exc:
        raise ValidationError(
            _("%(record)s 仍被其他记录引用，不能删除") % {"record": obj}
        ) from exc
    obj.pk = pk


@transaction.atomic
def set_related(
    obj: models.Model, field: str, related: Iterable[models.Model], *, acting_user: Any, via: str
) -> None:
    """Replace the members of a many-to-many field (e.g. a team's schools), audited."""
    manager = getattr(obj, field)
    before = sorted(manager.values_list("pk", flat=True))
    after = sorted(item.pk for item in related)
    if before != after:
        manager.set(after)
        log_action(_action(obj, "updated"), obj, acting_user=acting_user, via=via,
                   changes={field: [before, after]})


# --- fund flows: record, reverse, correct, confirm -----------------------------------------


@transaction.atomic
def record_fund_flow(*, acting_user: Any, via: str, **fields: Any) -> FundFlow:
    """Record a plan, transfer, allocation or spending. Amount in yuan, positive."""
    if fields.get("reverses") is not None or fields.get("reverses_id") is not None:
        raise ValidationError(_("冲销请使用冲销功能"))
    flow = FundFlow(**fields)
    flow.full_clean()
    flow.save(force_insert=True)
    log_action("fundflow.recorded", flow, acting_user=acting_user, via=via,
               changes=record_values(flow))
    return flow


@transaction.atomic
def bulk_record_fund_flows(
    rows: Sequence[Mapping[str, Any]], *, acting_user: Any, via: str
) -> list[FundFlow]:
    flows = [FundFlow(**row) for row in rows]
    for flow in flows:
        if flow.reverses_id:
            raise ValidationError(_("冲销请使用冲销功能"))
        flow.full_clean(validate_unique=False, validate_constraints=False)
    created = FundFlow.objects.bulk_create(flows, batch_size=500)
    _bulk_log(created, "recorded", acting_user=acting_user, via=via)
    return created


@transaction.atomic
def reverse_fund_flow(
    flow: FundFlow, *, acting_user: Any, via: str, reason: str, on: dt.date | None = None
) -> FundFlow:
    """Cancel a recorded fund flow with an equal and opposite entry dated `on` (today)."""
    flow = FundFlow.objects.select_for_update().get(pk=flow.pk)
    if flow.is_reversal:
        raise ValidationError(_("冲销记录不能再次冲销"))
    if FundFlow.objects.filter(reverses=flow).exists():
        raise ValidationError(_("该记录已被冲销"))
    if not reason.strip():
        raise ValidationError({"note": _("请填写冲销原因")})
    reversal = FundFlow(
        pairing_id=flow.pairing_id, kind=flow.kind, fund_year=flow.fund_year,
        date=on or timezone.localdate(), amount=-flow.amount, source=flow.source,
        project_id=flow.project_id, voucher=flow.voucher, reverses=flow,
        note=_("冲销：%(reason)s") % {"reason": reason.strip()}, is_demo=flow.is_demo,
    )
    reversal.full_clean()
    reversal.save(force_insert=True)
    log_action("fundflow.reversed", reversal, acting_user=acting_user, via=via,
               changes={"reverses": flow.pk, "amount": str(reversal.amount), "reason": reason})
    return reversal


@transaction.atomic
def correct_fund_flow(
    flow: FundFlow, *, acting_user: Any, via: str, reason: str, on: dt.date | None = None,
    **changes: Any,
) -> tuple[FundFlow, FundFlow]:
    """Correct a fund flow: reverse it and record the corrected entry. Returns both."""
    reversal = reverse_fund_flow(flow, acting_user=acting_user, via=via, reason=reason, on=on)
    fields = {
        name: getattr(flow, name)
        for name in ("pairing_id", "kind", "fund_year", "date", "amount", "source",
                     "project_id", "voucher", "note", "is_demo")
    }
    fields.update(changes)
    replacement = record_fund_flow(acting_user=acting_user, via=via, **fields)
    return reversal, replacement


@transaction.atomic
def confirm_fund_flow(
    flow: FundFlow, *, acting_user: Any, via: str, accept: bool, note: str = ""
) -> FundFlow:
    """The recipient side confirms money received, or disputes it with a reason."""
    if not accept and not note.strip():
        raise ValidationError({"confirmation_note": _("有异议时请说明原因")})
    before = {name: _plain(getattr(flow, name)) for name in CONFIRMATION_FIELDS}
    flow.confirmation = (
        FundFlow.Confirmation.CONFIRMED if accept else FundFlow.Confirmation.DISPUTED
    )
    flow.confirmed_at = timezone.now()
    flow.confirmation_note = note.strip()
    flow.save(update_fields=list(CONFIRMATION_FIELDS))
    after = {name: _plain(getattr(flow, name)) for name in CONFIRMATION_FIELDS}
    log_action("fundflow.confirmed" if accept else "fundflow.disputed", flow,
               acting_user=acting_user, via=via,
               changes={name: [before[name], after[name]] for name in CONFIRMATION_FIELDS})
    return flow

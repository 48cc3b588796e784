"""The recipient side's answer, a year of data (submit, approve, return, reopen),
reading personal data and rotating its data key."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cryptography.fernet import InvalidToken
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pairaid.ledger import access, rollups
from pairaid.ledger.messages import FIRST_YEAR, LAST_YEAR
from pairaid.ledger.models import (
    AuditEntry,
    Confirmation,
    FundFlow,
    Pairing,
    PairingYear,
    Person,
    Posting,
)
from pairaid.ledger.services.audit import (
    CONFIRMATION_FIELDS,
    _action,
    _append,
    _entry,
    _plain,
    log_action,
)
from pairaid.ledger.services.guards import _ensure_unlocked
from pairaid.ledger.services.records import _versioned
from pairaid.lib import personal_data
from pairaid.lib.personal_data import EncryptedTextField

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
    allowed: list[str] = list(ANSWERED) if answered else [Confirmation.UNCONFIRMED]
    if stored.confirmation in allowed:
        # only from the state read: the money rollups move the record from that state
        allowed = [stored.confirmation]
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
        # (only a record with a version, _versioned: never a fund flow)
        obj.version = stored.version + 1  # type: ignore[union-attr]
    log_action(_action(obj, verb), obj, acting_user=acting_user, via=via, changes=changes)
    if isinstance(stored, FundFlow):
        rollups.move_confirmation(stored, stored.confirmation, values["confirmation"])
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
    _ensure_unlocked(obj, CONFIRMATION_FIELDS)  # unless the type's answer goes on (ongoing)
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
        access.require(acting_user, obj.pairing, *access.REOPEN_ACTIONS)
    _ensure_unlocked(obj, CONFIRMATION_FIELDS)  # unless the type's answer goes on (ongoing)
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
    if not FIRST_YEAR <= year <= LAST_YEAR:  # no year of data: the page would list up to it
        raise ValidationError(
            {
                "year": _("年度须在%(first)s年至%(last)s年之间")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )
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

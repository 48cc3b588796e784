"""The audit log: every change writes an entry, chained by hash, with anchors."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.hashable import make_hashable

from pairaid.ledger.audit_chain import record_anchor
from pairaid.ledger.models import (
    AuditChain,
    AuditEntry,
    Pairing,
)
from pairaid.ledger.services.bulkinsert import insert, insert_rows, new_ids
from pairaid.ledger.subtree_compaction import compact_when_due
from pairaid.lib.personal_data import EncryptedTextField, mask

CONFIRMATION_FIELDS = ("confirmation", "confirmed_at", "confirmation_note")
NOT_AUDITED = {"recorded_at", "version"}

# --- audit ----------------------------------------------------------------------------------

# The audit trail is one hash chain per pairing (AuditEntry.chain_for): an append locks only
# its chain's head row (AuditChain, SELECT … FOR UPDATE until commit), so writes to different
# pairings never wait for each other. Every ANCHOR_EVERY entries an anchor over all chain
# heads is recorded after commit (ledger.audit_chain.record_anchor).
ANCHOR_EVERY = 10_000  # an anchor holds every head: about 110 bytes a chain


_AS_IS = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> Any:
    """A JSON-safe copy of a field value, exact for money and dates."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # a stored file (or none: an empty name)
        return value.name or ""
    return value


def record_values(obj: models.Model) -> dict[str, Any]:
    """The stored values of a record's own columns, keyed by field name. Personal data is
    kept masked: the audit trail shows that it changed, not what it is."""
    return _values(obj, _value_plan(type(obj)))


def pairing_of(obj: models.Model) -> Pairing | None:
    """The pairing a record hangs off, directly or through its parent record."""
    if isinstance(obj, Pairing):
        return obj
    for parent_field in PARENTS:
        if getattr(obj, f"{parent_field}_id", None):
            return pairing_of(getattr(obj, parent_field))
    return None


PARENTS = ("pairing", "agreement", "event", "project")


def with_parents(objs: Sequence[models.Model]) -> None:
    """Fetch the records `pairing_of` reads for many records of one type at once (one query
    a level), instead of one query a record."""
    if not objs:
        return
    paths = []
    for name in PARENTS:
        field = _foreign_key(type(objs[0]), name)
        if field is None:
            continue
        paths.append(name)
        if name != "pairing" and _foreign_key(field.related_model, "pairing") is not None:
            paths.append(f"{name}__pairing")
    models.prefetch_related_objects(list(objs), *paths)


def _foreign_key(model: Any, name: str) -> Any:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.many_to_one or (field.one_to_one and field.concrete) else None


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
    created = insert(entries)
    for entry in created:
        head = heads[entry.chain]
        head.last_id, head.last_hash, head.length = entry.pk, entry.hash, head.length + 1
    first, last = created[0].pk, created[-1].pk
    assert first is not None and last is not None  # stored: `insert` gave them their ids
    _stored(heads, (entry.pairing_id for entry in entries), first, last)
    return created


def _stored(
    heads: Mapping[str, AuditChain], pairing_ids: Iterable[int | None], first: int, last: int
) -> None:
    """What follows storing the entries `first`…`last` (ids) of these pairings, however they
    were written: the chains' heads saved, the subtree rollups' deltas the write added above
    its pairings folded in after commit once an ancestor has many, and an anchor recorded
    after commit when the entries crossed a multiple of ANCHOR_EVERY."""
    for head in heads.values():
        head.save(update_fields=["last_id", "last_hash", "length"])
    compact_when_due(pairing_id for pairing_id in pairing_ids if pairing_id)
    if last // ANCHOR_EVERY > (first - 1) // ANCHOR_EVERY:
        transaction.on_commit(record_anchor, robust=True)


@transaction.atomic
def log_action(
    action: str, obj: models.Model, *, acting_user: Any, via: str, changes: Mapping[str, Any]
) -> AuditEntry:
    """Append one entry to the audit trail (also for changes outside the ledger's records,
    such as a frozen briefing or an API token)."""
    entry = _entry(obj, action, acting_user, via, changes, timezone.now())
    return _append([entry])[0]


def _bulk_log(objs: Sequence[models.Model], verb: str, *, acting_user: Any, via: str) -> None:
    """One entry per record, holding its values, built and chained in one pass."""
    if objs:
        log_rows(objs, _action(objs[0], verb), acting_user, via, timezone.now())


# --- many entries at once --------------------------------------------------------------------
#
# What `_entry` does for one record, done for a batch of records of one type at once (imports,
# demo data, a batch rolled back): the fields to keep and the labels of choices are worked out
# once for the batch, not once per row, and each entry is made with the model's positional
# constructor. The entries are the ones `_entry` makes (`tests/test_exchange_bulk.py`).

_ENTRY_FIELDS = [field.attname for field in AuditEntry._meta.concrete_fields]


def _value_plan(model: type[models.Model]) -> list[tuple[str, str, bool]]:
    """(name, attname, is personal data) of the columns an entry keeps: all of a record's
    own but its key and `NOT_AUDITED`; worked out once for a batch."""
    return [
        (field.name, field.attname, isinstance(field, EncryptedTextField))
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in NOT_AUDITED
    ]


def _values(obj: models.Model, plan: list[tuple[str, str, bool]]) -> dict[str, Any]:
    """A record's values by `plan`, personal data masked."""
    values = {}
    for name, attname, personal in plan:
        value = getattr(obj, attname)
        if personal:
            values[name] = mask(value, 2, 2)
        else:  # text, numbers and None are kept as they are (_plain's answer, found sooner)
            values[name] = value if type(value) in _AS_IS else _plain(value)
    return values


@contextmanager
def labels_once(objs: Sequence[models.Model]) -> Iterator[None]:
    """While the block runs, each record's `get_<field>_display()` answers from labels looked
    up once for the whole batch (one translation per distinct value, not one per row), so
    that `str(record)` costs no translation look-up; the records are left as they were."""
    model = type(objs[0]) if objs else None
    fields = [f for f in model._meta.concrete_fields if f.choices] if model else []
    labels: dict[tuple[str, Any], Any] = {}
    shadowed = []
    for field in fields:
        method = f"get_{field.name}_display"
        for obj in objs:
            value = getattr(obj, field.attname)
            slot = (method, make_hashable(value))
            if slot not in labels:
                labels[slot] = getattr(obj, method)()
            obj.__dict__[method] = itertools.repeat(labels[slot]).__next__
        shadowed.append(method)
    try:
        yield
    finally:
        for method in shadowed:
            for obj in objs:
                obj.__dict__.pop(method, None)


def _entries(
    objs: Sequence[models.Model],
    action: str,
    acting_user: Any,
    via: str,
    at: dt.datetime,
    changes: Sequence[Mapping[str, Any]] | None = None,
) -> list[AuditEntry]:
    """`_entry` for many records of one type: `changes` one per record, or by default each
    record's values (`record_values`), as a creation or a deletion keeps them."""
    if not objs:
        return []
    plan = _value_plan(type(objs[0]))
    user_id = acting_user.pk if getattr(acting_user, "pk", None) else None
    record_type = objs[0]._meta.model_name or ""
    position = {name: index for index, name in enumerate(_ENTRY_FIELDS)}
    entries = []
    with labels_once(objs):
        for index, obj in enumerate(objs):
            pairing = pairing_of(obj)
            row: list[Any] = [None] * len(_ENTRY_FIELDS)
            row[position["at"]] = at
            row[position["user_id"]] = user_id
            row[position["actor"]] = via
            row[position["action"]] = action
            row[position["record_type"]] = record_type
            row[position["record_id"]] = str(obj.pk)
            row[position["record_repr"]] = str(obj)[:300]
            row[position["pairing_id"]] = pairing.pk if pairing and pairing.pk else None
            row[position["changes"]] = (
                dict(changes[index]) if changes is not None else _values(obj, plan)
            )
            row[position["chain"]] = ""
            row[position["prev_hash"]] = row[position["hash"]] = ""
            # positional, in the model's field order (django-stubs checks them against `id`)
            entries.append(AuditEntry(*row))  # type: ignore[misc]
    return entries


# --- many entries at once, as rows ----------------------------------------------------------
#
# `_append(_entries(…))` without an AuditEntry instance: each entry goes to the database as a
# row of values (`bulkinsert.insert_rows`, COPY on PostgreSQL). Its `changes` are turned into
# JSON once, in the form the hash covers (keys sorted, compact, not ASCII-escaped), and that
# text is both the stored column and part of the hash payload: the payload is put together
# from text made once per batch (action, actor, time, type, user) and each entry's own parts,
# exactly as `AuditEntry.compute_hash` writes it (`tests/test_audit_chain_rows.py`).

_dumps = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode

# The stored and hashed text of an entry's changes (`log_prepared`).
changes_text = _dumps
_text = json.encoder.encode_basestring  # (C) JSON of a str, as _dumps writes it
_ROW_FIELDS = (
    "id",
    "at",
    "user_id",
    "actor",
    "action",
    "record_type",
    "record_id",
    "record_repr",
    "pairing_id",
    "changes",
    "chain",
    "prev_hash",
    "hash",
)


def _number(value: int | None) -> str:
    return "null" if value is None else str(int(value))


@transaction.atomic
def log_rows(
    objs: Sequence[models.Model],
    action: str,
    acting_user: Any,
    via: str,
    at: dt.datetime,
    changes: Sequence[Mapping[str, Any]] | None = None,
) -> None:
    """The entries `_entries` makes, chained and stored as `_append` does, for many records of
    one type (`changes` one per record, or by default each record's values)."""
    if not objs:
        return
    plan = _value_plan(type(objs[0]))
    record_type = objs[0]._meta.model_name or ""
    made = []
    with labels_once(objs):
        for index, obj in enumerate(objs):
            pairing = pairing_of(obj)
            values = dict(changes[index]) if changes is not None else _values(obj, plan)
            made.append(
                (
                    pairing.pk if pairing and pairing.pk else None,
                    str(obj.pk),
                    str(obj)[:300],
                    _dumps(values),
                )
            )
    log_prepared(record_type, made, action, acting_user, via, at)


@transaction.atomic
def log_prepared(
    record_type: str,
    made: Sequence[tuple[int | None, str, str, str]],
    action: str,
    acting_user: Any,
    via: str,
    at: dt.datetime,
) -> None:
    """The entries of `log_rows`, for records of one type written without a model instance
    (`services.bulk_record_fund_flow_columns`): per record its pairing's id, its id as text,
    its `str()` (at most 300 characters) and its changes as `changes_text` makes them."""
    if not made:
        return
    user_id = acting_user.pk if getattr(acting_user, "pk", None) else None
    chains = {pairing_id: AuditEntry.chain_for(pairing_id) for pairing_id, *_ in made}
    heads = _lock_chains(chains.values())
    tails = {name: head.last_hash for name, head in heads.items()}
    lasts: dict[str, int] = {}
    counts: dict[str, int] = dict.fromkeys(heads, 0)
    head_text = (
        f'{{"action":{_text(action)},"actor":{_text(via)},'
        f'"at":{_text(at.astimezone(dt.UTC).isoformat())},"chain":'
    )
    end_text = f',"record_type":{_text(record_type)},"user":{_number(user_id)}}}'
    stored_at = AuditEntry._meta.get_field("at").get_db_prep_save(at, connection)
    ids = new_ids(AuditEntry, len(made))
    rows = []
    sha256 = hashlib.sha256
    for pk, (pairing_id, record_id, record_repr, text) in zip(ids, made, strict=True):
        chain = chains[pairing_id]
        prev = tails[chain]
        payload = (
            f'{head_text}{_text(chain)},"changes":{text},"pairing":{_number(pairing_id)},'
            f'"prev":{_text(prev)},"record_id":{_text(record_id)},'
            f'"record_repr":{_text(record_repr)}{end_text}'
        )
        digest = tails[chain] = sha256(payload.encode()).hexdigest()
        lasts[chain] = pk
        counts[chain] += 1
        rows.append(
            (
                pk,
                stored_at,
                user_id,
                via,
                action,
                record_type,
                record_id,
                record_repr,
                pairing_id,
                text,
                chain,
                prev,
                digest,
            )
        )
    insert_rows(AuditEntry, _ROW_FIELDS, rows)
    for name, head in heads.items():
        head.last_id, head.last_hash = lasts[name], tails[name]
        head.length += counts[name]
    _stored(heads, (pairing_id for pairing_id, *_ in made), ids[0], ids[-1])


def _action(obj: models.Model | type[models.Model], verb: str) -> str:
    return f"{obj._meta.model_name}.{verb}"

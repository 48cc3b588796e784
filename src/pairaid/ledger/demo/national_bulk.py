"""The national set's bulk writer (see national.py): rows written in large batches that
still pass every database constraint and trigger, with one audit entry per batch."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

from pairaid.ledger import services
from pairaid.ledger.demo.base import VIA
from pairaid.ledger.models import Organisation, Pairing, Region
from pairaid.ledger.services.search import index_records

BATCH = 2_000  # rows per INSERT statement group (bulk_create batch_size)


@dataclass
class Leaf:
    """A county pairing and what its records need: its sides' regions and bodies."""

    pairing: Pairing
    county: Region
    townships: list[Region]
    helper_bodies: list[Organisation]
    recipient_bodies: list[Organisation]
    helper_code: str


@dataclass
class Bulk:
    """Writes rows in large batches, with one audit entry per batch.

    Records whose ids are needed later (regions, bodies, pairings, projects, persons, fund
    flows that a reversal points at) go through `bulk_create`, which reads the ids back.
    The rest go through `insert`: one parameterised INSERT run over many rows
    (`executemany`), with each value prepared by its field (`get_db_prep_save`, so money is
    whole fen), which skips the ORM's per-row SQL compilation. Both write to the real
    tables, so every constraint and trigger still checks every row."""

    acting_user: Any = None
    counts: Counter[str] = field(default_factory=Counter)
    today: dt.date = field(default_factory=timezone.localdate)

    def write(
        self,
        model: type[models.Model],
        objs: Sequence[models.Model],
        audit_on: models.Model,
        *,
        ids: bool = True,
    ) -> list[Any]:
        created: list[Any] = []
        for start in range(0, len(objs), BATCH * 5):
            chunk = list(objs[start : start + BATCH * 5])
            if not chunk:
                continue
            if ids:
                chunk = model.objects.bulk_create(chunk, batch_size=BATCH)
                span = {"first_id": chunk[0].pk, "last_id": chunk[-1].pk}
                index_records(chunk)  # findable from the search box, as the services do
            else:
                insert(model, chunk)
                span = {}
            created += chunk
            services.log_action(
                f"{model._meta.model_name}.bulk_loaded",
                audit_on,
                acting_user=self.acting_user,
                via=VIA,
                changes={"count": len(chunk), **span, "data_set": "national"},
            )
        self.counts[model._meta.model_name or model.__name__] += len(created)
        return created


PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
AS_IS, ISO, PREPARED = "as is", "iso", "prepared"


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """INSERT the records' own columns (not their ids) with executemany, BATCH at a time."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    db = connections[DEFAULT_DB_ALIAS]  # resolved once: the proxy costs a lookup per use
    # how each value is written: as it is (Django's text, number and boolean fields, ids of
    # related records), as ISO text (dates on SQLite), or prepared by its field (money as
    # fen, encrypted personal data, times, anything else)
    iso_dates = db.vendor == "sqlite"
    kinds = []
    for f in fields:
        if f.is_relation or (isinstance(f, PLAIN) and type(f).__module__.startswith("django.")):
            kinds.append(AS_IS)
        elif type(f) is models.DateField:
            kinds.append(ISO if iso_dates else AS_IS)
        else:
            kinds.append(PREPARED)
    quote = db.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = []
    prepared: dict[tuple[str, Any], Any] = {}
    for obj in objs:
        row = []
        for f, kind in zip(fields, kinds, strict=True):
            value = getattr(obj, f.attname)
            if kind is AS_IS or (value is None and kind is ISO):
                row.append(value)
            elif kind is ISO:
                row.append(value.isoformat())
            else:
                if value is None and getattr(f, "auto_now_add", False):
                    value = now
                if isinstance(f, models.DateTimeField):  # few distinct values: prepare once
                    key = (f.attname, value)
                    if key not in prepared:
                        prepared[key] = f.get_db_prep_save(value, db)
                    row.append(prepared[key])
                else:
                    row.append(f.get_db_prep_save(value, db))
        rows.append(row)
    with db.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])

"""Keeping the search keys (`ledger.search`) as records are created, changed and deleted.

Called by the record services in the same transaction as the change, so a key never
outlives or predates its record."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import models

from pairaid.ledger import search
from pairaid.ledger.models import SearchKey


def index_records(objs: Sequence[models.Model]) -> None:
    """Write (or rewrite) the search keys of these records; records of kinds that are not
    findable are passed over."""
    rows = search.rows_for(objs)
    if not rows:
        return
    by_kind: dict[str, list[int]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row.record_id)
    for kind, ids in by_kind.items():
        SearchKey.objects.filter(kind=kind, record_id__in=ids).delete()
    SearchKey.objects.bulk_create(rows, batch_size=500)


def drop_records(objs: Iterable[models.Model]) -> None:
    """Delete the search keys of these records, one query per kind of record."""
    by_kind: dict[str, list[int]] = {}
    for obj in objs:
        described = search.describe(obj)
        if described is not None and obj.pk is not None:
            by_kind.setdefault(described[0], []).append(obj.pk)
    for kind, ids in by_kind.items():
        SearchKey.objects.filter(kind=kind, record_id__in=ids).delete()

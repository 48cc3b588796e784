"""Folding the subtree rollups' deltas into their compacted rows, in the background.

A write below a coordinating pairing only inserts rows of its own (`SubtreeFundDelta`,
`SubtreeProjectDelta`, `SubtreePersonDelta`; see `subtree_rollups`), so readers read a few
more rows for every write until they are folded in. `compact` does that for one ancestor at
a time, each in a transaction of its own: it deletes the ancestor's deltas (`DELETE …
RETURNING`: exactly the rows it then sums, never one committed meanwhile), adds their sums to
the compacted rows and recounts the marked persons from the postings. It never waits for a
writer and no writer waits for it (writers touch only rows they insert); a second compaction
of the same ancestor skips it (`subtree_rollups.lock_ancestors(wait=False)`; a move or a
rebuild waits for it instead).

It runs after the commit of any write whose pairing has an ancestor with more than `DUE`
deltas in one table (`compact_when_due`, called by the audit trail for every write), as the
`compact_subtree` task (queued for `pairaid worker`, or at once with the inline backend), and
whenever `pairaid rollups compact` runs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django_tasks import task

from pairaid.ledger.subtree_reads import PERSON_MARKS
from pairaid.ledger.subtree_rollups import DELTA_TABLES, PERSONS_TABLE, lock_ancestors

logger = logging.getLogger(__name__)

DUE = 500  # deltas of one ancestor in one table that make its compaction due
ROWS = 250  # rows per statement
# (compacted table, its deltas, key columns after the ancestor, summed columns)
SUMMED = (
    (
        "ledger_subtreefundrollup",
        ("kind", "source", "fund_year", "month", "confirmation"),
        ("amount", "flow_count"),
    ),
    ("ledger_subtreeprojectrollup", ("status", "month"), ("project_count",)),
)


def pending_ancestors() -> list[int]:
    """The ancestors with deltas not yet compacted, in id order."""
    union = " UNION ".join(f"SELECT ancestor_id FROM {t}" for t in DELTA_TABLES.values())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ancestor_id FROM ({union}) AS a ORDER BY ancestor_id")
        return [int(row[0]) for row in cursor.fetchall()]


def compact(ancestors: Iterable[int] | None = None) -> tuple[int, int]:
    """Compact the deltas of `ancestors` (every ancestor that has some when None), one
    transaction each; (deltas folded in, ancestors skipped because another compaction held
    them)."""
    folded = skipped = 0
    for ancestor in sorted(set(pending_ancestors() if ancestors is None else ancestors)):
        done = compact_ancestor(ancestor)
        if done is None:
            skipped += 1
        else:
            folded += done
    return folded, skipped


@transaction.atomic
def compact_ancestor(ancestor: int) -> int | None:
    """Fold `ancestor`'s deltas into its compacted rows: the number of deltas folded, or None
    when another compaction holds it."""
    if not lock_ancestors([ancestor], wait=False):
        return None
    folded = 0
    with connection.cursor() as cursor:
        for table, keys, values in SUMMED:
            cursor.execute(
                f"DELETE FROM {DELTA_TABLES[table]} WHERE ancestor_id = %s "
                f"RETURNING {', '.join([*keys, *values])}",
                [ancestor],
            )
            sums: dict[tuple[Any, ...], list[int]] = {}
            for row in cursor.fetchall():
                folded += 1
                total = sums.setdefault(tuple(row[: len(keys)]), [0] * len(values))
                for n, value in enumerate(row[len(keys) :]):
                    total[n] += int(value)
            changed = sorted(key for key, total in sums.items() if any(total))
            for start in range(0, len(changed), ROWS):
                chunk = changed[start : start + ROWS]
                _add(cursor, table, ancestor, keys, values, [(k, sums[k]) for k in chunk])
        folded += _recount_persons(cursor, ancestor)
    return folded


def _add(
    cursor: Any,
    table: str,
    ancestor: int,
    keys: tuple[str, ...],
    values: tuple[str, ...],
    rows: list[tuple[tuple[Any, ...], list[int]]],
) -> None:
    """Add each key's sums to `ancestor`'s row of `table`, making the rows that are missing."""
    columns = ["ancestor_id", *keys, *values]
    params: list[Any] = []
    for key, total in rows:
        params += [ancestor, *key, *total]
    one = f"({', '.join(['%s'] * len(columns))})"
    added = ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in values)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * len(rows))} "
        f"ON CONFLICT ({', '.join(['ancestor_id', *keys])}) DO UPDATE SET {added}",
        params,
    )


def _recount_persons(cursor: Any, ancestor: int) -> int:
    """Count the marked persons of `ancestor`'s tree again from their postings; the marks."""
    cursor.execute(
        f"DELETE FROM {PERSON_MARKS} WHERE ancestor_id = %s RETURNING person_id", [ancestor]
    )
    marks = [int(row[0]) for row in cursor.fetchall()]
    persons = sorted(set(marks))
    for start in range(0, len(persons), ROWS):
        listed = ", ".join(str(pk) for pk in persons[start : start + ROWS])
        cursor.execute(
            f"DELETE FROM {PERSONS_TABLE} WHERE ancestor_id = %s AND person_id IN ({listed})",
            [ancestor],
        )
        cursor.execute(
            f"INSERT INTO {PERSONS_TABLE} (ancestor_id, person_id, first_start) "
            "SELECT l.ancestor_id, p.person_id, MIN(p.start_date) FROM ledger_posting AS p "
            "JOIN ledger_pairingtreelink AS l ON l.descendant_id = p.pairing_id "
            f"WHERE l.ancestor_id = %s AND p.person_id IN ({listed}) "
            "GROUP BY l.ancestor_id, p.person_id",
            [ancestor],
        )
    return len(marks)


# --- when it runs ---------------------------------------------------------------------------


def due(pairing_ids: Iterable[int]) -> list[int]:
    """The pairings above or at `pairing_ids` with more than `DUE` deltas in one table; one
    query that reads at most `DUE` + 1 index entries per ancestor and table."""
    ids = sorted({int(pk) for pk in pairing_ids})
    if not ids:
        return []
    over = " OR ".join(
        f"EXISTS (SELECT 1 FROM {deltas} AS d WHERE d.ancestor_id = l.ancestor_id "
        f"LIMIT 1 OFFSET {DUE})"
        for deltas in DELTA_TABLES.values()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT l.ancestor_id FROM ledger_pairingtreelink AS l "
            f"WHERE l.descendant_id IN ({', '.join(map(str, ids))}) AND ({over}) "
            "ORDER BY l.ancestor_id"
        )
        return [int(row[0]) for row in cursor.fetchall()]


class _WhenDue:
    """The after-commit check of one transaction, gathering the pairings it wrote to."""

    def __init__(self) -> None:
        self.pairing_ids: set[int] = set()
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        for ancestor in due(self.pairing_ids):
            compact_subtree.enqueue(ancestor)


def compact_when_due(pairing_ids: Iterable[int]) -> None:
    """After this transaction commits, compact the ancestors of `pairing_ids` that have more
    than `DUE` deltas (one check per transaction, however many writes it makes)."""
    ids = {int(pk) for pk in pairing_ids if pk is not None}
    if not ids:
        return
    # (savepoints, callback, robust) of each callback waiting for this transaction's commit
    waiting: list[tuple[Any, ...]] = list(connection.run_on_commit)
    for _savepoints, callback, *_robust in waiting:
        if isinstance(callback, _WhenDue) and not callback.ran:
            callback.pairing_ids |= ids
            return
    check = _WhenDue()
    check.pairing_ids |= ids
    transaction.on_commit(check, robust=True)


@task()
def compact_subtree(ancestor_id: int) -> int:
    """Fold one ancestor's subtree deltas into its rows (skipped while another compaction
    holds it); the deltas folded."""
    return compact_ancestor(ancestor_id) or 0

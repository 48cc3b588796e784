"""What a bulk load (`pairaid demo --national`) sets aside while it writes, and puts back
exactly as it was however the load ends.

A bulk load writes many records in transactions of its own, around the services. Two kinds
of per-row work cost it more than doing the same once at the end:

- the triggers that keep rollup tables (`TRIGGER_KEPT`: the project rollup, migration 0017;
  the subtree project rollup and the persons of each tree, migration 0019), found by their
  names (`TriggerKept.triggers`). They are dropped for the load, and when it ends put back
  and their tables rebuilt from the records, in one transaction that holds the records'
  writers off, with the pairing tree's links and the subtree money (which the loader does
  not add to row by row: `rollups.add_flows(..., subtrees=False)`);
- on SQLite, the indexes the load does not read while it writes (`SET_ASIDE_INDEXES`): in
  date or text order, every new row lands on a page of its own all over them, and each
  county's commit writes those pages again. Dropped for the load and created again from the
  statements the database held (`sqlite_master`), in one pass over the rows. The load's own
  queries (ids, the audit chain, uniqueness, the rollups' upserts) use none of them.

While the load runs, the rollup tables lag behind the records written in it (and the
figures read from them), and queries that would use a set-aside index scan instead. A
process killed outright (SIGKILL, power cut) leaves them set aside: `pairaid migrate` does
not bring them back; `pairaid rollups rebuild` rebuilds the tables, and a load run to its
end (or `set_aside` entered and left) puts them back; `pairaid rollups rebuild` too
(`schema_repair`). A load ends with `vacuum()` of the tables the figures read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, models, transaction

from pairaid.ledger import rollups, subtree_rollups
from pairaid.ledger.models import (
    FundFlow,
    FundRollup,
    PairingTreeLink,
    Posting,
    ProjectRollup,
    SearchKey,
    SubtreeFundDelta,
    SubtreeFundRollup,
    SubtreePerson,
    SubtreePersonDelta,
    SubtreeProjectDelta,
    SubtreeProjectRollup,
)
from pairaid.ledger.rollups import TriggerKept

# Every rollup table kept by triggers, in the order they are rebuilt after a load (the
# subtree rollups' rebuild runs once for the two that share it).
TRIGGER_KEPT: tuple[TriggerKept, ...] = (
    rollups.PROJECTS,
    subtree_rollups.PROJECTS,
    subtree_rollups.PERSONS,
)

# (model, the columns of one of its indexes): what a load sets aside on SQLite.
SET_ASIDE_INDEXES: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (FundFlow, ("date", "id")),  # fundflow_by_date
    (FundFlow, ("kind", "date", "id")),  # fundflow_by_kind_date (a stage's drill-down)
    (Posting, ("start_date", "id")),  # posting_by_start
    (SearchKey, ("key",)),  # the search box's lookup
    (SearchKey, ("kind", "label")),  # search_key_by_kind_label
)

# The tables the figures read by index-only scans (the rollups, the tree's links, the persons of
# each tree, the deltas beside them), vacuumed and analysed on PostgreSQL once a load has
# written them (`vacuum`): until a table is vacuumed its visibility map is empty, and every
# index-only scan reads the table's rows as well (a tree's persons 25 ms before, 9 ms after, at
# national scale); until it is analysed, the planner guesses its size.
VACUUMED: tuple[type[models.Model], ...] = (
    FundRollup,
    ProjectRollup,
    PairingTreeLink,
    SubtreeFundRollup,
    SubtreeProjectRollup,
    SubtreePerson,
    SubtreeFundDelta,
    SubtreeProjectDelta,
    SubtreePersonDelta,
)


def vacuum(tables: Sequence[type[models.Model]] = VACUUMED) -> list[str]:
    """`VACUUM (ANALYZE)` each of `tables` on PostgreSQL, each a statement of its own outside
    any transaction (VACUUM cannot run in one): the last step of a bulk load, after its
    transactions committed. Returns the tables vacuumed: none on SQLite (no visibility map;
    its planner reads no statistics unless ANALYZE was once run), nor inside a transaction (a
    caller's, e.g. a test's: the load's caller vacuums then)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return []
    done = []
    with connection.cursor() as cursor:
        for model in tables:
            table = model._meta.db_table
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
            done.append(table)
    return done


@contextmanager
def set_aside(
    kept: Sequence[TriggerKept] = TRIGGER_KEPT,
    indexes: Sequence[tuple[type[models.Model], tuple[str, ...]]] = SET_ASIDE_INDEXES,
) -> Iterator[bool]:
    """For the length of the block: `kept`'s triggers dropped and, on SQLite, `indexes`
    dropped (each in a committed transaction, so every transaction of the load writes without
    them). However the block ends (an error, Ctrl-C, `sys.exit`), the indexes are created
    again and the triggers put back exactly as they were, and the tables they keep rebuilt,
    with the pairing tree's links and the subtree rollups. Yields True: the subtree rollups
    are rebuilt at the end, so the block need not add to them."""
    with _indexes_set_aside(indexes), _triggers_suspended(kept):
        yield True


@contextmanager
def _triggers_suspended(kept: Sequence[TriggerKept]) -> Iterator[None]:
    with transaction.atomic():
        saved = [(table, table.triggers()) for table in kept]
        for table, triggers in saved:
            for name, _sql in triggers:
                table.drop(name)
    try:
        yield
    finally:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for _table, triggers in saved:
                    for _name, sql in triggers:
                        cursor.execute(sql)  # first: writers wait from here to the commit
            for rebuild in dict.fromkeys(table.rebuild for table, _triggers in saved):
                rebuild()


@contextmanager
def _indexes_set_aside(
    indexes: Sequence[tuple[type[models.Model], tuple[str, ...]]],
) -> Iterator[None]:
    if connection.vendor != "sqlite" or not indexes:
        yield
        return
    with transaction.atomic():
        saved = [sql for model, columns in indexes for sql in _index_statements(model, columns)]
        with connection.cursor() as cursor:
            for name, _sql in saved:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with transaction.atomic(), connection.cursor() as cursor:
            for _name, sql in saved:
                cursor.execute(sql)


def _index_statements(model: type[models.Model], columns: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, the statement that creates it) of `model`'s plain (not unique) indexes on exactly
    `columns`, as the SQLite database holds them now."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
        names = [
            name
            for name, info in found.items()
            if info["index"] and not info["unique"] and tuple(info["columns"]) == columns
        ]
        statements = []
        for name in sorted(names):
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s "
                "AND sql IS NOT NULL",
                [name],
            )
            row = cursor.fetchone()
            if row:
                statements.append((name, str(row[0])))
    return statements

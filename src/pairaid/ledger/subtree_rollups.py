"""Totals of a pairing with every pairing below it, read from a few hundred rows.

A coordinating pairing's figure (a province with its cities and counties) used to add up the
month rollups of every pairing of its tree. Three derived tables make it a read of the
pairing's own rows and of its subtree's rows:

- `PairingTreeLink`, the closure of the pairing tree (ancestor, descendant, depth), kept by
  `place_pairings` whenever the services create a pairing or change its parent;
- `SubtreeFundRollup`, `FundRollup` summed per ancestor, its changes written by `rollups.add`
  in the same statement batch as the fund rollup itself (services, bulk services, import and
  rollback);
- `SubtreeProjectRollup`, `ProjectRollup` summed per ancestor, its changes written by
  triggers on the project table (migrations 0019, 0021) like the project rollup;
- `SubtreePerson`, each person posted in a pairing's tree with their earliest start there,
  its changes marked by triggers on the posting table: the distinct persons of the default
  window are an index count (`persons_in_tree`), other windows count the postings.

A writer never updates these rows: it inserts its change as rows of its own
(`SubtreeFundDelta`, `SubtreeProjectDelta`, `SubtreePersonDelta`), so writes to two
pairings under the same coordinating pairing never wait for each other. Readers add an
ancestor's deltas to its compacted rows (`subtree_reads`; a marked person is counted from the
postings), and `subtree_compaction.compact` folds them in, in the background.

A figure uses them only when its window covers the pairing's whole tree
(`Window.whole_tree_of`: the user sees every pairing below it); otherwise it adds the
per-pairing rollups as before. The edges of a window (the as-of month of money, the partial
months of projects) still come from the records, so every figure is the same as counting the
records. `differences` and `rebuild` check and rebuild the three tables from the pairings
and the records (`pairaid rollups rebuild [--check]`); `rebuild` is also what a bulk load
runs once when it ends (`bulk_load.set_aside`, with `PROJECTS` and `PERSONS`, the tables
kept by triggers, whose triggers it suspends meanwhile).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from pairaid.ledger.models import (
    PairingTreeLink,
    Posting,
    Project,
    SubtreePerson,
    SubtreeProjectRollup,
)
from pairaid.ledger.rollups import (
    KEY_COLUMNS,
    SUBTREE_KEYS,
    TriggerKept,
    _month_sql,
)
from pairaid.ledger.subtree_reads import PERSON_MARKS, persons_sql

# --- the records grouped as each table holds them -----------------------------------------------

TREE_SQL = (
    "WITH RECURSIVE up(descendant_id, ancestor_id, depth) AS ("
    "SELECT id, id, 0 FROM ledger_pairing{where} "
    "UNION ALL SELECT up.descendant_id, p.parent_id, up.depth + 1 FROM up "
    "JOIN ledger_pairing AS p ON p.id = up.ancestor_id WHERE p.parent_id IS NOT NULL "
    "AND up.depth < 32) "
    "SELECT ancestor_id, descendant_id, depth FROM up"
)


def _tree_sql(ids: Sequence[int] | None = None) -> str:
    """(ancestor, descendant, depth) of the pairings `ids` (all when None), walked up their
    parents: what `PairingTreeLink` holds for them."""
    where = "" if ids is None else f" WHERE id IN ({', '.join(str(int(pk)) for pk in ids)})"
    return TREE_SQL.format(where=where)


def _below(ancestors: Sequence[int] | None) -> str:
    if ancestors is None:
        return ""
    return f" AND l.ancestor_id IN ({', '.join(str(int(pk)) for pk in ancestors)})"


def _funds_below_sql(ancestors: Sequence[int] | None = None) -> str:
    month = _month_sql("f.date")
    keys = ", ".join(f"f.{column}" for column in KEY_COLUMNS[1:4])
    return (
        f"SELECT l.ancestor_id, {keys}, {month} AS month, f.confirmation, "
        "SUM(f.amount) AS amount, COUNT(*) AS flow_count FROM ledger_fundflow AS f "
        "JOIN ledger_pairingtreelink AS l ON l.descendant_id = f.pairing_id "
        f"WHERE l.depth > 0{_below(ancestors)} "
        f"GROUP BY l.ancestor_id, {keys}, {month}, f.confirmation"
    )


def _projects_below_sql(ancestors: Sequence[int] | None = None) -> str:
    month = _month_sql("p.start_date")
    return (
        f"SELECT l.ancestor_id, p.status, {month} AS month, COUNT(*) AS project_count "
        "FROM ledger_project AS p "
        "JOIN ledger_pairingtreelink AS l ON l.descendant_id = p.pairing_id "
        f"WHERE l.depth > 0 AND p.start_date IS NOT NULL{_below(ancestors)} "
        f"GROUP BY l.ancestor_id, p.status, {month}"
    )


def _persons_sql(ancestors: Sequence[int] | None = None) -> str:
    return (
        "SELECT l.ancestor_id, p.person_id, MIN(p.start_date) AS first_start "
        "FROM ledger_posting AS p "
        "JOIN ledger_pairingtreelink AS l ON l.descendant_id = p.pairing_id "
        f"WHERE 1 = 1{_below(ancestors)} GROUP BY l.ancestor_id, p.person_id"
    )


def _funds_below_from_rollups_sql(ancestors: Sequence[int] | None = None) -> str:
    """`_funds_below_sql` from `FundRollup` (already grouped by pairing and month, and
    checked against the records on its own) instead of the fund flows: a few hundred
    thousand rows to join with the tree instead of millions."""
    keys = ", ".join(f"r.{column}" for column in KEY_COLUMNS[1:])
    return (
        f"SELECT l.ancestor_id, {keys}, SUM(r.amount) AS amount, "
        "SUM(r.flow_count) AS flow_count FROM ledger_fundrollup AS r "
        "JOIN ledger_pairingtreelink AS l ON l.descendant_id = r.pairing_id "
        f"WHERE l.depth > 0{_below(ancestors)} GROUP BY l.ancestor_id, {keys}"
    )


def _projects_below_from_rollups_sql(ancestors: Sequence[int] | None = None) -> str:
    """`_projects_below_sql` from `ProjectRollup` (checked against the records on its own)."""
    return (
        "SELECT l.ancestor_id, r.status, r.month, SUM(r.project_count) AS project_count "
        "FROM ledger_projectrollup AS r "
        "JOIN ledger_pairingtreelink AS l ON l.descendant_id = r.pairing_id "
        f"WHERE l.depth > 0{_below(ancestors)} GROUP BY l.ancestor_id, r.status, r.month"
    )


TREE_TABLE = "ledger_pairingtreelink"
PERSONS_TABLE = "ledger_subtreeperson"
# the tables of changes not yet compacted into each table
DELTA_TABLES = {
    "ledger_subtreefundrollup": "ledger_subtreefunddelta",
    "ledger_subtreeprojectrollup": "ledger_subtreeprojectdelta",
    PERSONS_TABLE: PERSON_MARKS,
}
EVERY_ROW = (TREE_TABLE, PERSONS_TABLE)  # a row missing or extra is a difference
TABLES = (
    # (table, key columns, value columns, the records grouped the same way)
    (
        "ledger_pairingtreelink",
        ("ancestor_id", "descendant_id"),
        ("depth",),
        lambda ancestors: _tree_sql(),
    ),
    ("ledger_subtreefundrollup", SUBTREE_KEYS, ("amount", "flow_count"), _funds_below_sql),
    (
        "ledger_subtreeprojectrollup",
        ("ancestor_id", "status", "month"),
        ("project_count",),
        _projects_below_sql,
    ),
    (PERSONS_TABLE, ("ancestor_id", "person_id"), ("first_start",), _persons_sql),
)
# What `differences` checks a table against when not the records themselves: the subtree
# rollups against the per-pairing rollups summed through the tree's links (the per-pairing
# rollups are checked against the records by `rollups.differences` and
# `rollups.project_differences`, so a difference between a subtree row and its records is
# found by one of the checks, in seconds instead of a join of every fund flow with the tree).
CHECKED_AGAINST = {
    "ledger_subtreefundrollup": _funds_below_from_rollups_sql,
    "ledger_subtreeprojectrollup": _projects_below_from_rollups_sql,
}


# --- keeping the tree ---------------------------------------------------------------------------


def ancestors_of(pairing_ids: Iterable[int]) -> set[int]:
    """The pairings strictly above these, as `PairingTreeLink` holds them now."""
    return set(
        PairingTreeLink.objects.filter(descendant_id__in=list(pairing_ids), depth__gt=0)
        .values_list("ancestor_id", flat=True)
        .distinct()
    )


def place_pairings(pairing_ids: Iterable[int], *, new: bool = False) -> None:
    """Pairings were created (`new`) or their parent changed, in this transaction: put them
    and everything below them at their new place in `PairingTreeLink`, and rebuild the
    subtree rollups of the pairings they left and joined (a new pairing has no records yet:
    nothing to rebuild). Called by the services after the pairings are written."""
    ids = sorted(set(pairing_ids))
    if not ids:
        return
    moved = sorted(
        set(ids)
        | set(
            PairingTreeLink.objects.filter(ancestor_id__in=ids).values_list(
                "descendant_id", flat=True
            )
        )
    )
    left = ancestors_of(ids) - set(moved)
    PairingTreeLink.objects.filter(descendant_id__in=moved).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_pairingtreelink (ancestor_id, descendant_id, depth) "
            + _tree_sql(moved)
        )
    affected = sorted((left | ancestors_of(ids)) - set(moved))
    if affected and not new:
        _replace(affected)


def _replace(ancestors: Sequence[int] | None, *, money_from_rollup: bool = False) -> int:
    """Replace the subtree rollups' rows of `ancestors` (all when None) by the records grouped
    through `PairingTreeLink` (the money from `FundRollup` if `money_from_rollup`); the number
    of rows written."""
    written = 0
    if ancestors is not None:
        lock_ancestors(ancestors)
    with connection.cursor() as cursor:
        for table, keys, values, grouped in TABLES[1:]:
            where = "" if ancestors is None else f" WHERE ancestor_id IN ({_ids(ancestors)})"
            cursor.execute(f"DELETE FROM {DELTA_TABLES[table]}{where}")
            cursor.execute(f"DELETE FROM {table}{where}")
            if money_from_rollup and ancestors is None and table == TABLES[1][0]:
                select = _funds_below_from_rollups_sql()
            else:
                select = grouped(ancestors)
            cursor.execute(f"INSERT INTO {table} ({', '.join([*keys, *values])}) " + select)
            written += cursor.rowcount
    return written


def _ids(ids: Sequence[int]) -> str:
    return ", ".join(str(int(pk)) for pk in ids)


# PostgreSQL advisory locks of one ancestor's subtree rows: (this class, the ancestor's id)
LOCK_CLASS = 0x53425452


def lock_ancestors(ancestors: Iterable[int], *, wait: bool = True) -> bool:
    """Hold the subtree rows of `ancestors` until this transaction ends, against a compaction
    or a rebuild of the same ancestors (never against a writer: writers only insert deltas).
    `wait=False` takes them only if free and says whether it did. On SQLite, which writes one
    transaction at a time, there is nothing to take."""
    if connection.vendor != "postgresql":
        return True
    take = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    with connection.cursor() as cursor:
        for ancestor in sorted(set(ancestors)):
            cursor.execute(f"SELECT {take}(%s, %s)", [LOCK_CLASS, ancestor])
            row = cursor.fetchone()
            if not wait and not (row and row[0]):
                return False
    return True


# --- checking and rebuilding --------------------------------------------------------------------


CHECK_WORK_MEM = "128MB"  # PostgreSQL's memory for each grouping of `differences`


def _effective(table: str, keys: Sequence[str], values: Sequence[str]) -> str:
    """What a reader takes `table`'s rows to be: its rows and its deltas not yet compacted;
    for persons, the rows of unmarked persons and the marked ones counted from the postings."""
    columns = ", ".join([*keys, *values])
    if table == PERSONS_TABLE:
        return persons_sql(None)
    if table in DELTA_TABLES:
        deltas = DELTA_TABLES[table]
        return f"SELECT {columns} FROM {table} UNION ALL SELECT {columns} FROM {deltas}"
    return f"SELECT {columns} FROM {table}"


def differences(limit: int = 20) -> dict[str, tuple[int, list[tuple[Any, ...]]]]:
    """{table: (how many keys disagree with the pairings and records, the first `limit`
    of them as (key…, table's values…, records' values…))}, one statement per table; the
    subtree rollups are compared with the per-pairing rollups through the tree
    (`CHECKED_AGAINST`)."""
    found: dict[str, tuple[int, list[tuple[Any, ...]]]] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # hundreds of thousands of keys: grouped in memory (hashed), not sorted on disk
            cursor.execute(f"SET LOCAL work_mem = '{CHECK_WORK_MEM}'")
        for table, keys, values, records in TABLES:
            grouped = CHECKED_AGAINST.get(table, records)
            key_list = ", ".join(keys)
            exact = table in EVERY_ROW
            # rollup rows add up (a side without the key counts 0); a link or a person's
            # first start is there or not (MAX of the one row of each side)
            add, empty = ("MAX", "NULL") if exact else ("SUM", "0")
            table_side = ", ".join([*values, *(f"{empty} AS r_{v}" for v in values)])
            records_side = ", ".join([*(f"{empty} AS {v}" for v in values), *values])
            sums = ", ".join([*(f"{add}({v})" for v in values), *(f"{add}(r_{v})" for v in values)])
            having = " OR ".join(f"{add}({v}) <> {add}(r_{v})" for v in values)
            cursor.execute(
                f"SELECT {key_list}, {sums} FROM ("
                f"SELECT {key_list}, {table_side} FROM ({_effective(table, keys, values)}) AS t "
                "UNION ALL "
                f"SELECT {key_list}, {records_side} FROM ({grouped(None)}) AS records"
                f") AS both_sides GROUP BY {key_list} "
                # a link is missing or extra even at depth 0; a rollup row may hold 0
                f"HAVING {having}{' OR COUNT(*) = 1' if exact else ''} "
                f"ORDER BY {key_list}"
            )
            rows = cursor.fetchall()
            found[table] = (len(rows), [tuple(row) for row in rows[:limit]])
    return found


@transaction.atomic
def rebuild(*, money_from_rollup: bool = False) -> int:
    """Rebuild the tree's closure from the pairings' parents, then the subtree rollups from
    the records; the number of rows written. Writers of pairings, fund flows and projects
    wait until it commits (PostgreSQL: SHARE locks on them; SQLite writes one transaction at
    a time). One INSERT … SELECT per table: a bulk load runs it once when it ends, with
    `money_from_rollup` (the money summed from `FundRollup`, which the load keeps in step:
    about a tenth of the work of summing every fund flow again); `pairaid rollups rebuild`
    sums the records themselves."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "LOCK TABLE ledger_pairing, ledger_fundflow, ledger_project, ledger_posting "
                "IN SHARE MODE; LOCK TABLE ledger_pairingtreelink, ledger_subtreefundrollup, "
                "ledger_subtreeprojectrollup, ledger_subtreeperson, ledger_subtreefunddelta, "
                "ledger_subtreeprojectdelta, ledger_subtreepersondelta"
            )
        cursor.execute("DELETE FROM ledger_pairingtreelink")
        cursor.execute(
            "INSERT INTO ledger_pairingtreelink (ancestor_id, descendant_id, depth) " + _tree_sql()
        )
        written: int = cursor.rowcount
    return written + _replace(None, money_from_rollup=money_from_rollup)


def rebuilt_after_load() -> int:
    """`rebuild` as a bulk load ends (`TriggerKept.rebuild`): the money from `FundRollup`."""
    return rebuild(money_from_rollup=True)


# The subtree rollups kept by triggers (migration 0019): suspended for a bulk load, which
# rebuilds them (and the tree's links) once when it ends.
PROJECTS = TriggerKept(SubtreeProjectRollup, Project, rebuilt_after_load)
PERSONS = TriggerKept(SubtreePerson, Posting, rebuilt_after_load)

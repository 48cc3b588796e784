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
ancestor's deltas to its compacted rows (`pending`; a marked person is counted from the
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

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from pairaid.ledger.models import (
    Confirmation,
    PairingTreeLink,
    Posting,
    Project,
    SubtreePerson,
    SubtreeProjectRollup,
)
from pairaid.ledger.money import from_fen
from pairaid.ledger.rollups import (
    KEY_COLUMNS,
    SUBTREE_KEYS,
    TriggerKept,
    _month_sql,
    _next_month,
)

# --- reading ----------------------------------------------------------------------------------
#
# Each figure of whole trees is one hand-written statement (no ORM: at national scale building
# and compiling three unions per figure cost more than running them), for any number of roots
# at once (`figure_sets.compute` asks for all its coordinating pairings together). A tree's
# records are reached through its links (`PairingTreeLink`), never through a list of ids.


def _month_edge(day: dt.date) -> tuple[dt.date, dt.date, dt.date, int]:
    """How the month of `day` is read: (the first month the rollups do *not* cover, then the
    first and last day of the records that complete them, and +1 to add or -1 to subtract
    them). Whichever side of `day` has fewer days is read from the records: the days up to
    `day` are added to the months before, or the whole month is taken from the rollups and the
    days after `day` subtracted (none when `day` is today or the month's last day). Both give
    the sum of the records dated up to `day`."""
    first = day.replace(day=1)
    following = _next_month(day)
    days_after = (following - day).days - 1
    if days_after < day.day:
        return following, day + dt.timedelta(days=1), following - dt.timedelta(days=1), -1
    return first, first, day, 1


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _run(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return [tuple(row) for row in cursor.fetchall()]


# (table, its root column): a root's own rollup rows, its subtree's compacted rows, and the
# changes not yet compacted into them (`SubtreeFundDelta`, `SubtreeProjectDelta`)
FUND_ROLLUPS = (
    ("ledger_fundrollup", "pairing_id"),
    ("ledger_subtreefundrollup", "ancestor_id"),
    ("ledger_subtreefunddelta", "ancestor_id"),
)
PROJECT_ROLLUPS = (
    ("ledger_projectrollup", "pairing_id"),
    ("ledger_subtreeprojectrollup", "ancestor_id"),
    ("ledger_subtreeprojectdelta", "ancestor_id"),
)


def _rollup_parts(
    tables: Sequence[tuple[str, str]],
    total: str,
    condition: str,
    roots: Sequence[int],
    params: Sequence[Any],
) -> tuple[str, list[Any]]:
    """(root, part) rows summing `total` over each table's rows of `roots` that meet
    `condition` (whose placeholders take `params`), one grouped SELECT per table joined by
    UNION ALL; and the statement's parameters."""
    among = _placeholders(roots)
    sql = " UNION ALL ".join(
        f"SELECT {column} AS root, SUM({total}) AS part FROM {table} "
        f"WHERE {column} IN ({among}) AND {condition} GROUP BY {column}"
        for table, column in tables
    )
    return sql, [*roots, *params] * len(tables)


def money_of_trees(
    roots: Sequence[int],
    *,
    kind: str,
    from_year: int,
    to_year: int,
    as_of: dt.date,
    sources: Sequence[str] | None = None,
    confirmed_only: bool = False,
) -> dict[int, Decimal]:
    """{root: the sum of the `kind` fund flows of the root and every pairing below it in the
    window}: whole months from each root's `FundRollup` rows and its `SubtreeFundRollup`
    rows, the as-of month completed from the records (`_month_edge`); one query."""
    roots = sorted(set(roots))
    if not roots:
        return {}
    date = connection.ops.adapt_datefield_value
    through, edge_from, edge_to, sign = _month_edge(as_of)
    window = "kind = %s AND fund_year >= %s AND fund_year <= %s"
    params: list[Any] = [kind, from_year, to_year]
    if sources:
        window += f" AND source IN ({_placeholders(sources)})"
        params += list(sources)
    if confirmed_only:
        window += " AND confirmation = %s"
        params.append(Confirmation.CONFIRMED)
    flows = window.replace("kind", "f.kind").replace("fund_year", "f.fund_year")
    flows = flows.replace("source", "f.source").replace("confirmation", "f.confirmation")
    whole_months, month_params = _rollup_parts(
        FUND_ROLLUPS, "amount", f"{window} AND month < %s", roots, [*params, date(through)]
    )
    sql = (
        f"SELECT root, SUM(part) FROM ({whole_months} "
        f"UNION ALL SELECT l.ancestor_id, {sign} * SUM(f.amount) FROM ledger_fundflow AS f "
        "JOIN ledger_pairingtreelink AS l ON l.descendant_id = f.pairing_id "
        f"WHERE l.ancestor_id IN ({_placeholders(roots)}) AND {flows} "
        "AND f.date >= %s AND f.date <= %s GROUP BY l.ancestor_id) AS parts GROUP BY root"
    )
    rows = _run(sql, [*month_params, *roots, *params, date(edge_from), date(edge_to)])
    totals = dict.fromkeys(roots, Decimal("0.00"))
    for root, fen in rows:
        totals[root] = from_fen(int(fen or 0))
    return totals


def money_of_tree(
    root: int,
    pairing_ids: Iterable[int],
    *,
    kind: str,
    from_year: int,
    to_year: int,
    as_of: dt.date,
    sources: Sequence[str] | None = None,
    confirmed_only: bool = False,
) -> Decimal:
    """The sum of the `kind` fund flows of `root` and every pairing below it (`pairing_ids`,
    the whole tree, as the caller found it; the records are reached through the tree's
    links) in the window (`money_of_trees`); one query."""
    return money_of_trees(
        [root],
        kind=kind,
        from_year=from_year,
        to_year=to_year,
        as_of=as_of,
        sources=sources,
        confirmed_only=confirmed_only,
    )[root]


def started_in_trees(roots: Sequence[int], *, start: dt.date, end: dt.date) -> dict[int, int]:
    """{root: the projects of the root and every pairing below it whose status is one of
    `Project.STARTED` now and whose start date lies from `start` to `end`}: whole months from
    each root's `ProjectRollup` rows and its `SubtreeProjectRollup` rows, the days before the
    first whole month and the last month's edge (`_month_edge`) from the records, each edge a
    range of one index; one query."""
    roots = sorted(set(roots))
    counts = dict.fromkeys(roots, 0)
    if not roots or end < start:
        return counts
    date = connection.ops.adapt_datefield_value
    first_whole = start if start.day == 1 else _next_month(start)
    through, edge_from, edge_to, sign = _month_edge(end)
    statuses = list(Project.STARTED)
    among, started = _placeholders(roots), _placeholders(statuses)
    records = (
        "SELECT l.ancestor_id, {sign} * COUNT(*) FROM ledger_project AS p "
        "JOIN ledger_pairingtreelink AS l ON l.descendant_id = p.pairing_id "
        f"WHERE l.ancestor_id IN ({among}) AND p.status IN ({started}) "
        "AND p.start_date >= %s AND p.start_date <= %s GROUP BY l.ancestor_id"
    )
    if first_whole >= through:  # no whole month: the records alone
        sql = records.format(sign=1)
        params: list[Any] = [*roots, *statuses, date(start), date(end)]
    else:
        whole_months, params = _rollup_parts(
            PROJECT_ROLLUPS,
            "project_count",
            f"status IN ({started}) AND month >= %s AND month < %s",
            roots,
            [*statuses, date(first_whole), date(through)],
        )
        sql = f"SELECT root, SUM(part) FROM ({whole_months} UNION ALL {records.format(sign=sign)}"
        params += [*roots, *statuses, date(edge_from), date(edge_to)]
        if start < first_whole:
            sql += f" UNION ALL {records.format(sign=1)}"
            params += [*roots, *statuses, date(start), date(first_whole - dt.timedelta(days=1))]
        sql += ") AS parts GROUP BY root"
    for root, n in _run(sql, params):
        counts[root] += int(n or 0)
    return counts


def started_in_tree(root: int, pairing_ids: Iterable[int], *, start: dt.date, end: dt.date) -> int:
    """The projects of `root` and every pairing below it (`pairing_ids`, the whole tree) whose
    status is one of `Project.STARTED` now and whose start date lies from `start` to `end`
    (`started_in_trees`); one query."""
    return started_in_trees([root], start=start, end=end)[root]


def _persons_of(among: str | None) -> str:
    """(ancestor, person, first start) of the roots `among` (placeholders; their ids are
    given twice), or of every ancestor when None: the `SubtreePerson` rows of the persons not
    marked in `SubtreePersonDelta`, and the marked persons' first start read from their
    postings in the tree (a mark says their row may be out of date until
    `subtree_compaction.compact` recounts them)."""
    rows = "" if among is None else f"s.ancestor_id IN ({among}) AND "
    marks = "" if among is None else f" WHERE ancestor_id IN ({among})"
    return (
        "SELECT s.ancestor_id, s.person_id, s.first_start FROM ledger_subtreeperson AS s "
        f"WHERE {rows}NOT EXISTS (SELECT 1 FROM {PERSON_MARKS} AS d "
        "WHERE d.ancestor_id = s.ancestor_id AND d.person_id = s.person_id) "
        "UNION ALL SELECT d.ancestor_id, d.person_id, MIN(p.start_date) FROM ("
        f"SELECT DISTINCT ancestor_id, person_id FROM {PERSON_MARKS}{marks}"
        ") AS d JOIN ledger_posting AS p ON p.person_id = d.person_id "
        "JOIN ledger_pairingtreelink AS l ON l.descendant_id = p.pairing_id "
        "AND l.ancestor_id = d.ancestor_id GROUP BY d.ancestor_id, d.person_id"
    )


def persons_in_trees(roots: Sequence[int], *, start: dt.date, end: dt.date) -> dict[int, int]:
    """{root: the distinct persons with a posting in the root's tree that started from
    `start` to `end`} for the roots whose `SubtreePerson` rows answer it, in one query when
    none of their persons' first posting there started before `start` (the default window):
    a person counts when their first posting started from `start` to `end`. A person whose
    first posting started before `start` counts when a posting of theirs in the tree started
    in the window: when there are no more such persons than the others, a second query asks
    the postings of those persons alone; otherwise the root is left out (the caller counts
    the postings of the window)."""
    roots = sorted(set(roots))
    if end < start:
        return dict.fromkeys(roots, 0)
    if not roots:
        return {}
    date = connection.ops.adapt_datefield_value
    among = _placeholders(roots)
    rows = _run(
        "SELECT ancestor_id, SUM(CASE WHEN first_start >= %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN first_start < %s THEN 1 ELSE 0 END) "
        f"FROM ({_persons_of(among)}) AS s WHERE first_start <= %s GROUP BY ancestor_id",
        [date(start), date(start), *roots, *roots, date(end)],
    )
    counts = dict.fromkeys(roots, 0)
    earlier: list[int] = []
    for root, within, before in rows:
        counts[root] = int(within or 0)
        if before and int(before) > int(within or 0):
            del counts[root]  # cheaper to count the window's postings
        elif before:
            earlier.append(root)
    if earlier:
        more = _placeholders(earlier)
        for root, n in _run(
            f"SELECT s.ancestor_id, COUNT(*) FROM ({_persons_of(more)}) AS s "
            "WHERE s.first_start < %s AND EXISTS ("
            "SELECT 1 FROM ledger_posting AS p JOIN ledger_pairingtreelink AS l "
            "ON l.descendant_id = p.pairing_id AND l.ancestor_id = s.ancestor_id "
            "WHERE p.person_id = s.person_id AND p.start_date >= %s AND p.start_date <= %s) "
            "GROUP BY s.ancestor_id",
            [*earlier, *earlier, date(start), date(start), date(end)],
        ):
            counts[root] += int(n)
    return counts


def persons_in_tree(root: int, *, start: dt.date, end: dt.date) -> int | None:
    """The distinct persons with a posting in `root`'s tree (the pairing and every pairing
    below it) that started from `start` to `end`, when the rows of `SubtreePerson` answer it
    (`persons_in_trees`); None otherwise (the caller counts the postings)."""
    return persons_in_trees([root], start=start, end=end).get(root)


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
PERSON_MARKS = "ledger_subtreepersondelta"
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
        return _persons_of(None)
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

"""Whole-tree figures read from the subtree tables (`subtree_rollups`), for any number of trees.

Each figure of whole trees is one hand-written statement (no ORM: at national scale building
and compiling three unions per figure cost more than running them), for any number of roots
at once (`figure_sets.compute` asks for all its coordinating pairings together). A tree's
records are reached through its links (`PairingTreeLink`), never through a list of ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection

from pairaid.ledger.models import Confirmation, Project
from pairaid.ledger.money import from_fen
from pairaid.ledger.rollups import _next_month

PERSON_MARKS = "ledger_subtreepersondelta"


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


def persons_sql(among: str | None) -> str:
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
        f"FROM ({persons_sql(among)}) AS s WHERE first_start <= %s GROUP BY ancestor_id",
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
            f"SELECT s.ancestor_id, COUNT(*) FROM ({persons_sql(more)}) AS s "
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

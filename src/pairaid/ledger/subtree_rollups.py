"""Totals of a pairing with every pairing below it, read from a few hundred rows.

A coordinating pairing's figure (a province with its cities and counties) used to add up the
month rollups of every pairing of its tree. Three derived tables make it a read of the
pairing's own rows and of its subtree's rows:

- `PairingTreeLink`, the closure of the pairing tree (ancestor, descendant, depth), kept by
  `place_pairings` whenever the services create a pairing or change its parent;
- `SubtreeFundRollup`, `FundRollup` summed per ancestor, kept by `rollups.add` in the same
  statement batch as the fund rollup itself (services, bulk services, import and rollback);
- `SubtreeProjectRollup`, `ProjectRollup` summed per ancestor, kept by triggers on the
  project table (migration 0019) like the project rollup;
- `SubtreePerson`, each person posted in a pairing's tree with their earliest start there,
  kept by triggers on the posting table: the distinct persons of the default window are an
  index count (`persons_in_tree`), other windows count the postings.

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
from django.db.models import Count, Min, Q, Sum

from pairaid.ledger.models import (
    Confirmation,
    FundFlow,
    FundRollup,
    PairingTreeLink,
    Posting,
    Project,
    ProjectRollup,
    SubtreeFundRollup,
    SubtreePerson,
    SubtreeProjectRollup,
)
from pairaid.ledger.moneyfield import MoneySum
from pairaid.ledger.rollups import (
    KEY_COLUMNS,
    SUBTREE_KEYS,
    TriggerKept,
    _month_sql,
    _next_month,
)

# --- reading ----------------------------------------------------------------------------------


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
    the whole tree) in the window: whole months from the root's `FundRollup` rows and its
    `SubtreeFundRollup` rows, the as-of month from the records; one query."""
    first_day = as_of.replace(day=1)
    window: dict[str, Any] = {
        "kind": kind,
        "fund_year__gte": from_year,
        "fund_year__lte": to_year,
    }
    if sources:
        window["source__in"] = list(sources)
    if confirmed_only:
        window["confirmation"] = Confirmation.CONFIRMED
    own = FundRollup.objects.filter(pairing_id=root, month__lt=first_day, **window)
    below = SubtreeFundRollup.objects.filter(ancestor_id=root, month__lt=first_day, **window)
    this_month = FundFlow.objects.filter(
        pairing_id__in=list(pairing_ids), date__gte=first_day, date__lte=as_of, **window
    )
    rows = (
        own.order_by()
        .values("kind")
        .annotate(total=MoneySum("amount"))
        .union(
            below.order_by().values("kind").annotate(total=MoneySum("amount")),
            this_month.order_by().values("kind").annotate(total=MoneySum("amount")),
            all=True,
        )
    )
    total = sum((Decimal(row["total"]) for row in rows), Decimal("0.00"))
    return total.quantize(Decimal("0.01"))


def started_in_tree(root: int, pairing_ids: Iterable[int], *, start: dt.date, end: dt.date) -> int:
    """The projects of `root` and every pairing below it (`pairing_ids`, the whole tree)
    whose status is one of `Project.STARTED` now and whose start date lies from `start` to
    `end`: whole months from the root's `ProjectRollup` rows and its `SubtreeProjectRollup`
    rows, the days before the first and from the last whole month on from the records; one
    query (`rollups.started_by_pairing` for a whole tree)."""
    if end < start:
        return 0
    ids = list(pairing_ids)
    first_whole = start if start.day == 1 else _next_month(start)
    last_month = end.replace(day=1)
    records = Project.objects.filter(pairing_id__in=ids, status__in=Project.STARTED).order_by()
    if first_whole >= last_month:
        return records.filter(start_date__gte=start, start_date__lte=end).count()
    months = {"status__in": Project.STARTED, "month__gte": first_whole, "month__lt": last_month}
    edges = Q(start_date__gte=start, start_date__lt=first_whole) | Q(
        start_date__gte=last_month, start_date__lte=end
    )
    own = ProjectRollup.objects.filter(pairing_id=root, **months).order_by()
    below = SubtreeProjectRollup.objects.filter(ancestor_id=root, **months).order_by()
    rows = (
        own.values("status")
        .annotate(n=Sum("project_count"))
        .union(
            below.values("status").annotate(n=Sum("project_count")),
            records.filter(edges).values("status").annotate(n=Count("*")),
            all=True,
        )
    )
    return sum(int(row["n"] or 0) for row in rows)


def persons_in_tree(root: int, *, start: dt.date, end: dt.date) -> int | None:
    """The distinct persons with a posting in `root`'s tree (the pairing and every pairing
    below it) that started from `start` to `end`, when the rows of `SubtreePerson` alone
    answer it: `start` is on or before the tree's earliest posting start, so a person counts
    when their first posting there started on or before `end`. None otherwise (the caller
    counts the postings). One query."""
    rows = SubtreePerson.objects.filter(ancestor_id=root).aggregate(
        first=Min("first_start"),
        n=Count("pk", filter=Q(first_start__lte=end)),
    )
    if rows["first"] is None:
        return 0
    if start > rows["first"]:
        return None
    return int(rows["n"])


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


def _funds_below_from_rollup_sql() -> str:
    """What `_funds_below_sql` groups, from `FundRollup` (the records already summed per
    pairing and month, in step with them in every transaction): a few rows per pairing and
    month instead of every fund flow."""
    keys = ", ".join(f"f.{column}" for column in KEY_COLUMNS[1:])
    return (
        f"SELECT l.ancestor_id, {keys}, SUM(f.amount) AS amount, "
        "SUM(f.flow_count) AS flow_count FROM ledger_fundrollup AS f "
        "JOIN ledger_pairingtreelink AS l ON l.descendant_id = f.pairing_id "
        f"WHERE l.depth > 0 GROUP BY l.ancestor_id, {keys}"
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


TREE_TABLE = "ledger_pairingtreelink"
PERSONS_TABLE = "ledger_subtreeperson"
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
    with connection.cursor() as cursor:
        for table, keys, values, grouped in TABLES[1:]:
            where = "" if ancestors is None else f" WHERE ancestor_id IN ({_ids(ancestors)})"
            cursor.execute(f"DELETE FROM {table}{where}")
            if money_from_rollup and ancestors is None and table == TABLES[1][0]:
                select = _funds_below_from_rollup_sql()
            else:
                select = grouped(ancestors)
            cursor.execute(f"INSERT INTO {table} ({', '.join([*keys, *values])}) " + select)
            written += cursor.rowcount
    return written


def _ids(ids: Sequence[int]) -> str:
    return ", ".join(str(int(pk)) for pk in ids)


# --- checking and rebuilding --------------------------------------------------------------------


def differences(limit: int = 20) -> dict[str, tuple[int, list[tuple[Any, ...]]]]:
    """{table: (how many keys disagree with the pairings and records, the first `limit`
    of them as (key…, table's values…, records' values…))}, one statement per table."""
    found: dict[str, tuple[int, list[tuple[Any, ...]]]] = {}
    with connection.cursor() as cursor:
        for table, keys, values, grouped in TABLES:
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
                f"SELECT {key_list}, {table_side} FROM {table} UNION ALL "
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
                "ledger_subtreeprojectrollup, ledger_subtreeperson"
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

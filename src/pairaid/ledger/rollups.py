"""Money totals for many pairings at once, and the rollup table that keeps them.

`money_by_pairing` is the one door through which figures read sums of fund flows for a set
of pairings. It answers exactly what summing the fund-flow records filtered the same way
answers (`figures.fund_flows`), grouped by pairing, in one query whatever the number of
pairings: whole months come from the rollup table (`FundRollup`: pairing × kind × source ×
fund year × month of the date × confirmation, in whole fen), the as-of month up to the
as-of day from the records themselves.

The table is kept in the same transaction as every fund-flow write (`add_flows`,
`move_confirmation`, called by the services and the bulk loaders) with an UPSERT that adds
(`INSERT … ON CONFLICT … DO UPDATE SET amount = amount + excluded.amount`): concurrent
writers never lose an increment, and since every writer adds in key order, after the
audit chain of the pairing is locked, two writers never wait for each other in a circle.
`pairaid rollups rebuild [--check]` compares the table with the records and rebuilds it.

`started_by_pairing` is the same for the count of projects started (实施项目): whole months
from `ProjectRollup` (pairing × status × month of the start date), kept by triggers on the
project table (migration 0017) in the same statement as every project write, the edges of
the window from the project records. `project_differences` and `rebuild_projects` are its
check and rebuild.

A bulk load writes faster without the triggers: `bulk_load.set_aside()` drops the triggers
that keep those tables (`TriggerKept`) for the length of the load and, when it ends in any
way, puts them back and rebuilds the tables from the records once (one INSERT … SELECT each).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, Q, Sum

from pairaid.ledger.models import Confirmation, FundFlow, FundRollup, Project, ProjectRollup
from pairaid.ledger.money import ZERO, from_fen, to_fen
from pairaid.ledger.moneyfield import MoneySum

# (pairing id, kind, source, fund year, first day of the month, confirmation)
Key = tuple[int, str, str, int, dt.date, str]
KEY_COLUMNS = ("pairing_id", "kind", "source", "fund_year", "month", "confirmation")
UPSERT_ROWS = 250  # rows per INSERT statement (8 parameters each)


# --- reading ----------------------------------------------------------------------------------


def money_by_pairing(
    pairing_ids: Iterable[int],
    *,
    kind: str,
    from_year: int,
    to_year: int,
    as_of: dt.date,
    sources: Sequence[str] | None = None,
    confirmed_only: bool = False,
) -> dict[int, Decimal]:
    """{pairing id: sum of its `kind` fund flows in the window}; pairings with none get 0."""
    ids = list(pairing_ids)
    first_day = as_of.replace(day=1)
    window = {
        "pairing_id__in": ids,
        "kind": kind,
        "fund_year__gte": from_year,
        "fund_year__lte": to_year,
    }
    if sources:
        window["source__in"] = list(sources)
    if confirmed_only:
        window["confirmation"] = Confirmation.CONFIRMED
    whole_months = FundRollup.objects.filter(month__lt=first_day, **window)
    this_month = FundFlow.objects.filter(date__gte=first_day, date__lte=as_of, **window)
    rows = (
        whole_months.order_by()
        .values("pairing_id")
        .annotate(total=MoneySum("amount"))
        .union(
            this_month.order_by().values("pairing_id").annotate(total=MoneySum("amount")),
            all=True,
        )
    )
    totals = dict.fromkeys(ids, ZERO)
    for row in rows:
        totals[row["pairing_id"]] += Decimal(row["total"])
    return {pk: total.quantize(Decimal("0.01")) for pk, total in totals.items()}


# --- keeping the table ------------------------------------------------------------------------


def key_of(flow: FundFlow, confirmation: str | None = None) -> Key:
    return (
        flow.pairing_id,
        flow.kind,
        flow.source,
        flow.fund_year,
        flow.date.replace(day=1),
        confirmation or flow.confirmation,
    )


def add_flows(flows: Iterable[FundFlow], *, subtrees: bool = True) -> None:
    """Count newly written fund flows (entries and reversals) into the table (and, unless
    `subtrees` is False, into the subtree rollups: see `add`)."""
    deltas: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for flow in flows:
        delta = deltas[key_of(flow)]
        delta[0] += to_fen(flow.amount)
        delta[1] += 1
    add(deltas, subtrees=subtrees)


def move_confirmation(flow: FundFlow, before: str, after: str) -> None:
    """A fund flow's confirmation changed from `before` to `after`: move it between rows."""
    if before == after:
        return
    fen = to_fen(flow.amount)
    add({key_of(flow, before): [-fen, -1], key_of(flow, after): [fen, 1]})


def add(deltas: dict[Key, list[int]], *, subtrees: bool = True) -> None:
    """Add (amount in fen, number of records) to each key's row, creating missing rows, in
    key order, and the same to the subtree rollup of every pairing above. Must run inside the
    writing transaction. `subtrees=False` leaves the subtree rollup alone: only for a bulk
    load that rebuilds it when it ends (`bulk_load.set_aside`)."""
    if not deltas:
        return
    table = connection.ops.quote_name(FundRollup._meta.db_table)
    columns = ", ".join([*KEY_COLUMNS, "amount", "flow_count"])
    adapt = connection.ops.adapt_datefield_value
    keys = sorted(deltas)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), UPSERT_ROWS):
            chunk = keys[start : start + UPSERT_ROWS]
            params: list[Any] = []
            for pairing_id, kind, source, year, month, confirmation in chunk:
                fen, count = deltas[(pairing_id, kind, source, year, month, confirmation)]
                params += [pairing_id, kind, source, year, adapt(month), confirmation, fen, count]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "
                f"ON CONFLICT ({', '.join(KEY_COLUMNS)}) DO UPDATE SET "
                f"amount = {table}.amount + excluded.amount, "
                f"flow_count = {table}.flow_count + excluded.flow_count",
                params,
            )
            if subtrees:  # the same deltas, as rows of their own below every pairing above
                cursor.execute(_add_below_sql(values), params)


SUBTREE_TABLE = "ledger_subtreefundrollup"
SUBTREE_DELTAS = "ledger_subtreefunddelta"
SUBTREE_KEYS = ("ancestor_id", *KEY_COLUMNS[1:])


def _add_below_sql(values: str) -> str:
    """Add the VALUES rows (`KEY_COLUMNS`, amount, count) below every pairing above each
    row's pairing (`PairingTreeLink`, depth > 0), grouped (one row per key in one statement),
    as new rows of `SubtreeFundDelta`: rows of this write alone, which no other writer
    touches (summed into `SubtreeFundRollup` later by `subtree_compaction.compact`)."""
    keys = ", ".join(SUBTREE_KEYS)
    picked = "l.ancestor_id, v.column2, v.column3, v.column4, v.column5, v.column6"
    return (
        f"INSERT INTO {SUBTREE_DELTAS} ({keys}, amount, flow_count) "
        f"SELECT {picked}, SUM(v.column7), SUM(v.column8) FROM (VALUES {values}) AS v "
        "JOIN ledger_pairingtreelink AS l ON l.descendant_id = v.column1 WHERE l.depth > 0 "
        f"GROUP BY {picked}"
    )


# --- checking and rebuilding -----------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """A key where the table and the records disagree (amounts in yuan)."""

    key: Key
    table_amount: Decimal
    table_count: int
    records_amount: Decimal
    records_count: int


def _month_sql(column: str = "date") -> str:
    if connection.vendor == "sqlite":
        return f"date({column}, 'start of month')"
    return f"CAST(date_trunc('month', {column}) AS date)"


def _grouped_records_sql() -> str:
    month = _month_sql()
    return (
        f"SELECT pairing_id, kind, source, fund_year, {month} AS month, confirmation, "
        f"SUM(amount) AS amount, COUNT(*) AS flow_count FROM ledger_fundflow "
        f"GROUP BY pairing_id, kind, source, fund_year, {month}, confirmation"
    )


def differences(limit: int | None = None) -> tuple[int, list[Difference]]:
    """How many keys disagree between the table and the records, and the first `limit` of
    them, in key order; one statement (one snapshot of both)."""
    keys = ", ".join(KEY_COLUMNS)
    sql = (
        f"SELECT {keys}, SUM(t_amount), SUM(t_count), SUM(r_amount), SUM(r_count) FROM ("
        f"SELECT {keys}, 0 AS t_amount, 0 AS t_count, amount AS r_amount, "
        f"flow_count AS r_count FROM ({_grouped_records_sql()}) AS records "
        f"UNION ALL SELECT {keys}, amount, flow_count, 0, 0 FROM ledger_fundrollup"
        f") AS both_sides GROUP BY {keys} "
        f"HAVING SUM(t_amount) <> SUM(r_amount) OR SUM(t_count) <> SUM(r_count) "
        f"ORDER BY {keys}"
    )
    found: list[Difference] = []
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for row in cursor:
            total += 1
            if limit is None or len(found) < limit:
                pairing_id, kind, source, year, month, confirmation = row[:6]
                if isinstance(month, str):
                    month = dt.date.fromisoformat(month)
                found.append(
                    Difference(
                        key=(pairing_id, kind, source, year, month, confirmation),
                        table_amount=from_fen(int(row[6])),
                        table_count=int(row[7]),
                        records_amount=from_fen(int(row[8])),
                        records_count=int(row[9]),
                    )
                )
    return total, found


@transaction.atomic
def rebuild() -> int:
    """Replace the table by the sums of the records; returns the number of rows. Writers of
    fund flows wait until it commits (PostgreSQL: a SHARE lock on the records; SQLite writes
    one transaction at a time)."""
    return _replace_from_records(
        FundRollup,
        "ledger_fundflow",
        [*KEY_COLUMNS, "amount", "flow_count"],
        _grouped_records_sql(),
    )


def _replace_from_records(
    rollup: type[models.Model], records_table: str, columns: list[str], grouped_sql: str
) -> int:
    """Empty `rollup`'s table and fill it with `grouped_sql` (the records grouped into its
    `columns`), the records' writers held off meanwhile; the number of rows written."""
    table = connection.ops.quote_name(rollup._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {records_table} IN SHARE MODE; LOCK TABLE {table}")
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) " + grouped_sql)
        count: int = cursor.rowcount
        return count


# --- projects started -------------------------------------------------------------------------


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def started_by_pairing(
    pairing_ids: Iterable[int], *, start: dt.date, end: dt.date
) -> dict[int, int]:
    """{pairing id: its projects whose status is one of `Project.STARTED` now and whose start
    date lies from `start` to `end`}; one query whatever the number of pairings. Whole months
    come from `ProjectRollup`, the days before the first and from the last whole month on
    from the records: the same count as `Project.objects.filter(...)` (it holds projects'
    present statuses, so a figure as of a past day counts from the status history instead)."""
    ids = list(pairing_ids)
    counts = dict.fromkeys(ids, 0)
    if end < start:
        return counts
    first_whole = start if start.day == 1 else _next_month(start)
    last_month = end.replace(day=1)
    records = Project.objects.filter(pairing_id__in=ids, status__in=Project.STARTED).order_by()
    if first_whole < last_month:
        edges = Q(start_date__gte=start, start_date__lt=first_whole) | Q(
            start_date__gte=last_month, start_date__lte=end
        )
        whole_months = ProjectRollup.objects.filter(
            pairing_id__in=ids,
            status__in=Project.STARTED,
            month__gte=first_whole,
            month__lt=last_month,
        ).order_by()
        rows: Any = (
            whole_months.values("pairing_id")
            .annotate(n=Sum("project_count"))
            .union(records.filter(edges).values("pairing_id").annotate(n=Count("*")), all=True)
        )
    else:
        rows = records.filter(start_date__gte=start, start_date__lte=end)
        rows = rows.values("pairing_id").annotate(n=Count("*"))
    for row in rows:
        counts[row["pairing_id"]] += int(row["n"])
    return counts


# (pairing id, status, first day of the month of the start date)
ProjectKey = tuple[int, str, dt.date]


@dataclass(frozen=True)
class ProjectDifference:
    """A key where the project table and the project records disagree."""

    key: ProjectKey
    table_count: int
    records_count: int


def _grouped_projects_sql() -> str:
    month = _month_sql("start_date")
    return (
        f"SELECT pairing_id, status, {month} AS month, COUNT(*) AS project_count "
        f"FROM ledger_project WHERE start_date IS NOT NULL "
        f"GROUP BY pairing_id, status, {month}"
    )


def project_differences(limit: int | None = None) -> tuple[int, list[ProjectDifference]]:
    """How many keys disagree between `ProjectRollup` and the project records, and the first
    `limit` of them, in key order; one statement."""
    sql = (
        "SELECT pairing_id, status, month, SUM(t_count), SUM(r_count) FROM ("
        "SELECT pairing_id, status, month, 0 AS t_count, project_count AS r_count "
        f"FROM ({_grouped_projects_sql()}) AS records "
        "UNION ALL SELECT pairing_id, status, month, project_count, 0 FROM ledger_projectrollup"
        ") AS both_sides GROUP BY pairing_id, status, month "
        "HAVING SUM(t_count) <> SUM(r_count) ORDER BY pairing_id, status, month"
    )
    found: list[ProjectDifference] = []
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for pairing_id, status, month, table_count, records_count in cursor:
            total += 1
            if limit is None or len(found) < limit:
                if isinstance(month, str):
                    month = dt.date.fromisoformat(month)
                found.append(
                    ProjectDifference(
                        (pairing_id, status, month), int(table_count), int(records_count)
                    )
                )
    return total, found


@transaction.atomic
def rebuild_projects() -> int:
    """Replace `ProjectRollup` by the counts of the project records; returns the number of
    rows. Project writers wait until it commits (PostgreSQL: a SHARE lock on the records)."""
    return _replace_from_records(
        ProjectRollup,
        "ledger_project",
        ["pairing_id", "status", "month", "project_count"],
        _grouped_projects_sql(),
    )


# --- tables kept by triggers, suspended for a bulk load --------------------------------------


@dataclass(frozen=True)
class TriggerKept:
    """A rollup table kept by database triggers on its records' table. Its migration names
    the triggers after the rollup table (`<rollup table>_insert` …), which is how they are
    found; `rebuild` refills the table from the records (in a transaction of its own or the
    caller's) and returns its number of rows."""

    rollup: type[models.Model]
    records: type[models.Model]
    rebuild: Callable[[], int]

    def triggers(self) -> list[tuple[str, str]]:
        """(name, the statement that creates it) of each of its triggers, as the database
        holds them now."""
        table = self.records._meta.db_table
        prefix = self.rollup._meta.db_table.replace("_", "\\_") + "\\_%"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                    "WHERE tgrelid = %s::regclass AND NOT tgisinternal "
                    "AND tgname LIKE %s ESCAPE '\\' ORDER BY tgname",
                    [table, prefix],
                )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                    "AND tbl_name = %s AND name LIKE %s ESCAPE '\\' ORDER BY name",
                    [table, prefix],
                )
            return [(str(name), str(sql)) for name, sql in cursor.fetchall()]

    def drop(self, name: str) -> None:
        quote = connection.ops.quote_name
        on = ""
        if connection.vendor == "postgresql":  # SQLite's trigger names are the schema's own
            on = f" ON {quote(self.records._meta.db_table)}"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER {quote(name)}{on}")


PROJECTS = TriggerKept(ProjectRollup, Project, rebuild_projects)

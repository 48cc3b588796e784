"""Benchmark: where the PostgreSQL server's CPU goes when the bulk fund-flow service writes.

    .venv/bin/python bench/bulk_server.py --database-url postgres://… [--rows 10000]
        [--base 50000] [--rounds 3] [--variants base,-ledger_fundflow_pairing_id_…] [--explain]

On a fresh database of that server (`pairaid_bench_bulk_server`, created and dropped here) it
commits `--base` fund flows through `ledger.services.bulk_record_fund_flows` (1,000 rows a
call, the rows bench/import.py makes), then, for each round and each variant, writes `--rows`
more the same way inside a transaction that it rolls back, so that every variant starts from
the same tables. A variant drops, inside that transaction, one index or trigger (`-NAME`) or
several (`-A-B`), or none (`base`); by default every index of the fund-flow and audit tables
that no constraint needs, and each trigger of the fund-flow table, one at a time. The deferred
foreign-key checks run at each statement's end (`SET CONSTRAINTS ALL IMMEDIATE`), as they would
at the commit. For each, the CPU seconds of the client process and of the server's backend
(/proc/<pg_backend_pid()>/stat: the machine is shared, so the wall clock is not compared) per
row written, the least of the rounds. With --explain, EXPLAIN (ANALYZE, BUFFERS) of an INSERT
of `--rows` fund flows and of their audit entries (the time of each trigger).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
bench = importlib.import_module("import")  # bench/import.py: its rows, timers, database set-up

NAME = "pairaid_bench_bulk_server"
TABLES = ("ledger_fundflow", "ledger_auditentry")


class Rollback(Exception):
    pass


def values(start: int, count: int) -> list[dict[str, object]]:
    from pairaid.ledger.models import FundFlow, Pairing

    pairing = Pairing.objects.get(name=bench.PAIRING)
    sources = {str(label): value for value, label in FundFlow.Source.choices}
    made = []
    for i in range(start, start + count):
        cells = bench.row(i)
        made.append(
            {
                "pairing": pairing,
                "kind": FundFlow.Kind.TRANSFER,
                "fund_year": cells[2],
                "date": cells[3],
                "amount": cells[4],
                "source": sources[str(cells[5])],
                "voucher": f"{cells[7]}-{start}",
                "note": cells[8],
            }
        )
    return made


def write(rows: list[dict[str, object]]) -> None:
    from pairaid.ledger import services

    for start in range(0, len(rows), 1000):
        services.bulk_record_fund_flows(rows[start : start + 1000], acting_user=None, via="bench")


def droppable() -> list[str]:
    """Every index of the two tables that no constraint owns, and the fund flows' triggers."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique ORDER BY 1",
            [list(TABLES)],
        )
        found = [f"-{name}" for (name,) in cursor.fetchall()]
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'ledger_fundflow'::regclass "
            "AND NOT tgisinternal ORDER BY 1"
        )
        found += [f"-{name}" for (name,) in cursor.fetchall()]
    return found


def drop(variant: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for name in filter(None, variant.split("-")[1:] if variant != "base" else []):
            cursor.execute("SELECT 1 FROM pg_class WHERE relname = %s", [name])
            if cursor.fetchone():
                cursor.execute(f'DROP INDEX "{name}"')
            else:
                cursor.execute(f'DROP TRIGGER "{name}" ON ledger_fundflow')


def measure(variant: str, rows: list[dict[str, object]]) -> tuple[float, float]:
    """Client and server CPU seconds of writing `rows` with `variant` dropped, rolled back."""
    from django.db import connection, transaction

    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            drop(variant)
            with bench.Timer(server=True) as took:
                write(rows)
            raise Rollback
    except Rollback:
        pass
    return took.cpu, took.server


def explain(count: int) -> None:
    from django.db import connection, transaction

    from pairaid.ledger.models import Pairing

    pairing = Pairing.objects.get(name=bench.PAIRING)
    statements = [
        "INSERT INTO ledger_fundflow (pairing_id, kind, fund_year, date, amount, source, voucher, "
        "note, cross_year_reason, recorded_at, is_demo, confirmation, confirmation_note) "
        "SELECT %s, 'transfer', 2016 + g %% 7, DATE '2016-01-01' + (g %% 2500), "
        "100000 + g, 'fiscal', 'EXPLAIN-' || g, '基准测试拨付', '', now(), false, 'pending', "
        "'' FROM generate_series(1, %s) g",
        "INSERT INTO ledger_auditentry (at, actor, action, record_type, record_id, record_repr, "
        "pairing_id, changes, chain, prev_hash, hash) SELECT now(), 'bench', "
        "'fundflow.recorded', 'fundflow', g::text, '拨付 2016 1000.00元', %s, "
        "jsonb_build_object('kind', 'transfer', 'amount', '1000.00', 'voucher', 'EXPLAIN-' || g), "
        "'pairing:' || %s, repeat('a', 64), repeat('b', 64) FROM generate_series(1, %s) g",
    ]
    arguments = [[pairing.pk, count], [pairing.pk, pairing.pk, count]]
    for sql, args in zip(statements, arguments, strict=True):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", args)
                print("\n".join(line for (line,) in cursor.fetchall()))
                raise Rollback
        except Rollback:
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--base", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variants", help="comma-separated (default: base and each droppable)")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    bench.setup_django(bench.fresh_database(args.database_url, NAME))
    write(values(0, args.base))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ledger_fundflow")
        cursor.execute("VACUUM ANALYZE ledger_auditentry")
    if args.explain:
        explain(args.rows)
    variants = args.variants.split(",") if args.variants else ["base", *droppable()]
    rows = values(args.base, args.rows)
    measure("base", rows[:2000])  # warm the caches and the code
    best: dict[str, tuple[float, float]] = {}
    for _round in range(args.rounds):
        for variant in variants:
            client, server = measure(variant, rows)
            old = best.get(variant)
            best[variant] = (
                (client, server) if old is None else (min(old[0], client), min(old[1], server))
            )
    base_server = best.get("base", (0.0, 0.0))[1]
    print(f"{args.rows} rows a variant, least of {args.rounds} rounds, µs per row")
    print(f"{'variant':<56} {'client':>8} {'server':>8} {'saved':>7} {'rows/CPU s':>11}")
    for variant, (client, server) in best.items():
        per_client, per_server = client / args.rows * 1e6, server / args.rows * 1e6
        saved = (base_server - server) / args.rows * 1e6
        rate = args.rows / (client + server)
        print(f"{variant:<56} {per_client:8.0f} {per_server:8.0f} {saved:7.0f} {rate:11,.0f}")
    connection.close()
    if not args.keep:
        import psycopg

        with psycopg.connect(args.database_url, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()

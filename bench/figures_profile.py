"""Profile: where the national figures' time goes, query by query, on the database given.

    PAIRAID_DATABASE_URL=... .venv/bin/python bench/figures_profile.py [--explain]

Runs `national_by_pairaid` of bench/figures.py (funds invested, projects implemented and
persons dispatched for every top-level pairing's whole tree, as of today) with every query
captured: the best of three runs in total, Python's share (total minus the queries' time),
and each query's own time. With --explain, each query again under EXPLAIN (ANALYZE,
BUFFERS) on PostgreSQL: the plan, its execution time and the pages it read, which do not
depend on how busy the processors are.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pairaid.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    sys.path.insert(0, str(ROOT / "bench"))
    from figures import national_by_pairaid

    from pairaid.ledger.models import Pairing

    as_of = timezone.localdate()
    tops = list(Pairing.objects.filter(parent__isnull=True).order_by("id"))
    national_by_pairaid(tops, as_of)  # warm up
    best = None
    for _run in range(args.repeat):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            answers = national_by_pairaid(tops, as_of)
            seconds = time.perf_counter() - began
        if best is None or seconds < best[0]:
            best = (seconds, list(captured.captured_queries))
    seconds, queries = best
    in_db = sum(float(q["time"]) for q in queries)
    print(
        f"national_by_pairaid: {seconds:.3f} s, {len(queries)} queries, "
        f"{in_db:.3f} s in queries (as Django times them), {seconds - in_db:.3f} s Python"
    )
    print(f"answers: {answers}")
    for number, query in enumerate(queries, 1):
        sql = query["sql"]
        short = sql if len(sql) < 300 else sql[:300] + f"… ({len(sql)} characters)"
        print(f"\n#{number} {float(query['time']) * 1000:.1f} ms: {short}")
        if args.explain and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                for (line,) in cursor.fetchall():
                    print("    " + line)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())

"""Benchmark: every list page's queries and PostgreSQL's plans for them (EXPLAIN ANALYZE).

    PAIRAID_DATABASE_URL=postgres://…/pairaid .venv/bin/python bench/lists.py [--user NAME]
        [--plans]

On the database given (loaded with e.g. `pairaid demo --national 0.1`), it opens each list
page — unfiltered, filtered by one pairing, and a later page — as the administrator (or
--user), through the Django test Client, and prints per page its time, its number of
queries and the slowest query's time. With --plans it prints PostgreSQL's EXPLAIN
(ANALYZE, BUFFERS) of each page's queries that read the list's rows or count them, so that
one can see each read from an index (Index Scan … Limit), not a sort of the whole table.
Run it at two scales to compare: a page's time should not grow with the table.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time

import django

LISTS = [
    "/funds/",
    "/projects/",
    "/people/",
    "/postings/",
    "/agreements/",
    "/obligations/",
    "/events/",
    "/tasks/",
    "/audit/",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--user", help="a login name (default: the first administrator)")
    parser.add_argument("--plans", action="store_true", help="print EXPLAIN ANALYZE")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pairaid.settings")
    os.environ.setdefault("PAIRAID_ALLOWED_HOSTS", "testserver")
    django.setup()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pairaid.accounts.models import User
    from pairaid.ledger.models import FundFlow, Pairing

    if args.user:
        user = User.objects.get(username=args.user)
    else:
        user = User.objects.filter(is_superuser=True).order_by("pk").first()
    client = Client()
    client.force_login(user)
    # The pairing with the most fund flows: the heaviest single-pairing filter.
    busiest = (
        FundFlow.objects.values("pairing")
        .order_by("pairing")
        .annotate(n=django.db.models.Count("id"))
    )
    pairing = max(busiest, key=lambda row: row["n"])["pairing"] if busiest else None
    print(
        f"{connection.vendor}: {FundFlow.objects.count()} fund flows, "
        f"{Pairing.objects.count()} pairings; as {user.username}; pairing filter {pairing}"
    )
    print(f"{'page':<40} {'ms':>7} {'queries':>7} {'slowest ms':>10}")
    for url in LISTS:
        for query in ("", f"?pairing={pairing}", "?page=20"):
            client.get(url + query)  # warm
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url + query)
                ms = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (url, response.status_code)
            slowest = max(float(q["time"]) for q in captured.captured_queries) * 1000
            print(f"{url + query:<40} {ms:>7.0f} {len(captured):>7} {slowest:>10.1f}")
            if args.plans and connection.vendor == "postgresql":
                explain(connection, captured.captured_queries)
    return 0


def explain(connection, queries) -> None:
    for q in queries:
        sql = q["sql"]
        if not sql.startswith("SELECT") or ("LIMIT" not in sql and "COUNT(" not in sql):
            continue
        if "django_session" in sql or "accounts_" in sql[:200]:
            continue
        if re.search(r'WHERE "\w+"\."id" = \d+ LIMIT', sql):  # one record by its id
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
        print("    " + sql[:150] + (" …" if len(sql) > 150 else ""))
        for line in [*plan[:8], plan[-1]]:
            print("      " + line)


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: every list page's queries and time, and PostgreSQL's plans for them.

    PAIRAID_DATABASE_URL=postgres://…/pairaid .venv/bin/python bench/lists.py [--user NAME]
        [--plans]

On the database given (loaded with e.g. `pairaid demo --national 0.1`), it opens each list
page — unfiltered, with an empty pairing filter, filtered by the busiest pairing, by a
top-level pairing with the pairings below it, and a later page — and the list each figure
of that top-level pairing's page drills down to, as the administrator (or --user), through
the Django test Client. It prints the scale loaded (pairings, records), then per page its
time, its number of queries and the slowest query's time, and last each list's total
queries and time over its variants. With --plans it prints PostgreSQL's EXPLAIN (ANALYZE,
BUFFERS) of each page's queries that read the list's rows or count them, so that one can
see each read from an index (Index Scan … Limit), not a sort of the whole table. Run it at
two scales to compare: a page's queries must not change and its time should not grow with
the table.
"""

from __future__ import annotations

import argparse
import html
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
VARIANTS = ("", "?pairing=", "?pairing={busiest}", "?pairing={top}&children=on", "?page=20")


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
    from pairaid.ledger.models import AuditEntry, FundFlow, Pairing, Posting, Project

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
    # The top-level pairing with the most pairings below it: the widest tree filter.
    top = (
        Pairing.objects.filter(parent__isnull=True)
        .annotate(n=django.db.models.Count("children"))
        .order_by("-n", "id")
        .values_list("pk", flat=True)
        .first()
    )
    counts = ", ".join(
        f"{model.objects.count()} {label}"
        for model, label in (
            (Pairing, "pairings"),
            (Project, "projects"),
            (FundFlow, "fund flows"),
            (Posting, "postings"),
            (AuditEntry, "audit entries"),
        )
    )
    print(f"{connection.vendor}: {counts}; as {user.username}; pairing {pairing}, tree {top}")
    pages = [(url, url + v.format(busiest=pairing, top=top)) for url in LISTS for v in VARIANTS]
    front = client.get(f"/pairings/{top}/").content.decode()
    drills: dict[str, str] = {}
    for href in re.findall(r'href="([^"]*figure=[^"]*)"', front):
        href = html.unescape(href)
        drills.setdefault(re.search(r"figure=(\w+)", href).group(1), href)
    pages += [(href.split("?")[0], href) for href in drills.values()]

    totals: dict[str, list[float]] = {}
    print(f"{'page':<60} {'ms':>7} {'queries':>7} {'slowest ms':>10}")
    for list_url, url in pages:
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            ms = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        slowest = max(float(q["time"]) for q in captured.captured_queries) * 1000
        shown = url if len(url) <= 60 else url[:59] + "…"
        print(f"{shown:<60} {ms:>7.0f} {len(captured):>7} {slowest:>10.1f}")
        summed = totals.setdefault(list_url, [0, 0.0, 0])
        summed[0] += len(captured)
        summed[1] += ms
        summed[2] += 1
        if args.plans and connection.vendor == "postgresql":
            explain(connection, captured.captured_queries)
    print(f"\n{'list (all its variants)':<30} {'pages':>5} {'queries':>7} {'ms':>8}")
    for list_url, (n, ms, variants) in totals.items():
        print(f"{list_url:<30} {variants:>5} {n:>7} {ms:>8.0f}")
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

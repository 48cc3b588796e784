"""Benchmark: the CPU time and queries of one view of each page of `bench/load.py`'s mix.

    PAIRAID_DATABASE_URL=postgres://…/pairaid .venv/bin/python bench/pages.py [--user NAME]
        [--profile PAGE] [--top N]

On the database given (loaded with e.g. `pairaid demo --national 0.1`), as the first
administrator (or --user) through the Django test Client, it views each page once to warm it
(figures stored, caches filled), then once more, measured: the process's CPU time
(`time.process_time()`, which the other work of a shared machine does not inflate), the wall
time, the time its queries took (db ms: wall time, the database's and the wire's) and the number of
queries (--queries prints them). Pages: the overview, the dashboards of the widest top-level
pairing, of a city and of a county below it, each list page (first and a later page), the
drill-downs of the top-level pairing's figures, and one record page of each kind. It prints
the scale loaded and the load average. With --profile PAGE (a page's name as printed), it
prints cProfile's N most costly functions of that page's measured view (--sort: in which
order); --only NAME measures only the pages whose name starts with NAME. With --repeat N each
page is measured N times and the least CPU time (and its wall time) is printed: on a shared
machine the other work only ever adds to a view's time. With --rollback all of it runs in one
transaction rolled back at the end (the login's session, the figures the pages store): for a
database that must be left as it was. The first line, "nothing", is a page
that renders nothing (a chooser asked for no kind: 400): the fixed cost of every request —
middleware, the session and the user read from the database, the login check.
"""

from __future__ import annotations

import argparse
import cProfile
import html
import io
import os
import pstats
import re
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
RECORDS = {
    "fund": r'href="(/funds/\d+/)"',
    "project": r'href="(/projects/\d+/)"',
    "person": r'href="(/people/\d+/)"',
    "agreement": r'href="(/agreements/\d+/)"',
    "event": r'href="(/events/\d+/)"',
    "task": r'href="(/tasks/\d+/)"',
}


def explained(connection: object, queries: list[dict[str, str]]) -> str:
    """The page's queries run again under EXPLAIN ANALYZE: planning and execution ms in all,
    and the costliest query's."""
    plan = run = 0.0
    worst = (0.0, "")
    with connection.cursor() as cursor:  # type: ignore[attr-defined]
        for query in queries:
            if not query["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON) {query['sql']}")
            found = cursor.fetchone()[0][0]
            plan += found["Planning Time"]
            run += found["Execution Time"]
            both = found["Planning Time"] + found["Execution Time"]
            if both > worst[0]:
                worst = (both, f"{found['Planning Time']:.0f}+{found['Execution Time']:.0f}")
    return f"{plan:.0f} ms + run {run:.0f} ms; costliest query plan+run {worst[1]} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--user", help="a login name (default: the first administrator)")
    parser.add_argument("--profile", help="the name of a page to profile")
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    parser.add_argument("--sort", default="cumulative", help="cProfile's order (e.g. tottime)")
    parser.add_argument("--only", help="measure only the pages whose name starts with this")
    parser.add_argument("--repeat", type=int, default=1, help="views measured per page (least)")
    parser.add_argument(
        "--queries", action="store_true", help="print each measured page's queries and times"
    )
    parser.add_argument(
        "--rollback",
        action="store_true",
        help="leave the database as it was: everything (the login's session, the figures "
        "the pages store) in one transaction, rolled back at the end",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="PostgreSQL: the planning and execution time of each page's queries (EXPLAIN)",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pairaid.settings")
    os.environ.setdefault("PAIRAID_ALLOWED_HOSTS", "testserver")
    django.setup()

    if not args.rollback:
        return measure(args)
    from django.db import transaction

    class RolledBack(Exception):
        pass

    try:
        with transaction.atomic():
            measure(args)
            raise RolledBack
    except RolledBack:
        print("(rolled back: the database is as it was)")
    return 0


def measure(args: argparse.Namespace) -> int:
    from django.db import connection
    from django.db.models import Count
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

    top = (
        Pairing.objects.filter(parent__isnull=True)
        .annotate(n=Count("children"))
        .order_by("-n", "id")
        .first()
    )
    city = Pairing.objects.filter(parent=top).order_by("id").first()
    county = Pairing.objects.filter(parent=city).order_by("id").first() if city else None
    pages: list[tuple[str, str]] = [
        ("nothing (fixed cost)", "/search/choices/?kind="),
        ("overview /", "/"),
    ]
    for name, pairing in (("province", top), ("city", city), ("county", county)):
        if pairing is not None:
            pages.append((f"dashboard {name}", f"/pairings/{pairing.pk}/"))
    for url in LISTS:
        pages += [(f"list {url}", url), (f"list {url} page 20", f"{url}?page=20")]
    front = client.get(f"/pairings/{top.pk}/").content.decode()
    drills: dict[str, str] = {}
    for href in re.findall(r'href="([^"]*figure=[^"]*)"', front):
        href = html.unescape(href)
        drills.setdefault(re.search(r"figure=(\w+)", href).group(1), href)
    pages += [(f"drill {key}", href) for key, href in sorted(drills.items())]
    found: dict[str, str] = {}
    for url in LISTS[:-1]:
        text = client.get(url).content.decode()
        for kind, pattern in RECORDS.items():
            match = re.search(pattern, text)
            if match and kind not in found:
                found[kind] = match.group(1)
    pages += [(f"record {kind}", url) for kind, url in sorted(found.items())]

    flows = FundFlow.objects.count()
    pairings = Pairing.objects.count()
    print(f"{connection.vendor}: {pairings} pairings, {flows} fund flows; as {user.username}")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'page':<42} {'cpu ms':>7} {'wall ms':>8} {'db ms':>6} {'queries':>7} {'KB':>6}")
    for name, url in pages:
        if args.only and not name.startswith(args.only):
            continue
        client.get(url)  # warm: figures stored, templates compiled
        best = None
        for _ in range(max(1, args.repeat)):
            profiler = cProfile.Profile() if name == args.profile else None
            with CaptureQueriesContext(connection) as captured:
                cpu, wall = time.process_time(), time.perf_counter()
                if profiler:
                    profiler.enable()
                response = client.get(url)
                if profiler:
                    profiler.disable()
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            db = sum(float(q["time"]) for q in captured.captured_queries)
            if best is None or cpu < best[0]:
                best = (cpu, wall, db, list(captured.captured_queries))
        cpu, wall, db, queries = best
        expected = 400 if name.startswith("nothing") else 200
        assert response.status_code == expected, (url, response.status_code)
        size = len(response.content) / 1024
        print(
            f"{name:<42} {cpu * 1000:>7.0f} {wall * 1000:>8.0f} {db * 1000:>6.0f}"
            f" {len(queries):>7} {size:>6.0f}"
        )
        if args.queries:
            for query in queries:
                print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:400]}")
        if args.explain and connection.vendor == "postgresql":
            print(f"    {'':<38} plan {explained(connection, queries)}")
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

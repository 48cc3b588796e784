"""Benchmark: the figures at national scale, on SQLite and PostgreSQL, side by side.

    .venv/bin/python bench/figures.py [--scale 0.01 --scale 0.1] [--full]
        [--database sqlite|postgres|both]

For each database and scale it loads the synthetic national data set
(`pairaid demo --national SCALE --reset`) into a fresh database and measures, each as
queries (django.test.utils.CaptureQueriesContext) and seconds:

- the overview page (`/`) for the administrator and for a province's coordinator, and a
  province, a city and a county pairing's dashboard, through the Django test Client;
- `pairaid summary --json` for all pairings (call_command);
- the national aggregates — funds transferred (资金投入), projects started (实施项目) and
  persons dispatched (选派干部人才) per top-level pairing, its whole tree, as of today — by
  pairaid (ledger/figures.py, one top at a time; and ledger/figure_sets.py, all tops at
  once as the overview and the summary count them), by one hand-written SQL statement and by
  DuckDB (the needed
  columns are copied from the database into an in-memory DuckDB in the same run; the copy
  is timed apart and not counted in DuckDB's time). The three must give identical numbers;
  a mismatch is printed loudly and the run exits with status 1;
- the national money alone (funds transferred per top-level pairing's tree) as the figure
  reads it (`figures.total_funds`: the top's rollup rows and its subtree rollup rows, the
  as-of month from the records), by one SQL statement over the records and by DuckDB, with
  the same check;
- `pairaid rollups rebuild --check` (money and project rollups against the records): the run
  fails if they disagree.

The national aggregates and money are each the best of three runs (REPEAT) by every engine,
after one warm-up run: the machine may be shared, and the best run is the least disturbed.

`--skip pages|summary|check` (repeatable) leaves those measures out, to iterate on the national
lines alone. `--full` adds scale 1.0 (about 4M fund flows: long, start it in the background).

PostgreSQL: PAIRAID_DATABASE_URL if set (its ledger is wiped!), otherwise a private server
started with scripts/postgres in a temporary directory (port --pg-port) and stopped after.
Each database and scale runs in a fresh process.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = [
    ("load", "载入 national --reset"),
    ("overview_admin", "overview /  (administrator)"),
    ("overview_province", "overview /  (province coordinator)"),
    ("dashboard_province", "dashboard: province pairing"),
    ("dashboard_city", "dashboard: city pairing"),
    ("dashboard_county", "dashboard: county pairing"),
    ("summary", "summary --json (all pairings)"),
    ("national_pairaid", "national aggregates: pairaid"),
    ("national_sets", "national aggregates: all tops"),
    ("national_sql", "national aggregates: one SQL"),
    ("duckdb_load", "  DuckDB copy (not counted)"),
    ("national_duckdb", "national aggregates: DuckDB"),
    ("money_pairaid", "national money: pairaid"),
    ("money_sql", "national money: one SQL on records"),
    ("money_duckdb", "national money: DuckDB"),
    ("rollups_check", "rollups rebuild --check"),
]
PAGES = (
    "overview_admin",
    "overview_province",
    "dashboard_province",
    "dashboard_city",
    "dashboard_county",
)
SKIPPABLE = {"pages": PAGES, "summary": ("summary",), "check": ("rollups_check",)}
RATIOS = (
    ("pairaid / SQL", "national_pairaid", "national_sql"),
    ("pairaid / DuckDB", "national_pairaid", "national_duckdb"),
    ("pairaid all tops / DuckDB", "national_sets", "national_duckdb"),
    ("money: pairaid / SQL", "money_pairaid", "money_sql"),
    ("money: pairaid / DuckDB", "money_pairaid", "money_duckdb"),
)


# --- the child: one database, one scale -------------------------------------------------------


def child(scale: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pairaid.settings")
    os.environ.setdefault("PAIRAID_ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    from django.contrib.auth import get_user_model

    from pairaid.accounts.models import RoleAssignment
    from pairaid.ledger.models import Pairing

    results: dict[str, object] = {}

    def note(key: str) -> None:
        """Each measure on stderr as soon as it is taken: a long run shows how far it got."""
        m = results[key]
        print(f"  {scale} {key}: {m['seconds']:.3f} s, {m['queries']} queries", file=sys.stderr)

    if os.environ.get("PAIRAID_BENCH_KEEP_DATA") and Pairing.objects.exists():
        # the national set already loaded (a 1.0 load takes an hour): measure it as it is
        print(f"  {scale}: measuring the data already in the database", file=sys.stderr)
        results["load"] = {"seconds": None, "queries": None}
        results["load_cpu"] = None
    else:
        started = time.perf_counter()
        cpu = time.process_time()
        call_command("demo", "--national", scale, "--reset", stdout=StringIO(), verbosity=0)
        results["load"] = {"seconds": time.perf_counter() - started, "queries": None}
        results["load_cpu"] = time.process_time() - cpu
        note("load")

    users = get_user_model()
    # --reset keeps logins: the second scale on one database finds these users again
    admin = users.objects.filter(username="bench-admin").first() or (
        users.objects.create_superuser("bench-admin", password="bench-admin-pass-1")
    )
    top = Pairing.objects.filter(parent__isnull=True).order_by("id").first()
    city = top.children.order_by("id").first()
    county = city.children.order_by("id").first()
    coordinator = users.objects.filter(username="bench-coordinator").first() or (
        users.objects.create_user("bench-coordinator", password="bench-pass-1")
    )
    RoleAssignment.objects.filter(user=coordinator).delete()
    RoleAssignment.objects.create(user=coordinator, role="coordinator", region=top.helper_region)

    def measure(key: str, run, repeat: int = 1) -> object:
        """The best of `repeat` runs (the machine is shared: the best is the least disturbed)."""
        best = None
        for _time in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                value = run()
                seconds = time.perf_counter() - began
            best = seconds if best is None else min(best, seconds)
        results[key] = {"seconds": best, "queries": len(queries.captured_queries)}
        note(key)
        return value

    def page(user, url: str):
        client = Client()
        client.force_login(user)

        def get():
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            return response

        return get

    skipped = set(filter(None, os.environ.get("PAIRAID_BENCH_SKIP", "").split(",")))

    def skip(*keys: str) -> None:
        for key in keys:
            results[key] = {"seconds": None, "queries": None, "skipped": True}

    if "pages" in skipped:
        skip(*PAGES)
    else:
        page(coordinator, f"/pairings/{county.pk}/")()  # warm up: templates, first connection
        measure("overview_admin", page(admin, "/"))
        measure("overview_province", page(coordinator, "/"))
        measure("dashboard_province", page(admin, f"/pairings/{top.pk}/"))
        measure("dashboard_city", page(admin, f"/pairings/{city.pk}/"))
        measure("dashboard_county", page(admin, f"/pairings/{county.pk}/"))
    if "summary" in skipped:
        skip("summary")
    else:
        measure("summary", lambda: call_command("summary", "--json", stdout=StringIO()))

    from django.utils import timezone

    as_of = timezone.localdate()
    tops = list(Pairing.objects.filter(parent__isnull=True).order_by("id"))
    national_by_pairaid(tops, as_of)  # warm up, as DuckDB's copy warms its own tables
    by_pairaid = measure("national_pairaid", lambda: national_by_pairaid(tops, as_of), REPEAT)
    national_by_figure_sets(tops, as_of)  # warm up
    by_sets = measure("national_sets", lambda: national_by_figure_sets(tops, as_of), REPEAT)
    by_sql = measure("national_sql", lambda: national_by_sql(connection, tops, as_of), REPEAT)
    began = time.perf_counter()
    duck = duckdb_copy(connection)
    results["duckdb_load"] = {"seconds": time.perf_counter() - began, "queries": None}
    note("duckdb_load")
    by_duckdb = best_of(
        results, "national_duckdb", lambda: national_by_duckdb(duck, [p.pk for p in tops], as_of)
    )
    note("national_duckdb")
    money = measure("money_pairaid", lambda: national_money_by_pairaid(as_of), REPEAT)
    money_sql = measure("money_sql", lambda: national_money_by_sql(connection, as_of), REPEAT)
    money_duck = best_of(results, "money_duckdb", lambda: national_money_by_duckdb(duck, as_of))
    note("money_duckdb")
    # the rollup tables (money, projects) agree with the records after the load, or the run
    # fails (CommandError)
    if "check" in skipped:
        skip("rollups_check")
    else:
        measure(
            "rollups_check",
            lambda: call_command("rollups", "rebuild", "--check", stdout=StringIO()),
        )
    results["answers"] = {
        "pairaid": by_pairaid,
        "all tops": by_sets,
        "sql": by_sql,
        "duckdb": by_duckdb,
    }
    funds = {pk: values[0] for pk, values in by_sql.items()}
    results["money_answers"] = {
        "pairaid": money,
        "sql": money_sql,
        "duckdb": money_duck,
        "aggregates": funds,
    }
    from pairaid.ledger.models import FundFlow, Posting, Project

    results["records"] = {
        "pairings": Pairing.objects.count(),
        "projects": Project.objects.count(),
        "fund flows": FundFlow.objects.count(),
        "postings": Posting.objects.count(),
    }
    return results


REPEAT = 3  # the national aggregates and money, by every engine: the best of three runs


def best_of(results: dict, key: str, run) -> object:
    best = None
    for _time in range(REPEAT):
        began = time.perf_counter()
        value = run()
        seconds = time.perf_counter() - began
        best = seconds if best is None else min(best, seconds)
    results[key] = {"seconds": best, "queries": 1}
    return value


def national_by_pairaid(tops, as_of) -> dict[str, list[str]]:
    from pairaid.ledger import figures

    answers = {}
    for top in tops:
        window = figures.window_for(top, as_of=as_of, include_children=True)
        answers[str(top.pk)] = [
            str(figures.funds_invested(window).value),
            str(figures.projects_implemented(window).value),
            str(figures.persons_dispatched(window).value),
        ]
    return answers


def national_by_figure_sets(tops, as_of) -> dict[str, list[str]]:
    """The same figures for all tops at once, as the overview and the summary count them
    (`figure_sets.compute`: each whole tree read from the subtree tables, one query per
    figure for all tops)."""
    from pairaid.ledger import figure_sets

    subjects = [figure_sets.Subject(top, True) for top in tops]
    keys = ["funds_transfer", "projects_implemented", "persons_dispatched_persons"]
    computed = figure_sets.compute(keys, subjects, as_of=as_of)
    return {
        str(subject.pairing.pk): [str(computed[subject][key].value) for key in keys]
        for subject in subjects
    }


def national_money_by_pairaid(as_of) -> dict[str, str]:
    """Funds transferred (资金投入) per top-level pairing and its whole tree, as the figure
    reads it (`figures.total_funds` of `figures.window_for(top, include_children=True)`): the
    top's own rollup rows and its subtree rollup rows (`subtree_reads.money_of_tree`), the
    as-of month from the records; two queries per top (its tree, its money)."""
    from pairaid.ledger import figures
    from pairaid.ledger.models import Pairing

    answers = {}
    for top in Pairing.objects.filter(parent__isnull=True).order_by("id"):
        window = figures.window_for(top, as_of=as_of, include_children=True)
        answers[str(top.pk)] = str(figures.total_funds(window, "transfer"))
    return answers


NATIONAL_MONEY_SQL = """
WITH RECURSIVE tree(top_id, id, first_year) AS (
    SELECT id, id, {year_of_valid_from} FROM ledger_pairing WHERE parent_id IS NULL
    UNION ALL
    SELECT tree.top_id, p.id, tree.first_year
    FROM ledger_pairing p JOIN tree ON p.parent_id = tree.id
)
SELECT tree.top_id, COALESCE(SUM(f.amount), 0)
FROM tree LEFT JOIN ledger_fundflow f ON f.pairing_id = tree.id
    AND f.kind = 'transfer' AND f.fund_year >= tree.first_year AND f.fund_year <= %s
    AND f.date <= %s
GROUP BY tree.top_id
ORDER BY tree.top_id
"""


def yuan(fen) -> str:
    return str(Decimal(int(fen)).scaleb(-2).quantize(Decimal("0.01")))


def national_money_by_sql(connection, as_of) -> dict[str, str]:
    """Funds transferred per top-level pairing's tree: one statement over the records."""
    if connection.vendor == "sqlite":
        year, day = "CAST(strftime('%%Y', valid_from) AS INTEGER)", as_of.isoformat()
    else:
        year, day = "CAST(EXTRACT(YEAR FROM valid_from) AS INTEGER)", as_of
    with connection.cursor() as cursor:
        cursor.execute(NATIONAL_MONEY_SQL.format(year_of_valid_from=year), [as_of.year, day])
        rows = cursor.fetchall()
    return {
        str(pk): str(Decimal(int(fen)).scaleb(-2).quantize(Decimal("0.01"))) for pk, fen in rows
    }


def national_money_by_duckdb(duck, as_of) -> dict[str, str]:
    sql = NATIONAL_MONEY_SQL.replace("%s", "?").format(
        year_of_valid_from="CAST(year(valid_from) AS INTEGER)"
    )
    rows = duck.execute(sql, [as_of.year, as_of]).fetchall()
    return {
        str(pk): str(Decimal(int(fen)).scaleb(-2).quantize(Decimal("0.01"))) for pk, fen in rows
    }


STARTED = ("in_progress", "completed", "handed_over", "operating")

NATIONAL_SQL = """
WITH RECURSIVE tree(top_id, id, first_year) AS (
    SELECT id, id, {year_of_valid_from} FROM ledger_pairing WHERE parent_id IS NULL
    UNION ALL
    SELECT tree.top_id, p.id, tree.first_year
    FROM ledger_pairing p JOIN tree ON p.parent_id = tree.id
),
funds AS (
    SELECT tree.top_id, SUM(f.amount) AS fen
    FROM ledger_fundflow f JOIN tree ON f.pairing_id = tree.id
    WHERE f.kind = 'transfer' AND f.fund_year >= tree.first_year AND f.fund_year <= %s
      AND f.date <= %s
    GROUP BY tree.top_id
),
projects AS (
    SELECT tree.top_id, COUNT(*) AS n FROM ledger_project p JOIN tree ON p.pairing_id = tree.id
    WHERE p.status IN ('in_progress', 'completed', 'handed_over', 'operating')
      AND p.start_date >= {first_day} AND p.start_date <= %s
    GROUP BY tree.top_id
),
persons AS (
    SELECT tree.top_id, COUNT(DISTINCT s.person_id) AS n
    FROM ledger_posting s JOIN tree ON s.pairing_id = tree.id
    WHERE s.start_date >= {first_day} AND s.start_date <= %s
    GROUP BY tree.top_id
)
SELECT t.id, COALESCE(funds.fen, 0), COALESCE(projects.n, 0), COALESCE(persons.n, 0)
FROM ledger_pairing t
LEFT JOIN funds ON funds.top_id = t.id
LEFT JOIN projects ON projects.top_id = t.id
LEFT JOIN persons ON persons.top_id = t.id
WHERE t.parent_id IS NULL
ORDER BY t.id
"""


def national_by_sql(connection, tops, as_of) -> dict[str, list[str]]:
    """One statement; the window as figures.window_for builds it (from the top pairing's first
    year to the as-of date, its whole tree)."""
    if connection.vendor == "sqlite":
        year = "CAST(strftime('%%Y', valid_from) AS INTEGER)"
        first_day = "(CAST(tree.first_year AS TEXT) || '-01-01')"
        day = as_of.isoformat()
    else:
        year = "CAST(EXTRACT(YEAR FROM valid_from) AS INTEGER)"
        first_day = "make_date(tree.first_year, 1, 1)"
        day = as_of
    sql = NATIONAL_SQL.format(year_of_valid_from=year, first_day=first_day)
    with connection.cursor() as cursor:
        cursor.execute(sql, [as_of.year, day, day, day])
        rows = cursor.fetchall()
    return {
        str(pk): [str(Decimal(fen).scaleb(-2).quantize(Decimal("0.01"))), str(n), str(m)]
        for pk, fen, n, m in rows
    }


COPIED = {
    "ledger_pairing": ("id", "parent_id", "valid_from"),
    "ledger_fundflow": ("pairing_id", "kind", "fund_year", "date", "amount"),
    "ledger_project": ("pairing_id", "status", "start_date"),
    "ledger_posting": ("pairing_id", "person_id", "start_date"),
}
DUCK_TYPES = {
    "id": "BIGINT",
    "parent_id": "BIGINT",
    "pairing_id": "BIGINT",
    "person_id": "BIGINT",
    "fund_year": "INTEGER",
    "amount": "BIGINT",
    "kind": "VARCHAR",
    "status": "VARCHAR",
    "valid_from": "DATE",
    "date": "DATE",
    "start_date": "DATE",
}


def duckdb_copy(connection):
    """The needed columns, read from the database and loaded into an in-memory DuckDB
    through a CSV file (DuckDB's fastest way in without pyarrow)."""
    import duckdb

    duck = duckdb.connect()
    with tempfile.TemporaryDirectory() as tmp:
        for table, columns in COPIED.items():
            path = Path(tmp) / f"{table}.csv"
            with connection.cursor() as cursor, open(path, "w", newline="") as out:
                cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")
                writer = csv.writer(out)
                while rows := cursor.fetchmany(50_000):
                    writer.writerows(rows)
            types = ", ".join(f"'{c}': '{DUCK_TYPES[c]}'" for c in columns)
            duck.execute(
                f"CREATE TABLE {table} AS SELECT * FROM read_csv('{path}', header=false, "
                f"columns={{{types}}}, nullstr='') "
            )
    return duck


def national_by_duckdb(duck, tops, as_of) -> dict[str, list[str]]:
    sql = (
        NATIONAL_SQL.replace("%s", "?")
        .replace("%%", "%")
        .format(
            year_of_valid_from="CAST(year(valid_from) AS INTEGER)",
            first_day="make_date(tree.first_year, 1, 1)",
        )
    )
    rows = duck.execute(sql, [as_of.year, as_of, as_of, as_of]).fetchall()
    return {
        str(pk): [str(Decimal(int(fen)).scaleb(-2).quantize(Decimal("0.01"))), str(n), str(m)]
        for pk, fen, n, m in rows
        if pk in tops
    }


# --- the parent: databases, scales, the table ---------------------------------------------------


def run_child(scale: str, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--scale", scale],
        env=env,
        stdout=subprocess.PIPE,  # the results; the measures as they come pass through stderr
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout)
        raise SystemExit(f"the run at scale {scale} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def postgres(pg_port: int):
    """A database URL, and how to stop the server if this run started it."""
    if os.environ.get("PAIRAID_DATABASE_URL", "").startswith("postgres"):
        return os.environ["PAIRAID_DATABASE_URL"], lambda: None
    folder = tempfile.mkdtemp(prefix="pairaid-bench-pg-")
    url = subprocess.run(
        [ROOT / "scripts" / "postgres", "start", folder, str(pg_port)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()

    def stop() -> None:
        subprocess.run([ROOT / "scripts" / "postgres", "stop", folder], check=False)

    return url, stop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", help="0.01 and 0.1 unless given (repeatable)")
    parser.add_argument(
        "--full", action="store_true", help="also scale 1.0 (about 4M fund flows; long)"
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-port", type=int, default=54399)
    parser.add_argument(
        "--keep-data",
        action="store_true",
        help="PostgreSQL given by PAIRAID_DATABASE_URL: measure the national set already "
        "loaded there instead of loading it again",
    )
    parser.add_argument(
        "--skip",
        action="append",
        choices=sorted(SKIPPABLE),
        default=[],
        help="leave out the pages, the summary or the rollups check (repeatable): the "
        "national aggregates and money alone, to iterate on them",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    scales = args.scale or ["0.01", "0.1"]
    if args.full and "1.0" not in scales:
        scales.append("1.0")
    if args.child:
        print(json.dumps(child(scales[0]), default=str))
        return 0

    columns: list[tuple[str, dict]] = []
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    load = os.getloadavg()
    failed = False
    for database in databases:
        stop = lambda: None  # noqa: E731
        env = {k: v for k, v in os.environ.items() if k != "PAIRAID_DATABASE_URL"}
        if args.keep_data and database == "postgres":
            env["PAIRAID_BENCH_KEEP_DATA"] = "1"
        env["PAIRAID_BENCH_SKIP"] = ",".join(args.skip)
        try:
            if database == "postgres":
                url, stop = postgres(args.pg_port)
                env["PAIRAID_DATABASE_URL"] = url
            for scale in scales:
                if database == "sqlite":
                    env["PAIRAID_DATA_DIR"] = tempfile.mkdtemp(prefix="pairaid-bench-")
                print(f"… {database} at scale {scale}", file=sys.stderr, flush=True)
                try:
                    columns.append((f"{database} {scale}", run_child(scale, env)))
                except SystemExit as failure:  # report the others, then fail
                    print(f"!!! {database} {scale}: {failure}", file=sys.stderr)
                    failed = True
                finally:
                    if database == "sqlite":
                        shutil.rmtree(env["PAIRAID_DATA_DIR"], ignore_errors=True)
        finally:
            stop()
    return report(columns, load) or int(failed)


def report(columns: list[tuple[str, dict]], load: tuple[float, ...]) -> int:
    width = 20
    print(
        f"pairaid figures benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPUs, load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(
        "records: "
        + "; ".join(
            f"{name}: " + ", ".join(f"{k} {v}" for k, v in data["records"].items())
            for name, data in columns
        )
    )
    print(f"{'':36}" + "".join(f"{name:>{width}}" for name, _data in columns))
    print(f"{'':36}" + "".join(f"{'queries   seconds':>{width}}" for _c in columns))
    for key, label in ROWS:
        cells = []
        for _name, data in columns:
            m = data[key]
            q = "" if m["queries"] is None else str(m["queries"])
            if m["seconds"] is None:
                seconds = "skipped" if m.get("skipped") else "kept"
            else:
                seconds = f"{m['seconds']:.3f}"
            cells.append(f"{q:>9} {seconds:>9}")
        print(f"{label:36}" + "".join(f"{c:>{width}}" for c in cells))
    for label, ours, other in RATIOS:
        cells = [
            f"{data[ours]['seconds'] / max(data[other]['seconds'], 1e-9):.2f}×"
            for _n, data in columns
        ]
        print(f"{'ratio ' + label:36}" + "".join(f"{c:>{width}}" for c in cells))
    for name, data in columns:
        if data["load"]["seconds"] is None:
            print(f"{name}: measured on data loaded before (--keep-data)")
            continue
        print(
            f"{name}: load {data['load']['seconds']:.1f} s wall, "
            f"{data.get('load_cpu', 0):.1f} s CPU of the loading process "
            "(a PostgreSQL server's own work not included)"
        )
    failed = 0
    for name, data in columns:
        answers = data["answers"]
        if all(values == answers["sql"] for values in answers.values()):
            print(
                f"{name}: pairaid (each top, all tops at once), SQL and DuckDB agree on "
                f"{len(answers['pairaid'])} "
                f"top-level pairings (funds 元, projects, persons): {answers['pairaid']}"
            )
        else:
            failed = 1
            print("!" * 72)
            print(f"!!! MISMATCH in {name}:")
            for who, values in answers.items():
                print(f"!!!   {who:8} {values}")
            print("!" * 72)
        money = data["money_answers"]
        if money["pairaid"] == money["sql"] == money["duckdb"] == money["aggregates"]:
            print(f"{name}: national money agrees three ways (元): {money['pairaid']}")
        else:
            failed = 1
            print("!" * 72)
            print(f"!!! MONEY MISMATCH in {name}:")
            for who, values in money.items():
                print(f"!!!   {who:10} {values}")
            print("!" * 72)
    return failed


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())

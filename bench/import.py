"""Benchmark: import a large fund ledger (default 200,000 rows) and compare.

    .venv/bin/python bench/import.py [--rows 200000] [--format xlsx|csv] [--compare-rows N]
        [--database-url postgres://…] [--rollback] [--services-rows N] [--profile FILE]
        [--only read,import]

It generates the file, then runs each measurement in a fresh process (so that one's peak
memory does not hide another's) on a fresh database: SQLite, or with --database-url a new
PostgreSQL database on that server for each measurement (created and dropped by it):

- read:    a bare read of the file with the fastest reader available (python-calamine for
           xlsx, the csv module for csv) — the floor any import stands on;
- import:  `pairaid.exchange.services.import_file` — validate every row, then write all of
           them through the ledger's services (validated, one audit entry per record) in
           one transaction; rows per second and peak RSS; with --profile, under cProfile
           (its statistics written to FILE, the 25 costliest functions printed);
- rollback (--rollback): `rollback_batch` of that import (every flow reversed, audited);
- services: `ledger.services.bulk_record_fund_flows` alone, 1,000 rows a call (the demo
           loader's path: each row validated by the service), in rows per second;
- copy (PostgreSQL only): COPY of the same rows, already converted to the table's
           columns, into the fund-flow table — the floor the database itself sets;
- django-import-export: the same rows through a plain ModelResource with use_bulk
           (no audit, no scope, no validation beyond its widgets), if the package is
           installed (`pip install django-import-export`); otherwise skipped with a note.

Each time is given as wall-clock seconds and as the CPU seconds of the measuring process
(user + system: on a shared machine the wall clock also counts waiting for the CPU; on
PostgreSQL the server's own work is in the wall clock only). Peak memory is the process's
maximum resident set size (resource.getrusage).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = [
    "结对关系",
    "类型",
    "资金年度",
    "日期",
    "金额（元）",
    "资金来源",
    "项目编号",
    "凭证或文号",
    "摘要",
]
PAIRING = "基准甲区→基准乙县"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def server_cpu_seconds() -> float:
    """CPU seconds the PostgreSQL server process of this connection has used (it runs on this
    machine: /proc), or 0 on SQLite: on a loaded machine, wall clock counts waiting for the
    CPU, while the CPU of both ends gives the rate an idle machine would reach."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timer:
    """Wall-clock and CPU seconds of a block (`server`: the database server's CPU, measured
    where Django is set up)."""

    def __init__(self, server: bool = False) -> None:
        self.measure_server = server

    def __enter__(self) -> Timer:
        self.server = server_cpu_seconds() if self.measure_server else 0.0
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, cpu_seconds() - self.cpu
        if self.measure_server:
            self.server = server_cpu_seconds() - self.server


def row(i: int) -> list[object]:
    year = 2016 + i % 7
    return [
        PAIRING,
        "拨付",
        year,
        dt.date(year, 1 + i % 12, 1 + i % 28),
        Decimal(f"{1000 + i % 90000}.{i % 100:02d}"),
        "财政援助资金" if i % 3 else "社会帮扶资金",
        None,
        f"BENCH-{i:07d}",
        "基准测试拨付",
    ]


def generate(path: Path, rows: int) -> None:
    if path.suffix == ".csv":
        import csv

        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for i in range(rows):
                values = row(i)
                values[3] = values[3].isoformat()  # type: ignore[union-attr]
                writer.writerow(["" if v is None else v for v in values])
        return
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("资金记录")
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(row(i))
    workbook.save(path)


# --- stages, each in its own process ----------------------------------------------------------


def read_rows(path: Path) -> list[list[object]]:
    if path.suffix == ".csv":
        import csv

        with open(path, encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))[1:]
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path)) as workbook:
        return workbook.get_sheet_by_name(workbook.sheet_names[0]).to_python()[1:]


def stage_read(path: Path) -> dict[str, object]:
    with Timer() as took:
        count = 0
        if path.suffix == ".csv":
            import csv

            with open(path, encoding="utf-8-sig", newline="") as handle:
                for _row in csv.reader(handle):
                    count += 1
            reader = "csv"
        else:
            from python_calamine import CalamineWorkbook

            with CalamineWorkbook.from_path(str(path)) as workbook:
                for _row in workbook.get_sheet_by_name(workbook.sheet_names[0]).iter_rows():
                    count += 1
            reader = "python-calamine"
    return {"seconds": took.wall, "cpu": took.cpu, "rows": count - 1, "reader": reader}


def fresh_database(url: str, name: str) -> str:
    """A new, empty PostgreSQL database on the server of `url`; its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def setup_django(database: Path | str) -> None:
    url = str(database)
    os.environ["PAIRAID_DATABASE_URL"] = url if "://" in url else f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pairaid.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from pairaid.ledger import services
    from pairaid.ledger.models import Pairing, Region

    def region(code: str, name: str) -> Region:
        return services.create_record(
            Region, acting_user=None, via="bench", code=code, name=name, level="county"
        )

    services.create_record(
        Pairing,
        acting_user=None,
        via="bench",
        helper_region=region("990001", "基准甲区"),
        recipient_region=region("990002", "基准乙县"),
        scheme="in_province",
        valid_from=dt.date(2016, 1, 1),
        name=PAIRING,
    )


def stage_import(
    path: Path, database: Path | str, rollback: bool, profile: str | None = None
) -> dict[str, object]:
    setup_django(database)
    from pairaid.exchange.services import import_file, rollback_batch

    baseline = peak_mb()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)  # CPU: the machine is shared
    with Timer(server=True) as took:
        if profiler is not None:
            profiler.enable()
        batch, report = import_file(path, kind="funds")
        if profiler is not None:
            profiler.disable()
    if profiler is not None and profile:
        import io
        import pstats

        profiler.dump_stats(profile)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue(), file=sys.stderr)
    from pairaid.ledger.models import AuditEntry, FundFlow

    result: dict[str, object] = {
        "seconds": took.wall,
        "cpu": took.cpu,
        "server_cpu": took.server,
        "rows": report.added,
        "flows": FundFlow.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
        "peak_mb": peak_mb(),
        "peak_mb_before_import": baseline,
        "batch": batch.pk if batch else None,
    }
    if rollback and batch is not None:
        with Timer() as undone:
            rollback_batch(batch)
        result["rollback_seconds"], result["rollback_cpu"] = undone.wall, undone.cpu
    return result


def flow_values(path: Path) -> list[dict[str, object]]:
    """The file's rows as the fund-flow fields the import would record."""
    from pairaid.ledger.models import FundFlow, Pairing

    pairing = Pairing.objects.get(name=PAIRING)
    kinds = {str(label): value for value, label in FundFlow.Kind.choices}
    sources = {str(label): value for value, label in FundFlow.Source.choices}
    rows = []
    for cells in read_rows(path):
        date = cells[3]
        if not isinstance(date, dt.date):
            date = dt.date.fromisoformat(str(date)[:10])
        elif isinstance(date, dt.datetime):
            date = date.date()
        rows.append(
            {
                "pairing": pairing,
                "kind": kinds[str(cells[1])],
                "fund_year": int(float(str(cells[2]))),
                "date": date,
                "amount": Decimal(str(cells[4])).quantize(Decimal("0.01")),
                "source": sources[str(cells[5])],
                "voucher": str(cells[7]),
                "note": str(cells[8]),
            }
        )
    return rows


def stage_services(path: Path, database: Path | str, rows: int) -> dict[str, object]:
    """`bulk_record_fund_flows` alone, 1,000 rows a call, as the demo loader calls it."""
    setup_django(database)
    from pairaid.ledger import services

    values = flow_values(path)[:rows]
    with Timer(server=True) as took:
        for start in range(0, len(values), 1000):
            services.bulk_record_fund_flows(
                values[start : start + 1000], acting_user=None, via="bench"
            )
    return {"seconds": took.wall, "cpu": took.cpu, "server_cpu": took.server, "rows": len(values)}


def stage_copy(path: Path, database: str) -> dict[str, object]:
    """COPY of the same rows into the fund-flow table, converted beforehand."""
    setup_django(database)
    from django.db import connection
    from django.utils import timezone

    from pairaid.ledger.models import FundFlow

    now = timezone.now()
    fields = [f for f in FundFlow._meta.concrete_fields if not f.primary_key]
    lines = []
    for values in flow_values(path):
        flow = FundFlow(**values, recorded_at=now)
        lines.append(
            tuple(f.get_db_prep_save(getattr(flow, f.attname), connection) for f in fields)
        )
    table = connection.ops.quote_name(FundFlow._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with (
        Timer(server=True) as took,
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for line in lines:
            copy.write_row(line)
    return {"seconds": took.wall, "cpu": took.cpu, "server_cpu": took.server, "rows": len(lines)}


def stage_import_export(path: Path, database: Path | str, rows: int) -> dict[str, object]:
    try:
        import import_export  # noqa: F401
        import tablib
    except ImportError:
        return {
            "skipped": "django-import-export is not installed (pip install django-import-export)"
        }
    setup_django(database)
    from import_export import fields, resources, widgets

    from pairaid.ledger.models import FundFlow, Pairing

    class LabelWidget(widgets.CharWidget):
        def __init__(self, choices: type) -> None:
            super().__init__()
            self.values = {str(label): value for value, label in choices.choices}

        def clean(self, value: object, row: object = None, **kwargs: object) -> object:
            return self.values.get(str(value), value)

    class FlowResource(resources.ModelResource):
        pairing = fields.Field("pairing", "结对关系", widgets.ForeignKeyWidget(Pairing, "name"))
        kind = fields.Field("kind", "类型", LabelWidget(FundFlow.Kind))
        fund_year = fields.Field("fund_year", "资金年度", widgets.IntegerWidget())
        date = fields.Field("date", "日期", widgets.DateWidget())
        amount = fields.Field("amount", "金额（元）", widgets.DecimalWidget())
        source = fields.Field("source", "资金来源", LabelWidget(FundFlow.Source))
        voucher = fields.Field("voucher", "凭证或文号")
        note = fields.Field("note", "摘要")

        class Meta:
            model = FundFlow
            fields = ("pairing", "kind", "fund_year", "date", "amount", "source", "voucher", "note")
            import_id_fields = ("pairing", "kind", "voucher", "source")
            use_bulk = True
            batch_size = 1000

    start = time.perf_counter()
    fmt = "csv" if path.suffix == ".csv" else "xlsx"
    mode = "r" if fmt == "csv" else "rb"
    with open(path, mode, **({"encoding": "utf-8-sig"} if fmt == "csv" else {})) as handle:
        dataset = tablib.Dataset().load(handle.read(), format=fmt)
    if rows < len(dataset):
        del dataset[rows:]
    loaded = time.perf_counter()
    result = FlowResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "load_seconds": loaded - start,
        "rows": len(dataset),
        "new": result.totals.get("new", 0),
        "flows": FundFlow.objects.count(),
        "peak_mb": peak_mb(),
    }


# --- driver ------------------------------------------------------------------------------------


def run_stage(
    name: str, path: Path, workdir: Path, compare_rows: int, args: argparse.Namespace
) -> dict[str, object]:
    # (the driver's pid in the name: two runs side by side on one server never share one)
    scratch = f"pairaid_bench_{name}_{os.getpid()}"
    if args.database_url:
        database = fresh_database(args.database_url, scratch)
    else:
        database = str(workdir / f"{name}.sqlite3")
        Path(database).unlink(missing_ok=True)
    command = [
        sys.executable,
        __file__,
        "--stage",
        name,
        "--file",
        str(path),
        "--database",
        database,
        "--compare-rows",
        str(compare_rows),
        *(["--rollback"] if args.rollback else []),
        *(["--profile", args.profile] if args.profile and name == "import" else []),
    ]
    try:
        done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    finally:
        if args.database_url:
            drop_database(args.database_url, scratch)
    return json.loads(done.stdout.strip().splitlines()[-1])


def seconds(result: dict[str, object]) -> str:
    server = result.get("server_cpu") or 0
    text = f"{result['seconds']:.2f} s (CPU {result['cpu']:.2f} s"
    if server:
        per_cpu = result["rows"] / (result["cpu"] + server)
        text += f", server CPU {server:.2f} s; {per_cpu:,.0f} rows per CPU second of both"
    return text + ")"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument(
        "--compare-rows", type=int, default=0, help="rows for django-import-export (default: all)"
    )
    parser.add_argument(
        "--workdir", help="where the file and databases go (default: a temporary folder)"
    )
    parser.add_argument("--database-url", help="a PostgreSQL server to measure on")
    parser.add_argument("--rollback", action="store_true", help="also roll the import back")
    parser.add_argument(
        "--services-rows", type=int, default=0, help="rows for the bulk services (default: all)"
    )
    parser.add_argument("--profile", help="run the import under cProfile, statistics to FILE")
    parser.add_argument(
        "--only",
        default="read,import,services,copy,import_export",
        help="the measurements to run, comma-separated (default: all)",
    )
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.stage:
        path, database = Path(args.file), args.database
        if args.stage == "read":
            result = stage_read(path)
        elif args.stage == "import":
            result = stage_import(path, database, args.rollback, args.profile)
        elif args.stage == "services":
            result = stage_services(path, database, args.compare_rows)
        elif args.stage == "copy":
            result = stage_copy(path, database)
        else:
            result = stage_import_export(path, database, args.compare_rows or 10**9)
        print(json.dumps(result))
        return

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="pairaid-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"funds-{args.rows}.{args.format}"
    if not path.exists():
        start = time.perf_counter()
        generate(path, args.rows)
        size, took = path.stat().st_size / 1e6, time.perf_counter() - start
        print(f"generated {path} ({size:.1f} MB) in {took:.1f} s")
    compare_rows = args.compare_rows or args.rows
    only = set(args.only.split(","))
    results: dict[str, dict[str, object]] = {}

    if "read" in only:
        read = results["read"] = run_stage("read", path, workdir, compare_rows, args)
        print(f"bare read ({read['reader']}): {read['rows']} rows in {seconds(read)}")
    if "import" in only:
        ours = results["import"] = run_stage("import", path, workdir, compare_rows, args)
        rate = ours["rows"] / ours["seconds"]
        print(
            f"pairaid import: {ours['rows']} rows in {seconds(ours)} = {rate:,.0f} rows/s; "
            f"peak RSS {ours['peak_mb']:.0f} MB "
            f"(process before import: {ours['peak_mb_before_import']:.0f} MB); "
            f"{ours['audit_entries']} audit entries"
        )
        if "read" in results:
            read = results["read"]
            print(
                f"ratio import / bare read: {ours['seconds'] / read['seconds']:.1f} "
                f"(CPU: {ours['cpu'] / read['cpu']:.1f}; CPU of both ends: "
                f"{(ours['cpu'] + (ours.get('server_cpu') or 0)) / read['cpu']:.1f})"
            )
        if "rollback_seconds" in ours:
            print(
                f"rollback: {ours['rows']} rows in {ours['rollback_seconds']:.2f} s "
                f"(CPU {ours['rollback_cpu']:.2f} s) = "
                f"{ours['rows'] / ours['rollback_seconds']:,.0f} rows/s"
            )
    if "services" in only:
        bulk = results["services"] = run_stage(
            "services", path, workdir, args.services_rows or args.rows, args
        )
        print(
            f"bulk_record_fund_flows: {bulk['rows']} rows in {seconds(bulk)} = "
            f"{bulk['rows'] / bulk['seconds']:,.0f} rows/s; "
            f"{bulk['rows'] / bulk['cpu']:,.0f} rows per CPU second of the client"
        )
    if args.database_url and "copy" in only:
        copy = results["copy"] = run_stage("copy", path, workdir, compare_rows, args)
        print(f"PostgreSQL COPY: {copy['rows']} rows in {seconds(copy)}")
        if "import" in results:
            print(f"ratio import / COPY: {results['import']['seconds'] / copy['seconds']:.1f}")
    if "import_export" in only:
        other = results["django_import_export"] = run_stage(
            "import_export", path, workdir, compare_rows, args
        )
        if "skipped" in other:
            print(f"django-import-export: skipped — {other['skipped']}")
        elif "import" in results:
            ours = results["import"]
            other_rate = other["rows"] / other["seconds"]
            ours_per_row = ours["seconds"] / ours["rows"]
            their_per_row = other["seconds"] / other["rows"]
            print(
                f"django-import-export: {other['rows']} rows in {other['seconds']:.1f} s "
                f"(of which loading the file {other['load_seconds']:.1f} s) "
                f"= {other_rate:,.0f} rows/s; "
                f"peak RSS {other['peak_mb']:.0f} MB"
            )
            print(
                f"ratio import / django-import-export (per row): {ours_per_row / their_per_row:.2f}"
            )
    print(json.dumps(results))


if __name__ == "__main__":
    main()

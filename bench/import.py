"""Benchmark: import a large fund ledger (default 200,000 rows) and compare.

    .venv/bin/python bench/import.py [--rows 200000] [--format xlsx|csv] [--compare-rows N]

It generates the file, then runs each measurement in a fresh process (so that one's peak
memory does not hide another's) on a fresh SQLite database:

- read:    a bare read of the file with the fastest reader available (python-calamine for
           xlsx, the csv module for csv) — the floor any import stands on;
- import:  `pairaid.exchange.services.import_file` — validate every row, then write all of
           them through the ledger's services (validated, one audit entry per record) in
           one transaction; rows per second and peak RSS;
- django-import-export: the same rows through a plain ModelResource with use_bulk
           (no audit, no scope, no validation beyond its widgets), if the package is
           installed (`pip install django-import-export`); otherwise skipped with a note.

Peak memory is the process's maximum resident set size (resource.getrusage).
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


def stage_read(path: Path) -> dict[str, object]:
    start = time.perf_counter()
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
    return {"seconds": time.perf_counter() - start, "rows": count - 1, "reader": reader}


def setup_django(database: Path) -> None:
    os.environ["PAIRAID_DATABASE_URL"] = f"sqlite:///{database}"
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


def stage_import(path: Path, database: Path) -> dict[str, object]:
    setup_django(database)
    from pairaid.exchange.progress import TextBar
    from pairaid.exchange.services import import_file

    baseline = peak_mb()
    bar = TextBar(sys.stderr)
    start = time.perf_counter()
    batch, report = import_file(path, kind="funds", progress=bar)
    seconds = time.perf_counter() - start
    bar.close()
    from pairaid.ledger.models import AuditEntry, FundFlow

    return {
        "seconds": seconds,
        "rows": report.added,
        "flows": FundFlow.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
        "peak_mb": peak_mb(),
        "peak_mb_before_import": baseline,
        "batch": batch.pk if batch else None,
    }


def stage_import_export(path: Path, database: Path, rows: int) -> dict[str, object]:
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


def run_stage(name: str, path: Path, workdir: Path, compare_rows: int) -> dict[str, object]:
    database = workdir / f"{name}.sqlite3"
    database.unlink(missing_ok=True)
    command = [
        sys.executable,
        __file__,
        "--stage",
        name,
        "--file",
        str(path),
        "--database",
        str(database),
        "--compare-rows",
        str(compare_rows),
    ]
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


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
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.stage:
        path, database = Path(args.file), Path(args.database)
        if args.stage == "read":
            result = stage_read(path)
        elif args.stage == "import":
            result = stage_import(path, database)
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

    read = run_stage("read", path, workdir, compare_rows)
    print(f"bare read ({read['reader']}): {read['rows']} rows in {read['seconds']:.2f} s")
    ours = run_stage("import", path, workdir, compare_rows)
    rate = ours["rows"] / ours["seconds"]
    print(
        f"pairaid import: {ours['rows']} rows in {ours['seconds']:.1f} s = {rate:,.0f} rows/s; "
        f"peak RSS {ours['peak_mb']:.0f} MB "
        f"(process before import: {ours['peak_mb_before_import']:.0f} MB); "
        f"{ours['audit_entries']} audit entries"
    )
    print(f"ratio import / bare read: {ours['seconds'] / read['seconds']:.1f}")
    other = run_stage("import_export", path, workdir, compare_rows)
    if "skipped" in other:
        print(f"django-import-export: skipped — {other['skipped']}")
    else:
        other_rate = other["rows"] / other["seconds"]
        ours_per_row = ours["seconds"] / ours["rows"]
        their_per_row = other["seconds"] / other["rows"]
        print(
            f"django-import-export: {other['rows']} rows in {other['seconds']:.1f} s "
            f"(of which loading the file {other['load_seconds']:.1f} s) "
            f"= {other_rate:,.0f} rows/s; "
            f"peak RSS {other['peak_mb']:.0f} MB"
        )
        print(f"ratio import / django-import-export (per row): {ours_per_row / their_per_row:.2f}")
    print(json.dumps({"read": read, "import": ours, "django_import_export": other}))


if __name__ == "__main__":
    main()

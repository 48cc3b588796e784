"""Benchmark: a csv export against PostgreSQL's COPY of the same rows and a bare file write.

    PAIRAID_DATABASE_URL=postgres://…/pairaid .venv/bin/python bench/export.py [--kind funds]

On the database given (loaded with e.g. `pairaid demo --national 0.1`) it times, for the
records of KIND (every one, as the operator's `pairaid export KIND --format csv` does):

- pairaid's csv export (exchange/exporters.py: on PostgreSQL the importer's columns said in
  SQL and written by COPY, exchange/copy_export.py);
- the same export made in Python (a server-side cursor, 2,000 rows a fetch, the importer's
  columns, formula neutralising), as SQLite and kinds with cells computed in Python make it;
- `COPY (<the export's own SELECT>) TO STDOUT WITH CSV` of the same rows, written to a file;
- writing as many lines of the same average length to a file (the disk's share).

and prints the seconds, rows per second, and the export's ratio to COPY (target ≤ 5×).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import django


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kind", default="funds")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pairaid.settings")
    django.setup()

    from django.db import connection

    from pairaid.exchange import exporters

    if connection.vendor != "postgresql":
        raise SystemExit("PAIRAID_DATABASE_URL must name a PostgreSQL database (COPY)")
    queryset = exporters.filtered(args.kind, {}, None)
    folder = Path(tempfile.mkdtemp(prefix="pairaid-export-"))

    started = time.perf_counter()
    with open(folder / "export.csv", "wb") as handle:
        rows = exporters.Exporter(args.kind).write_csv(handle, queryset)
    export_s = time.perf_counter() - started
    size = (folder / "export.csv").stat().st_size

    sql, params = queryset.query.sql_with_params()
    started = time.perf_counter()
    with connection.cursor() as cursor, open(folder / "copy.csv", "wb") as handle:
        bound = cursor.mogrify(sql, params) if params else sql
        with cursor.cursor.copy(f"COPY ({bound}) TO STDOUT WITH CSV HEADER") as copy:
            for data in copy:
                handle.write(data)
    copy_s = time.perf_counter() - started

    # The same export made row by row in Python (what SQLite and kinds with cells computed
    # in Python still use), for the comparison.
    started = time.perf_counter()
    with open(folder / "python.csv", "wb") as handle:
        for data in exporters.Exporter(args.kind).python_csv_lines(queryset, []):
            handle.write(data)
    python_s = time.perf_counter() - started

    line = b"x" * max(1, size // max(rows, 1) - 1) + b"\n"
    started = time.perf_counter()
    with open(folder / "bare.csv", "wb") as handle:
        for _ in range(rows):
            handle.write(line)
    bare_s = time.perf_counter() - started

    print(f"{args.kind}: {rows} rows, {size / 1e6:.1f} MB of csv")
    timings = (
        ("pairaid export", export_s),
        ("  in Python", python_s),
        ("COPY", copy_s),
        ("bare write", bare_s),
    )
    for name, seconds in timings:
        print(f"{name:<16} {seconds:>8.2f} s  {rows / seconds:>10.0f} rows/s")
    print(f"export / COPY = {export_s / copy_s:.1f}×  (target ≤ 5×)")
    print(f"Python path / COPY = {python_s / copy_s:.1f}×")
    for name in ("export.csv", "copy.csv", "bare.csv", "python.csv"):
        (folder / name).unlink()
    folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: hostile files through the import, as a user would send them.

    .venv/bin/python bench/hostile.py [--only NAME ...] [--database-url URL]

Makes each crafted file (small on disk), then sends it through both doors, each in a fresh
process so that one's peak memory does not hide another's:

- cli:  the console script `pairaid import FILE` (its exit code and first line of output;
        its seconds include the process's start-up, measured first with `--help`);
- page: the upload page, through Django's test client in a process of its own, checking
        the file in the request (PAIRAID_TASKS_INLINE_THREAD=0, so the time is the whole
        answer, after one warming request), then the batch's status and message.

It prints a table: input, door, answer, seconds, peak RSS of the process (getrusage of the
child: what the server process would reach), and the fund flows written (must be 0; the
page only checks, the command line imports when the file passes).

The database is a fresh SQLite file with one pairing (or, with --database-url, a PostgreSQL
database that this script migrates and then fills with that pairing if it is missing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRAID = Path(sys.executable).with_name("pairaid")
PAIRING = "恶意甲区→恶意乙县"
HEADER = ["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "凭证或文号"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# --- making the files ---------------------------------------------------------------------


def _letters(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(ref: str, value: object) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def row_xml(number: int, values: list[object]) -> str:
    cells = "".join(_cell(f"{_letters(i)}{number}", v) for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def fund_row(voucher: str) -> list[object]:
    return [PAIRING, "拨付", 2022, "2022-06-01", 100, "财政援助资金", voucher]


def write_xlsx(
    path: Path,
    rows: Iterable[str],
    *,
    strings: Iterable[str] | None = None,
    extra: dict[str, str] | None = None,
    level: int = 6,
) -> Path:
    """A minimal xlsx written by hand, streaming its sheet and shared strings."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="资金" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{RELS}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode())
            for fragment in rows:
                part.write(fragment.encode())
            part.write(b"</sheetData></worksheet>")
        if strings is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                part.write(f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode())
                for fragment in strings:
                    part.write(fragment.encode())
                part.write(b"</sst>")
        for name, text in (extra or {}).items():
            archive.writestr(name, text)
    return path


def _header() -> str:
    return row_xml(1, HEADER)


def shared_strings_bomb(folder: Path) -> Path:
    strings = ("<si><t>炸弹</t></si>" * 1000 for _ in range(1600))
    return write_xlsx(folder / "shared-strings-bomb.xlsx", [_header()], strings=strings, level=9)


def sheet_bomb(folder: Path) -> Path:
    row = '<row><c t="inlineStr"><is><t>没有这个结对</t></is></c></row>' * 1000
    rows = itertools.chain([_header()], (row for _ in range(700)))
    return write_xlsx(folder / "sheet-bomb.xlsx", rows, level=9)


def maximal_rows(folder: Path) -> Path:
    def rows() -> Iterable[str]:
        yield _header()
        yield row_xml(2, fund_row("MAXROW-1"))
        for start in range(3, 1_048_577, 10_000):
            stop = min(start + 10_000, 1_048_577)
            yield "".join(
                f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(start, stop)
            )

    return write_xlsx(folder / "maximal-rows.xlsx", rows())


def ten_thousand_columns(folder: Path) -> Path:
    path = folder / "ten-thousand-columns.csv"
    header = ",".join(HEADER + [f"列{n}" for n in range(10_000)])
    path.write_text(header + "\n" + ",".join(["x"] * 10_007) + "\n", encoding="utf-8")
    return path


def long_cell_csv(folder: Path) -> Path:
    path = folder / "long-cell.csv"
    values = fund_row("长" * 200_000)
    path.write_text(
        ",".join(HEADER) + "\n" + ",".join(str(v) for v in values) + "\n", encoding="utf-8"
    )
    return path


def long_cell_xlsx(folder: Path) -> Path:
    return write_xlsx(folder / "long-cell.xlsx", [_header(), row_xml(2, fund_row("长" * 200_000))])


def external_links_and_formulas(folder: Path) -> Path:
    """Formulas and an external link, one row naming a pairing that does not exist: the
    cached values are read, nothing is fetched, and the file is refused for that row."""

    def first_six(number: int, pairing: str = PAIRING) -> str:
        values = [pairing, *fund_row("")[1:6]]
        return "".join(_cell(f"{_letters(i)}{number}", v) for i, v in enumerate(values))

    rows = [
        _header(),
        f'<row r="2">{first_six(2)}<c r="G2" t="str"><f>HYPERLINK("http://example.invalid",'
        '"F-1")</f><v>F-1</v></c></row>',
        f'<row r="3">{first_six(3, "没有这个结对")}<c r="G3" t="str"><f>[1]Sheet1!A1</f>'
        "<v>F-2</v></c></row>",
    ]
    external = {
        "xl/externalLinks/externalLink1.xml": f'<externalLink xmlns="{MAIN}"><externalBook '
        f'xmlns:r="{RELS}" r:id="rId1"/></externalLink>',
        "xl/externalLinks/_rels/externalLink1.xml.rels": '<Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        f'{RELS}/externalLinkPath" Target="http://example.invalid/book.xlsx" '
        'TargetMode="External"/></Relationships>',
    }
    return write_xlsx(folder / "formulas-external-links.xlsx", rows, extra=external)


def wrong_encoding(folder: Path) -> Path:
    path = folder / "wrong-encoding.csv"
    # Valid as neither UTF-8 nor GB18030.
    path.write_bytes((",".join(HEADER) + "\n").encode() + b"\x81\x30\xff\xfe\x80\x80,x\n" * 10)
    return path


def truncated_archive(folder: Path) -> Path:
    good = write_xlsx(folder / "whole.xlsx", [_header(), row_xml(2, fund_row("T-1"))])
    path = folder / "truncated.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    good.unlink()
    return path


def renamed_text(folder: Path) -> Path:
    path = folder / "not-a-spreadsheet.xlsx"
    path.write_text("这不是电子表格，只是改了扩展名", encoding="utf-8")
    return path


CASES: dict[str, Callable[[Path], Path]] = {
    "shared-strings bomb": shared_strings_bomb,
    "sheet bomb": sheet_bomb,
    "maximal-row sheet (1,048,576)": maximal_rows,
    "10,000 columns (csv)": ten_thousand_columns,
    "200,000-character cell (csv)": long_cell_csv,
    "200,000-character cell (xlsx)": long_cell_xlsx,
    "formulas + external link": external_links_and_formulas,
    "wrong encoding (csv)": wrong_encoding,
    "truncated archive": truncated_archive,
    "text renamed .xlsx": renamed_text,
}

# --- the database -------------------------------------------------------------------------


def django_env(url: str) -> dict[str, str]:
    env = {**os.environ, "PAIRAID_DATABASE_URL": url, "PAIRAID_TASKS": "inline"}
    env["PAIRAID_TASKS_INLINE_THREAD"] = "0"
    env.setdefault("DJANGO_SETTINGS_MODULE", "pairaid.settings")
    env["PAIRAID_DATA_DIR"] = env.get("PAIRAID_DATA_DIR") or tempfile.mkdtemp(prefix="hostile-")
    return env


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def prepare() -> None:
    """Child: migrate and add the pairing and an administrator (if missing)."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from pairaid.ledger import services
    from pairaid.ledger.models import Pairing, Region

    call_command("migrate", verbosity=0)
    if Pairing.objects.filter(name=PAIRING).exists():
        return

    def region(code: str, name: str) -> Region:
        return services.create_record(
            Region, acting_user=None, via="bench", code=code, name=name, level="county"
        )

    services.create_record(
        Pairing,
        acting_user=None,
        via="bench",
        helper_region=region("990101", "恶意甲区"),
        recipient_region=region("990102", "恶意乙县"),
        scheme="in_province",
        valid_from=dt.date(2016, 1, 1),
        name=PAIRING,
    )
    users = get_user_model()
    if not users.objects.filter(username="hostile-admin").exists():
        users.objects.create_superuser("hostile-admin", "", "unused-password-9f3a")


def flows() -> int:
    from pairaid.ledger.models import FundFlow

    return FundFlow.objects.count()


def page(path: Path) -> None:
    """Child: upload the file on the page; print the answer as JSON."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from pairaid.exchange.models import ImportBatch

    before = flows()
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="hostile-admin"))
    client.get(reverse("exchange:index"))  # warm: modules, URLs and templates loaded
    start = time.perf_counter()
    with open(path, "rb") as handle:
        response = client.post(reverse("exchange:upload"), {"file": handle})
    seconds = time.perf_counter() - start
    answer = f"HTTP {response.status_code}"
    batch = ImportBatch.objects.order_by("-id").first()
    if response.status_code == 302 and batch is not None:
        message = " ".join(str(e.get("message", "")) for e in batch.errors[:1]) or batch.message
        answer = f"{batch.get_status_display()}：{message}"
    print(json.dumps({"answer": answer, "seconds": seconds, "written": flows() - before}))


def count_flows(env: dict[str, str]) -> int:
    done = subprocess.run(
        [sys.executable, __file__, "--child", "count", "-"],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return int(done.stdout.strip().splitlines()[-1])


def measured(command: list[str], env: dict[str, str]) -> tuple[int, str, float, float]:
    """Run a child; its exit code, output, seconds and peak RSS in MB (its own, wait4)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return child.returncode, output, seconds, rss


def first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="the cases to run (by the start of the name)")
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: a new SQLite file)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, value = args.child
        if what == "prepare":
            prepare()
        elif what == "count":
            setup_django()
            print(flows())
        else:
            page(Path(value))
        return

    workdir = Path(tempfile.mkdtemp(prefix="pairaid-hostile-"))
    url = args.database_url or f"sqlite:///{workdir / 'hostile.sqlite3'}"
    env = django_env(url)
    subprocess.run([sys.executable, __file__, "--child", "prepare", "-"], env=env, check=True)
    cases = [name for name in CASES if not args.only or any(name.startswith(o) for o in args.only)]
    print(f"database: {url.split('@')[-1]}; files in {workdir}")
    header = (
        f"{'input':32} {'door':5} {'on disk':>9} {'seconds':>8} {'peak RSS':>9} {'written':>7}"
        "  answer"
    )
    print(header)
    print("-" * len(header))
    worst = {"seconds": 0.0, "rss": 0.0, "written": 0}
    _code, _output, startup, rss = measured([str(PAIRAID), "import", "--help"], env)
    print(f"{'(start-up: pairaid import --help)':32} {'cli':5} {'':>9} {startup:8.1f} {rss:7.0f}MB")
    for name in cases:
        path = CASES[name](workdir)
        size = f"{path.stat().st_size / 1024:.0f} KB"
        before = count_flows(env)
        code, output, seconds, rss = measured(
            [str(PAIRAID), "import", str(path), "--no-progress"], env
        )
        written = count_flows(env) - before
        traceback = " TRACEBACK" if "Traceback" in output else ""
        answer = f"exit {code}：{first_line(output)[:90]}{traceback}"
        print(f"{name:32} {'cli':5} {size:>9} {seconds:8.1f} {rss:7.0f}MB {written:7}  {answer}")
        worst = _worse(worst, seconds, rss, written)
        code, output, _seconds, rss = measured(
            [sys.executable, __file__, "--child", "page", str(path)], env
        )
        try:
            result = json.loads(output.strip().splitlines()[-1])
        except (ValueError, IndexError):
            result = {
                "answer": f"exit {code}：{first_line(output)[:90]}",
                "seconds": 0,
                "written": -1,
            }
        answer = str(result["answer"])[:100]
        print(
            f"{'':32} {'page':5} {'':>9} {result['seconds']:8.1f} {rss:7.0f}MB "
            f"{result['written']:7}  {answer}"
        )
        worst = _worse(worst, float(result["seconds"]), rss, int(result["written"]))
        path.unlink()
    print("-" * len(header))
    print(
        f"longest answer {worst['seconds']:.1f} s, largest peak RSS {worst['rss']:.0f} MB, "
        f"rows written {worst['written']}"
    )
    shutil.rmtree(workdir, ignore_errors=True)


def _worse(worst: dict[str, float], seconds: float, rss: float, written: int) -> dict[str, float]:
    return {
        "seconds": max(worst["seconds"], seconds),
        "rss": max(worst["rss"], rss),
        "written": worst["written"] + max(written, 0),
    }


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()

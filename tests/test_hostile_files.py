"""Hostile files are refused within bounds: every file here is made by the test itself,
read through the importer (`check_file`, the upload page, `pairaid import`), and must give
an answer — refused as a whole with a Chinese reason naming the limit, or rows checked —
while the reading stays within a memory bound.

Memory bound: each file is read under tracemalloc, and the Python heap's peak growth while
reading must stay under PEAK_BYTES (64 MB; the crafted files unpack to up to 40 MB of XML
that no reader may hold). The process's peak resident size (getrusage) must stay under
RSS_BYTES (1.5 GB) after all of them, which catches what tracemalloc cannot see (calamine's
own allocations). No timing is asserted anywhere.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import resource
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from pairaid.exchange import services
from pairaid.exchange.models import ImportBatch
from pairaid.ledger.models import AuditEntry, FundFlow, Pairing

PEAK_BYTES = 64 * 1024 * 1024
RSS_BYTES = 1536 * 1024 * 1024
HEADER = ["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "凭证或文号"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# --- making files -----------------------------------------------------------------------------


def _cell(ref: str, value: object) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _letters(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def row_xml(number: int, values: list[object]) -> str:
    cells = "".join(_cell(f"{_letters(i)}{number}", v) for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def write_xlsx(
    path: Path,
    sheet_rows,
    *,
    shared_strings=None,
    extra_parts: dict[str, str] | None = None,
    sheets: int = 1,
    level: int = 1,
) -> Path:
    """A minimal xlsx written by hand, streaming: `sheet_rows` and `shared_strings` are
    iterables of XML fragments, so that a file can unpack to far more than it weighs."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        names = "".join(
            f'<sheet name="Sheet{n}" sheetId="{n}" r:id="rId{n}"/>' for n in range(1, sheets + 1)
        )
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for n in range(1, sheets + 1)
            )
            + "</Types>",
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
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{names}'
            "</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="{RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, sheets + 1)
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships">{rels}</Relationships>',
        )
        for n in range(1, sheets + 1):
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as part:
                part.write(f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode())
                if n == 1:
                    for fragment in sheet_rows:
                        part.write(fragment.encode())
                part.write(b"</sheetData></worksheet>")
        if shared_strings is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                part.write(f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode())
                for fragment in shared_strings:
                    part.write(fragment.encode())
                part.write(b"</sst>")
        for name, text in (extra_parts or {}).items():
            archive.writestr(name, text)
    return path


def fund_row(pairing: Pairing, voucher: str) -> list[object]:
    return [str(pairing), "拨付", 2022, "2022-06-01", 100, "财政援助资金", voucher]


@pytest.fixture
def pairing(build):
    return build.pairing("恶意文件甲区", "恶意文件乙县")


def read(path: Path, **kwargs) -> services.Report:
    """Read a file through the importer, returning its report and checking memory."""
    tracemalloc.start()
    try:
        report = services.check_file(path, path.name, **kwargs)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES, f"{path.name}: {peak / 1e6:.1f} MB"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (
        1 if sys.platform == "darwin" else 1024
    )
    assert rss < RSS_BYTES, f"{path.name}: resident {rss / 1e6:.0f} MB"
    return report


def refusal(report: services.Report) -> str:
    assert report.file_error and not report.valid
    return " ".join(error.message for error in report.errors)


# --- bombs --------------------------------------------------------------------------------------


def test_it_refuses_a_shared_strings_bomb(db, tmp_path):
    # 40 MB of strings in a file of a few hundred kilobytes.
    strings = ("<si><t>炸弹</t></si>" * 1000 for _ in range(1600))
    path = write_xlsx(
        tmp_path / "strings.xlsx", [row_xml(1, HEADER)], shared_strings=strings, level=9
    )
    assert path.stat().st_size < 1024 * 1024
    message = refusal(read(path))
    assert "PAIRAID_IMPORT_MAX_RATIO" in message and "压缩比" in message


def test_it_refuses_a_sheet_bomb(db, tmp_path):
    # 40 MB of rows naming a pairing that does not exist, in a file of about 50 KB.
    row = '<row><c t="inlineStr"><is><t>没有这个结对</t></is></c></row>' * 1000
    rows = itertools.chain([row_xml(1, HEADER)], (row for _ in range(700)))
    path = write_xlsx(tmp_path / "sheet.xlsx", rows, level=9)
    message = refusal(read(path))
    assert "PAIRAID_IMPORT_MAX_RATIO" in message


def test_it_refuses_an_archive_that_unpacks_beyond_the_limit(db, tmp_path, settings):
    settings.PAIRAID_IMPORT_MAX_UNPACKED_MB = 1
    settings.PAIRAID_IMPORT_MAX_RATIO = 100_000
    rows = (row_xml(n, [f"V-{n}"] * 7) for n in range(1, 20_000))
    message = refusal(read(write_xlsx(tmp_path / "big.xlsx", rows)))
    assert "PAIRAID_IMPORT_MAX_UNPACKED_MB" in message and "1 MB" in message


def test_it_does_not_grow_with_rows_that_repeat_one_error(pairing, tmp_path):
    """One unknown pairing on every row: the error is built anew as data for each row,
    so memory does not grow with the rows (it did: one exception object re-raised)."""

    def peak_for(rows: int) -> int:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("资金")
        sheet.append(HEADER)
        for n in range(rows):
            sheet.append(["没有这个结对", "拨付", 2022, "2022-06-01", 100, "财政援助资金", f"R{n}"])
        path = tmp_path / f"repeat-{rows}.xlsx"
        workbook.save(path)
        tracemalloc.start()
        try:
            report = services.check_file(path, path.name)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert report.rejected == rows and report.error_count == rows
        assert len(report.errors) == services.KEEP_ERRORS
        return peak

    small, large = peak_for(1_000), peak_for(4_000)
    # 3,000 more rows may cost their status bytes, not a traceback (kilobytes) each.
    assert large - small < 3 * 1024 * 1024, (small, large)


# --- limits on sheets, rows, columns, cells -----------------------------------------------------


def test_it_refuses_rows_beyond_the_limit_while_streaming(db, tmp_path, settings):
    settings.PAIRAID_IMPORT_MAX_ROWS = 1_000
    # A sheet that goes down to Excel's last row, 1,048,576: `row_xml(n, [f"V{n}"])` for
    # each, written ten thousand rows to a fragment.
    value_rows = (
        "".join(
            f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>V{n}</t></is></c></row>'
            for n in range(start, min(start + 10_000, 1_048_577))
        )
        for start in range(2, 1_048_577, 10_000)
    )
    rows = itertools.chain([row_xml(1, HEADER)], value_rows)
    path = write_xlsx(tmp_path / "rows.xlsx", rows)
    message = refusal(read(path))
    assert "1000 行" in message and "PAIRAID_IMPORT_MAX_ROWS" in message


def _maximal_rows(first: list[str]):
    """Rows 3 to Excel's last, 1,048,576, ten thousand to a fragment: 100 MB of XML."""
    yield from first
    for start in range(3, 1_048_577, 10_000):
        stop = min(start + 10_000, 1_048_577)
        yield "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(start, stop))


def test_it_refuses_a_maximal_row_sheet_before_validating_a_row(pairing, tmp_path, settings):
    """Under the default row limit: refused by a scan of the sheet before any row is
    validated (the progress callback, which validation calls, is never called), and the
    command line writes nothing."""
    limit = settings.PAIRAID_IMPORT_MAX_ROWS
    first = [row_xml(1, HEADER), row_xml(2, fund_row(pairing, "MAXROW-1"))]
    path = write_xlsx(tmp_path / "maximal.xlsx", _maximal_rows(first))
    validated: list[object] = []
    message = refusal(read(path, progress=lambda *args: validated.append(args)))
    assert f"{limit} 行" in message and "PAIRAID_IMPORT_MAX_ROWS" in message
    assert validated == []

    batches, audit = ImportBatch.objects.count(), AuditEntry.objects.count()
    with pytest.raises(CommandError, match="PAIRAID_IMPORT_MAX_ROWS"):
        call_command("import_records", str(path), "--no-progress", stdout=io.StringIO())
    assert not FundFlow.objects.filter(voucher="MAXROW-1").exists()
    assert (ImportBatch.objects.count(), AuditEntry.objects.count()) == (batches, audit)


def test_it_counts_csv_records_before_validating_them(pairing, tmp_path, settings):
    settings.PAIRAID_IMPORT_MAX_ROWS = 1_000
    header = ",".join(HEADER) + "\n"
    row = ",".join(str(cell) for cell in fund_row(pairing, "CSVROW")) + "\n"
    # Within the limit once blank lines and a quoted field spanning lines are left aside.
    within = tmp_path / "within.csv"
    within.write_text(header + row + '"a' + "\n" * 1_500 + 'b"\n' + "\n" * 1_500, "utf-8")
    assert "PAIRAID_IMPORT_MAX_ROWS" not in " ".join(e.message for e in read(within).errors)

    beyond = tmp_path / "beyond.csv"
    beyond.write_text(header + row + "x\n" * 1_000, encoding="utf-8")
    validated: list[object] = []
    message = refusal(read(beyond, progress=lambda *args: validated.append(args)))
    assert "1000 行" in message and "PAIRAID_IMPORT_MAX_ROWS" in message
    assert validated == []


def test_it_streams_a_sheet_spanning_the_whole_grid(pairing, tmp_path):
    """Two cells, A1 and XFD1048576: tiny on disk, seventeen billion cells to a dense
    reader. It is streamed and refused at its far row or column, never allocated."""
    rows = [
        row_xml(1, HEADER),
        row_xml(2, fund_row(pairing, "GRID-1")),
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    ]
    message = refusal(read(write_xlsx(tmp_path / "grid.xlsx", rows)))
    assert "PAIRAID_IMPORT_MAX_ROWS" in message or "PAIRAID_IMPORT_MAX_COLUMNS" in message


def test_it_refuses_ten_thousand_columns(db, tmp_path):
    path = tmp_path / "wide.csv"
    header = ",".join(HEADER + [f"列{n}" for n in range(10_000)])
    path.write_text(header + "\n" + ",".join(["x"] * 10_007) + "\n", encoding="utf-8")
    message = refusal(read(path))
    assert "300 列" in message and "PAIRAID_IMPORT_MAX_COLUMNS" in message


def test_it_matches_a_wide_header_once_allowed(pairing, tmp_path, settings):
    # wider than the default limit (300) by a thousand unknown columns
    settings.PAIRAID_IMPORT_MAX_COLUMNS = 1_100
    path = tmp_path / "wide.csv"
    header = ",".join(HEADER + [f"列{n}" for n in range(1_000)])
    row = ",".join(str(v) for v in fund_row(pairing, "WIDE-1"))
    path.write_text(header + "\n" + row + "\n", encoding="utf-8")
    report = read(path)
    assert report.valid and report.added == 1
    assert len([w for w in report.warnings if "未识别的列" in w]) == 1_000


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_it_refuses_a_cell_of_two_hundred_thousand_characters(pairing, tmp_path, suffix):
    values = fund_row(pairing, "长" * 200_000)
    path = tmp_path / f"long.{suffix}"
    if suffix == "csv":
        path.write_text(
            ",".join(HEADER) + "\n" + ",".join(str(v) for v in values) + "\n", encoding="utf-8"
        )
    else:
        write_xlsx(path, [row_xml(1, HEADER), row_xml(2, values)])
    message = refusal(read(path))
    assert "第2行" in message and "PAIRAID_IMPORT_MAX_CELL_CHARS" in message


def test_it_refuses_too_many_sheets(db, tmp_path, settings):
    settings.PAIRAID_IMPORT_MAX_SHEETS = 3
    path = write_xlsx(tmp_path / "sheets.xlsx", [row_xml(1, HEADER)], sheets=5)
    message = refusal(read(path))
    assert "5 个工作表" in message and "PAIRAID_IMPORT_MAX_SHEETS" in message


def test_it_refuses_an_upload_beyond_the_size_limit(db, tmp_path, settings):
    settings.PAIRAID_IMPORT_MAX_UPLOAD_MB = 1
    path = tmp_path / "large.csv"
    path.write_bytes((",".join(HEADER) + "\n").encode() + b"x,y\n" * 300_000)
    assert "PAIRAID_IMPORT_MAX_UPLOAD_MB" in refusal(read(path))


# --- content that is not what it claims ---------------------------------------------------------


def test_it_reads_cached_values_of_formulas_and_external_links(pairing, tmp_path):
    def first_six(number: int) -> str:
        values = fund_row(pairing, "")[:6]
        return "".join(_cell(f"{_letters(i)}{number}", v) for i, v in enumerate(values))

    rows = [
        row_xml(1, HEADER),
        f'<row r="2">{first_six(2)}'
        '<c r="G2" t="str"><f>HYPERLINK("http://example.invalid","F-1")</f><v>F-1</v></c></row>',
        f'<row r="3">{first_six(3)}<c r="G3" t="str"><f>[1]Sheet1!A1</f><v>F-2</v></c></row>',
    ]
    external = {
        "xl/externalLinks/externalLink1.xml": f'<externalLink xmlns="{MAIN}"><externalBook '
        f'xmlns:r="{RELS}" r:id="rId1"/></externalLink>',
        "xl/externalLinks/_rels/externalLink1.xml.rels": '<Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        f'{RELS}/externalLinkPath" Target="http://example.invalid/book.xlsx" '
        'TargetMode="External"/></Relationships>',
    }
    report = read(write_xlsx(tmp_path / "links.xlsx", rows, extra_parts=external))
    assert report.valid and report.added == 2  # the cached values, nothing fetched
    assert [row["cells"][-1] for row in report.preview["rows"]] == ["F-1", "F-2"]


def test_it_reads_gbk_and_utf16_csv(pairing, tmp_path):
    text = ",".join(HEADER) + "\n" + ",".join(str(v) for v in fund_row(pairing, "编码-1")) + "\n"
    for encoding in ("gbk", "utf-16"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        report = read(path)
        assert report.valid and report.added == 1, (encoding, report.errors)


def test_it_refuses_bytes_in_no_known_encoding(db, tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"abc\xff\xfd\x80\x81" * 1000)
    assert "编码" in refusal(read(path))


@pytest.mark.parametrize("case", ["truncated", "not-a-zip"])
def test_it_refuses_a_damaged_or_false_xlsx(pairing, tmp_path, case):
    good = write_xlsx(
        tmp_path / "good.xlsx", [row_xml(1, HEADER), row_xml(2, fund_row(pairing, "Z"))]
    )
    path = tmp_path / f"{case}.xlsx"
    if case == "truncated":
        path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    else:
        path.write_text("这不是电子表格，只是改了扩展名", encoding="utf-8")
    assert "不是有效的 xlsx 文件" in refusal(read(path))


# --- the doors: the command line and the upload page -------------------------------------------


@pytest.mark.parametrize("case", ["not-a-zip", "bomb", "long-cell"])
def test_it_answers_the_command_line_in_one_line_with_exit_code_two(db, tmp_path, case):
    if case == "not-a-zip":
        path = tmp_path / "false.xlsx"
        path.write_bytes(b"PK\x03\x04 truncated")
    elif case == "bomb":
        strings = ("<si><t>炸弹</t></si>" * 1000 for _ in range(400))
        path = write_xlsx(
            tmp_path / "bomb.xlsx", [row_xml(1, HEADER)], shared_strings=strings, level=9
        )
    else:
        path = tmp_path / "long.csv"
        path.write_text(",".join(HEADER) + "\n" + "长" * 200_000 + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_records", str(path), "--no-progress", stdout=out, stderr=err)
    assert raised.value.returncode == 2
    message = str(raised.value)
    assert "\n" not in message and message.startswith("无法导入") and path.name in message
    assert "Traceback" not in err.getvalue() + out.getvalue()


def test_it_refuses_a_hostile_upload_on_the_page_and_frees_the_batch(
    client, personas, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    strings = ("<si><t>炸弹</t></si>" * 1000 for _ in range(400))
    path = write_xlsx(tmp_path / "bomb.xlsx", [row_xml(1, HEADER)], shared_strings=strings, level=9)
    client.force_login(personas.jiangyang)
    with open(path, "rb") as handle:
        response = client.post(reverse("exchange:upload"), {"file": handle})
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("id")
    assert batch.status == ImportBatch.Status.INVALID and not batch.is_busy
    page = client.get(reverse("exchange:batch", args=[batch.pk])).content.decode()
    assert "PAIRAID_IMPORT_MAX_RATIO" in page


def test_it_refuses_an_oversized_upload_before_reading_it(client, personas, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PAIRAID_IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(personas.jiangyang)
    before = ImportBatch.objects.count()
    data = io.BytesIO(b"x" * (2 * 1024 * 1024))
    data.name = "large.csv"
    response = client.post(reverse("exchange:upload"), {"file": data})
    assert response.status_code == 413
    assert "PAIRAID_IMPORT_MAX_UPLOAD_MB" in response.content.decode()
    assert ImportBatch.objects.count() == before


# --- batches whose process died -----------------------------------------------------------------


def _uploaded(client, pairing, tmp_path) -> ImportBatch:
    path = write_xlsx(
        tmp_path / "ok.xlsx", [row_xml(1, HEADER), row_xml(2, fund_row(pairing, "OK"))]
    )
    with open(path, "rb") as handle:
        assert client.post(reverse("exchange:upload"), {"file": handle}).status_code == 302
    return ImportBatch.objects.latest("id")


def _die(batch: ImportBatch, status: str, settings) -> None:
    """As if the process checking or importing it had been killed long ago."""
    from django.utils import timezone

    long_ago = timezone.now() - dt.timedelta(minutes=settings.PAIRAID_IMPORT_STALE_MINUTES + 1)
    ImportBatch.objects.filter(pk=batch.pk).update(status=status, heartbeat_at=long_ago)


def test_it_resumes_a_batch_whose_process_died_from_the_page(
    client, personas, pairing, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(personas.admin)
    batch = _uploaded(client, pairing, tmp_path)
    assert batch.status == ImportBatch.Status.VALID and not batch.is_stale

    # A batch still alive cannot be resumed or discarded.
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.VALIDATING)
    client.post(reverse("exchange:discard", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATING and batch.file

    _die(batch, ImportBatch.Status.IMPORTING, settings)
    page = client.get(reverse("exchange:batch", args=[batch.pk])).content.decode()
    assert "处理进程可能已中断" in page and "重新校验" in page
    response = client.post(reverse("exchange:resume", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALID and batch.added == 1


def test_it_lists_and_discards_a_dead_batch_from_the_command_line(
    client, personas, pairing, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(personas.jiangyang)
    batch = _uploaded(client, pairing, tmp_path)
    original = Path(batch.file.path)
    _die(batch, ImportBatch.Status.VALIDATING, settings)

    out = io.StringIO()
    call_command("stale_imports", stdout=out)
    assert f"#{batch.pk}" in out.getvalue() and batch.file_name in out.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("stale_imports", "--discard", str(batch.pk), stdout=io.StringIO())
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and not batch.is_busy
    assert not original.exists() and not batch.file
    with pytest.raises(CommandError, match="没有中断"):
        call_command("stale_imports", "--resume", str(batch.pk), stdout=io.StringIO())


def test_it_marks_a_batch_failed_when_its_check_crashes(
    client, personas, pairing, tmp_path, settings, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"

    def crash(*args, **kwargs):
        raise RuntimeError("reader crashed")

    monkeypatch.setattr(services, "check_file", crash)
    client.force_login(personas.jiangyang)
    batch = _uploaded(client, pairing, tmp_path)
    assert batch.status == ImportBatch.Status.FAILED and not batch.is_busy
    assert "RuntimeError" in batch.message and "已中止" in batch.message

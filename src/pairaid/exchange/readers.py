"""Reading an uploaded file as sheets of rows, whatever it is.

- .xlsx / .xlsm / .xls / .ods: python-calamine, the fastest reader (about ten times the
  stream's speed), for every sheet up to the row limit; a sheet whose XML is larger than
  that (`STREAM_ABOVE`), whose cells span a huge rectangle, or that holds formulas saved
  without their values is streamed instead (`xlsxstream`), in bounded memory.
- .csv / .txt: UTF-8 (with or without BOM) or GB18030 (which covers GBK and GB2312), found
  by decoding the whole file once as a stream — the same pass counts rows and hashes it;
  UTF-16 when the file starts with its byte order mark (Excel's "Unicode text").

A file is refused as a whole, before memory grows, beyond the limits of `Limits` (settings
PAIRAID_IMPORT_MAX_*): its size, what its zip archive unpacks to and how much it is
compressed, its sheets, and — while the rows stream — its rows, columns and cell length.

A `Source` can be read several times (validate, then write): each `rows()` call is a new
pass over the file, never a list of all rows in memory. Rows come as (row number, cells),
the row number as a spreadsheet shows it; rows with no content are left out.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

from django.utils.translation import gettext as _

from pairaid.exchange.xlsxstream import StreamingWorkbook

SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXTS = {".csv", ".txt"}
# Sheets whose XML is larger than this are streamed: calamine holds the whole sheet, about
# 1.4 times this size, in memory. A fund ledger at the row limit (300,000 rows, ~170 MB of
# XML) is below it: read by calamine, ~240 MB at most while it is read.
STREAM_ABOVE = 192 * 1024 * 1024
# Sheets of a template that hold no records.
AUXILIARY_SHEETS = {"选项", "说明", "options", "notes"}
ENCODINGS = ("utf-8-sig", "gb18030")
READ_CHUNK = 1 << 20
# calamine holds a sheet as a dense rectangle (about 32 bytes a cell, empty ones too): a
# sheet whose cells span more than this is streamed instead.
DENSE_CELLS = 8_000_000


class ReadError(Exception):
    """The file as a whole cannot be read; the message is for the user, in Chinese."""


@dataclass(frozen=True)
class Limits:
    """What an imported file may hold (settings PAIRAID_IMPORT_MAX_*), checked while it is
    read, before memory grows: a file beyond one is refused as a whole, naming the limit."""

    upload_bytes: int
    unpacked_bytes: int
    ratio: int
    shared_strings_bytes: int
    sheets: int
    rows: int
    columns: int
    cell_chars: int

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        mb = 1024 * 1024
        return cls(
            upload_bytes=settings.PAIRAID_IMPORT_MAX_UPLOAD_MB * mb,
            unpacked_bytes=settings.PAIRAID_IMPORT_MAX_UNPACKED_MB * mb,
            ratio=settings.PAIRAID_IMPORT_MAX_RATIO,
            shared_strings_bytes=settings.PAIRAID_IMPORT_MAX_SHARED_STRINGS_MB * mb,
            sheets=settings.PAIRAID_IMPORT_MAX_SHEETS,
            rows=settings.PAIRAID_IMPORT_MAX_ROWS,
            columns=settings.PAIRAID_IMPORT_MAX_COLUMNS,
            cell_chars=settings.PAIRAID_IMPORT_MAX_CELL_CHARS,
        )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def check_zip(path: Path, limits: Limits) -> None:
    """An xlsx is a zip archive: refuse one that unpacks to more than the limit, or whose
    members are compressed more than real spreadsheets are (a zip bomb), before any of it
    is unpacked. Sizes are the archive's own; the readers never unpack more than them."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError(
            _("文件不是有效的 xlsx 文件（压缩包已损坏、不完整，或只是改了扩展名）")
        ) from exc
    total = 0
    for member in members:
        total += member.file_size
        if total > limits.unpacked_bytes:
            raise ReadError(
                _("文件解压后超过 %(limit)s 的上限（PAIRAID_IMPORT_MAX_UNPACKED_MB），未读取")
                % {"limit": _megabytes(limits.unpacked_bytes)}
            )
        if member.file_size > READ_CHUNK and member.file_size > limits.ratio * max(
            member.compress_size, 1
        ):
            raise ReadError(
                _(
                    "文件中的“%(member)s”压缩比超过 %(ratio)s 倍的上限"
                    "（PAIRAID_IMPORT_MAX_RATIO），疑为恶意构造的文件，未读取"
                )
                % {"member": member.filename, "ratio": limits.ratio}
            )
        if member.filename == "xl/sharedStrings.xml" and (
            member.file_size > limits.shared_strings_bytes
        ):
            raise ReadError(
                _(
                    "文件的共享文本超过 %(limit)s 的上限"
                    "（PAIRAID_IMPORT_MAX_SHARED_STRINGS_MB），未读取"
                )
                % {"limit": _megabytes(limits.shared_strings_bytes)}
            )


def too_many_rows(sheet: str, limits: Limits) -> ReadError:
    return ReadError(
        _("工作表“%(sheet)s”超过 %(limit)s 行的上限（PAIRAID_IMPORT_MAX_ROWS），未导入")
        % {"sheet": sheet, "limit": limits.rows}
    )


def bounded_rows(
    rows: Iterator[tuple[int, list[Any]]], sheet: str, limits: Limits
) -> Iterator[tuple[int, list[Any]]]:
    """The rows, refusing the file at the first row, column or cell beyond the limits."""
    for number, cells in rows:
        if number > limits.rows:
            raise too_many_rows(sheet, limits)
        if len(cells) > limits.columns:
            raise ReadError(
                _(
                    "工作表“%(sheet)s”第%(row)s行超过 %(limit)s 列的上限"
                    "（PAIRAID_IMPORT_MAX_COLUMNS），未导入"
                )
                % {"sheet": sheet, "row": number, "limit": limits.columns}
            )
        for cell in cells:
            if isinstance(cell, str) and len(cell) > limits.cell_chars:
                raise ReadError(
                    _(
                        "工作表“%(sheet)s”第%(row)s行有单元格超过 %(limit)s 个字符的上限"
                        "（PAIRAID_IMPORT_MAX_CELL_CHARS），未导入"
                    )
                    % {"sheet": sheet, "row": number, "limit": limits.cell_chars}
                )
        yield number, cells


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _blank(cell: Any) -> bool:
    return cell is None or cell == "" or (isinstance(cell, str) and not cell.strip())


@dataclass
class Source:
    path: Path
    name: str  # the file name the user gave it
    sha256: str = ""
    sheets: list[str] = field(default_factory=list)
    estimates: dict[str, int] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits.from_settings)

    def rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        return bounded_rows(self.read_rows(sheet), sheet, self.limits)

    def read_rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        raise NotImplementedError

    def last_row(self, sheet: str) -> int:
        """The number of the sheet's last row with content, from a pass that checks none."""
        last = 0
        for last, _cells in self.read_rows(sheet):  # noqa: B007
            pass
        return last


@dataclass
class CsvSource(Source):
    encoding: str = "utf-8-sig"

    def read_rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        number = 0
        with open(self.path, encoding=self.encoding, newline="") as handle:
            reader = csv.reader(handle)
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    # The csv module refuses a field over 128 KB (and a few malformed
                    # lines): the whole file is refused, naming the row and the limit.
                    raise ReadError(
                        _(
                            "第%(row)s行无法读取：单元格超过 %(limit)s 个字符的上限"
                            "（PAIRAID_IMPORT_MAX_CELL_CHARS）或格式有误（%(error)s）"
                        )
                        % {"row": number + 1, "limit": self.limits.cell_chars, "error": exc}
                    ) from None
                number += 1
                if any(not _blank(cell) for cell in cells):
                    yield number, cells


@dataclass
class CalamineSource(Source):
    streamed: set[str] = field(default_factory=set)

    def read_rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        if sheet in self.streamed:
            workbook = StreamingWorkbook(self.path)
            try:
                for number, cells in workbook.iter_rows(sheet, self.limits.columns):
                    if any(not _blank(cell) for cell in cells):
                        yield number, cells
            except (ExpatError, zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
                raise ReadError(
                    _("文件已损坏或不完整，无法读取（%(error)s）") % {"error": exc}
                ) from exc
            finally:
                workbook.close()
            return
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_path(str(self.path))
            data = book.get_sheet_by_name(sheet)
        except Exception as exc:  # calamine's own error types
            raise ReadError(
                _("文件已损坏或不完整，无法读取（%(error)s）") % {"error": exc}
            ) from exc
        try:
            for index, cells in enumerate(data.iter_rows()):
                if any(not _blank(cell) for cell in cells):
                    yield index + 1, cells
        finally:
            book.close()


def open_source(
    path: Path | str, name: str | None = None, *, stream_above: int | None = None
) -> Source:
    """Open a file for reading; raises ReadError with a Chinese message if it cannot be."""
    path = Path(path)
    name = name or path.name
    suffix = Path(name).suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(_("无法打开文件：%(error)s") % {"error": exc}) from exc
    if size == 0:
        raise ReadError(_("文件是空的"))
    limits = Limits.from_settings()
    if size > limits.upload_bytes:
        raise ReadError(
            _("文件超过 %(limit)s 的上限（PAIRAID_IMPORT_MAX_UPLOAD_MB），未读取")
            % {"limit": _megabytes(limits.upload_bytes)}
        )
    if suffix in TEXTS:
        source = _open_csv(path, name)
        sheet = source.sheets[0]
        if source.estimates[sheet] > limits.rows and source.last_row(sheet) > limits.rows:
            # More lines than rows allowed: count the records (quoted fields may span
            # lines, blank ones are left out) before a single row is validated.
            raise too_many_rows(sheet, limits)
        return source
    if suffix in SPREADSHEETS:
        return _open_spreadsheet(path, name, STREAM_ABOVE if stream_above is None else stream_above)
    raise ReadError(
        _("不支持的文件类型“%(suffix)s”：请上传 .xlsx 或 .csv 文件") % {"suffix": suffix or name}
    )


def _open_csv(path: Path, name: str) -> CsvSource:
    """Find the encoding by decoding the whole file as a stream (a bad byte far down the
    file must not pass as UTF-8); hash it and count its lines on the way."""
    with open(path, "rb") as handle:
        start = handle.read(4)
    # Excel's "Unicode text" is UTF-16 with a byte order mark.
    utf16 = start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    for encoding in ("utf-16",) if utf16 else ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        digest = hashlib.sha256()
        lines = 0
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(READ_CHUNK):
                    digest.update(chunk)
                    lines += decoder.decode(chunk).count("\n")
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        sheet = Path(name).name
        return CsvSource(
            path=path,
            name=name,
            sha256=digest.hexdigest(),
            sheets=[sheet],
            estimates={sheet: lines + 1},
            encoding=encoding,
        )
    raise ReadError(_("无法识别文件的文字编码：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV"))


def _open_spreadsheet(path: Path, name: str, stream_above: int) -> CalamineSource:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    limits = Limits.from_settings()
    if Path(name).suffix.lower() in {".xlsx", ".xlsm", ".xlsb", ".ods"}:
        check_zip(path, limits)
    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:
            sheets = [
                meta.name
                for meta in workbook.sheets_metadata
                if meta.visible == SheetVisibleEnum.Visible
                and meta.typ == SheetTypeEnum.WorkSheet
                and meta.name.strip().casefold() not in AUXILIARY_SHEETS
            ]
    except Exception as exc:  # calamine raises its own types for zip, XML and format errors
        raise ReadError(
            _("文件已损坏、不完整或不是电子表格，无法读取（%(error)s）") % {"error": exc}
        ) from exc
    if len(sheets) > limits.sheets:
        raise ReadError(
            _("文件有 %(n)s 个工作表，超过 %(limit)s 个的上限（PAIRAID_IMPORT_MAX_SHEETS）")
            % {"n": len(sheets), "limit": limits.sheets}
        )
    source = CalamineSource(
        path=path, name=name, sha256=sha256_of(path), sheets=sheets, limits=limits
    )
    if zipfile.is_zipfile(path) and Path(name).suffix.lower() in {".xlsx", ".xlsm"}:
        try:
            streaming = StreamingWorkbook(path)
        except (KeyError, zipfile.BadZipFile, ValueError) as exc:
            raise ReadError(
                _("文件已损坏或不完整，无法读取（%(error)s）") % {"error": exc}
            ) from exc
        try:
            for sheet in sheets:
                # A sheet that goes on past the row limit is refused before any row of it
                # is validated (a fast scan of its XML), not after the rows allowed.
                if streaming.last_filled_row(sheet) > limits.rows:
                    raise too_many_rows(sheet, limits)
                if sheet in streaming.formulas:
                    # calamine reads a formula saved without its value as blank; the
                    # stream marks it (xlsxstream.FormulaWithoutValue), to be refused.
                    source.streamed.add(sheet)
                size = streaming.part_size(sheet)
                # A rough row count for the progress bar: a fund ledger row is ~560 bytes.
                source.estimates[sheet] = max(1, size // 560)
                if size > stream_above:
                    source.streamed.add(sheet)
                    continue
                if streaming.spans_more_than(sheet, DENSE_CELLS):
                    # calamine would allocate every cell of that rectangle: stream it.
                    source.streamed.add(sheet)
        except KeyError:
            pass
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise ReadError(
                _("文件已损坏或不完整，无法读取（%(error)s）") % {"error": exc}
            ) from exc
        finally:
            streaming.close()
    return source

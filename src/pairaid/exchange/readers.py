"""Reading an uploaded file as sheets of rows, whatever it is.

- .xlsx / .xlsm / .xls / .ods: python-calamine, the fastest reader; a sheet too large to
  hold in memory (see `STREAM_ABOVE`) is streamed instead (`xlsxstream`).
- .csv / .txt: UTF-8 (with or without BOM) or GB18030 (which covers GBK and GB2312), found
  by decoding the whole file once as a stream — the same pass counts rows and hashes it.

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
# Sheets whose XML is larger than this are streamed (about 55,000 rows of a fund ledger):
# calamine would hold the whole sheet, about 1.4 times this size, in memory.
STREAM_ABOVE = 40 * 1024 * 1024
# Sheets of a template that hold no records.
AUXILIARY_SHEETS = {"选项", "说明", "options", "notes"}
ENCODINGS = ("utf-8-sig", "gb18030")
READ_CHUNK = 1 << 20


class ReadError(Exception):
    """The file as a whole cannot be read; the message is for the user, in Chinese."""


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

    def rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        raise NotImplementedError


@dataclass
class CsvSource(Source):
    encoding: str = "utf-8-sig"

    def rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        with open(self.path, encoding=self.encoding, newline="") as handle:
            for number, cells in enumerate(csv.reader(handle), start=1):
                if any(not _blank(cell) for cell in cells):
                    yield number, list(cells)


@dataclass
class CalamineSource(Source):
    streamed: set[str] = field(default_factory=set)

    def rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        if sheet in self.streamed:
            workbook = StreamingWorkbook(self.path)
            try:
                for number, cells in workbook.iter_rows(sheet):
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
            workbook = CalamineWorkbook.from_path(str(self.path))
            data = workbook.get_sheet_by_name(sheet)
        except Exception as exc:  # calamine's own error types
            raise ReadError(
                _("文件已损坏或不完整，无法读取（%(error)s）") % {"error": exc}
            ) from exc
        try:
            for index, cells in enumerate(data.iter_rows()):
                if any(not _blank(cell) for cell in cells):
                    yield index + 1, cells
        finally:
            workbook.close()


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
    if suffix in TEXTS:
        return _open_csv(path, name)
    if suffix in SPREADSHEETS:
        return _open_spreadsheet(path, name, STREAM_ABOVE if stream_above is None else stream_above)
    raise ReadError(
        _("不支持的文件类型“%(suffix)s”：请上传 .xlsx 或 .csv 文件") % {"suffix": suffix or name}
    )


def _open_csv(path: Path, name: str) -> CsvSource:
    """Find the encoding by decoding the whole file as a stream (a bad byte far down the
    file must not pass as UTF-8); hash it and count its lines on the way."""
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        digest = hashlib.sha256()
        lines = 0
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(READ_CHUNK):
                    digest.update(chunk)
                    lines += chunk.count(b"\n")
                    decoder.decode(chunk)
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
    source = CalamineSource(path=path, name=name, sha256=sha256_of(path), sheets=sheets)
    if zipfile.is_zipfile(path) and Path(name).suffix.lower() in {".xlsx", ".xlsm"}:
        try:
            streaming = StreamingWorkbook(path)
        except (KeyError, zipfile.BadZipFile, ValueError) as exc:
            raise ReadError(
                _("文件已损坏或不完整，无法读取（%(error)s）") % {"error": exc}
            ) from exc
        try:
            for sheet in sheets:
                size = streaming.part_size(sheet)
                # A rough row count for the progress bar: a fund ledger row is ~560 bytes.
                source.estimates[sheet] = max(1, size // 560)
                if size > stream_above:
                    source.streamed.add(sheet)
        except KeyError:
            pass
        finally:
            streaming.close()
    return source

"""A streaming reader for large .xlsx sheets, in bounded memory.

python-calamine is the fastest reader, but it holds a whole sheet in memory (about 0.8 KB
per row of a 9-column fund ledger: 160 MB at 200,000 rows). For a sheet that large this
module reads the sheet's XML as a stream with expat instead: a row at a time, at about
half calamine's speed, with memory bounded by the workbook's shared strings.

It gives the same values calamine gives: text, float for numbers, bool, and
datetime.date / datetime.datetime for cells whose number format is a date.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.parsers import expat

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CHUNK = 1 << 20

# Built-in number formats that show a date (including the CJK ones Chinese Excel uses).
DATE_FORMAT_IDS = frozenset(
    [*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59), *range(71, 82)]
)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
# A row's or a cell's reference attribute: r="12" or r="AB12".
_REF = re.compile(rb'\sr="([A-Z]{0,3})([0-9]{1,9})"')
# The sheet's root element, with its namespace prefix if it has one (`<x:worksheet`).
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>/]")
_ROW_R = re.compile(rb'\sr="([0-9]{1,9})"')
# A reference naming a column past Z or a row past 299,999 (or written oddly: leading
# zeros, 7 digits or more), found anywhere `r="` ends an attribute's name (`sqref` too: a
# false alarm costs only the full measure). Without one, a sheet spans at most
# 26 × 299,999 cells (`_NARROW_CELLS`).
_BEYOND_NARROW = re.compile(rb'r="(?:[A-Z]{2}|[A-Z]?(?:[0-9]{7,}|[3-9][0-9]{5}|0[0-9]*)")')
_NARROW_CELLS = 26 * 300_000
# What may follow an element's name in a start tag.
_AFTER_NAME = frozenset(b" >/\n\r\t")


class FormulaWithoutValue(str):
    """A formula cell saved with no computed value (a file written by a program and never
    opened in Excel: openpyxl writes formulas so). Its text is the formula ("=B2*2"); `cell`
    is where it is ("C5"). The importer refuses it rather than read it as blank."""

    cell: str = ""

    def __new__(cls, formula: str, cell: str) -> FormulaWithoutValue:
        made = super().__new__(cls, "=" + formula)
        made.cell = cell
        return made


def _row_number(data: bytes, at: int, opens: re.Pattern[bytes], opened: int) -> int:
    """The `r` of the row tag at `at`, or its place among the rows (`opened` before `data`)."""
    found = _ROW_R.search(data, at, data.find(b">", at))
    return int(found.group(1)) if found else opened + len(opens.findall(data, 0, at)) + 1


def _last_open(data: bytes, tag: bytes, end: int) -> int:
    """Where the last start tag `tag` (not a longer name such as rowBreaks) begins before
    `end`, or -1."""
    at = data.rfind(tag, 0, end)
    while at >= 0 and (at + len(tag) >= len(data) or data[at + len(tag)] not in _AFTER_NAME):
        at = data.rfind(tag, 0, at)
    return at


def is_date_format(code: str) -> bool:
    bare = _QUOTED.sub("", code).lower()
    return any(ch in bare for ch in "ymdhs") and "general" not in bare


def _parse(part: Any, start: Any = None, end: Any = None, text: Any = None) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    while chunk := part.read(CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def column_index(ref: str) -> int:
    index = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            index = index * 26 + ord(ch) - 64
        else:
            break
    return index - 1


def column_letters(index: int) -> str:
    """The letters of a 0-based column index (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class StreamingWorkbook:
    def __init__(self, path: Any) -> None:
        self.zip = zipfile.ZipFile(path)
        self.sheets: list[tuple[str, str, bool]] = []  # name, part, visible
        self.date1904 = False
        self._read_workbook()
        self.date_styles = self._read_styles()
        self._strings: list[str] | None = None
        # The sheets whose XML holds a formula (`<f>`), seen by `last_filled_row`'s scan.
        self.formulas: set[str] = set()

    def close(self) -> None:
        self.zip.close()

    # --- the workbook's parts ----------------------------------------------------------

    def _read_workbook(self) -> None:
        targets: dict[str, str] = {}

        def rel(name: str, attrs: dict[str, str]) -> None:
            if name.endswith(" Relationship") or name == "Relationship":
                target = attrs.get("Target", "")
                targets[attrs.get("Id", "")] = (
                    target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
                )

        with self.zip.open("xl/_rels/workbook.xml.rels") as part:
            _parse(part, start=rel)
        found: list[tuple[str, str, bool]] = []

        def sheet(name: str, attrs: dict[str, str]) -> None:
            if name == f"{MAIN} sheet":
                part = targets.get(attrs.get(f"{RELS} id", ""), "")
                found.append(
                    (attrs.get("name", ""), part, attrs.get("state", "visible") == "visible")
                )
            elif name == f"{MAIN} workbookPr":
                self.date1904 = attrs.get("date1904", "0") in {"1", "true"}

        with self.zip.open("xl/workbook.xml") as part:
            _parse(part, start=sheet)
        self.sheets = found

    def _read_styles(self) -> frozenset[int]:
        if "xl/styles.xml" not in self.zip.namelist():
            return frozenset()
        custom: dict[int, str] = {}
        xfs: list[int] = []
        depth = {"cellXfs": False}

        def start(name: str, attrs: dict[str, str]) -> None:
            if name == f"{MAIN} numFmt":
                custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
            elif name == f"{MAIN} cellXfs":
                depth["cellXfs"] = True
            elif name == f"{MAIN} xf" and depth["cellXfs"]:
                xfs.append(int(attrs.get("numFmtId", "0")))

        def end(name: str) -> None:
            if name == f"{MAIN} cellXfs":
                depth["cellXfs"] = False

        with self.zip.open("xl/styles.xml") as part:
            _parse(part, start=start, end=end)
        return frozenset(
            index
            for index, fmt in enumerate(xfs)
            if (fmt in custom and is_date_format(custom[fmt]))
            or (fmt not in custom and fmt in DATE_FORMAT_IDS)
        )

    def _shared_strings(self) -> list[str]:
        if self._strings is not None:
            return self._strings
        strings: list[str] = []
        state = {"phonetic": 0, "in_t": False}
        buffer: list[str] = []

        def start(name: str, attrs: dict[str, str]) -> None:
            if name == f"{MAIN} si":
                buffer.clear()
            elif name == f"{MAIN} rPh":
                state["phonetic"] += 1
            elif name == f"{MAIN} t" and not state["phonetic"]:
                state["in_t"] = True

        def end(name: str) -> None:
            if name == f"{MAIN} si":
                strings.append("".join(buffer))
            elif name == f"{MAIN} rPh":
                state["phonetic"] -= 1
            elif name == f"{MAIN} t":
                state["in_t"] = False

        def text(data: str) -> None:
            if state["in_t"]:
                buffer.append(data)

        if "xl/sharedStrings.xml" in self.zip.namelist():
            with self.zip.open("xl/sharedStrings.xml") as part:
                _parse(part, start=start, end=end, text=text)
        self._strings = strings
        return strings

    # --- sheets -------------------------------------------------------------------------

    def sheet_names(self, visible_only: bool = True) -> list[str]:
        return [name for name, _part, visible in self.sheets if visible or not visible_only]

    def part_of(self, sheet: str) -> str:
        for name, part, _visible in self.sheets:
            if name == sheet:
                return part
        raise KeyError(sheet)

    def part_size(self, sheet: str) -> int:
        return self.zip.getinfo(self.part_of(sheet)).file_size

    def extent(self, sheet: str) -> tuple[int, int]:
        """The last row and column (1-based) any cell or row names, from a scan of the raw
        XML: a sheet of two cells, A1 and XFD1048576, is a few bytes but a dense reader
        would allocate seventeen billion cells for it."""
        last_row = last_column = 0
        tail = b""
        with self.zip.open(self.part_of(sheet)) as part:
            while chunk := part.read(CHUNK):
                data = tail + chunk
                for letters, digits in _REF.findall(data):
                    row = int(digits)
                    if row > last_row:
                        last_row = row
                    if letters:
                        column = column_index(letters.decode()) + 1
                        if column > last_column:
                            last_column = column
                tail = data[-32:]
        return last_row, last_column

    def spans_more_than(self, sheet: str, cells: int) -> bool:
        """Whether the rectangle `extent` gives holds more than `cells` cells. Most sheets
        name no column past Z and no row past 299,999 (at most 7.8 million cells): that is
        found by one search of the XML for a reference beyond them, without reading every
        reference as `extent` does (a sixth of its time); only a sheet that has one is
        measured by `extent`."""
        if cells < _NARROW_CELLS:
            last_row, last_column = self.extent(sheet)
            return last_row * max(last_column, 1) > cells
        tail = b""
        with self.zip.open(self.part_of(sheet)) as part:
            while chunk := part.read(CHUNK):
                data = tail + chunk
                if _BEYOND_NARROW.search(data):
                    break
                tail = data[-32:]
            else:
                return False
        last_row, last_column = self.extent(sheet)
        return last_row * max(last_column, 1) > cells

    def last_filled_row(self, sheet: str) -> int:
        """The number of the last row holding a cell with content (a `<c>` element that is
        not empty: `<c …>…</c>`, not `<c …/>`), from a scan of the raw XML with no parsing:
        a sheet that goes on past the row limit is refused before any row is validated.

        Rows come in order, so only each segment's last filled cell matters: its row is the
        last row opened before it (its `r`, or the rows counted so far when rows carry no
        `r`). Segments end just after a `>`, so that no tag is cut in two."""
        last_filled = current = opened = 0
        row_tag = close_c = b""
        opens: re.Pattern[bytes] | None = None
        formula = re.compile(b"<f[\\s>/]")
        carry = b""
        with self.zip.open(self.part_of(sheet)) as part:
            while True:
                chunk = part.read(CHUNK)
                data = carry + chunk
                end = data.rfind(b">") + 1 if chunk else len(data)
                data, carry = data[:end], data[end:]
                if opens is None:
                    root = _ROOT.search(data)
                    if root is None and chunk:
                        carry = data + carry
                        continue
                    prefix = (root.group(1) or b"") if root else b""
                    row_tag, close_c = b"<" + prefix + b"row", b"</" + prefix + b"c>"
                    opens = re.compile(re.escape(row_tag) + rb"[\s>/]")
                    formula = re.compile(re.escape(b"<" + prefix + b"f") + rb"[\s>/]")
                if sheet not in self.formulas and formula.search(data):
                    self.formulas.add(sheet)

                filled = data.rfind(close_c)
                if filled >= 0:
                    row_at = _last_open(data, row_tag, filled)
                    last_filled = (
                        _row_number(data, row_at, opens, opened) if row_at >= 0 else current
                    )
                row_at = _last_open(data, row_tag, len(data))
                if row_at >= 0:
                    current = _row_number(data, row_at, opens, opened)
                    opened += len(opens.findall(data))
                if not chunk:
                    return last_filled

    def iter_rows(self, sheet: str, max_columns: int = 16384) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells) for each row that has a cell, in order. A row never grows
        past `max_columns` + 1 cells, whatever column its cells name: the caller sees it
        is too wide without the reader holding all of it."""
        strings = self._shared_strings()
        # Spreadsheet dates carry no time zone: naive on purpose, dates are all we keep.
        epoch = dt.datetime(1904, 1, 1) if self.date1904 else dt.datetime(1899, 12, 30)  # noqa: DTZ001
        date_styles = self.date_styles
        ready: list[tuple[int, list[Any]]] = []
        row: list[Any] = []
        current: dict[str, Any] = {
            "row": 0, "col": -1, "type": "n", "style": 0, "ref": "",
            "in_text": False, "in_formula": False,
        }  # fmt: skip
        buffer: list[str] = []
        c_tag, v_tag, t_tag, row_tag = f"{MAIN} c", f"{MAIN} v", f"{MAIN} t", f"{MAIN} row"
        rph_tag, f_tag = f"{MAIN} rPh", f"{MAIN} f"
        phonetic = [0]
        formula: list[str] = []  # the formula of the cell being read, if it has one

        def start(name: str, attrs: dict[str, str]) -> None:
            if name == c_tag:
                ref = attrs.get("r")
                current["col"] = column_index(ref) if ref else current["col"] + 1
                current["type"] = attrs.get("t", "n")
                current["style"] = int(attrs.get("s", "0"))
                current["ref"] = ref or ""
                buffer.clear()
                formula.clear()
            elif name == f_tag:
                formula.append("")
                current["in_formula"] = True
            elif name == v_tag or (name == t_tag and not phonetic[0]):
                current["in_text"] = True
            elif name == row_tag:
                row.clear()
                number = attrs.get("r")
                current["row"] = int(number) if number else current["row"] + 1
                current["col"] = -1
            elif name == rph_tag:
                phonetic[0] += 1

        def end(name: str) -> None:
            if name == c_tag:
                raw = "".join(buffer)
                value = convert(raw)
                if formula and raw == "" and current["type"] not in {"str", "inlineStr"}:
                    # No computed value saved (an empty text result is saved as t="str").
                    ref = current["ref"] or f"{column_letters(current['col'])}{current['row']}"
                    value = FormulaWithoutValue(formula[0], ref)
                if value != "":
                    col = min(current["col"], max_columns)
                    if col >= len(row):
                        row.extend([""] * (col + 1 - len(row)))
                    row[col] = value
            elif name in (v_tag, t_tag):
                current["in_text"] = False
            elif name == f_tag:
                current["in_formula"] = False
            elif name == row_tag:
                if row:
                    ready.append((current["row"], list(row)))
            elif name == rph_tag:
                phonetic[0] -= 1

        def text(data: str) -> None:
            if current["in_text"]:
                buffer.append(data)
            elif current["in_formula"]:
                formula[0] += data

        def convert(raw: str) -> Any:
            kind = current["type"]
            if kind == "s":
                return strings[int(raw)] if raw else ""
            if kind in {"str", "inlineStr", "e"}:
                return raw
            if kind == "b":
                return raw == "1"
            if raw == "":
                return ""
            if kind == "d":
                return raw
            number = float(raw)
            if current["style"] in date_styles:
                # A serial of days is a float: 01:00 is 0.0416666…, a hair under the hour.
                # Rounded to the millisecond (as calamine does) before the fraction of a
                # second is dropped, or 01:00:00 would read as 00:59:59.
                moment = epoch + dt.timedelta(milliseconds=round(number * 86_400_000))
                moment = moment.replace(microsecond=0)
                return moment.date() if moment.time() == dt.time(0) else moment
            return number

        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        with self.zip.open(self.part_of(sheet)) as part:
            while chunk := part.read(CHUNK):
                parser.Parse(chunk, False)
                yield from ready
                ready.clear()
            parser.Parse(b"", True)
            yield from ready
            ready.clear()

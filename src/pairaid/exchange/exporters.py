"""Exports on one base: the header and rows come from the importer's columns, so that
`pairaid import` reads back exactly what `pairaid export` writes.

xlsx is written with openpyxl's write-only workbook (rows go to disk as they come), CSV as
a stream of UTF-8 lines with a BOM (so Excel opens it as UTF-8). Amounts stay numbers,
dates stay dates; text that a spreadsheet would run as a formula (= + - @) gets a leading
quote, which the importer takes off again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import models
from django.db.models import Q, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from pairaid.exchange import cells, copy_export
from pairaid.exchange.columns import Column, MoneyColumn
from pairaid.exchange.specs import Importer, get_importer
from pairaid.ledger import record_types
from pairaid.ledger.models import Pairing, Person
from pairaid.lib.fields import own_field

PAIRING_SIDES = (
    "pairing__helper_region",
    "pairing__helper_organisation",
    "pairing__recipient_region",
    "pairing__recipient_organisation",
)
FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"

# The list pages' filter parameters, per record type: parameter → lookup(s).
FILTERS: dict[str, dict[str, Any]] = {
    "projects": {
        "year": "start_date__year",
        "sector": "sector",
        "status": "status",
        "q": ("name__icontains", "code__icontains"),
    },
    "funds": {
        "year": "fund_year",
        "kind": "kind",
        "source": "source",
        "status": "confirmation",
        "q": ("voucher__icontains", "note__icontains", "project__code__icontains"),
    },
    "persons": {
        "year": "postings__start_date__year",
        "category": "category",
        "q": ("name__icontains", "number__icontains"),
    },
    "postings": {
        "year": "start_date__year",
        "status": "status",
        "category": "person__category",
        "q": ("person__name__icontains", "person__number__icontains", "post__icontains"),
    },
    "agreements": {
        "year": "signed_date__year",
        "kind": "kind",
        "status": "status",
        "q": ("title__icontains",),
    },
    "events": {"year": "start_date__year", "kind": "kind", "q": ("title__icontains",)},
    "tasks": {"year": "due_date__year", "status": "status", "q": ("title__icontains",)},
    "targets": {"year": "year", "kind": "indicator"},
}


def declared_filters(kind: str) -> dict[str, Any]:
    """The filters of a type declared with pages, from its list's declaration: its year field,
    its searched fields and its choice filters."""
    declared = record_types.by_kind(kind)
    if declared is None or declared.pages is None or declared.listing is None:
        return {}
    listing = declared.listing
    rules: dict[str, Any] = dict(listing.choices)
    if listing.year_field:
        field = declared.model._meta.get_field(listing.year_field)
        is_date = isinstance(field, models.DateField)
        rules["year"] = f"{listing.year_field}__year" if is_date else listing.year_field
    if listing.search:
        rules["q"] = tuple(f"{name}__icontains" for name in listing.search)
    return rules


def _choice_value(importer: Importer, lookup: str, raw: str) -> str | None:
    """A filter value for a choice field, given as its code or its Chinese label."""
    name = lookup.split("__")[-1]
    model = importer.model
    if lookup.startswith("person__"):
        model = Person
    try:
        model_field = own_field(model, name)
    except Exception:
        return raw
    if not model_field.choices:
        return raw
    for value, label in model_field.choices:
        if raw in (value, str(label)):
            return value
    return None


def filtered(
    kind: str, params: Mapping[str, str], pairings: QuerySet[Pairing] | None
) -> QuerySet[Any]:
    """The records of a kind, in scope (`pairings`: None is everything), with the list
    pages' filters applied. Invalid filter values are ignored, as the lists do."""
    importer = get_importer(kind)
    queryset = importer.export_queryset(pairings)
    rules = FILTERS.get(kind) or declared_filters(kind)
    for param, lookup in rules.items():
        raw = (params.get(param) or "").strip()
        if not raw:
            continue
        if param == "q":
            condition = Q()
            for part in lookup:
                condition |= Q(**{part: raw})
            queryset = queryset.filter(condition)
        elif param == "year":
            if raw.isdigit():
                queryset = queryset.filter(**{lookup: int(raw)})
        else:
            value = _choice_value(importer, lookup, raw)
            if value is not None:
                queryset = queryset.filter(**{lookup: value})
    if kind == "persons" and params.get("year"):
        queryset = queryset.distinct()
    return queryset


def scope_for(
    visible: QuerySet[Pairing], pairing: str | None, *, resolve: Any = None
) -> QuerySet[Pairing]:
    """The pairings an export covers: all visible ones, or one (with the pairings below it)."""
    if not pairing:
        return visible
    chosen = resolve(pairing) if resolve else visible.get(pk=pairing)
    ids = [p.pk for p in chosen.with_descendants()]
    return visible.filter(pk__in=ids)


class Exporter:
    def __init__(self, kind: str) -> None:
        self.importer = get_importer(kind)
        self.columns: list[Column] = self.importer.export_columns()

    @property
    def title(self) -> str:
        return str(self.importer.label)

    def header(self) -> list[str]:
        return [column.header for column in self.columns]

    def rows(self, queryset: QuerySet[Any]) -> Iterator[list[Any]]:
        for column in self.columns:
            column.prepare()
        if any(f.name == "pairing" for f in queryset.model._meta.concrete_fields):
            # A pairing's name comes from its two sides: read with the row, not per row.
            queryset = queryset.select_related(*PAIRING_SIDES)
        # On PostgreSQL a server-side cursor: rows come 2,000 at a time, never all at once.
        for record in queryset.iterator(chunk_size=2000):
            yield [column.export(record) for column in self.columns]

    # --- xlsx -----------------------------------------------------------------------

    def write_xlsx(self, target: str | Path | IO[bytes], queryset: QuerySet[Any]) -> int:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(self.title[:31])
        for position, column in enumerate(self.columns, start=1):
            sheet.column_dimensions[get_column_letter(position)].width = column.width
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for text in self.header():
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        money = {i for i, c in enumerate(self.columns) if isinstance(c, MoneyColumn)}
        count = 0
        for values in self.rows(queryset):
            row: list[Any] = []
            for position, value in enumerate(values):
                if isinstance(value, Decimal) and not fits_a_spreadsheet_number(value):
                    # A spreadsheet number is a float (15 significant digits): an amount
                    # with more goes as text, which the importer reads back to the fen.
                    row.append(format(value, "f"))
                elif isinstance(value, Decimal | dt.date):
                    # openpyxl writes decimals and dates as numbers; its stubs name neither
                    cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
                    cell.number_format = (
                        MONEY_FORMAT
                        if position in money and isinstance(value, Decimal)
                        else (DATE_FORMAT if isinstance(value, dt.date) else "General")
                    )
                    row.append(cell)
                else:
                    row.append(cells.neutralise(value))
            sheet.append(row)
            count += 1
        workbook.save(target)
        return count

    # --- csv ------------------------------------------------------------------------

    def csv_lines(
        self, queryset: QuerySet[Any], counted: list[int] | None = None
    ) -> Iterator[bytes]:
        """The CSV as a stream of encoded lines (or PostgreSQL's chunks), BOM first;
        `counted`, if given, receives the number of rows."""
        counted = [] if counted is None else counted
        select = copy_export.copy_select(queryset, self.columns)
        if select is not None:
            yield from copy_export.copy_lines(self.header(), select, counted)
            return
        yield from self.python_csv_lines(queryset, counted)

    def python_csv_lines(self, queryset: QuerySet[Any], counted: list[int]) -> Iterator[bytes]:
        """The CSV made row by row in Python (SQLite, and kinds not said in SQL)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)

        def line(values: list[Any]) -> bytes:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([_csv_value(value) for value in values])
            return buffer.getvalue().encode("utf-8")

        yield "\ufeff".encode() + line(self.header())
        count = 0
        for values in self.rows(queryset):
            yield line(values)
            count += 1
        counted.append(count)

    def write_csv(self, target: IO[bytes], queryset: QuerySet[Any]) -> int:
        counted: list[int] = []
        for data in self.csv_lines(queryset, counted):
            target.write(data)
        return counted[0]

    def write(self, path: Path, fmt: str, queryset: QuerySet[Any]) -> int:
        if fmt == "xlsx":
            return self.write_xlsx(path, queryset)
        with open(path, "wb") as handle:
            return self.write_csv(handle, queryset)


SPREADSHEET_DIGITS = 15  # what a spreadsheet's floating-point number keeps exactly


def fits_a_spreadsheet_number(value: Decimal) -> bool:
    return len(value.as_tuple().digits) <= SPREADSHEET_DIGITS


def _csv_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return cells.neutralise(value)


def download(kind: str, queryset: QuerySet[Any], fmt: str) -> StreamingHttpResponse | FileResponse:
    """A streamed download of `queryset` (records of `kind`) as xlsx or csv."""
    exporter = Exporter(kind)
    filename = f"{exporter.title}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exporter.csv_lines(queryset), content_type=CONTENT_TYPES["csv"]
        )
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    # openpyxl's write-only workbook goes to a temporary file row by row; the file is
    # then streamed out in chunks.
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    exporter.write_xlsx(handle, queryset)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES["xlsx"]
    )


def rows_for_download(kind: str, rows: QuerySet[Any]) -> QuerySet[Any]:
    """Exactly `rows` (a list page's filtered records), loaded the way the exporter needs."""
    return get_importer(kind).export_queryset(None).filter(pk__in=rows.values("pk"))

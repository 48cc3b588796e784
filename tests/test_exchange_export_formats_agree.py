"""`pairaid export KIND` writes the same table in csv and xlsx, for every kind: the same
header, the same rows in the same order, cell by cell (amounts to the fen, dates as dates);
and a pairing with no records gives the header alone in both."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from pairaid.exchange.specs import KINDS

pytestmark = pytest.mark.django_db
DEMO_PAIRING = "江阳区"


def export(kind: str, path, *args: str) -> str:
    out = io.StringIO()
    call_command("export_records", kind, "-o", str(path), *args, stdout=out)
    return out.getvalue()


def csv_rows(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def xlsx_rows(path) -> list[list[object]]:
    return [
        list(row) for row in load_workbook(path, read_only=True).active.iter_rows(values_only=True)
    ]


def same_cell(text: str, value: object) -> bool:
    if value is None:
        return text == ""
    if isinstance(value, dt.datetime):
        return text == value.date().isoformat()
    if isinstance(value, bool):
        return text == str(value)
    if isinstance(value, int | float):
        return Decimal(text) == Decimal(str(value))
    return text == str(value)


@pytest.mark.parametrize("kind", KINDS)
def test_it_writes_the_same_cells_in_csv_and_xlsx(db, tmp_path, kind):
    as_csv, as_xlsx = tmp_path / f"{kind}.csv", tmp_path / f"{kind}.xlsx"

    said_csv = export(kind, as_csv, "--pairing", DEMO_PAIRING)
    said_xlsx = export(kind, as_xlsx, "--pairing", DEMO_PAIRING)

    texts, values = csv_rows(as_csv), xlsx_rows(as_xlsx)
    assert texts[0] == [str(name) for name in values[0]]
    assert len(texts) == len(values)
    assert said_csv.split("到 ")[0] == said_xlsx.split("到 ")[0]
    for number, (text_row, value_row) in enumerate(zip(texts[1:], values[1:], strict=True)):
        mismatched = [
            (texts[0][i], text, value)
            for i, (text, value) in enumerate(zip(text_row, value_row, strict=True))
            if not same_cell(text, value)
        ]
        assert mismatched == [], f"row {number + 2}"


@pytest.mark.parametrize("kind", KINDS)
def test_it_writes_only_the_header_for_a_pairing_without_records(build, tmp_path, kind):
    pairing = build.pairing("导出空表甲区", "导出空表乙县")
    as_csv, as_xlsx = tmp_path / f"{kind}.csv", tmp_path / f"{kind}.xlsx"

    said = export(kind, as_csv, "--pairing", str(pairing))
    export(kind, as_xlsx, "--pairing", str(pairing))

    assert said.startswith("已导出 0 条")
    assert len(csv_rows(as_csv)) == 1
    assert len(xlsx_rows(as_xlsx)) == 1
    assert csv_rows(as_csv)[0][0]

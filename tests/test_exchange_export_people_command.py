"""`pairaid export persons|postings`: personal data never leaves in a file, a person posted
twice in a year is one row, postings cell by cell, and a person's file read back changes
nothing (blank personal data means "keep")."""

from __future__ import annotations

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from builders import Builder
from django.core.management import call_command
from openpyxl import load_workbook
from shared_records import for_the_module

from pairaid.ledger.models import Person, Posting

ID_NUMBER = "51050219800101123X"
PHONE = "13800001234"

pytestmark = pytest.mark.django_db


def scene_records() -> SimpleNamespace:
    build = Builder()
    pairing = build.pairing("导出人员甲区", "导出人员乙县")
    twice = build.person("李四", number="EXP-R-1", id_number=ID_NUMBER, phone=PHONE)
    once = build.person("王五", number="EXP-R-2", id_number="510502199001012345")
    first = build.posting(
        twice,
        pairing,
        dt.date(2021, 1, 4),
        post="副县长",
        planned_end=dt.date(2021, 3, 31),
        actual_end=dt.date(2021, 3, 31),
        status=Posting.Status.COMPLETED,
    )
    second = build.posting(twice, pairing, dt.date(2021, 9, 1), post="挂职干部")
    third = build.posting(once, pairing, dt.date(2022, 2, 1), post="教师")
    return SimpleNamespace(pairing=pairing, people=[twice, once], postings=[first, second, third])


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):
    yield from for_the_module(django_db_blocker, scene_records)


def export(kind: str, path, *args: str) -> str:
    out = io.StringIO()
    call_command("export_records", kind, "-o", str(path), *args, stdout=out)
    return out.getvalue()


def table(path) -> tuple[list[str], list[dict]]:
    if path.suffix == ".csv":
        header, *rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    else:
        header, *rows = [list(r) for r in load_workbook(path).active.iter_rows(values_only=True)]
    return header, [dict(zip(header, row, strict=True)) for row in rows]


@pytest.mark.parametrize("kind", ["persons", "postings"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_keeps_identity_and_phone_numbers_out_of_every_file(scene, tmp_path, kind, fmt):
    path = tmp_path / f"{kind}.{fmt}"

    export(kind, path, "--pairing", str(scene.pairing))

    header, rows = table(path)
    assert rows
    assert "身份证号" not in header and "联系电话" not in header
    text = path.read_bytes() if fmt == "csv" else repr(rows).encode()
    assert ID_NUMBER.encode() not in text and PHONE.encode() not in text


def test_it_writes_a_person_posted_twice_in_a_year_once(scene, tmp_path):
    path = tmp_path / "persons.csv"

    out = export("persons", path, "--pairing", str(scene.pairing), "--year", "2021")

    _header, rows = table(path)
    wanted = {
        posting.person.number for posting in scene.postings if posting.start_date.year == 2021
    }
    assert sorted(row["人员编号"] for row in rows) == sorted(wanted)
    assert f"已导出 {len(wanted)} 条" in out


def test_it_writes_every_posting_cell_by_cell(scene, tmp_path):
    path = tmp_path / "postings.xlsx"

    export("postings", path, "--pairing", str(scene.pairing))

    _header, rows = table(path)
    assert len(rows) == len(scene.postings)
    exported = {(row["人员编号"], row["到岗日期"].date()): row for row in rows}
    for posting in scene.postings:
        row = exported[(posting.person.number, posting.start_date)]
        assert row["姓名"] == posting.person.name
        assert row["挂任职务"] == posting.post
        assert row["状态"] == str(posting.get_status_display())
        ended = row["实际离岗"].date() if row["实际离岗"] else None
        assert ended == posting.actual_end


def test_it_filters_postings_by_the_year_they_began(scene, tmp_path):
    path = tmp_path / "postings.csv"

    export("postings", path, "--pairing", str(scene.pairing), "--year", "2022")

    _header, rows = table(path)
    wanted = [p for p in scene.postings if p.start_date.year == 2022]
    assert [row["到岗日期"] for row in rows] == [p.start_date.isoformat() for p in wanted]


def test_it_reads_its_own_persons_file_back_keeping_personal_data(scene, tmp_path):
    path = tmp_path / "persons.xlsx"
    export("persons", path, "--pairing", str(scene.pairing))
    out = io.StringIO()

    call_command("import_records", str(path), "--no-progress", stdout=out)

    numbers = [person.number for person in scene.people]
    assert f"未变 {len(numbers)} 条" in out.getvalue()
    kept = Person.objects.get(number="EXP-R-1")
    assert (kept.id_number, kept.phone) == (ID_NUMBER, PHONE)

"""Import and export files for the exchange tests (this module holds no tests of its own):
running `pairaid export`, `pairaid import` and `pairaid template` through `call_command`,
reading a written file back into rows of cells, writing rows as xlsx or csv, moving an
exported file to another pairing, and a record's importable values in a form two records
of different pairings can be compared by."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import declared_records as generic
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.db.models import Q
from openpyxl import Workbook, load_workbook

from pairaid.exchange.specs import IMPORTERS
from pairaid.ledger import record_types, services
from pairaid.ledger.models import (
    Agreement,
    Event,
    FundFlow,
    Organisation,
    Pairing,
    Person,
    Posting,
    Project,
    Region,
    Target,
    Task,
)

FORMATS = ("xlsx", "csv")
# Records every pairing shares: a reference to one compares by identity.
SHARED = (Region, Organisation, Person)


# --- the commands a clerk runs ---------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def export(kind: str, path: Path, *filters: str) -> Path:
    """`pairaid export KIND -o PATH [filters]` (the format from the file's suffix)."""
    run("export_records", kind, "-o", str(path), *filters)
    return path


def template(kind: str, path: Path) -> Path:
    run("template", kind, "-o", str(path))
    return path


def import_(path: Path, *options: str) -> str:
    """`pairaid import PATH`: its printed summary, or CommandError when refused."""
    return run("import_records", str(path), "--no-progress", *options)


def refused(path: Path, *options: str) -> str:
    """`pairaid import PATH` that must refuse the file: its table of errors (sheet, row,
    column and message separated by tabs)."""
    err = io.StringIO()
    try:
        call_command(
            "import_records", str(path), "--no-progress", *options, stdout=io.StringIO(), stderr=err
        )
    except CommandError as exc:
        return err.getvalue() + "\n" + str(exc)
    raise AssertionError(f"{path.name} was imported: {err.getvalue()}")


def counts(summary: str) -> dict[str, int]:
    """新增 a 条，修改 b 条，未变 c 条，拒绝 d 行 → the four numbers."""
    found = {}
    for word, key in (("新增", "added"), ("修改", "changed"), ("未变", "unchanged")):
        found[key] = int(summary.split(word + " ")[1].split(" ")[0])
    found["rejected"] = int(summary.split("拒绝 ")[1].split(" ")[0])
    return found


# --- files as rows of cells -----------------------------------------------------------------


def read_rows(path: Path) -> tuple[str, list[list[Any]]]:
    """The sheet's title (the file's stem for csv) and its rows, header first, as a user's
    spreadsheet program would show them."""
    if path.suffix == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        return path.stem, [list(row) for row in csv.reader(io.StringIO(text))]
    sheet = load_workbook(path).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return sheet.title, [row for row in rows if any(cell not in (None, "") for cell in row)]


def write_rows(path: Path, rows: Iterable[Sequence[Any]], sheet: str = "Sheet") -> Path:
    """Rows as xlsx or csv (UTF-8 with a BOM, as the exporter writes it), by the suffix."""
    if path.suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([_csv_cell(cell) for cell in row])
        path.write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
        return path
    book = Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(list(row))
        for cell in book.active[book.active.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                # Text typed with a leading = (what an attacker types into a cell, as
                # text): openpyxl would otherwise store a formula without its value.
                cell.data_type = "s"
    book.save(path)
    return path


def _csv_cell(cell: Any) -> Any:
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return cell


def column_of(header: Sequence[Any], text: str) -> int:
    return [str(cell) for cell in header].index(text)


def replace_column(rows: list[list[Any]], header_text: str, change: Any) -> list[list[Any]]:
    """The rows with every data cell of one column passed through `change(cell)`."""
    position = column_of(rows[0], header_text)
    moved = [list(rows[0])]
    for row in rows[1:]:
        row = list(row)
        row[position] = change(row[position])
        moved.append(row)
    return moved


def moved_to(source: Path, target: Path, pairing: Pairing) -> Path:
    """An exported file with every row's pairing changed to `pairing`, in the same format."""
    sheet, rows = read_rows(source)
    return write_rows(target, replace_column(rows, "结对关系", lambda _cell: str(pairing)), sheet)


# --- records as the files carry them ----------------------------------------------------------


def natural(value: Any) -> Any:
    """A referenced record as a file names it: shared records by identity, a pairing's own
    records by their code, title or name (the same in every pairing a file moves to)."""
    if value is None:
        return None
    if isinstance(value, SHARED):
        return (type(value).__name__, value.pk)
    for name in ("code", "title", "name"):
        if hasattr(value, name):
            return (type(value).__name__, getattr(value, name))
    return (type(value).__name__, str(value))


def carried(kind: str, record: models.Model) -> dict[str, Any]:
    """What an export of `kind` carries of the record and an import reads back: every
    importable, exported column but the pairing, references by `natural`."""
    importer = IMPORTERS[kind]
    exported = {column.field for column in importer.export_columns()}
    values: dict[str, Any] = {}
    for column in importer.importable():
        if column.field == "pairing" or column.field not in exported:
            continue
        field = record._meta.get_field(column.field)
        value = getattr(record, column.field)
        values[column.field] = natural(value) if field.is_relation else value
    return values


def carried_all(kind: str, records: Iterable[models.Model]) -> list[dict[str, Any]]:
    """`carried` of each record, in an order that does not depend on primary keys."""
    return sorted((carried(kind, record) for record in records), key=repr)


# --- records of every kind, and moving them between pairings --------------------------------


def prefix(target: Pairing) -> str:
    """Persons moved for a pairing get a number of their own, with this prefix."""
    return f"迁{target.pk}-"


def fresh_pairing(build: Any, like: Pairing, helper: str) -> Pairing:
    """A new pairing helping the same recipient (so that places and units stay valid)."""
    return services.create_record(
        Pairing,
        acting_user=None,
        via="test",
        helper_region=build.region(helper),
        recipient_region=like.recipient_region,
        scheme=like.scheme,
        valid_from=like.valid_from,
    )


# --- records of every kind, in the source pairing -------------------------------------------


def projects(pairing: Pairing, build: Any) -> list[Project]:
    unit = build.organisation(f"往返实施单位{pairing.pk}", pairing.recipient_region)
    return [
        build.project(
            pairing,
            code=f"RT-{pairing.pk}-1",
            name="往返产业园（一期）",
            sector=Project.Sector.EDUCATION,
            mode=Project.Mode.DIRECT_AID,
            status=Project.Status.COMPLETED,
            start=dt.date(2021, 3, 1),
            end_date=dt.date(2022, 9, 30),
            progress=100,
            location=pairing.recipient_region,
            implementing_organisation=unit,
            planned_budget=Decimal("1234567.89"),
            beneficiary_households=12,
            beneficiary_persons=48,
            outcomes="=成效说明，以等号开头",
            after_completion="移交村集体管护",
        ),
        build.project(
            pairing, code=f"RT-{pairing.pk}-2", status=Project.Status.PLANNED, start=None
        ),
    ]


def funds(pairing: Pairing, build: Any) -> list[FundFlow]:
    project = Project.objects.filter(pairing=pairing).order_by("code").first() or build.project(
        pairing, code=f"RTF-{pairing.pk}"
    )
    kept = [
        build.flow(pairing, "1234.56", voucher="RT-V-1", note="第一批"),
        build.flow(
            pairing,
            "0.01",
            kind=FundFlow.Kind.SPEND,
            project=project,
            voucher="RT-V-2",
            source=FundFlow.Source.SOCIAL_CASH,
        ),
        build.flow(
            pairing,
            "99999999.99",
            kind=FundFlow.Kind.ALLOCATE,
            project=project,
            voucher="RT-V-3",
            year=2020,
            day=dt.date(2021, 12, 1),
            cross_year_reason="跨年度拨付",
        ),
    ]
    undone = build.flow(pairing, "500.00", voucher="RT-V-4")
    services.reverse_fund_flow(undone, acting_user=None, via="test", reason="录入有误")
    return kept


def persons(pairing: Pairing, build: Any) -> list[Person]:
    home = build.organisation(f"往返派出单位{pairing.pk}", pairing.helper_region)
    made = [
        build.person(
            "李往返",
            gender=Person.Gender.FEMALE,
            category=Person.Category.PROFESSIONAL,
            profession=Person.Profession.TEACHER,
            ethnicity="彝族",
            home_organisation=home,
        ),
        build.person("王往返"),
    ]
    for number, person in enumerate(made):
        build.posting(person, pairing, dt.date(2021, 3 + number, 1))
    return made


def postings(pairing: Pairing, build: Any) -> list[Posting]:
    host = build.organisation(f"往返挂职单位{pairing.pk}", pairing.recipient_region)
    first = build.posting(
        build.person("赵往返"),
        pairing,
        dt.date(2021, 3, 1),
        host_organisation=host,
        post="县委常委、副县长",
        batch=2,
        planned_end=dt.date(2023, 2, 28),
        actual_end=dt.date(2023, 2, 20),
        status=Posting.Status.COMPLETED,
    )
    second = build.posting(build.person("钱往返"), pairing, dt.date(2022, 7, 1))
    return [first, second]


def events(pairing: Pairing, build: Any) -> list[Event]:
    return [
        services.create_record(
            Event,
            acting_user=None,
            via="test",
            pairing=pairing,
            kind=Event.Kind.JOINT_MEETING,
            title="往返联席会议",
            start_date=dt.date(2022, 4, 1),
            end_date=dt.date(2022, 4, 2),
            places="盐源县；西昌市",
            summary="研究年度协作重点",
        ),
        services.create_record(
            Event,
            acting_user=None,
            via="test",
            pairing=pairing,
            kind=Event.Kind.SIGNING,
            title="往返签约仪式",
            start_date=dt.date(2022, 5, 1),
        ),
    ]


def agreements(pairing: Pairing, build: Any) -> list[Agreement]:
    event = Event.objects.filter(pairing=pairing).first() or events(pairing, build)[1]
    return [
        services.create_record(
            Agreement,
            acting_user=None,
            via="test",
            pairing=pairing,
            title="往返年度协议",
            kind=next(value for value, _label in Agreement.Kind.choices),
            signed_date=dt.date(2022, 5, 1),
            signed_place="泸州市",
            event=event,
            amount=Decimal("3580000.00"),
            term_start=dt.date(2022, 5, 1),
            term_end=dt.date(2024, 4, 30),
        ),
        services.create_record(
            Agreement,
            acting_user=None,
            via="test",
            pairing=pairing,
            title="往返框架协议（无金额）",
            kind=Agreement.Kind.choices[-1][0],
        ),
    ]


def tasks(pairing: Pairing, build: Any) -> list[Task]:
    agreement = agreements(pairing, build)[0]
    owner = build.organisation(f"往返责任单位{pairing.pk}", pairing.helper_region)
    return [
        services.create_record(
            Task,
            acting_user=None,
            via="test",
            pairing=pairing,
            title="往返落实协议事项",
            owner=owner,
            due_date=dt.date(2023, 1, 31),
            evidence="会议纪要",
            event=agreement.event,
            agreement=agreement,
            plan_year=2022,
        ),
        services.create_record(
            Task, acting_user=None, via="test", pairing=pairing, title="往返无来源事项"
        ),
    ]


def targets(pairing: Pairing, build: Any) -> list[Target]:
    return [
        services.create_record(
            Target,
            acting_user=None,
            via="test",
            pairing=pairing,
            year=2022,
            indicator=indicator,
            value=value,
        )
        for indicator, value in (
            (Target.Indicator.FUNDS_TRANSFERRED, Decimal("20000000.00")),
            (Target.Indicator.PROJECTS_STARTED, Decimal("12.00")),
        )
    ]


MAKERS = {
    "projects": projects,
    "funds": funds,
    "persons": persons,
    "postings": postings,
    "events": events,
    "agreements": agreements,
    "tasks": tasks,
    "targets": targets,
}


def fill(kind: str, pairing: Pairing, build: Any) -> None:
    if kind in MAKERS:
        MAKERS[kind](pairing, build)
        return
    declared = record_types.by_kind(kind)
    assert declared is not None and declared.pages is not None, kind
    for _ in range(2):
        generic.make(declared, pairing)


# --- what moves with what -------------------------------------------------------------------


def dependencies(kind: str) -> list[str]:
    """The kinds a kind's file names by code or title: they move first."""
    model = IMPORTERS[kind].model
    found = []
    for column in IMPORTERS[kind].importable():
        field = model._meta.get_field(column.field)
        target = field.related_model if field.is_relation else None
        if target is None or target in (Pairing, Region, Organisation, Person):
            continue
        declared = record_types.of(target)
        if declared is not None and declared.kind and declared.kind not in found:
            found.append(declared.kind)
    return found


def stored(kind: str, pairing: Pairing) -> list[dict[str, Any]]:
    importer = IMPORTERS[kind]
    model = importer.model
    if model is Person:
        # Persons belong to no pairing: those posted to it, or the copies moved for it.
        people = Person.objects.filter(
            Q(pk__in=Posting.objects.filter(pairing=pairing).values("person_id"))
            | Q(number__startswith=prefix(pairing))
        )
        return [
            {k: v for k, v in row.items() if k != "number"} for row in carried_all(kind, people)
        ]
    return carried_all(kind, importer.base_queryset().filter(pairing=pairing))


def move(kind: str, source: Pairing, target: Pairing, folder: Path, fmt: str) -> str:
    """Export `kind` of `source`, change the file's pairing to `target`, import it."""
    for needed in dependencies(kind):
        move(needed, source, target, folder, fmt)
    exported = export(kind, folder / f"{kind}-out.{fmt}", "--pairing", str(source))
    if kind == "persons":
        sheet, rows = read_rows(exported)
        rows = replace_column(rows, "人员编号", lambda number: prefix(target) + str(number))
        moved = write_rows(folder / f"{kind}-in.{fmt}", rows, sheet)
    else:
        moved = moved_to(exported, folder / f"{kind}-in.{fmt}", target)
    return import_(moved)

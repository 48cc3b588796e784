"""Import and export of every record type declared with pages: its template, a filled row, a
refused cell, the round trip and a re-import by key, through the commands a clerk runs."""

from __future__ import annotations

import contextlib
import dataclasses
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import declared_records as records
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from openpyxl import Workbook, load_workbook

from pairaid.exchange.models import ImportBatch
from pairaid.exchange.specs import IMPORTERS, KINDS, generic
from pairaid.ledger import record_types
from pairaid.ledger.models import AuditEntry, Organisation, Region
from pairaid.ledger.moneyfield import MoneyField

# The types with pages that declare an import/export kind.
SLUGS = [slug for slug in records.slugs() if records.record_type(slug).kind]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def kind_of(slug: str) -> str:
    return records.record_type(slug).kind


def template_header(tmp_path: Path, slug: str) -> tuple[str, list[str]]:
    path = tmp_path / "template.xlsx"
    run("template", kind_of(slug), "-o", str(path))
    sheet = load_workbook(path).worksheets[0]
    return sheet.title, [cell.value for cell in sheet[1]]


def workbook(path: Path, sheet: str, header: list[str], *rows: list[Any]) -> Path:
    book = Workbook()
    book.active.title = sheet
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def stored(slug: str, pairing: Any) -> list[dict[str, Any]]:
    rt = records.record_type(slug)
    assert rt.pages is not None
    names = [rt.model._meta.get_field(name).attname for name in rt.pages.fields]
    return list(rt.model.objects.filter(pairing=pairing).order_by("pk").values(*names))


def test_it_files_every_type_with_pages_and_a_kind_under_its_kind():
    declared = [rt for rt in record_types.with_pages() if rt.kind]
    assert declared, "no type with pages declares an import kind"
    for rt in declared:
        assert rt.kind in KINDS
        assert IMPORTERS[rt.kind].model is rt.model
        assert rt.pages is not None
        assert [c.field for c in IMPORTERS[rt.kind].importable()] == list(rt.pages.fields)


@pytest.mark.parametrize("slug", SLUGS)
def test_it_imports_a_row_filled_into_the_template(slug, build, tmp_path):
    sheet, header = template_header(tmp_path, slug)
    pairing = build.pairing("通用导入甲区", "通用导入乙县")
    values = records.values(slug, pairing)
    path = workbook(tmp_path / "filled.xlsx", sheet, header, records.row(slug, header, values))

    out = run("import_records", str(path), "--no-progress")

    assert "新增 1 条" in out
    rt = records.record_type(slug)
    record = rt.model.objects.get(pairing=pairing)
    for name, value in values.items():
        assert getattr(record, name) == value, name
    entry = AuditEntry.objects.get(record_type=rt.model._meta.model_name, record_id=str(record.pk))
    assert entry.actor == "import"
    assert ImportBatch.objects.get().kind == rt.kind


@pytest.mark.parametrize("slug", SLUGS)
def test_it_reads_the_templates_own_example_row_as_a_valid_record(slug, tmp_path, build):
    path = tmp_path / "template.xlsx"
    run("template", kind_of(slug), "-o", str(path))
    sheet = load_workbook(path).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    example = [cell.value for cell in sheet[3]]
    assert str(example[0]).startswith("【示例】")
    example[0] = str(example[0]).removeprefix("【示例】")
    pairing = build.pairing("通用示例甲区", "通用示例乙县")
    example[header.index("结对关系")] = str(pairing)
    rt = records.record_type(slug)
    for position, column in enumerate(IMPORTERS[rt.kind].importable()):
        field = column.field
        model_field = rt.model._meta.get_field(field)
        if model_field.is_relation and model_field.name != "pairing":
            # A reference names a record of the row's pairing: make one and name it.
            example[position] = records.cell(model_field, records.values(slug, pairing)[field])
    filled = workbook(tmp_path / "example.xlsx", sheet.title, header, example)

    out = run("import_records", str(filled), "--dry-run", "--no-progress")

    assert "新增 1 条" in out and "拒绝 0 行" in out


@pytest.mark.parametrize("slug", SLUGS)
def test_it_names_the_row_and_column_of_a_bad_cell_and_writes_nothing(slug, build, tmp_path):
    sheet, header = template_header(tmp_path, slug)
    pairing = build.pairing("通用错误甲区", "通用错误乙县")
    good = records.row(slug, header, records.values(slug, pairing))
    bad = list(records.row(slug, header, records.values(slug, pairing)))
    rt = records.record_type(slug)
    # A required column left empty, or (for a type whose fields are all optional but the
    # pairing) a pairing no one has.
    columns = IMPORTERS[rt.kind].importable()
    required = [c for c in columns if c.required and c.field != "pairing"]
    target = required[0] if required else columns[0]
    position = header.index(target.header)
    bad[position] = "" if required else "没有这个结对关系"
    path = workbook(tmp_path / "bad.xlsx", sheet, header, good, bad)
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_records", str(path), "--no-progress", stdout=io.StringIO(), stderr=err)

    assert f"\t3\t{target.header}\t" in err.getvalue()
    assert not rt.model.objects.filter(pairing=pairing).exists()


@pytest.mark.parametrize("slug", SLUGS)
def test_it_refuses_money_in_a_bad_shape_in_chinese(slug, build, tmp_path):
    money = [f for f in records.model_fields(slug) if isinstance(f, MoneyField)]
    sheet, header = template_header(tmp_path, slug)
    pairing = build.pairing("通用金额甲区", "通用金额乙县")
    bad = records.row(slug, header, records.values(slug, pairing))
    rt = records.record_type(slug)
    column = IMPORTERS[rt.kind].column(money[0].name) if money else None
    if column is not None:
        bad[header.index(column.header)] = "一百万"
    path = workbook(tmp_path / "money.xlsx", sheet, header, bad)
    err = io.StringIO()
    if column is None:
        assert "新增 1 条" in run("import_records", str(path), "--dry-run", "--no-progress")
        return
    with pytest.raises(CommandError):
        call_command("import_records", str(path), "--no-progress", stdout=io.StringIO(), stderr=err)
    assert f"\t2\t{column.header}\t" in err.getvalue()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("slug", SLUGS)
def test_it_reads_back_what_it_exports(slug, fmt, build, tmp_path):
    pairing = build.pairing("通用往返甲区", "通用往返乙县")
    made = [records.make(slug, pairing) for _ in range(2)]
    before = stored(slug, pairing)
    path = tmp_path / f"export.{fmt}"
    run(
        "export_records", kind_of(slug), "--format", fmt, "-o", str(path), "--pairing", str(pairing)
    )

    out = run("import_records", str(path), "--no-progress")

    rt = records.record_type(slug)
    after = stored(slug, pairing)
    if rt.pages and rt.pages.key:
        assert f"新增 0 条，修改 0 条，未变 {len(made)} 条" in out
        assert after == before
    else:
        # No key: every row is a record of its own, with the values it was exported with.
        assert f"新增 {len(made)} 条" in out
        assert after == before + before


@pytest.fixture
def keyed():
    """The type, declared with a key if it has none (the pairing and its first text field):
    what a type with a key does, whichever types are declared."""
    with contextlib.ExitStack() as stack:

        def declare(slug: str) -> record_types.RecordType:
            rt = records.record_type(slug)
            assert rt.pages is not None
            if rt.pages.key:
                return rt
            text = next(
                f.name
                for f in records.model_fields(slug)
                if isinstance(f, models.CharField) and not f.choices and not f.blank
            )
            pages = dataclasses.replace(rt.pages, key=("pairing", text))
            return stack.enter_context(
                record_types.registered(dataclasses.replace(rt, pages=pages))
            )

        yield declare


@pytest.mark.parametrize("slug", SLUGS)
def test_it_updates_the_record_a_row_names_by_its_key(slug, build, tmp_path, keyed):
    rt = keyed(slug)
    pairing = build.pairing("通用更新甲区", "通用更新乙县")
    record = records.make(slug, pairing)
    sheet, header = template_header(tmp_path, slug)
    changed = records.values(slug, pairing)
    for name in rt.pages.key:
        changed[name] = getattr(record, name)
    path = workbook(tmp_path / "again.xlsx", sheet, header, records.row(slug, header, changed))

    out = run("import_records", str(path), "--no-progress")

    assert "新增 0 条" in out and "修改 1 条" in out
    assert rt.model.objects.filter(pairing=pairing).count() == 1
    record.refresh_from_db()
    for name, value in changed.items():
        assert getattr(record, name) == value, name


@pytest.mark.parametrize("slug", SLUGS)
def test_it_refuses_the_same_key_twice_in_one_file(slug, build, tmp_path, keyed):
    rt = keyed(slug)
    pairing = build.pairing("通用重复甲区", "通用重复乙县")
    sheet, header = template_header(tmp_path, slug)
    first = records.values(slug, pairing)
    second = {**records.values(slug, pairing), **{k: first[k] for k in rt.pages.key}}
    path = workbook(
        tmp_path / "twice.xlsx",
        sheet,
        header,
        records.row(slug, header, first),
        records.row(slug, header, second),
    )
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_records", str(path), "--no-progress", stdout=io.StringIO(), stderr=err)

    assert "与第2行是同一条记录" in err.getvalue()
    assert not rt.model.objects.filter(pairing=pairing).exists()


@pytest.mark.parametrize("slug", SLUGS)
def test_it_exports_with_the_lists_year_and_text_filters(slug, build, tmp_path):
    rt = records.record_type(slug)
    listing = rt.listing
    assert listing is not None
    pairing = build.pairing("通用筛选甲区", "通用筛选乙县")
    record = records.make(slug, pairing)
    other = records.make(slug, pairing)

    def exported(*filters: str) -> int:
        path = tmp_path / "filtered.csv"
        out = run("export_records", rt.kind, "-o", str(path), "--pairing", str(pairing), *filters)
        return int(out.split("已导出 ")[1].split(" ")[0])

    assert exported() == 2
    if listing.year_field:
        year = getattr(record, listing.year_field)
        year = getattr(year, "year", year)
        assert exported("--year", str(year)) == 2
        assert exported("--year", str(year + 1)) == 0
    if listing.search:
        words = str(records.lookup(record, listing.search[0]))
        assert words != str(records.lookup(other, listing.search[0]))
        assert exported("--q", words) == 1


def test_it_lists_the_kinds_with_pages_in_the_import_help(capsys):
    with pytest.raises(SystemExit):
        call_command("import_records", "--help")
    out = capsys.readouterr().out
    for rt in record_types.with_pages():
        if rt.kind:
            assert rt.kind in out


def test_it_makes_a_column_for_every_kind_of_field():
    """What the assessment's types hold, whichever of them are declared on this ledger."""

    def field(model_field: models.Field, name: str) -> models.Field:
        model_field.set_attributes_from_name(name)
        return model_field

    where = generic.column_for(
        field(models.ForeignKey(Region, models.PROTECT, verbose_name="地点", help_text="县"), "at")
    )
    unit = generic.column_for(field(models.ForeignKey(Organisation, models.PROTECT), "unit"))
    landed = generic.column_for(field(models.BooleanField("已落地", default=False), "landed"))
    area = generic.column_for(
        field(models.DecimalField("面积", max_digits=9, decimal_places=2), "a")
    )
    code = generic.column_for(field(models.CharField("编号", max_length=20), "code"))
    agreed = generic.column_for(
        field(MoneyField("协议投资（元）", null=True, blank=True), "agreed")
    )

    assert (where.header, where.note, where.required) == ("地点", "县", True)
    assert unit.required and str(unit.note) == "已登记的单位名称"
    assert landed.clean("是", None, {}) is True and landed.clean("否", None, {}) is False
    assert area.clean("12.5", None, {}) == Decimal("12.50")
    assert code.clean(20230001.0, None, {}) == "20230001"
    assert agreed.header == "协议投资（元）" and agreed.clean("", None, {}) is None

"""The blank templates of the eight kinds with importers of their own (projects, funds,
persons, postings, events, agreements, tasks, targets), from `pairaid template` and from the
import page: one column per importable column in the importer's order, required headers
marked, a notes row saying 必填/选填 and how to fill each column, an example row, a dropdown
of every choice list with exactly the labels an import accepts; the pairing dropdown holds only
the pairings the user may see. A template returned unfilled imports nothing, and its example
row — with the references it names made first — is a valid record.

(The kinds declared with generic pages are covered by tests/test_exchange_generic.py.)"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import exchange_files as files
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from pairaid.exchange.columns import ChoiceColumn
from pairaid.exchange.specs import IMPORTERS
from pairaid.ledger.models import Pairing, Person

KINDS = ("projects", "funds", "persons", "postings", "events", "agreements", "tasks", "targets")


def template_of(kind: str, tmp_path: Path, *options: str) -> Worksheet:
    path = tmp_path / f"{kind}-template.xlsx"
    out = io.StringIO()
    call_command("template", kind, "-o", str(path), *options, stdout=out)
    assert f"已生成{IMPORTERS[kind].label}导入模板：{path}" in out.getvalue()
    return load_workbook(path).worksheets[0]


def validations(sheet: Worksheet) -> dict[str, Any]:
    """Each validated column's letter: its validation."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for ranges in validation.sqref.ranges:
            found[ranges.coord.split(":")[0].rstrip("0123456789")] = validation
    return found


def options_of(sheet: Worksheet, validation: Any) -> list[str]:
    """The list a validation offers, inline or on the hidden options sheet."""
    formula = validation.formula1
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    options_sheet = sheet.parent["选项"]
    letter = formula.split("!$")[1].split("$")[0]
    values = [cell.value for cell in options_sheet[letter]]
    return [str(value) for value in values[1:] if value is not None]


@pytest.mark.parametrize("kind", KINDS)
def test_it_heads_each_column_in_the_importers_order_marking_the_required(kind, db, tmp_path):
    sheet = template_of(kind, tmp_path)
    columns = IMPORTERS[kind].importable()

    assert sheet.title == str(IMPORTERS[kind].label)[:31]
    assert [cell.value for cell in sheet[1]] == [column.header for column in columns]
    for cell, column in zip(sheet[1], columns, strict=True):
        red = cell.font.color is not None and cell.font.color.rgb == "00C00000"
        assert cell.font.b and red is column.required, column.header
    notes = [cell.value for cell in sheet[2]]
    assert notes[0].startswith("【说明】") and str(sheet["A3"].value).startswith("【示例】")
    for note, column in zip(notes, columns, strict=True):
        assert ("必填" if column.required else "选填") in note, column.header
    assert sheet.freeze_panes == "A2"


@pytest.mark.parametrize("kind", KINDS)
def test_it_offers_every_choice_an_import_accepts_and_no_other(kind, db, tmp_path):
    sheet = template_of(kind, tmp_path)
    found = validations(sheet)
    for position, column in enumerate(IMPORTERS[kind].importable(), start=1):
        if not isinstance(column, ChoiceColumn):
            continue
        letter = sheet.cell(row=1, column=position).column_letter
        validation = found[letter]
        labels = [str(label) for value, label in column.choices.choices if value != ""]
        assert options_of(sheet, validation) == labels, column.header
        assert validation.errorStyle == "stop" and validation.allow_blank is not column.required
        assert str(validation.sqref).startswith(f"{letter}3:")


@pytest.mark.parametrize("kind", ["funds", "events", "tasks"])
def test_it_offers_only_the_pairings_the_user_may_see(kind, personas, tmp_path):
    sheet = template_of(kind, tmp_path, "--user", "jiangyang")
    letter = sheet.cell(row=1, column=[c.value for c in sheet[1]].index("结对关系") + 1)
    offered = options_of(sheet, validations(sheet)[letter.column_letter])

    assert "江阳区→盐源县" in offered
    assert "龙马潭区→普格县" not in offered
    assert sheet.cell(row=3, column=letter.column).value.removeprefix("【示例】") in offered


@pytest.mark.parametrize("kind", KINDS)
def test_an_unfilled_template_is_refused_as_having_no_rows(kind, db, tmp_path):
    """The notes and example rows are skipped: a template sent back as it came holds nothing
    to import, and says so rather than report an empty success."""
    sheet = template_of(kind, tmp_path)
    path = tmp_path / f"{kind}-template.xlsx"

    table = files.refused(path, "--dry-run")

    assert f"{sheet.title}\t2\t\t文件中没有数据行" in table


def example_row(sheet: Worksheet) -> tuple[list[str], list[Any]]:
    header = [cell.value for cell in sheet[1]]
    example = [cell.value for cell in sheet[3]]
    example[0] = str(example[0]).removeprefix("【示例】")
    return header, example


@pytest.mark.parametrize("kind", KINDS)
def test_its_example_row_is_a_valid_record(kind, build, tmp_path):
    pairing = build.pairing("模板示例甲区", "模板示例乙县", valid_from=dt.date(2016, 1, 1))
    header, example = example_row(template_of(kind, tmp_path))
    if "结对关系" in header:
        example[header.index("结对关系")] = str(pairing)
    if kind == "postings":  # a posting names a person already in the list
        number = str(example[header.index("人员编号")])
        if not Person.objects.filter(number=number).exists():
            build.person("模板示例", number=number)
    if kind == "projects":  # the example's village lies in the demo's county: take ours
        example[header.index("实施地点")] = pairing.recipient_region.name
    if kind == "funds" and "项目编号" in header:  # an allocation or spending names its project
        number = example[header.index("项目编号")]
        if number:
            build.project(pairing, code=str(number))
    if kind == "persons":
        example[header.index("人员编号")] = "模板示例-1"
    path = files.write_rows(tmp_path / f"{kind}-example.xlsx", [header, example])

    summary = files.import_(path, "--dry-run")

    assert files.counts(summary)["added"] == 1, summary
    assert "校验通过（试运行，未写入）" in summary


@pytest.mark.parametrize("kind", ["projects", "targets"])
def test_the_page_gives_the_same_template(kind, client, personas, tmp_path):
    client.force_login(personas.jiangyang)
    response = client.get(reverse("exchange:template", args=[kind]))
    downloaded = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    written = template_of(kind, tmp_path, "--user", "jiangyang")

    assert response.status_code == 200 and ".xlsx" in response["Content-Disposition"]
    for row in (1, 2, 3):
        assert [c.value for c in downloaded[row]] == [c.value for c in written[row]]


def test_it_names_the_kinds_it_knows_for_one_it_does_not(db, tmp_path, client, personas):
    with pytest.raises(CommandError) as refused:
        call_command("template", "没有的类型", "-o", str(tmp_path / "x.xlsx"), stdout=io.StringIO())
    assert "没有的类型" in str(refused.value) and "projects" in str(refused.value)
    assert not (tmp_path / "x.xlsx").exists()

    client.force_login(personas.jiangyang)
    assert client.get(reverse("exchange:template", args=["没有的类型"])).status_code == 404
    assert client.get(reverse("exchange:export", args=["没有的类型"])).status_code == 404


def test_an_anonymous_visitor_gets_no_template(client, db):
    response = client.get(reverse("exchange:template", args=["funds"]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert Pairing.objects.exists()

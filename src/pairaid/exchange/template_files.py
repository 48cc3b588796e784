"""Blank templates to fill in: one sheet per record type with Chinese headers, a notes
row, an example row and dropdowns (data validation) for enumerations, pairings, regions
and organisations. The notes and example rows start with 【 and are skipped on import."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from pairaid.exchange.cells import neutralise
from pairaid.exchange.columns import ChoiceColumn, Column
from pairaid.exchange.specs import Context, get_importer
from pairaid.lib.text import xml_safe

OPTIONS_SHEET = "选项"
# Excel's limit for a list typed into the validation itself; longer lists go to a sheet.
INLINE_LIST_LIMIT = 250
LAST_ROW = 10000


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def write_template(kind: str, target: str | Path | IO[bytes], *, user: Any = None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

    importer = get_importer(kind)
    context = Context(user=user)
    columns: list[Column] = importer.importable()
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = str(importer.label)[:31]
    options_sheet = workbook.create_sheet(OPTIONS_SHEET)
    options_sheet.sheet_state = "hidden"

    pairings = context.pairing_names()
    required_font = Font(bold=True, color="C00000")
    plain_font = Font(bold=True)
    notes_font = Font(italic=True, color="666666", size=9)
    notes_fill = PatternFill("solid", fgColor="F2F2F2")
    example_font = Font(color="1F4E79")
    options_column = 0
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = max(column.width, 12)
        header = sheet.cell(row=1, column=position, value=column.header)
        header.font = required_font if column.required else plain_font
        note = column.describe()
        if position == 1:
            note = _("【说明】此行与下一行（示例）导入时忽略。") + note
        notes = sheet.cell(row=2, column=position, value=note)
        notes.font, notes.fill = notes_font, notes_fill
        notes.alignment = Alignment(wrap_text=True, vertical="top")
        example = column.example
        if column.field == "pairing" and pairings:
            example = pairings[-1]
        if position == 1:
            example = "【示例】" + ("" if example is None else str(example))
        cell = sheet.cell(row=3, column=position, value=example)
        cell.font = example_font

        options = column.options(context)
        if not options:
            continue
        options = [xml_safe(option) for option in options]
        inline = ",".join(options)
        if len(inline) <= INLINE_LIST_LIMIT and '"' not in inline and "," not in "".join(options):
            formula = f'"{inline}"'
        else:
            options_column += 1
            target_letter = get_column_letter(options_column)
            options_sheet.cell(row=1, column=options_column, value=column.header)
            for index, option in enumerate(options, start=2):
                options_sheet.cell(row=index, column=options_column, value=neutralise(option))
            formula = (
                f"{_quoted(OPTIONS_SHEET)}!${target_letter}$2:${target_letter}${len(options) + 1}"
            )
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=not column.required,
            showErrorMessage=True,
            # Enumerations must come from the list; a region may also be typed as a code.
            errorStyle="stop" if isinstance(column, ChoiceColumn) else "warning",
            errorTitle=_("请从列表中选择"),
            error=_("“%(header)s”请从下拉列表中选择") % {"header": column.header},
        )
        sheet.add_data_validation(validation)
        validation.add(f"{letter}3:{letter}{LAST_ROW}")
    sheet.row_dimensions[2].height = 48
    sheet.freeze_panes = "A2"
    workbook.save(target)

"""The templates to fill in: one workbook with an instructions sheet and a sheet per kind of record.

Header cells are styled (required columns in red) and carry a note; choice columns get drop-down lists;
number columns are preformatted as text, so Excel keeps all 18 digits of an ID number.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.comments import Comment  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped, unused-ignore]

from gridgov.people.excel.columns import INSTRUCTIONS, INSTRUCTIONS_TITLE, SHEETS, SheetSpec

# Rows that get the drop-down lists: far more than one grid's population.
PREPARED_ROWS = 20_000
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)
FILE_NAMES = {
    "all": "人口信息导入模板",
    "buildings": "楼栋导入模板",
    "households": "户导入模板",
    "residents": "居民导入模板",
}


def _instructions(wb: Any) -> None:
    ws = wb.create_sheet(INSTRUCTIONS_TITLE)
    ws.column_dimensions["A"].width = 120
    for number, line in enumerate(INSTRUCTIONS, start=1):
        cell = ws.cell(row=number, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if number == 1:
            cell.font = Font(bold=True, size=14)


def _sheet(wb: Any, spec: SheetSpec) -> None:
    ws = wb.create_sheet(spec.title)
    ws.freeze_panes = "A2"
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.fill = HEADER_FILL
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if column.note:
            cell.comment = Comment(column.note, "gridgov", width=220, height=80)
        ws.column_dimensions[letter].width = column.width
        body = f"{letter}2:{letter}{PREPARED_ROWS + 1}"
        if column.choices:
            listed = ",".join(column.choices)
            validation = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
            validation.error = "请从下拉列表中选择。"
            validation.errorTitle = column.header
            validation.showErrorMessage = True
            ws.add_data_validation(validation)
            validation.add(body)
        # A column style, not styled cells: empty styled rows would be rows the importer has to read.
        if column.kind in ("document", "phone", "text"):
            ws.column_dimensions[letter].number_format = "@"
        elif column.kind == "date":
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"


def template_bytes(kind: str = "all") -> bytes:
    """The template workbook: every sheet (`all`) or the one for buildings, households or residents."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    _instructions(wb)
    for spec in SHEETS:
        if kind in ("all", spec.kind):
            _sheet(wb, spec)
    wb.active = 1
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

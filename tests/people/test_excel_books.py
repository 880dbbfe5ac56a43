"""Workbooks for the Excel tests, built with openpyxl in the test; and the downloadable templates."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped, unused-ignore]

from gridgov.people.excel.blank import template_bytes
from gridgov.people.excel.columns import BUILDINGS, HOUSEHOLDS, RESIDENTS, SHEETS
from tests.people import factories as f

GRID1 = "331081001001001"
GRID2 = "331081001001002"


def resident(name: str = "林大娘", number: Any = f.LIN_DANIANG_ID, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "姓名": name,
        "证件类型": "居民身份证",
        "证件号码": number,
        "联系电话": "13800001234",
        "与户主关系": "户主",
        "户籍/流动": "户籍",
        "楼栋": "9幢",
        "单元": "4单元",
        "房号": "201",
        "入住日期": dt.date(2015, 5, 1),
    }
    row.update(extra)
    return row


def building(name: str = "9幢", **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"网格编码": GRID1, "楼栋名称": name, "地址": f"东辉小区{name}", "层数": 18}
    row.update(extra)
    return row


def book(sheets: dict[str, list[dict[str, Any]]], headers: dict[str, list[str]] | None = None) -> bytes:
    """A workbook with the given sheets: rows as {header: value}, headers in template order."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    specs = {s.title: s for s in SHEETS}
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        names = (headers or {}).get(title) or specs[title].headers
        ws.append(names)
        for row in rows:
            ws.append([row.get(h) for h in names])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def save(tmp_path: Path, content: bytes, name: str = "居民.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_template_has_every_sheet_with_headers_lists_and_text_columns() -> None:
    wb = load_workbook(BytesIO(template_bytes()))
    assert wb.sheetnames == ["说明", "楼栋", "户", "居民"]
    for spec in (BUILDINGS, HOUSEHOLDS, RESIDENTS):
        ws = wb[spec.title]
        assert [c.value for c in ws[1]] == spec.headers
        assert ws.max_row == 1  # nothing below the header for the importer to trip over
    residents = wb["居民"]
    lists = {str(v.sqref).split(":")[0][:-1]: v.formula1 for v in residents.data_validations.dataValidation}
    assert "男" in lists["D"] and "流动" in lists["H"]
    assert residents.column_dimensions["C"].number_format == "@"  # document numbers stay text
    assert residents["A1"].font.color.rgb.endswith("C00000")  # a required column


def test_single_kind_template() -> None:
    wb = load_workbook(BytesIO(template_bytes("buildings")))
    assert wb.sheetnames == ["说明", "楼栋"]

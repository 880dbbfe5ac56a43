"""What went wrong, for people: lines for the command line and an error workbook to download.

The error workbook lists every problem on a summary sheet and repeats each failing row as it was
typed, with the failing cells highlighted and an error column; the importer skips that column, so the
corrected sheet can be imported as it is.
"""

from __future__ import annotations

from io import BytesIO
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped, unused-ignore]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

from gridgov.people.excel.columns import ERROR_COLUMN, ROW_NUMBER
from gridgov.people.excel.plan import Plan
from gridgov.people.excel.reader import Problem

SUMMARY_TITLE = "错误汇总"
BAD = PatternFill("solid", fgColor="FFC7CE")
HEADER = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
RED = Font(color="9C0006")
WRAP = Alignment(wrap_text=True, vertical="top")


COUNT_LABELS = {
    "buildings_created": gettext_lazy("buildings created"),
    "buildings_existing": gettext_lazy("buildings already there"),
    "households_created": gettext_lazy("households created"),
    "residents_created": gettext_lazy("residents registered"),
    "residents_updated": gettext_lazy("residents updated"),
    "residents_moved": gettext_lazy("residents moved"),
    "residents_unchanged": gettext_lazy("residents unchanged"),
    "registrations_added": gettext_lazy("residence registrations added"),
}


def counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{COUNT_LABELS.get(key, key)} {value:,}" for key, value in counts.items())


def where(problem: Problem) -> str:
    parts = [problem.sheet] if problem.sheet else []
    if problem.row:
        parts.append(_("row %(row)d") % {"row": problem.row})
    if problem.column:
        parts.append(problem.column)
    return " ".join(parts)


def lines(plan: Plan, limit: int | None = None) -> list[str]:
    shown = plan.problems if limit is None else plan.problems[:limit]
    out = [f"{where(p)}: {p.message}" if where(p) else p.message for p in shown]
    if limit is not None and len(plan.problems) > limit:
        out.append(
            _("… and %(count)d more problems: see the error sheet.") % {"count": len(plan.problems) - limit}
        )
    return out


def _cell(ws: Any, value: Any, *, fill: Any = None, font: Any = None) -> Any:
    if hasattr(value, "text"):  # array formulas and the like: show what was typed
        value = value.text
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # "=SUM(A1)" or "#N/A" as typed, not re-evaluated
    if fill is not None:
        cell.fill = fill
    if font is not None:
        cell.font = font
    return cell


def write(plan: Plan, target: IO[bytes]) -> None:
    wb = Workbook(write_only=True)
    summary = wb.create_sheet(SUMMARY_TITLE)
    summary.column_dimensions["A"].width = 10
    summary.column_dimensions["B"].width = 8
    summary.column_dimensions["C"].width = 14
    summary.column_dimensions["D"].width = 90
    summary.append([_cell(summary, h, fill=HEADER, font=BOLD) for h in ("工作表", "行号", "列", "问题")])
    for p in plan.problems:
        summary.append([p.sheet, p.row, p.column or "", p.message])
    for title, bad in plan.bad_rows.items():
        headers = plan.headers.get(title, [])
        ws = wb.create_sheet(title)
        for position in range(len(headers) + 2):
            ws.column_dimensions[_letter(position)].width = 16
        ws.column_dimensions[_letter(len(headers) + 1)].width = 60
        ws.freeze_panes = "A2"
        ws.append(
            [_cell(ws, h, fill=HEADER, font=BOLD) for h in headers]
            + [_cell(ws, ROW_NUMBER, fill=HEADER, font=BOLD), _cell(ws, ERROR_COLUMN, fill=BAD, font=BOLD)]
        )
        for row, errors in bad:
            notes = []
            for index, messages in errors.items():
                label = headers[index] if index is not None and index < len(headers) else ""
                notes += [f"{label}：{m}" if label else m for m in messages]
            cells = [
                _cell(ws, row.values[i] if i < len(row.values) else None, fill=BAD if i in errors else None)
                for i in range(len(headers))
            ]
            error_cell = _cell(ws, "；\n".join(notes), font=RED)
            error_cell.alignment = WRAP
            ws.append([*cells, row.number, error_cell])
    wb.save(target)


def workbook_bytes(plan: Plan) -> bytes:
    buffer = BytesIO()
    write(plan, buffer)
    return buffer.getvalue()


def _letter(index: int) -> str:
    return str(get_column_letter(index + 1))

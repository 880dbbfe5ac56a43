"""Streaming reader of uploaded workbooks: sheets, their header row, and rows one at a time.

openpyxl's read-only mode keeps memory flat, but its public row iterator pads every gap with empty
rows (a stray cell at row 1,000,010 means a million empty tuples), hides formulas' cell types behind
values, and drops merged cells. Its sheet parser, which that iterator wraps, gives all three in the same
single pass: only rows present in the file, each cell's data type, and the merge list. openpyxl is
pinned (constraints.txt), and tests/people/test_excel_import.py exercises every path used here.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]
from openpyxl.worksheet._reader import WorkSheetParser  # type: ignore[import-untyped, unused-ignore]

from gridgov.people.excel.cells import formula_message, is_blank
from gridgov.people.excel.columns import IGNORED_HEADERS, INSTRUCTIONS_TITLE, SHEETS, SheetSpec

# A run of this many empty rows ends a sheet: enough for blank lines between blocks of data, few enough
# that a sheet padded to a million rows is dismissed in a moment.
EMPTY_RUN = 1_000
MAX_ROWS = 100_000  # data rows per sheet: about 150 MB of checked rows held for the one transaction
_SKIPPED_TITLES = {INSTRUCTIONS_TITLE, "错误汇总"}
_SPACES = re.compile(r"[\s\u3000]+")


class WorkbookError(Exception):
    """The file as a whole cannot be read; nothing in it is imported."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str | None
    message: str


@dataclass(slots=True)
class Row:
    number: int
    values: list[Any]
    types: list[str]


@dataclass
class Sheet:
    title: str
    spec: SheetSpec | None
    headers: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)  # field name -> column index
    max_row: int | None = None
    problems: list[Problem] = field(default_factory=list)
    _ws: Any = None
    _rows: Iterator[tuple[int, list[dict[str, Any]]]] | None = None
    _parser: Any = None

    def problem(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.problems.append(Problem(self.title, row, column, message))


def normalise_header(value: Any) -> str:
    return _SPACES.sub("", str(value)).strip("*＊") if value is not None else ""


def _check_signature(head: bytes) -> None:
    if head.startswith(b"PK\x03\x04"):
        return
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # The OLE container holds both old .xls files and password-protected .xlsx files.
        raise WorkbookError(
            _(
                "This is an old-style .xls file or a password-protected workbook. Save it as an Excel "
                "workbook (.xlsx) without a password and upload that."
            )
        )
    if not head:
        raise WorkbookError(_("The file is empty."))
    raise WorkbookError(_("This is not an Excel workbook (.xlsx), whatever its name says."))


def damaged() -> WorkbookError:
    return WorkbookError(
        _("The file is damaged or incomplete (perhaps cut off while copying). Save it again from Excel.")
    )


def open_workbook(source: Path | IO[bytes]) -> Any:
    if isinstance(source, Path):
        with source.open("rb") as handle:
            _check_signature(handle.read(8))
    else:
        _check_signature(source.read(8))
        source.seek(0)
    try:
        return load_workbook(source, read_only=True, data_only=False)
    except zipfile.BadZipFile:
        raise damaged() from None
    except Exception:  # any parse failure of an untrusted file means the same thing to its sender
        raise damaged() from None


def _spec_for(title: str, headers: list[str]) -> SheetSpec | None:
    for spec in SHEETS:
        if spec.title == title:
            return spec
    # A renamed sheet (Sheet1) is recognised by its headers when they clearly match one template.
    scores = [(len(set(headers) & set(spec.headers)), spec) for spec in SHEETS]
    best, spec = max(scores, key=lambda s: s[0])
    return spec if best >= 3 else None


def _parse(wb: Any, ws: Any) -> tuple[Any, Iterator[tuple[int, list[dict[str, Any]]]]]:
    source = ws._get_source()
    parser = WorkSheetParser(
        source,
        ws._shared_strings,
        data_only=False,
        epoch=wb.epoch,
        date_formats=wb._date_formats,
        timedelta_formats=wb._timedelta_formats,
    )
    return parser, parser.parse()


def sheets(wb: Any) -> list[Sheet]:
    """The workbook's data sheets with their header rows read and checked, in template order."""
    found: list[Sheet] = []
    try:
        for ws in wb.worksheets:
            if ws.title in _SKIPPED_TITLES:
                continue
            parser, rows = _parse(wb, ws)
            first = next(rows, None)
            if first is None:
                continue  # an empty sheet (Excel's Sheet2, Sheet3) is no problem
            number, cells = first
            values = {c["column"]: c for c in cells}
            width = max((c for c in values if not is_blank(values[c]["value"])), default=0)
            headers = [
                normalise_header(values[i]["value"]) if i in values else "" for i in range(1, width + 1)
            ]
            sheet = Sheet(ws.title, _spec_for(ws.title, headers), headers, _ws=ws, _rows=rows, _parser=parser)
            sheet.max_row = ws.max_row if isinstance(ws.max_row, int) else None
            _check_headers(sheet, number, values)
            found.append(sheet)
    except WorkbookError:
        raise
    except Exception:
        raise damaged() from None
    order = {spec.kind: i for i, spec in enumerate(SHEETS)}
    return sorted(found, key=lambda s: order[s.spec.kind] if s.spec else -1)


def _check_headers(sheet: Sheet, number: int, cells: dict[int, dict[str, Any]]) -> None:
    spec = sheet.spec
    if spec is None:
        sheet.problem(
            _("Unknown sheet: name it 楼栋, 户 or 居民 and use the template's column headers."),
        )
        return
    if number != 1:
        sheet.problem(_("The first row must hold the column headers, as in the template."), row=1)
        return
    known = {c.header: c for c in spec.columns}
    for index, header in enumerate(sheet.headers):
        letter = get_column_letter(index + 1)
        if cells.get(index + 1, {}).get("data_type") == "f":
            sheet.problem(formula_message(), row=1, column=letter)
        elif not header or header in IGNORED_HEADERS:
            continue
        elif header not in known:
            sheet.problem(
                _("Unknown column “%(header)s”. The columns of this sheet are: %(headers)s.")
                % {"header": header, "headers": "、".join(spec.headers)},
                row=1,
                column=letter,
            )
        elif known[header].field in sheet.positions:
            sheet.problem(_("Column “%(header)s” appears twice.") % {"header": header}, row=1, column=letter)
        else:
            sheet.positions[known[header].field] = index
    for column in spec.columns:
        if column.required and column.field not in sheet.positions:
            sheet.problem(
                _("The required column “%(header)s” is missing.") % {"header": column.header}, row=1
            )


def rows(sheet: Sheet) -> Iterator[Row]:
    """The sheet's data rows below the header, without empty ones; stops at a long run of empty rows."""
    assert sheet._rows is not None
    width = len(sheet.headers)
    last_content = 1
    count = 0
    reported_headerless = False
    try:
        for number, cells in sheet._rows:
            values: list[Any] = [None] * width
            types = ["n"] * width
            content = False
            for cell in cells:
                value = cell["value"]
                if is_blank(value) and cell["data_type"] != "f":
                    continue
                content = True
                index = cell["column"] - 1
                if index >= width:
                    if not reported_headerless:
                        reported_headerless = True
                        letter = get_column_letter(index + 1)
                        sheet.problem(
                            _("Column %(column)s has values but no header.") % {"column": letter},
                            row=number,
                            column=letter,
                        )
                    continue
                values[index], types[index] = value, cell["data_type"]
            if not content:
                if number - last_content > EMPTY_RUN:
                    _stopped(sheet, last_content, number)
                    return
                continue
            if number - last_content > EMPTY_RUN:
                sheet.problem(
                    _(
                        "Row %(row)d comes after %(empty)s empty rows; reading stopped at row %(stop)d. "
                        "Delete the empty rows, or the stray cells far below the data, and import again."
                    )
                    % {
                        "row": number,
                        "empty": f"{number - last_content - 1:,}",
                        "stop": last_content + EMPTY_RUN,
                    },
                    row=number,
                )
                return
            last_content = number
            count += 1
            if count > MAX_ROWS:
                sheet.problem(
                    _("The sheet has more than %(max)s rows: split it into several files.")
                    % {"max": f"{MAX_ROWS:,}"},
                    row=number,
                )
                return
            yield Row(number, values, types)
    except Exception:  # only the parser runs in here: a broken sheet, whatever openpyxl raises for it
        raise damaged() from None
    _merged(sheet)


def _stopped(sheet: Sheet, last_content: int, number: int) -> None:
    if sheet.max_row is not None and sheet.max_row <= number:
        return
    sheet.problem(
        _(
            "Reading stopped at row %(stop)d after %(empty)s empty rows, but the sheet goes on to row "
            "%(end)s. Delete the empty rows (or move the data up) and import again."
        )
        % {"stop": number, "empty": f"{EMPTY_RUN:,}", "end": f"{sheet.max_row:,}" if sheet.max_row else "?"},
        row=number,
    )


def _merged(sheet: Sheet) -> None:
    merged = getattr(sheet._parser, "merged_cells", None)
    ranges = [str(m.ref) for m in getattr(merged, "mergeCell", None) or []]
    for ref in ranges:
        start = ref.split(":")[0]
        row = int(re.sub(r"[A-Z$]", "", start) or 0) or None
        sheet.problem(
            _("Cells %(range)s are merged: unmerge them and fill in every cell.") % {"range": ref},
            row=row,
            column=re.sub(r"[0-9$]", "", start),
        )

"""The workbook parsed in a child process (gridgov.people.excel.streamed): the same plan, problems and
messages as reading it in the importing process, for good and bad files alike; the child is always gone
afterwards, also when the importing process stops half-way."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import zipfile
from io import BytesIO
from typing import Any

import pytest
from django.utils import translation
from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]

from gridgov.people.excel.importer import acting_for, import_workbook, validate_workbook
from gridgov.people.excel.plan import Plan
from gridgov.people.models import Resident
from tests.factories import Personas
from tests.people import factories as f
from tests.people.test_excel_books import book, building, resident
from tests.people.test_excel_import import TANG_FLOATING


def _cut(content: bytes) -> bytes:
    """The workbook with its first sheet cut off in the middle of its rows."""
    broken = BytesIO()
    with zipfile.ZipFile(BytesIO(content)) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) * 2 // 3]
            target.writestr(item, data)
    return broken.getvalue()


def _sheet(rows: list[dict[str, Any]], edit: Any = None) -> bytes:
    wb = Workbook()
    ws: Any = wb.active
    ws.title = "居民"
    headers = list(dict.fromkeys([*resident(), *TANG_FLOATING]))
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    if edit is not None:
        edit(ws)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _many(count: int, bad_every: int = 0) -> list[dict[str, Any]]:
    people = []
    for i in range(count):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=i)
        number = _id(birth, i % 1000)
        if bad_every and i % bad_every == 0:
            number = number[:-1] + ("0" if number[-1] != "0" else "1")  # a wrong check character
        people.append(resident(f"居民{i}", number, **(TANG_FLOATING if i % 7 == 0 else {})))
    return people


def _id(birth: dt.date, sequence: int) -> str:
    from gridgov.bench.import_bench import fictional_id

    return fictional_id(birth, sequence)


def _merged(ws: Any) -> None:
    ws.merge_cells("G2:G3")


def _stray(ws: Any) -> None:
    ws.cell(row=2, column=30, value="no header")  # a value beyond the headers
    ws.cell(row=3_000, column=1, value="far below")  # after more than a thousand empty rows


def _other(ws: Any) -> None:
    other = ws.parent.create_sheet("备忘")
    other.append(["甲", "乙"])
    other.append([1, 2])


def _headers(ws: Any) -> None:
    ws["C1"] = "身份证号"


BOOKS = {
    "every sheet": lambda: book(
        {
            "楼栋": [building(), building("10幢", 网格编码=None, 经度=121.366, 纬度=28.364, 层数=6)],
            "户": [{"楼栋名称": "10幢", "单元": "1单元", "房号": "101"}],
            "居民": [resident(), resident("唐女士", f.TANG_ID, **TANG_FLOATING)],
        }
    ),
    "many rows, some bad": lambda: _sheet(_many(1_300, bad_every=97)),
    "merged": lambda: _sheet(_many(3), _merged),
    "stray cells": lambda: _sheet(_many(3), _stray),
    "wrong headers": lambda: _sheet(_many(2), _headers),
    "unknown sheet": lambda: _sheet(_many(2), _other),
    "cut off": lambda: _cut(_sheet(_many(400))),
    "not a zip": lambda: b"PK\x03\x04" + b"\x00" * 200,
    "csv": lambda: "姓名,证件号码\n林大娘,1\n".encode(),
    "no data": lambda: book({"居民": []}),
}


def _seen(plan: Plan) -> dict[str, Any]:
    return {
        "problems": [(p.sheet, p.row, p.column, p.message) for p in plan.problems],
        "rows": plan.rows,
        "bad": {t: [(r.number, r.values, r.types, e) for r, e in rows] for t, rows in plan.bad_rows.items()},
        "residents": [(r.row, r.clean, r.place.name, r.unit, r.room, r.registration) for r in plan.residents],
        "households": [(h.row, h.place.name, h.unit, h.room) for h in plan.households],
        "buildings": [(b.row, b.place.name, b.floors) for b in plan.buildings],
    }


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("name", list(BOOKS))
def test_a_child_reads_every_file_as_this_process_does(personas: Personas, name: str, language: str) -> None:
    f.building(personas.worker)
    content = BOOKS[name]()
    with translation.override(language), acting_for(personas.worker, "cli"):
        here = validate_workbook(BytesIO(content), personas.worker, "居民.xlsx", parallel=False)
        child = validate_workbook(BytesIO(content), personas.worker, "居民.xlsx", parallel=True)
    assert _seen(child) == _seen(here)
    assert here.problems or name == "every sheet"
    assert multiprocessing.active_children() == []


def test_only_the_sheets_the_role_may_import_are_read(personas: Personas) -> None:
    content = BOOKS["every sheet"]()
    with acting_for(personas.officer, "cli"):
        here = validate_workbook(BytesIO(content), personas.officer, "x.xlsx", parallel=False)
        child = validate_workbook(BytesIO(content), personas.officer, "x.xlsx", parallel=True)
    assert _seen(child) == _seen(here) and here.rows == 0 and here.problems


class _Stop(Exception):
    pass


def test_the_child_is_gone_when_the_import_stops_half_way(personas: Personas) -> None:
    f.building(personas.worker)
    content = _sheet(_many(3_000))
    readers: list[int] = []

    def progress(phase: str, done: int, total: int) -> None:
        # The file is being read by the child while this process validates: stop here.
        readers.extend(p.pid or 0 for p in multiprocessing.active_children())
        raise _Stop

    with acting_for(personas.worker, "cli"), pytest.raises(_Stop):
        import_workbook(BytesIO(content), personas.worker, "x.xlsx", progress)
    assert len(readers) == 1
    assert multiprocessing.active_children() == []
    with pytest.raises(ProcessLookupError):
        os.kill(readers[0], 0)  # reaped, not a zombie
    assert Resident.objects.count() == 0


def test_a_file_read_by_the_child_imports_all_or_nothing(personas: Personas) -> None:
    f.building(personas.worker)
    with acting_for(personas.worker, "cli"):
        outcome = import_workbook(BytesIO(_sheet(_many(600))), personas.worker, "x.xlsx")
    assert outcome.imported and outcome.counts["residents_created"] == 600
    assert Resident.objects.count() == 600
    assert multiprocessing.active_children() == []

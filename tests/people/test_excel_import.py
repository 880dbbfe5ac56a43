"""Excel import: every bad input is reported with its place and imports nothing; good files import
all-or-nothing and idempotently, from the command line and from the upload page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped, unused-ignore]

from gridgov.core.models import AuditEntry
from gridgov.people.excel.importer import Outcome, acting_for, import_workbook
from gridgov.people.models import Building, Household, Residence, ResidenceRegistration, Resident
from tests.factories import Personas
from tests.people import factories as f
from tests.people.test_excel_books import book, building, resident, save

TANG_FLOATING = {
    "户籍/流动": "流动",
    "登记开始": "2026/1/5",
    "预计结束": 20270104,
    "房东": "张房东",
    "房东电话": "139 0000 1111",
    "事由": "务工",
}


def run(user: Any, content: bytes, name: str = "居民.xlsx") -> Outcome:
    with acting_for(user, "cli"):
        return import_workbook(BytesIO(content), user, name)


def state() -> tuple[int, ...]:
    return (
        Building.objects.count(),
        Household.objects.count(),
        Resident.objects.count(),
        Residence.objects.count(),
        ResidenceRegistration.objects.count(),
        AuditEntry.objects.count(),
    )


def messages(outcome: Outcome) -> list[str]:
    return [f"{p.sheet}|{p.row}|{p.column}|{p.message}" for p in outcome.plan.problems]


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    # The assertions read the English msgids; the pages and the worker follow LANGUAGE_CODE.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def nine(personas: Personas) -> Building:
    return f.building(personas.worker)


def test_a_good_workbook_imports_buildings_households_and_residents(personas: Personas) -> None:
    content = book(
        {
            "楼栋": [
                building(),
                building("10幢", 网格编码=None, 经度=121.366, 纬度=28.364, 层数=6, 用途="商住"),
            ],
            "户": [{"楼栋名称": "10幢", "单元": "1单元", "房号": "101"}],
            "居民": [
                resident(),
                resident(
                    "唐女士",
                    f.TANG_ID,
                    与户主关系="租户",
                    楼栋="东辉小区10幢",
                    单元="1单元",
                    房号="102",
                    **TANG_FLOATING,
                ),
            ],
        }
    )
    outcome = run(personas.worker, content)
    assert outcome.imported, messages(outcome)
    assert outcome.counts["buildings_created"] == 2 and outcome.counts["residents_created"] == 2
    assert outcome.counts["households_created"] == 3
    lin = Resident.objects.get(name="林大娘")
    assert lin.household is not None and lin.household.address == "东辉小区9幢 4单元 201"
    assert (
        lin.gender == "female"
        and lin.birth_date == dt.date(1948, 3, 12)
        and lin.phone_masked == "138****1234"
    )
    tang = Resident.objects.get(name="唐女士")
    registration = ResidenceRegistration.objects.get(resident=tang)
    assert (registration.start, registration.expected_end) == (dt.date(2026, 1, 5), dt.date(2027, 1, 4))
    assert (
        registration.registered_by == personas.worker and registration.landlord_phone_masked == "139****1111"
    )
    assert Building.objects.get(name="10幢").use == "mixed"
    entries = AuditEntry.objects.filter(object_type="people.resident", action="create")
    assert {e.actor_name for e in entries} == {personas.worker.username}
    event = AuditEntry.objects.get(action="import")
    assert event.actor_id == personas.worker.pk and event.object_repr == "居民.xlsx"


def test_reimport_updates_through_the_service_and_never_duplicates(
    personas: Personas, nine: Building
) -> None:
    first = run(personas.worker, book({"居民": [resident(), resident("唐女士", f.TANG_ID, 房号="202")]}))
    assert first.imported, messages(first)
    again = run(personas.worker, book({"居民": [resident(), resident("唐女士", f.TANG_ID, 房号="202")]}))
    assert (
        again.imported and again.counts["residents_unchanged"] == 2 and again.counts["residents_created"] == 0
    )
    changed = run(
        personas.worker,
        book(
            {
                "居民": [
                    resident("林大妈", 联系电话="13900002222", 房号="301"),
                    resident("唐女士", f.TANG_ID, 房号="202"),
                ]
            }
        ),
    )
    assert changed.imported, messages(changed)
    assert changed.counts["residents_updated"] == 1 and changed.counts["residents_moved"] == 1
    assert Resident.objects.count() == 2
    lin = Resident.objects.get(name="林大妈")
    assert lin.phone_masked == "139****2222" and lin.household is not None and lin.household.room == "301"
    updates = AuditEntry.objects.filter(object_type="people.resident", action="update", object_id=str(lin.pk))
    assert updates.exists() and all(e.actor_id == personas.worker.pk for e in updates)


def test_a_row_refused_while_writing_rolls_back_the_whole_file(personas: Personas, nine: Building) -> None:
    assert run(personas.worker, book({"居民": [resident(入住日期=dt.date(2020, 1, 1))]})).imported
    before = state()
    # Moving 林大娘 to 301 "on" a date before she moved into 201: the residents service refuses it
    # while writing, after the new resident in the first row was already written.
    outcome = run(
        personas.worker,
        book(
            {
                "居民": [
                    resident("唐女士", f.TANG_ID, 房号="202"),
                    resident(房号="301", 入住日期=dt.date(2010, 1, 1)),
                ]
            }
        ),
    )
    assert not outcome.imported
    assert any("move-out date is before" in m for m in messages(outcome)), messages(outcome)
    assert state() == before


def bad_files() -> dict[str, tuple[bytes, str]]:
    good = book({"居民": [resident()]})
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    return {
        "truncated": (good[: len(good) // 2], "damaged or incomplete"),
        "png renamed": (png, "not an Excel workbook"),
        "empty file": (b"", "The file is empty"),
        "csv renamed": ("姓名,证件号码\n林大娘,1\n".encode(), "not an Excel workbook"),
        "old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old-style .xls"),
        "headers only": (book({"居民": []}), "holds no data"),
    }


@pytest.mark.parametrize("case", list(bad_files()))
def test_unreadable_files_are_refused_with_a_clear_message(
    personas: Personas, nine: Building, case: str
) -> None:
    content, expected = bad_files()[case]
    before = state()
    outcome = run(personas.worker, content)
    assert not outcome.imported and any(expected in m for m in messages(outcome)), messages(outcome)
    assert state() == before


def test_a_broken_sheet_inside_a_valid_zip_is_refused(personas: Personas, nine: Building) -> None:
    import zipfile

    good = book({"居民": [resident(), resident("唐女士", f.TANG_ID)]})
    broken = BytesIO()
    with zipfile.ZipFile(BytesIO(good)) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) * 2 // 3]  # cut off in the middle of the rows
            target.writestr(item, data)
    before = state()
    outcome = run(personas.worker, broken.getvalue())
    assert any("damaged or incomplete" in m for m in messages(outcome)), messages(outcome)
    assert state() == before


def sheet_with(rows: int = 1) -> tuple[Any, Any]:
    wb = Workbook()
    ws: Any = wb.active
    ws.title = "居民"
    headers = list(resident().keys())
    ws.append(headers)
    for _ in range(rows):
        ws.append(list(resident().values()))
    return wb, ws


def saved(wb: Any) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_wrong_headers(personas: Personas, nine: Building) -> None:
    wb, ws = sheet_with()
    ws["C1"] = "身份证号"  # was 证件号码
    ws["J1"] = "备注"  # was 入住日期
    outcome = run(personas.worker, saved(wb))
    found = "\n".join(messages(outcome))
    assert "Unknown column “身份证号”" in found and "Unknown column “备注”" in found
    assert (
        "required column “证件号码” is missing" in found and "required column “入住日期” is missing" in found
    )
    assert not outcome.imported and Resident.objects.count() == 0


def test_merged_cells(personas: Personas, nine: Building) -> None:
    wb, ws = sheet_with(rows=3)
    ws["C3"], ws["C4"] = f.TANG_ID, f.NEWCOMER_ID
    assert ws["G1"].value == "楼栋"
    ws.merge_cells("G2:G4")  # the building typed once for three rows
    before = state()
    outcome = run(personas.worker, saved(wb))
    found = "\n".join(messages(outcome))
    assert "居民|2|G|Cells G2:G4 are merged" in found
    assert "居民|3|楼栋|This value is missing." in found
    assert state() == before


def test_a_million_empty_rows_are_skipped_quickly_and_refused(personas: Personas, nine: Building) -> None:
    import time

    wb, ws = sheet_with()
    ws.cell(row=1_000_010, column=1, value="stray")
    content = saved(wb)
    started = time.perf_counter()
    outcome = run(personas.worker, content)
    assert time.perf_counter() - started < 5
    found = "\n".join(messages(outcome))
    assert "Row 1000010 comes after 1,000,007 empty rows; reading stopped at row 1002" in found, found
    assert Resident.objects.count() == 0


def test_bad_cells_each_reported_with_row_and_column(personas: Personas, nine: Building) -> None:
    bad_check = f.LIN_DANIANG_ID[:-1] + ("1" if f.LIN_DANIANG_ID[-1] != "1" else "2")
    rows = [
        resident(),  # fine on its own: refused with the rest
        resident("甲", bad_check),
        resident("乙", f.TANG_ID, 出生日期="去年"),
        resident("丙", f.NEWCOMER_ID, 入住日期="2020-02-30"),
        resident("丁", f.resident_id("19700101", "995"), 入住日期="=DATE(2020,1,1)"),
        resident("戊", f.resident_id("19700102", "995"), 楼栋="99幢"),
        resident("己", f.LIN_DANIANG_ID),  # the same person as the first row
        resident("庚", 3.31081197001039e17),  # typed as a number: Excel kept 15 digits
        resident("辛", f.resident_id("19700104", "995"), **{"户籍/流动": "流动"}),
        resident("壬", f.resident_id("19700105", "995"), 性别="未知"),
    ]
    before = state()
    outcome = run(personas.worker, book({"居民": rows}))
    found = messages(outcome)
    expected = [
        "居民|3|证件号码|The check character is wrong",
        "居民|4|出生日期|This is not a date",
        "居民|5|入住日期|This date does not exist.",
        "居民|6|入住日期|This cell holds a formula",
        "居民|7|楼栋|No building of this name or address in your grids.",
        "居民|8|证件号码|The same document number as row 2.",
        "居民|9|证件号码|Excel stored this number as a rounded number",
        "居民|10|登记开始|A floating resident needs a residence registration.",
        "居民|11|性别|Choose one of: 男、女.",
    ]
    for text in expected:
        assert any(m.startswith(text) for m in found), (text, found)
    assert not any(m.startswith("居民|2|") for m in found)
    assert state() == before


def test_duplicate_against_the_registry_outside_scope(personas: Personas, nine: Building) -> None:
    theirs = f.building(personas.other_worker, col=1, name="1幢")
    f.register(personas.other_worker, f.household(personas.other_worker, theirs), "林大娘", f.LIN_DANIANG_ID)
    before = state()
    outcome = run(personas.worker, book({"居民": [resident()]}))
    assert messages(outcome) == [
        "居民|2|证件号码|Someone with this document is already registered in a grid outside yours."
    ]
    assert state() == before


def test_rows_outside_the_actors_grids(personas: Personas, nine: Building) -> None:
    f.building(personas.other_worker, col=1, name="1幢")
    rows = {
        "楼栋": [
            building("20幢", 网格编码="331081001001002"),
            building("21幢", 网格编码=None, 经度=121.375, 纬度=28.365),
        ],
        "居民": [resident(楼栋="1幢")],
    }
    before = state()
    outcome = run(personas.worker, book(rows))
    found = messages(outcome)
    assert "楼栋|2|网格编码|Unknown grid code, or a grid outside yours." in found
    assert "楼栋|3|经度|This place is outside your grids." in found
    assert "居民|2|楼栋|No building of this name or address in your grids." in found
    assert state() == before


def test_officer_may_not_import(personas: Personas, nine: Building) -> None:
    outcome = run(personas.officer, book({"居民": [resident()]}))
    assert messages(outcome) == ["居民|None|None|Your role may not import this sheet."]


# --- the command ------------------------------------------------------------------------------
def test_command_imports_as_the_named_account_with_a_progress_bar(
    personas: Personas, nine: Building, tmp_path: Path
) -> None:
    path = save(tmp_path, book({"居民": [resident(), resident("唐女士", f.TANG_ID)]}))
    out, err = StringIO(), StringIO()
    call_command("import", str(path), "--as", personas.worker.username, stdout=out, stderr=err)
    assert "imported 居民.xlsx: 2 rows" in out.getvalue()
    assert "\r[" in err.getvalue() and "100%" in err.getvalue()
    assert Resident.objects.count() == 2
    assert AuditEntry.objects.get(action="import").source == "cli"


def test_command_reports_every_problem_and_writes_the_error_sheet(
    personas: Personas, nine: Building, tmp_path: Path
) -> None:
    bad = f.LIN_DANIANG_ID[:-1] + ("1" if f.LIN_DANIANG_ID[-1] != "1" else "2")
    path = save(
        tmp_path, book({"居民": [resident("唐女士", f.TANG_ID), resident(number=bad, 出生日期="明天")]})
    )
    err = StringIO()
    before = state()
    with pytest.raises(CommandError, match=r"2 problems in 居民\.xlsx; nothing was imported"):
        call_command("import", str(path), "--as", personas.worker.username, "--no-progress", stderr=err)
    assert "居民 row 3 证件号码: The check character is wrong" in err.getvalue()
    assert state() == before
    sheet = load_workbook(tmp_path / "居民.errors.xlsx")
    assert sheet.sheetnames == ["错误汇总", "居民"]
    rows = list(sheet["居民"].iter_rows())
    header = [c.value for c in rows[0]]
    assert header[-2:] == ["原行号", "错误说明"] and len(rows) == 2
    values = {h: c for h, c in zip(header, rows[1], strict=True)}
    assert values["原行号"].value == 3 and values["证件号码"].value == bad  # as typed, for correcting
    assert (
        values["证件号码"].fill.fgColor.rgb.endswith("FFC7CE")
        and values["姓名"].fill.fgColor.rgb != "00FFC7CE"
    )
    assert "出生日期：This is not a date" in str(values["错误说明"].value)


def test_a_corrected_error_sheet_imports_as_it_is(personas: Personas, nine: Building, tmp_path: Path) -> None:
    path = save(tmp_path, book({"居民": [resident(出生日期="明天")]}))
    with pytest.raises(CommandError):
        call_command(
            "import", str(path), "--as", personas.worker.username, "--no-progress", stderr=StringIO()
        )
    errors = tmp_path / "居民.errors.xlsx"
    wb = load_workbook(errors)
    ws = wb["居民"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("出生日期") + 1).value = None
    wb.save(errors)
    call_command("import", str(errors), "--as", personas.worker.username, "--no-progress", stdout=StringIO())
    assert Resident.objects.filter(name="林大娘").count() == 1


def test_command_needs_an_account(tmp_path: Path, db: Any) -> None:
    path = save(tmp_path, book({"居民": [resident()]}))
    with pytest.raises(CommandError, match="--as"):
        call_command("import", str(path))
    with pytest.raises(CommandError, match="nobody: no such active account"):
        call_command("import", str(path), "--as", "nobody")

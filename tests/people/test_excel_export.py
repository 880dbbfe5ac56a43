"""Excel exports: masked by default, unmasked only with the permission and a reason, always audited,
always within scope; the figures sheet carries the same numbers as figures_by."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import BytesIO
from typing import Any
from urllib.parse import quote

import pytest
from django.utils import translation
from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

from gridgov.core.models import AuditEntry
from gridgov.geo.models import Grid
from gridgov.people.excel.columns import FIGURE_HEADERS, RESIDENTS
from gridgov.people.excel.importer import acting_for, import_workbook
from gridgov.people.services.figures import figures_by
from tests.factories import Personas
from tests.people import factories as f
from tests.people.test_excel_books import book


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    # The assertions read the English msgids; the pages and the worker follow LANGUAGE_CODE.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def people(personas: Personas) -> dict[str, Any]:
    home = f.household(personas.worker, f.building(personas.worker))
    theirs = f.household(personas.other_worker, f.building(personas.other_worker, col=1, name="1幢"))
    tags = f.tags()
    lin = f.register(personas.worker, home, "林大娘", f.LIN_DANIANG_ID, phone="13800001234")
    from gridgov.people.services.residents import tag_resident

    with acting_for(personas.worker, "web"):
        tag_resident(personas.worker, lin.pk, tags["elderly_alone"], start=dt.date(2020, 1, 1))
    newcomer = f.register(
        personas.worker,
        home,
        "张新来",
        f.NEWCOMER_ID,
        kind="floating",
        registration=f.floating_registration(),
    )
    tang = f.register(personas.other_worker, theirs, "唐女士", f.TANG_ID)
    return {"lin": lin, "newcomer": newcomer, "tang": tang}


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def rows(response: Any) -> list[dict[str, Any]]:
    ws = load_workbook(BytesIO(body(response)))["居民"]
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(map(str, values[0]), row, strict=True)) for row in values[1:]]


def test_masked_export_of_the_workers_grid_is_audited(
    personas: Personas, people: dict[str, Any], client_for: Any
) -> None:
    response = client_for(personas.worker).get("/registry/excel/export/residents.xlsx")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert (
        disposition.startswith('attachment; filename="')
        and f"filename*=UTF-8''{quote('居民')}" in disposition
    )
    found = {r["姓名"]: r for r in rows(response)}
    assert set(found) == {"林大娘", "张新来"}  # not 唐女士 of the other grid
    lin = found["林大娘"]
    assert lin["证件号码"] == "331081********" + f.LIN_DANIANG_ID[-4:] and lin["联系电话"] == "138****1234"
    assert lin["性别"] == "女" and lin["户籍/流动"] == "户籍" and lin["标签"] == "独居老人"
    assert (lin["楼栋"], lin["单元"], lin["房号"]) == ("9幢", "4单元", "201")
    assert found["张新来"]["户籍/流动"] == "流动" and found["张新来"]["房东电话"] == "139****1111"
    assert f.LIN_DANIANG_ID.encode() not in body(response)
    event = AuditEntry.objects.get(action="export")
    assert (
        event.actor_id == personas.worker.pk
        and '"masked":true' in event.changes
        and '"rows":2' in event.changes
    )


def test_filters_are_the_apis(personas: Personas, people: dict[str, Any], client_for: Any) -> None:
    client = client_for(personas.worker)
    assert [
        r["姓名"] for r in rows(client.get("/registry/excel/export/residents.xlsx", {"kind": "floating"}))
    ] == ["张新来"]
    assert [
        r["姓名"] for r in rows(client.get("/registry/excel/export/residents.xlsx", {"tag": "elderly_alone"}))
    ] == ["林大娘"]
    assert [r["姓名"] for r in rows(client.get("/registry/excel/export/residents.xlsx", {"q": "ldn"}))] == [
        "林大娘"
    ]
    assert rows(client.get("/registry/excel/export/residents.xlsx", {"grid": "331081001001002"})) == []


def test_another_grids_worker_gets_nothing_of_ours(
    personas: Personas, people: dict[str, Any], client_for: Any
) -> None:
    found = rows(client_for(personas.other_worker).get("/registry/excel/export/residents.xlsx"))
    assert [r["姓名"] for r in found] == ["唐女士"]
    assert rows(client_for(personas.outsider).get("/registry/excel/export/residents.xlsx")) == []


def test_unmasked_export_needs_the_permission_and_a_reason(
    personas: Personas, people: dict[str, Any], client_for: Any
) -> None:
    url = "/registry/excel/export/residents.xlsx"
    admin, worker = client_for(personas.admin), client_for(personas.worker)
    before = AuditEntry.objects.count()
    assert admin.post(url, {"reason": "核查"}).status_code == 403  # no unmask permission
    assert worker.post(url, {"reason": " "}).status_code == 400
    assert AuditEntry.objects.count() == before
    response = worker.post(url, {"reason": "户籍核查", "kind": "registered"})
    assert response.status_code == 200
    assert f"filename*=UTF-8''{quote('居民（未脱敏）')}" in response["Content-Disposition"]
    found = rows(response)
    assert [(r["姓名"], r["证件号码"], r["联系电话"]) for r in found] == [
        ("林大娘", f.LIN_DANIANG_ID, "13800001234")
    ]
    event = AuditEntry.objects.get(action="export")
    assert event.reason == "户籍核查" and '"masked":false' in event.changes
    assert f'"resident_ids":[{people["lin"].pk}]' in event.changes


def test_an_unmasked_export_imports_back_unchanged(
    personas: Personas, people: dict[str, Any], client_for: Any
) -> None:
    response = client_for(personas.worker).post(
        "/registry/excel/export/residents.xlsx", {"reason": "年度核对"}
    )
    ws = load_workbook(BytesIO(body(response)))["居民"]
    values = list(ws.iter_rows(values_only=True))
    template_rows = [
        {str(h): v for h, v in zip(values[0], row, strict=True) if h in RESIDENTS.headers}
        for row in values[1:]
    ]
    with acting_for(personas.worker, "cli"):
        outcome = import_workbook(BytesIO(book({"居民": template_rows})), personas.worker, "export.xlsx")
    assert outcome.imported, outcome.plan.problems
    assert outcome.counts["residents_unchanged"] == 2 and outcome.counts["residents_created"] == 0


def test_figures_sheet_equals_figures_by(personas: Personas, people: dict[str, Any], client_for: Any) -> None:
    response = client_for(personas.operator).get("/registry/excel/export/figures.xlsx")
    assert (
        response.status_code == 200
        and f"filename*=UTF-8''{quote('底数清')}" in response["Content-Disposition"]
    )
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["街道", "村社区", "网格"]
    grids = Grid.objects.restrict(personas.operator, "view")
    for level, title in (("sub_district", "街道"), ("village", "村社区"), ("grid", "网格")):
        sheet = list(wb[title].iter_rows(values_only=True))
        assert list(sheet[0]) == ["编码", "名称", *FIGURE_HEADERS.values()]
        expected = [
            (code, name, *(figures.as_dict()[k] for k in FIGURE_HEADERS))
            for code, name, figures in figures_by(grids, level)
        ]
        assert [tuple(r) for r in sheet[1:]] == expected
    grid_sheet = {r[0]: r for r in wb["网格"].iter_rows(values_only=True)}
    assert grid_sheet["331081001001001"][3:6] == (2, 1, 1)  # residents, registered, floating
    assert AuditEntry.objects.filter(action="export", object_repr="people.figures").count() == 1


def test_figures_of_one_place_and_scope(personas: Personas, people: dict[str, Any], client_for: Any) -> None:
    client = client_for(personas.worker)
    wb = load_workbook(BytesIO(client.get("/registry/excel/export/figures.xlsx").content))
    assert [r[0] for r in wb["网格"].iter_rows(min_row=2, values_only=True)] == ["331081001001001"]
    other = client.get("/registry/excel/export/figures.xlsx", {"level": "grid", "code": "331081001001002"})
    assert other.status_code == 404

"""The registry's pages through Django's client: scope, permissions, unmasking, figures, search.

The forms are in test_views_forms.py, which shares this module's fixtures."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from gridgov.accounts.roles import Role
from gridgov.core.models import AuditEntry
from gridgov.people.models import Household, ResidenceRegistration, Resident, ResidentTag
from gridgov.people.services.residents import RegistrationInput
from tests.factories import Personas
from tests.people import factories as f

GRID_1, VILLAGE_A, SUB_DISTRICT = "331081001001001", "331081001001", "331081001"
TODAY = timezone.localdate()
LIN_MASKED = "331081********" + f.LIN_DANIANG_ID[-4:]


def text(response: Any) -> str:
    return str(response.content.decode())


def field_error(body: str, field: str) -> str:
    """The error line under one field of a rendered form."""
    match = re.search(rf'data-testid="error-{field}"[^>]*>(.*?)</div>', body, re.S)
    assert match, f"no error line for {field}"
    return match.group(1)


def stored() -> tuple[int, ...]:
    return Resident.objects.count(), ResidenceRegistration.objects.count(), AuditEntry.objects.count()


@pytest.fixture
def home(personas: Personas) -> Household:
    return f.household(personas.worker, f.building(personas.worker))


@pytest.fixture
def lin(personas: Personas, home: Household) -> Resident:
    resident: Resident = f.register(personas.worker, home, "林大娘", f.LIN_DANIANG_ID, phone="13800001234")
    ResidentTag.objects.create(resident=resident, tag=f.tags()["elderly_alone"], start=dt.date(2024, 1, 1))
    return resident


@pytest.fixture
def lapsed(personas: Personas, home: Household) -> Resident:
    """A newcomer whose registration ended last month and nobody renewed it."""
    start = TODAY - dt.timedelta(days=400)
    registration = RegistrationInput(start=start, expected_end=start + dt.timedelta(days=365))
    kw: dict[str, Any] = {"kind": "floating", "registration": registration, "moved_in": start}
    newcomer: Resident = f.register(personas.worker, home, "张新来", f.NEWCOMER_ID, **kw)
    return newcomer


def register_data(**extra: Any) -> dict[str, Any]:
    return {
        "name": "赵新民",
        "document_type": "resident_id",
        "document_number": f.resident_id("19960815", "993", area="511702"),
        "phone": "13912345678",
        "relation": "tenant",
        "kind": "floating",
        "workplace": "东辉五金厂",
        "moved_in": TODAY.isoformat(),
        "start": TODAY.isoformat(),
        "expected_end": (TODAY + dt.timedelta(days=180)).isoformat(),
        "landlord_name": "张房东",
        "landlord_phone": "13900001111",
        "reason": "work",
        **extra,
    }


def test_grid_worker_browses_from_sub_district_to_household(
    personas: Personas, home: Household, lin: Resident, client_for: Any
) -> None:
    client = client_for(personas.worker)
    for url, child in [
        ("/registry/", "太平街道"),
        (f"/registry/sub-district/{SUB_DISTRICT}/", "东辉社区"),
        (f"/registry/village/{VILLAGE_A}/", "东辉社区第1网格"),
        (f"/registry/grid/{GRID_1}/", "9幢"),
        (f"/registry/building/{home.building_id}/", "4单元"),
        (f"/registry/unit/{home.unit_id}/", "林大娘"),
        (f"/registry/household/{home.pk}/", LIN_MASKED),
    ]:
        response = client.get(url)
        assert response.status_code == 200 and child in text(response), url
        assert response["Cache-Control"] == "no-store, private" and f.LIN_DANIANG_ID not in text(response)
    assert 'data-testid="breadcrumbs"' in text(response) and "东辉社区第1网格" in text(response)


def test_counts_per_building_and_unit(
    personas: Personas, home: Household, lin: Resident, lapsed: Resident, client_for: Any
) -> None:
    f.household(personas.worker, home.building, "4单元", "101")  # empty, sorts before 201
    client = client_for(personas.worker)
    unit = text(client.get(f"/registry/unit/{home.unit_id}/"))
    counts = re.search(r'data-testid="counts">(.*?)</section>', unit, re.S)
    assert counts and re.findall(r'gg-tile-value">(\d+)<', counts.group(1)) == ["2", "1", "1", "1"]
    assert "无登记人员" in unit  # room 101
    grid = text(client.get(f"/registry/grid/{GRID_1}/"))
    row = re.search(rf'data-testid="row-building-{home.building_id}"(.*?)</a>', grid, re.S)
    assert row and re.findall(r"<b>(\d+)</b>", row.group(1)) == ["2", "1", "1", "1"]


def test_resident_card_is_masked_and_its_opening_recorded(
    personas: Personas, lin: Resident, client_for: Any
) -> None:
    views = AuditEntry.objects.filter(action="view", object_id=str(lin.pk))
    before = views.count()
    body = text(client_for(personas.worker).get(f"/registry/resident/{lin.pk}/"))
    assert "林大娘" in body and "独居老人" in body and "138****1234" in body and LIN_MASKED in body
    assert f.LIN_DANIANG_ID not in body and "13800001234" not in body
    assert 'data-testid="action-edit"' in body and 'data-testid="unmask-button"' in body
    assert views.count() == before + 1


def test_another_grids_worker_gets_404_everywhere(
    personas: Personas, home: Household, lin: Resident, client_for: Any
) -> None:
    other = client_for(personas.other_worker)
    r, b = f"/registry/resident/{lin.pk}", f"/registry/building/{home.building_id}"
    for url in [
        *(f"/registry/{p}/" for p in (f"grid/{GRID_1}", f"unit/{home.unit_id}", f"household/{home.pk}")),
        *(f"{r}/{p}" for p in ("", "edit/", "move-out/", "tag/", "renew/")),
        *(f"{b}/{p}" for p in ("", "add-household/")),
        f"/registry/household/{home.pk}/register/",
        f"/registry/grid/{GRID_1}/add-building/",
    ]:
        assert other.get(url).status_code == 404, url
    assert other.post(f"/registry/household/{home.pk}/register/", register_data()).status_code == 404
    assert other.post(f"{r}/unmask/", {"reason": "看看"}).status_code == 404
    link = ResidentTag.objects.get(resident=lin)
    assert other.post(f"{r}/tag/{link.pk}/end/").status_code == 404
    assert "林大娘" not in text(other.get("/registry/search/", {"q": "ldn"}))


def test_officer_reads_without_edit_buttons_and_his_posts_are_refused(
    personas: Personas, home: Household, lin: Resident, client_for: Any
) -> None:
    officer = client_for(personas.officer)
    card = text(officer.get(f"/registry/resident/{lin.pk}/"))
    before = stored()
    assert "林大娘" in card and 'data-testid="card-actions"' not in card
    assert 'data-testid="register-resident"' not in text(officer.get(f"/registry/household/{home.pk}/"))
    assert 'data-testid="add-link"' not in text(officer.get(f"/registry/grid/{GRID_1}/"))
    refused = officer.post(f"/registry/household/{home.pk}/register/", register_data())
    assert refused.status_code == 403 and "无权" in text(refused)
    assert officer.post(f"/registry/resident/{lin.pk}/edit/", {"name": "改名"}).status_code == 403
    assert officer.post(f"/registry/resident/{lin.pk}/move-out/", {"on": "2026-01-01"}).status_code == 403
    assert stored() == before and Resident.objects.get(pk=lin.pk).household_id == home.pk


def test_unmask_needs_a_reason_and_records_it(personas: Personas, lin: Resident, client_for: Any) -> None:
    client = client_for(personas.worker)
    url = f"/registry/resident/{lin.pk}/unmask/"
    views = AuditEntry.objects.filter(action="view", object_id=str(lin.pk))
    before = views.count()
    refused = client.post(url, {"reason": " "})
    assert refused.status_code == 400 and "请说明" in text(refused) and f.LIN_DANIANG_ID not in text(refused)
    assert views.count() == before  # refused: nothing was shown, nothing recorded
    response = client.post(url, {"reason": "核实身份，上门走访"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store, private"
    body = text(response)
    assert f.LIN_DANIANG_ID in body and "13800001234" in body and 'hx-swap-oob="true"' in body
    assert "gg:unmasked" in response["HX-Trigger"] and "已记入审计日志" in body
    entry = views.exclude(reason="").get()
    assert entry.reason == "核实身份，上门走访" and "document_number" in entry.changes


def test_no_unmask_button_without_the_permission(personas: Personas, lin: Resident, client_for: Any) -> None:
    leader = personas.operator
    leader.role = Role.LEADER  # a sub-district leader reads the registry but may not unmask
    leader.save()
    client = client_for(leader)
    assert 'data-testid="unmask-button"' not in text(client.get(f"/registry/resident/{lin.pk}/"))
    assert client.post(f"/registry/resident/{lin.pk}/unmask/", {"reason": "想看"}).status_code == 403


def test_my_grid_puts_lapsed_registrations_first(
    personas: Personas, home: Household, lin: Resident, lapsed: Resident, client_for: Any
) -> None:
    client = client_for(personas.worker)
    body = text(client.get("/registry/mine/"))
    assert "我的网格" in body and "东辉社区第1网格" in body and 'data-testid="nav-mine"' in body
    assert f'data-testid="lapsed-{lapsed.pk}"' in body and f'data-testid="tagged-{lin.pk}"' in body
    assert body.index('data-testid="lapsed"') < body.index('data-testid="tagged"')
    assert 'data-testid="figure-lapsed_registrations" data-value="1"' in body
    assert f'data-testid="household-{home.pk}"' in body
    assert client.get("/")["Location"] == "/map/"  # the home page is still the map


def figures_in(body: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-testid="figure-(\w+)" data-value="(\d+)"', body)}


@pytest.mark.parametrize(
    ("level", "code"), [("sub_district", SUB_DISTRICT), ("village", VILLAGE_A), ("grid", GRID_1)]
)
def test_figures_on_the_pages_equal_the_api(
    personas: Personas, lin: Resident, lapsed: Resident, client_for: Any, level: str, code: str
) -> None:
    client = client_for(personas.officer)
    api = client.get("/api/v1/figures", {"level": level, "code": code}).json()
    page = text(client.get("/registry/figures/", {"level": level, "code": code}))
    assert figures_in(page) == api["figures"] and "figures-data" in page and "echarts" in page
    for row in api["rows"]:
        cells = re.search(rf'<tr data-code="{row["code"]}">(.*?)</tr>', page, re.S)
        assert cells, row["code"]
        shown = {k: int(v) for k, v in re.findall(r'data-key="(\w+)">(\d+)<', cells.group(1))}
        assert shown == {k: v for k, v in row.items() if k in shown} and len(shown) == 8
    browse = {"sub_district": "sub-district", "village": "village", "grid": "grid"}[level]
    assert figures_in(text(client.get(f"/registry/{browse}/{code}/"))) == api["figures"]


def test_search_finds_by_initials_masked_and_scoped(
    personas: Personas, lin: Resident, client_for: Any
) -> None:
    client = client_for(personas.worker)
    page = text(client.get("/registry/search/", {"q": "ldn"}))
    assert "林大娘" in page and "138****1234" in page and f.LIN_DANIANG_ID not in page
    headers = {"HX-Request": "true", "HX-Target": "search-results"}
    partial = text(client.get("/registry/search/", {"q": "林"}, headers=headers))
    assert "林大娘" in partial and "<html" not in partial
    assert "林大娘" in text(client.get("/registry/search/", {"q": f.LIN_DANIANG_ID}))
    assert "没有" in text(client.get("/registry/search/", {"q": "zzz"}))


def test_pages_speak_english_and_need_a_login(personas: Personas, lin: Resident, client_for: Any) -> None:
    client = client_for(personas.worker)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = text(client.get(f"/registry/resident/{lin.pk}/"))
    assert "Where they lived" in body and "See full numbers" in body
    assert "My grid" in text(client.get("/registry/mine/"))
    # Back to Chinese: the language a request activates stays active in this thread for later tests.
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "我的网格" in text(client.get("/registry/mine/"))
    client.logout()
    response = client.get("/registry/mine/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

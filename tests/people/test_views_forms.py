"""The registry's forms through Django's client: errors in Chinese next to their field, nothing stored
on bad input, the server's field check for htmx, and each keeper's action from the card."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gridgov.people.models import Building, Household, ResidenceRegistration, Resident, ResidentTag
from tests.factories import Personas
from tests.people import factories as f
from tests.people.test_views import (
    GRID_1,
    LIN_MASKED,
    TODAY,
    field_error,
    home,
    lapsed,
    lin,
    register_data,
    stored,
    text,
)

__all__ = ["home", "lapsed", "lin"]  # fixtures, used by name


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"document_number": f.LIN_DANIANG_ID[:-1] + "0"}, "document_number", "校验"),
        ({"name": ""}, "name", "姓名"),
        ({"birth_date": "1950-01-01"}, "birth_date", "出生日期"),
        ({"phone": "12345"}, "phone", "电话"),
        ({"start": "", "expected_end": ""}, "start", "登记"),
        ({"expected_end": "2000-01-01"}, "expected_end", "预计"),
    ],
)
def test_bad_input_shows_chinese_errors_next_to_the_field_and_stores_nothing(
    personas: Personas, home: Household, client_for: Any, change: dict[str, Any], field: str, message: str
) -> None:
    client, url = client_for(personas.worker), f"/registry/household/{home.pk}/register/"
    before = stored()
    response = client.post(url, register_data(**change))
    assert response.status_code == 400 and "未保存" in text(response)
    assert message in field_error(text(response), field)
    assert stored() == before


def test_grid_worker_registers_a_floating_resident(
    personas: Personas, home: Household, client_for: Any
) -> None:
    client = client_for(personas.worker)
    form = text(client.get(f"/registry/household/{home.pk}/register/"))
    assert 'hx-post="/registry/validate/resident/"' in form and 'id="registration-fields"' in form
    response = client.post(f"/registry/household/{home.pk}/register/", register_data())
    resident = Resident.objects.get(name="赵新民")
    assert response.status_code == 302 and response["Location"] == f"/registry/resident/{resident.pk}/"
    assert (resident.kind, resident.gender, resident.birth_date) == ("floating", "male", dt.date(1996, 8, 15))
    registration = ResidenceRegistration.objects.get(resident=resident)
    assert registration.landlord_name == "张房东" and registration.registered_by == personas.worker
    card = text(client.get(response["Location"]))
    assert "赵新民已登记" in card and "张房东" in card and "139****1111" in card


def test_field_check_on_the_server_as_the_worker_types(
    personas: Personas, home: Household, lin: Resident, client_for: Any
) -> None:
    client = client_for(personas.worker)

    def check(field: str, **data: Any) -> str:
        headers = {"HX-Request": "true", "HX-Trigger-Name": field}
        response = client.post("/registry/validate/resident/", register_data(**data), headers=headers)
        assert response.status_code == 200
        return text(response)

    assert "校验" in check("document_number", document_number=f.LIN_DANIANG_ID[:-1] + "0")
    assert "已经登记过" in check("document_number", document_number=f.LIN_DANIANG_ID)
    good = check("document_number")
    assert 'data-testid="error-document_number"' in good and "is-invalid" not in good
    assert "电话" in check("landlord_phone", landlord_phone="123")
    # Only the field that changed is judged: an empty name elsewhere does not flag the phone.
    assert "is-invalid" not in check("phone", name="")
    assert client.post("/registry/validate/resident/", register_data()).status_code == 400  # no field named


def test_buildings_and_households_are_added_through_forms(personas: Personas, client_for: Any) -> None:
    client = client_for(personas.worker)
    url = f"/registry/grid/{GRID_1}/add-building/"
    assert 'id="building-picker"' in text(client.get(url))
    data = {"name": "3幢", "address": "东辉小区3幢", "floors": "6", "use": "residential", "crs": "wgs84"}
    outside = client.post(url, {**data, "lng": "100", "lat": "20"})
    assert outside.status_code == 400 and not Building.objects.filter(name="3幢").exists()
    assert "网格" in field_error(text(outside), "lng")
    created = client.post(url, {**data, "lng": "121.3655", "lat": "28.3655"})
    building = Building.objects.get(name="3幢")
    assert created["Location"] == f"/registry/building/{building.pk}/" and building.grid.code == GRID_1
    add = f"/registry/building/{building.pk}/add-household/"
    missing = client.post(add, {"unit": "1单元", "room": ""})
    assert missing.status_code == 400 and "请填写房号" in text(missing)
    added = client.post(add, {"unit": "1单元", "room": "302"})
    household = Household.objects.get(building=building, room="302")
    assert added["Location"] == f"/registry/household/{household.pk}/"
    assert household.address == "东辉小区3幢 1单元 302"


def test_renew_tag_and_move_out_from_the_card(
    personas: Personas, home: Household, lin: Resident, lapsed: Resident, client_for: Any
) -> None:
    client = client_for(personas.worker)
    r = f"/registry/resident/{lapsed.pk}"
    card = text(client.get(f"{r}/"))
    assert 'data-lapsed="true"' in card and 'data-testid="action-renew"' in card
    end = TODAY + dt.timedelta(days=365)
    renewal = {"start": TODAY.isoformat(), "expected_end": end.isoformat(), "reason": "work"}
    assert client.post(f"{r}/renew/", renewal).status_code == 302
    assert ResidenceRegistration.objects.filter(resident=lapsed, ended_on=None, expected_end=end).exists()
    assert 'data-lapsed="true"' not in text(client.get(f"{r}/"))
    quarantine = ResidentTag.objects.filter(tag__code="home_quarantine")
    tag = {"tag": "home_quarantine", "start": "2026-02-01"}
    bad = client.post(f"/registry/resident/{lin.pk}/tag/", {**tag, "end": "2026-01-01"})
    assert bad.status_code == 400 and not quarantine.exists()
    assert client.post(f"/registry/resident/{lin.pk}/tag/", tag).status_code == 302 and quarantine.exists()
    link = ResidentTag.objects.get(resident=lin, tag__code="elderly_alone")
    assert client.post(f"/registry/resident/{lin.pk}/tag/{link.pk}/end/").status_code == 302
    assert ResidentTag.objects.get(pk=link.pk).end == TODAY
    early = client.post(f"{r}/move-out/", {"on": "2000-01-01", "leaves_area": "on"})
    assert early.status_code == 400 and Resident.objects.get(pk=lapsed.pk).household_id == home.pk
    moved = client.post(f"{r}/move-out/", {"on": TODAY.isoformat()})
    assert moved["Location"] == f"/registry/household/{home.pk}/"
    assert Resident.objects.get(pk=lapsed.pk).household_id is None


def test_edit_keeps_the_numbers_left_empty(personas: Personas, lin: Resident, client_for: Any) -> None:
    client = client_for(personas.worker)
    url = f"/registry/resident/{lin.pk}/edit/"
    page = text(client.get(url))
    assert f'placeholder="{lin.document_masked}"' in page and f.LIN_DANIANG_ID not in page
    data = {"name": "林秀英", "document_type": "resident_id", "relation": "head", "kind": "registered"}
    assert client.post(url, data).status_code == 302
    lin.refresh_from_db()
    assert (lin.name, lin.document_masked, lin.phone_masked) == ("林秀英", LIN_MASKED, "138****1234")
    assert client.post(url, {**data, "remove_phone": "on"}).status_code == 302
    lin.refresh_from_db()
    assert lin.phone_masked == "" and lin.birth_date == dt.date(1948, 3, 12)

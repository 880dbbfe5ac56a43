"""The registry through its API: each persona registers, finds and changes only what its scope allows."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from gridgov.core.models import AuditEntry
from gridgov.people.models import Residence, ResidenceRegistration, Resident
from gridgov.people.services.residents import household_on, residents_on
from tests.factories import Personas
from tests.people import factories as f


@pytest.fixture
def home(personas: Personas) -> Any:
    b = f.building(personas.worker)
    return f.household(personas.worker, b)


def post(client: Any, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(data, default=str), content_type="application/json")


def register_body(household_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "household_id": household_id,
        "name": "林大娘",
        "document_number": f.LIN_DANIANG_ID,
        "phone": "138 0000 1234",
        "moved_in": "2015-05-01",
        **extra,
    }


def test_grid_worker_registers_a_resident_and_numbers_leave_masked(
    personas: Personas, home: Any, client_for: Any
) -> None:
    response = post(client_for(personas.worker), "/api/v1/residents", register_body(home.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["document_number"] == "331081********" + f.LIN_DANIANG_ID[-4:]
    assert body["phone"] == "138****1234"
    assert body["gender"] == "female" and body["birth_date"] == "1948-03-12"  # derived from the number
    assert f.LIN_DANIANG_ID not in response.content.decode()
    resident = Resident.objects.get(pk=body["id"])
    assert resident.name_initials == "ldn" and resident.grid_id == home.grid_id
    assert Residence.objects.filter(resident=resident, household=home).exists()


def test_another_grids_worker_cannot_register_there_or_read_it(
    personas: Personas, home: Any, client_for: Any
) -> None:
    other = client_for(personas.other_worker)
    response = post(other, "/api/v1/residents", register_body(home.pk))
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    created = post(client_for(personas.worker), "/api/v1/residents", register_body(home.pk)).json()
    assert other.get(f"/api/v1/residents/{created['id']}").status_code == 404
    assert other.get("/api/v1/residents", {"q": "ldn"}).json()["results"] == []
    assert client_for(personas.worker).get("/api/v1/residents", {"q": "ldn"}).json()["count"] == 1


def test_officer_reads_but_does_not_write(personas: Personas, home: Any, client_for: Any) -> None:
    created = post(client_for(personas.worker), "/api/v1/residents", register_body(home.pk)).json()
    officer = client_for(personas.officer)
    assert officer.get(f"/api/v1/residents/{created['id']}").status_code == 200
    response = officer.patch(
        f"/api/v1/residents/{created['id']}",
        json.dumps({"name": "改名", "document_number": f.LIN_DANIANG_ID}),
        content_type="application/json",
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"document_number": f.LIN_DANIANG_ID[:-1] + ("0" if f.LIN_DANIANG_ID[-1] != "0" else "1")},
            "document_number",
        ),
        ({"birth_date": "1950-01-01"}, "birth_date"),
        ({"gender": "male"}, "gender"),
        ({"phone": "12345"}, "phone"),
        ({"name": "   "}, "name"),
        ({"kind": "floating"}, "registration"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_is_stored(
    personas: Personas, home: Any, client_for: Any, change: dict[str, Any], field: str
) -> None:
    client = client_for(personas.worker)
    before = (Resident.objects.count(), AuditEntry.objects.count())
    response = post(client, "/api/v1/residents", register_body(home.pk, **change))
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]
    assert (Resident.objects.count(), AuditEntry.objects.count()) == before


def test_the_same_document_cannot_be_registered_twice(personas: Personas, home: Any, client_for: Any) -> None:
    client = client_for(personas.worker)
    assert post(client, "/api/v1/residents", register_body(home.pk)).status_code == 201
    again = post(client, "/api/v1/residents", register_body(home.pk, name="林大妈"))
    assert again.status_code == 400 and "document_number" in again.json()["error"]["fields"]


def test_floating_resident_with_registration_and_history(personas: Personas, home: Any) -> None:
    newcomer = f.register(
        personas.worker,
        home,
        "张新来",
        f.NEWCOMER_ID,
        kind="floating",
        registration=f.floating_registration(),
        moved_in=dt.date(2026, 10, 1),
    )
    registration = ResidenceRegistration.objects.get(resident=newcomer)
    assert registration.landlord_phone_masked == "139****1111"
    assert registration.registered_by == personas.worker
    other = f.household(personas.worker, home.building, "4单元", "301")
    from gridgov.people.services.residents import move_in

    move_in(personas.worker, newcomer.pk, other, dt.date(2026, 11, 1))
    newcomer.refresh_from_db()
    assert household_on(newcomer, dt.date(2026, 10, 15)) == home
    assert household_on(newcomer, dt.date(2026, 11, 2)) == other
    assert household_on(newcomer, dt.date(2026, 9, 1)) is None
    assert residents_on(home, dt.date(2026, 10, 15)) == [newcomer]
    assert residents_on(home, dt.date(2026, 11, 15)) == []


def test_buildings_are_placed_by_locate(personas: Personas, client_for: Any) -> None:
    client = client_for(personas.worker)
    response = post(
        client,
        "/api/v1/buildings",
        {"name": "1幢", "address": "东辉小区1幢", "lng": 121.365, "lat": 28.365, "floors": 12},
    )
    assert response.status_code == 201 and response.json()["grid"] == "331081001001001"
    assert response.json()["high_rise"] is True
    outside_scope = post(
        client,
        "/api/v1/buildings",
        {"name": "2幢", "address": "x", "lng": 121.375, "lat": 28.365, "floors": 3},
    )
    assert outside_scope.status_code == 403
    nowhere = post(
        client, "/api/v1/buildings", {"name": "3幢", "address": "x", "lng": 100.0, "lat": 20.0, "floors": 3}
    )
    assert nowhere.status_code == 400 and "location" in nowhere.json()["error"]["fields"]


def test_search_merges_its_readings_in_pinyin_order_within_scope(personas: Personas, home: Any) -> None:
    from gridgov.people.services.search import MERGED_UP_TO, search

    worker = personas.worker
    lin = f.register(worker, home, "林大娘", f.LIN_DANIANG_ID, phone="138 0000 1234")
    tang = f.register(worker, f.household(worker, home.building, room="202"), "唐女士", f.TANG_ID)
    elsewhere = f.household(personas.admin, f.building(personas.admin, col=1, name="3幢"))
    f.register(personas.admin, elsewhere, "林小东", f.resident_id("19900101", "993"))

    def names(q: str, **options: Any) -> list[str]:
        return [r.name for r in search(worker, q, **options)]

    # "东辉" is no one's name but the address of both: found by address, ordered by pinyin (lin < tang).
    assert names("东辉") == ["林大娘", "唐女士"] and names("东辉", limit=1) == ["林大娘"]
    assert names("9幢") == ["林大娘", "唐女士"]  # a number: an address at once
    # Long listings (an export) take the single query: the same rows in the same order.
    assert [r.pk for r in search(worker, "东辉", limit=MERGED_UP_TO + 1)] == [lin.pk, tang.pk]
    # Text that starts a name is read as a name only: a scan of every address is too slow for it.
    f.register(worker, home, "东辉明", f.resident_id("19800101", "995"))
    assert names("东辉") == ["东辉明"] and names("东辉小区") == ["东辉明", "林大娘", "唐女士"]
    assert names("林") == ["林大娘"]  # 林小东 lives in another worker's grid
    assert names("ldn") == names("lin") == names("13800001234") == names(f.LIN_DANIANG_ID) == ["林大娘"]
    assert names("tang") == ["唐女士"] and names("zzz") == names("  ") == []
    assert [r.name for r in search(worker, "东辉", limit=MERGED_UP_TO + 1)] == ["东辉明"]
    # A number ending in X is a number, not the initial x of 徐小夏 and everyone like her.
    xu = f.register(worker, home, "徐小夏", f.resident_id("19600101", "992"))
    assert xu.name_initials.startswith("x") and f.resident_id("19600101", "992").endswith("X")
    assert names(f.resident_id("19600101", "992")) == ["徐小夏"]
    assert names(f.resident_id("19700303", "997")) == []

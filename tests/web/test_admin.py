"""The back office: administrators only, through restrict(), every change audited, the trail read-only."""

from __future__ import annotations

import json
from typing import Any

from gridgov.core.models import AuditEntry
from gridgov.geo.models import Grid, MapVersion
from tests.factories import Personas, SmallMap


def test_only_administrators_enter_the_back_office(personas: Personas, client_for: Any) -> None:
    assert client_for(personas.admin).get("/admin/").status_code == 200
    for user in (personas.worker, personas.officer, personas.operator):
        response = client_for(user).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_edits_a_grid_and_the_change_is_audited(
    small_map: SmallMap, personas: Personas, client_for: Any
) -> None:
    grid = small_map.grids[0]
    client = client_for(personas.admin)
    page = client.get(f"/admin/geo/grid/{grid.pk}/change/")
    assert page.status_code == 200
    version = MapVersion.objects.get().version
    moved = {
        "type": "Polygon",
        "coordinates": [[[121.0, 28.0], [121.01, 28.0], [121.01, 28.01], [121.0, 28.0]]],
    }
    data = {
        "code": grid.code,
        "name": "东辉社区一号网格",
        "boundary": json.dumps(moved),
        "village": grid.village_id,
        "police_zone": grid.police_zone_id,
        "leader": "",
        "workers": [personas.worker.pk],
    }
    response = client.post(f"/admin/geo/grid/{grid.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    grid.refresh_from_db()
    assert grid.name == "东辉社区一号网格" and grid.max_lng == 121.01  # bounding box kept in step
    assert MapVersion.objects.get().version == version + 1
    entries = AuditEntry.objects.filter(object_type="geo.grid", object_id=str(grid.pk), action="update")
    entry = entries.order_by("id").last()
    assert entry is not None and entry.actor_name == "admin" and entry.source == "web"


def test_admin_refuses_an_invalid_boundary(small_map: SmallMap, personas: Personas, client_for: Any) -> None:
    grid = small_map.grids[0]
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    data = {
        "code": grid.code,
        "name": grid.name,
        "boundary": json.dumps(bowtie),
        "village": grid.village_id,
        "police_zone": grid.police_zone_id,
        "leader": "",
        "workers": [],
    }
    response = client_for(personas.admin).post(f"/admin/geo/grid/{grid.pk}/change/", data)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert Grid.objects.get(pk=grid.pk).boundary == grid.boundary


def test_the_audit_trail_is_read_only_in_the_back_office(personas: Personas, client_for: Any) -> None:
    client = client_for(personas.admin)
    assert client.get("/admin/core/auditentry/").status_code == 200
    entry = AuditEntry.objects.first()
    assert entry is not None
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()

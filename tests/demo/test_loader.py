"""The Wenling demo in the database: the map of the source, every role, and the people in their places."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from gridgov.accounts.models import User
from gridgov.core.models import AuditEntry
from gridgov.geo.models import Grid, PoliceZone, Village


@pytest.fixture
def demo(db: Any, settings: Any) -> None:
    settings.GRIDGOV_DEMO_PASSWORD = "Demo-pass-2026"
    call_command("demo", verbosity=0)


def test_taiping_and_chengxi_as_the_source_describes(demo: None) -> None:
    assert Grid.objects.filter(village__sub_district__code="331081001").count() == 255
    assert PoliceZone.objects.filter(sub_district__code="331081001").count() == 14
    assert Village.objects.filter(sub_district__code="331081003").count() == 20
    names = set(Village.objects.values_list("name", flat=True))
    assert {"东辉社区", "西园社区", "肖泉村", "渭川村", "吴山村"} <= names


def test_every_grid_has_workers_and_a_leader_and_every_zone_an_officer(demo: None) -> None:
    assert not Grid.objects.filter(workers=None).exists()
    assert not Grid.objects.filter(leader=None).exists()
    assert not PoliceZone.objects.filter(officer=None).exists()


def test_the_named_grid_workers_work_their_villages(demo: None) -> None:
    for username, village in [("chenhuiling", "东辉社区"), ("wangzhe", "肖泉村"), ("wengdi", "西园社区")]:
        user = User.objects.get(username=username)
        grids = list(Grid.objects.restrict(user))
        assert len(grids) == 1 and grids[0].village.name == village
        assert grids[0].workers.filter(pk=user.pk).exists()


def test_officer_lin_answers_for_chen_huilings_grid(demo: None) -> None:
    officer = User.objects.get(username="linhuibing")
    grid = Grid.objects.get(workers__username="chenhuiling")
    assert grid.police_zone.officer == officer
    assert set(Grid.objects.restrict(officer)) == set(Grid.objects.filter(police_zone=grid.police_zone))


def test_every_role_can_log_in_with_the_demo_password(demo: None) -> None:
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {
        "grid_worker",
        "grid_leader",
        "officer",
        "cadre",
        "department",
        "mediator",
        "operator",
        "leader",
        "admin",
    }
    for username in ["admin", "taiping_zhihui", "chenhuiling", "linhuibing", "zhuguifei", "sunmeiling"]:
        response = Client().post("/accounts/login/", {"username": username, "password": "Demo-pass-2026"})
        assert response.status_code == 302, username


def test_loading_again_changes_nothing(demo: None) -> None:
    before = AuditEntry.objects.count()
    call_command("demo", verbosity=0)
    assert AuditEntry.objects.count() == before
    assert Grid.objects.count() == 255 + Grid.objects.filter(village__sub_district__code="331081003").count()

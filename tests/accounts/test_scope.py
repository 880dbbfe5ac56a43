"""restrict(): each persona sees exactly its part of the map, and may change only what its role allows."""

from __future__ import annotations

from gridgov.accounts.models import User
from gridgov.geo.models import Grid, PoliceZone, SubDistrict, Village
from tests.factories import Personas, SmallMap


def codes(qs: object) -> set[str]:
    return set(qs.values_list("code", flat=True))  # type: ignore[attr-defined]


def test_grid_worker_sees_only_his_grid(small_map: SmallMap, personas: Personas) -> None:
    assert codes(Grid.objects.restrict(personas.worker)) == {"331081001001001"}
    assert codes(Grid.objects.restrict(personas.other_worker)) == {"331081001001002"}


def test_grid_worker_cannot_read_another_grids_record(small_map: SmallMap, personas: Personas) -> None:
    other_grid = small_map.grids[1]
    assert not Grid.objects.restrict(personas.worker).filter(pk=other_grid.pk).exists()


def test_officer_sees_exactly_his_zones_grids(small_map: SmallMap, personas: Personas) -> None:
    expected = codes(Grid.objects.filter(police_zone=small_map.zone1))
    assert expected == {"331081001001001", "331081001201001"}
    assert codes(Grid.objects.restrict(personas.officer)) == expected
    assert codes(PoliceZone.objects.restrict(personas.officer)) == {"331081001J01"}


def test_areas_above_grids_follow_the_grids_in_scope(small_map: SmallMap, personas: Personas) -> None:
    assert codes(Village.objects.restrict(personas.worker)) == {"331081001001"}
    assert codes(Village.objects.restrict(personas.officer)) == {"331081001001", "331081001201"}
    assert codes(SubDistrict.objects.restrict(personas.worker)) == {"331081001"}


def test_village_cadre_and_operator_scopes(small_map: SmallMap, personas: Personas) -> None:
    assert codes(Grid.objects.restrict(personas.cadre)) == {"331081001201001", "331081001201002"}
    assert len(codes(Grid.objects.restrict(personas.operator))) == 4
    assert len(codes(Grid.objects.restrict(personas.admin))) == 4


def test_outsider_and_anonymous_see_nothing(small_map: SmallMap, personas: Personas) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not Grid.objects.restrict(personas.outsider).exists()
    assert not Grid.objects.restrict(AnonymousUser()).exists()


def test_inactive_account_sees_nothing(small_map: SmallMap, personas: Personas) -> None:
    personas.worker.is_active = False
    personas.worker.save()
    assert not Grid.objects.restrict(personas.worker).exists()


def test_role_decides_the_action(small_map: SmallMap, personas: Personas) -> None:
    # Workers and officers read the map; only administrators change it.
    assert not Grid.objects.restrict(personas.worker, "change").exists()
    assert not Grid.objects.restrict(personas.operator, "delete").exists()
    assert Grid.objects.restrict(personas.admin, "change").count() == 4


def test_accounts_are_visible_to_oneself_only_unless_admin(small_map: SmallMap, personas: Personas) -> None:
    assert not User.objects.restrict(personas.worker).exists()
    assert User.objects.restrict(personas.admin).count() == 7

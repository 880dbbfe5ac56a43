"""The demo registry: the source's people where its stories put them, every grid lived in, and numbers
that are valid, sealed like the services seal them, and obviously fictional."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from gridgov.accounts.models import ScopeKind, User
from gridgov.accounts.roles import Role
from gridgov.core import crypto
from gridgov.core.masking import mask_id_number, mask_phone
from gridgov.core.models import AuditEntry
from gridgov.demo.registry import LIN, load_city_registry
from gridgov.demo.registry_people import PHONE_PREFIX, Numbers, _check
from gridgov.demo.registry_plan import GridSite, plan_grid
from gridgov.geo.models import Grid
from gridgov.people.identity import check_char, normalize_phone, validate_resident_id
from gridgov.people.models import Building, Household, ResidenceRegistration, Resident
from gridgov.people.pinyin import name_keys
from gridgov.people.services import figures, sealing
from gridgov.people.services.search import search
from tests.factories import SmallMap, make_user, square

SUB_DISTRICTS = ("331081001", "331081003")


@pytest.fixture
def demo(db: Any, settings: Any) -> None:
    settings.GRIDGOV_DEMO_PASSWORD = "Demo-pass-2026"
    call_command("demo", verbosity=0)


def _found(username: str, query: str) -> list[str]:
    return [r.name for r in search(User.objects.get(username=username), query)]


def test_the_story_people_live_where_the_source_puts_them(demo: None) -> None:
    today = timezone.localdate()
    lin = Resident.objects.select_related("household__building", "household__unit", "grid__village").get(
        name="林大娘"
    )
    assert lin.household is not None and lin.household.unit is not None and lin.grid is not None
    assert (lin.household.building.name, lin.household.unit.number) == ("9幢", "4单元")
    assert lin.household.building.high_rise and lin.grid.village.name == "东辉社区"
    assert list(lin.grid.workers.values_list("username", flat=True)) == ["chenhuiling"]
    assert lin.household.residents.count() == 1  # living alone
    assert lin.birth_date.year == 1948 and lin.gender == "female"
    assert [(t.tag.name, t.end) for t in lin.tag_links.all()] == [("独居老人", None)]
    assert sealing.open_document(lin) == LIN.document

    tang = Resident.objects.select_related("grid__village").get(name="唐女士")
    assert tang.grid is not None and tang.grid.village.name == "肖泉村"
    assert list(tang.grid.workers.values_list("username", flat=True)) == ["wangzhe"]
    quarantine = tang.tag_links.get(tag__code="home_quarantine")
    assert quarantine.tag.name == "居家隔离" and quarantine.end is not None
    assert quarantine.start <= today <= quarantine.end  # in quarantine now, and it ends

    # Each grid worker finds their resident by initials; the other's is outside their scope.
    assert _found("chenhuiling", "ldn") == ["林大娘"]
    assert _found("wangzhe", "tns") == ["唐女士"]
    assert _found("wangzhe", "ldn") == [] and _found("chenhuiling", "tangnvshi") == []
    assert _found("linhuibing", LIN.document) == ["林大娘"]  # the officer of her police zone
    assert _found("chenhuiling", LIN.phone) == ["林大娘"]


def test_every_grid_is_lived_in_and_every_figure_has_something_to_show(demo: None) -> None:
    assert not Grid.objects.filter(buildings=None).exists()
    assert not Grid.objects.annotate(n=Count("residents")).filter(n=0).exists()
    # Communities: blocks with units; villages: houses without.
    assert Building.objects.filter(
        grid__village__kind="community", high_rise=True, units__isnull=False
    ).exists()
    assert not Household.objects.filter(grid__village__kind="village", unit__isnull=False).exists()
    total = Resident.objects.count()
    assert 3_000 <= total <= 10_000
    for code in SUB_DISTRICTS:
        counts = figures.figures_for(Grid.objects.filter(village__sub_district__code=code)).as_dict()
        assert all(counts[name] > 0 for name in counts), (code, counts)
        assert counts["floating"] < counts["registered"]
    tags = set(
        Resident.objects.filter(tag_links__isnull=False).values_list("tag_links__tag__code", flat=True)
    )
    assert {"elderly_alone", "home_quarantine", "disabled", "minor", "low_income", "key_attention"} <= tags
    # The audited path: every resident's creation is on the trail, one entry each.
    assert AuditEntry.objects.filter(object_type="people.resident", action="create").count() == total


def test_numbers_are_valid_sealed_like_the_services_and_obviously_fictional(demo: None) -> None:
    documents = set()
    for r in Resident.objects.all():
        number = sealing.open_document(r)
        check = validate_resident_id(number)
        assert (check.birth_date, check.gender) == (r.birth_date, r.gender), r.name
        assert number[14] == "9", "every demo ID number has a sequence code in the 900s"
        assert r.document_index in sealing.document_candidates(number, "resident_id")
        assert r.document_masked == mask_id_number(number)
        assert (r.name_pinyin, r.name_initials) == name_keys(r.name)
        documents.add(number)
        phone = sealing.open_phone(r)
        if phone:
            assert phone.startswith(PHONE_PREFIX) and normalize_phone(phone) == phone
            assert r.phone_index in sealing.phone_candidates(phone) and r.phone_masked == mask_phone(phone)
    assert len(documents) == Resident.objects.count()
    lapsed = ResidenceRegistration.objects.filter(expected_end__lt=timezone.localdate(), ended_on=None)
    assert lapsed.exists()
    for g in ResidenceRegistration.objects.exclude(landlord_phone_cipher="")[:200]:
        phone = crypto.decrypt(g.landlord_phone_cipher, sealing.LANDLORD_PHONE)
        assert phone.startswith(PHONE_PREFIX) and g.landlord_phone_index in sealing.phone_candidates(phone)


def test_loading_again_adds_nothing(demo: None) -> None:
    before = (AuditEntry.objects.count(), Resident.objects.count(), Building.objects.count())
    call_command("demo", verbosity=0)
    assert (AuditEntry.objects.count(), Resident.objects.count(), Building.objects.count()) == before


def test_the_city_generator_writes_exactly_its_total_with_one_audit_entry_per_batch(
    small_map: SmallMap,
) -> None:
    load_city_registry(total=600, batch_size=250)
    assert Resident.objects.count() == 600
    bulk = AuditEntry.objects.filter(object_repr__startswith="bulk load")
    assert AuditEntry.objects.filter(object_type="people.resident").count() == 0
    # Two batches (grids of ~150 residents, a batch closed past 250), a handful of tables each.
    assert 2 <= bulk.filter(object_repr__endswith="people.resident").count() <= 3
    assert all("gridgov demo --scale city" in e.reason for e in bulk)
    sample = Resident.objects.exclude(phone_cipher="").order_by("pk")[17]
    admin = make_user("root", Role.ADMIN, ScopeKind.ALL)
    assert [r.pk for r in search(admin, sealing.open_document(sample))] == [sample.pk]
    assert sample.pk in [r.pk for r in search(admin, sealing.open_phone(sample))]
    assert sample.pk in [r.pk for r in search(admin, sample.name_initials, limit=500)]
    again = AuditEntry.objects.count()
    assert load_city_registry(total=600).residents == 0  # every building is there: nothing to write
    assert AuditEntry.objects.count() == again


def test_plans_are_deterministic_and_grids_are_placed_inside_their_boundary() -> None:
    import json

    import shapely

    boundary = json.dumps(square(0))
    site = GridSite(1, "331081001008001", "东辉社区", True, boundary)
    today = dt.date(2026, 6, 1)
    one = plan_grid(site, 120, Numbers(), today, dense=True)
    two = plan_grid(site, 120, Numbers(), today, dense=True)
    assert one == two and sum(1 for _p in one.people()) == 120
    shape = shapely.from_geojson(boundary)
    assert all(shape.contains(shapely.Point(b.lng, b.lat)) for b in one.buildings)


def test_the_fast_check_digit_is_gb_11643s() -> None:
    numbers = Numbers()
    for day in range(0, 3000, 7):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=day)
        number, _birth = numbers.resident_id("331081", birth, "male" if day % 2 else "female")
        assert number[-1] == check_char(number[:17]) == _check(number[:14], number[14:17])

"""import-map: every bad feature reported, nothing imported when any fails; re-import updates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from gridgov.core.models import AuditEntry
from gridgov.geo.importer import MapFileError, import_map
from gridgov.geo.models import Grid, MapVersion, PoliceZone, SubDistrict, Village
from tests.factories import square, union


def feature(level: str, code: str, geometry: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"level": level, "code": code, "name": props.pop("name", code), **props},
    }


def good_map() -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            feature("grid", "331081001001001", square(0), parent="331081001001", police_zone="331081001J01"),
            feature("grid", "331081001001002", square(1), parent="331081001001", police_zone="331081001J01"),
            feature(
                "village",
                "331081001001",
                square(0, width=2),
                parent="331081001",
                kind="community",
                name="东辉社区",
            ),
            feature("police_zone", "331081001J01", square(0, width=2), parent="331081001", name="东辉警务区"),
            feature("sub_district", "331081001", square(0, width=2), name="太平街道"),
        ],
    }


def errors_of(report: Any) -> dict[str, list[str]]:
    return {f["code"]: f["errors"] for f in report.failures()}


@pytest.mark.django_db
def test_a_valid_map_imports_in_any_feature_order() -> None:
    report = import_map(good_map())
    assert report.ok, report.failures()
    assert report.created == {"sub_district": 1, "police_zone": 1, "village": 1, "grid": 2}
    grid = Grid.objects.select_related("village", "police_zone").get(code="331081001001002")
    assert (grid.village.name, grid.police_zone.name) == ("东辉社区", "东辉警务区")
    assert MapVersion.objects.get().version == 1
    assert AuditEntry.objects.filter(object_type="geo.grid", action="create").count() == 2


@pytest.mark.django_db
def test_reimport_updates_instead_of_duplicating() -> None:
    import_map(good_map())
    data = good_map()
    data["features"][0]["properties"]["name"] = "改名网格"
    report = import_map(data)
    assert report.ok and report.updated["grid"] == 2 and report.created["grid"] == 0
    assert Grid.objects.count() == 2 and Grid.objects.get(code="331081001001001").name == "改名网格"


@pytest.mark.django_db
def test_every_bad_feature_is_reported_and_nothing_is_imported() -> None:
    data = good_map()
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[121.36, 28.36], [121.37, 28.37], [121.37, 28.36], [121.36, 28.37], [121.36, 28.36]]
        ],
    }
    data["features"] += [
        # self-intersecting
        feature("grid", "331081001001003", bowtie, parent="331081001001", police_zone="331081001J01"),
        # overlaps grid 001 by half
        feature(
            "grid",
            "331081001001004",
            union(square(0))
            | {
                "coordinates": [
                    [[121.365, 28.36], [121.375, 28.36], [121.375, 28.37], [121.365, 28.37], [121.365, 28.36]]
                ]
            },
            parent="331081001001",
            police_zone="331081001J01",
        ),
        # outside its village
        feature("grid", "331081001001005", square(5), parent="331081001001", police_zone="331081001J01"),
        # unknown parent and zone
        feature(
            "grid", "331081001999001", square(0, row=3), parent="331081001999", police_zone="331081001J99"
        ),
        # duplicate code
        feature(
            "grid", "331081001001001", square(0, row=5), parent="331081001001", police_zone="331081001J01"
        ),
        # malformed code and level
        feature("grid", "12345", square(0, row=7), parent="331081001001", police_zone="331081001J01"),
        feature("county", "331081", square(0, row=9)),
    ]
    report = import_map(data)
    assert not report.ok
    errors = {f["feature"]: " ".join(f["errors"]) for f in report.failures()}
    assert "Self-intersecting" in errors[5] or "自相交" in errors[5]
    assert "331081001001001" in errors[6]  # overlaps
    assert "village" in errors[7] or "村" in errors[7]
    assert "331081001999" in errors[8] and "331081001J99" in errors[8]
    assert "0" in errors[9]  # duplicate of feature 0
    assert "12345" in errors[10]
    assert "county" in errors[11]
    assert not {2, 3, 4} & set(errors)  # the village, zone and sub-district are not blamed
    assert not Grid.objects.exists() and not SubDistrict.objects.exists() and not Village.objects.exists()
    assert not PoliceZone.objects.exists() and not MapVersion.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_overlap_with_a_stored_grid_is_caught() -> None:
    import_map(good_map())
    data = {
        "type": "FeatureCollection",
        "features": [
            feature("grid", "331081001001009", square(0), parent="331081001001", police_zone="331081001J01")
        ],
    }
    report = import_map(data)
    assert not report.ok and "331081001001001" in " ".join(report.failures()[0]["errors"])


def test_not_a_feature_collection() -> None:
    with pytest.raises(MapFileError):
        import_map({"type": "Feature"})


@pytest.mark.django_db
def test_command_imports_and_reports(tmp_path: Path, capsys: Any) -> None:
    good = tmp_path / "map.geojson"
    good.write_text(json.dumps(good_map()), encoding="utf-8")
    call_command("import_map", str(good))
    assert Grid.objects.count() == 2
    bad = tmp_path / "bad.geojson"
    data = good_map()
    data["features"][0]["properties"]["parent"] = "331081001777"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_map", str(bad))
    assert "331081001777" in capsys.readouterr().err
    (tmp_path / "junk.geojson").write_bytes(b"\x89PNG not json")
    with pytest.raises(CommandError, match="not a JSON file"):
        call_command("import_map", str(tmp_path / "junk.geojson"))

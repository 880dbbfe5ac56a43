"""Import a map from GeoJSON: validate every feature, then write all of it or nothing.

The file is a FeatureCollection whose features carry `level` (sub_district, police_zone, village,
grid), `code`, `name`, `parent` (the code of the sub-district, or for a grid its village), `kind`
(village or community) and, for a grid, `police_zone`. Existing codes are updated, new ones added.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.geo.index import bump_map_version
from gridgov.geo.models import Grid, PoliceZone, SubDistrict, Village


def square_metres(square_degrees: float, latitude: float) -> float:
    return square_degrees * 111_320.0**2 * math.cos(math.radians(latitude))


# About one square metre at Wenling's latitude: shared edges computed in floating point overlap by
# far less than this; a real overlap or a grid sticking out of its village by far more.
AREA_TOLERANCE = 1e-10

LEVELS: dict[str, tuple[type[Any], str]] = {
    "sub_district": (SubDistrict, r"^\d{9}$"),
    "police_zone": (PoliceZone, r"^\d{9}J\d{2}$"),
    "village": (Village, r"^\d{12}$"),
    "grid": (Grid, r"^\d{15}$"),
}
ORDER = ["sub_district", "police_zone", "village", "grid"]
PARENT_LEVEL = {"police_zone": "sub_district", "village": "sub_district", "grid": "village"}


@dataclass
class Feature:
    index: int
    level: str
    code: str
    name: str
    parent: str
    kind: str
    police_zone: str
    geometry: dict[str, Any] | None
    shape: Any = None
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    features: list[Feature]
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(f.errors for f in self.features)

    def failures(self) -> list[dict[str, Any]]:
        return [
            {"feature": f.index, "level": f.level, "code": f.code, "errors": f.errors}
            for f in self.features
            if f.errors
        ]


class MapFileError(ValueError):
    """The file as a whole cannot be read as a map."""


def parse(data: Any) -> list[Feature]:
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise MapFileError(_("The file is not a GeoJSON FeatureCollection."))
    features = []
    for index, raw in enumerate(data["features"]):
        props = raw.get("properties") or {} if isinstance(raw, dict) else {}
        geometry = raw.get("geometry") if isinstance(raw, dict) else None
        features.append(
            Feature(
                index=index,
                level=str(props.get("level") or ""),
                code=str(props.get("code") or "").strip(),
                name=str(props.get("name") or "").strip(),
                parent=str(props.get("parent") or "").strip(),
                kind=str(props.get("kind") or "").strip(),
                police_zone=str(props.get("police_zone") or "").strip(),
                geometry=geometry if isinstance(geometry, dict) else None,
            )
        )
    return features


def _check_fields(f: Feature, seen: dict[str, int]) -> None:
    if f.level not in LEVELS:
        f.errors.append(
            _("Unknown level %(level)r: use sub_district, police_zone, village or grid.") % {"level": f.level}
        )
        return
    if not re.match(LEVELS[f.level][1], f.code):
        f.errors.append(
            _("Code %(code)r does not have the form of a %(level)s code.")
            % {"code": f.code, "level": f.level}
        )
    if not f.name:
        f.errors.append(_("The name is missing."))
    if f.code in seen:
        f.errors.append(_("Duplicate code: also feature %(other)d.") % {"other": seen[f.code]})
    else:
        seen[f.code] = f.index
    if f.level == "village" and f.kind not in {"village", "community"}:
        f.errors.append(_("The kind of a village must be village or community."))


def _check_geometry(f: Feature) -> None:
    if f.geometry is None or f.geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        f.errors.append(_("The boundary must be a Polygon or MultiPolygon."))
        return
    try:
        shape = shapely.from_geojson(json.dumps(f.geometry))
    except (shapely.errors.GEOSException, ValueError, TypeError):
        f.errors.append(_("The boundary cannot be read as GeoJSON."))
        return
    if shape.is_empty:
        f.errors.append(_("The boundary is empty."))
        return
    minx, miny, maxx, maxy = shape.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        f.errors.append(_("The boundary is not in longitude/latitude degrees (WGS-84)."))
        return
    if not shape.is_valid:
        reason = shapely.is_valid_reason(shape)
        if "Self-intersection" in reason or "Ring Self-intersection" in reason:
            f.errors.append(_("Self-intersecting polygon (%(where)s).") % {"where": reason})
        else:
            f.errors.append(_("Invalid polygon (%(reason)s).") % {"reason": reason})
        return
    if shape.area == 0:
        f.errors.append(_("The boundary is empty."))
        return
    f.shape = shape


def _resolve(f: Feature, by_code: dict[str, Feature], stored: Callable[[str, str], Any]) -> None:
    if f.level not in PARENT_LEVEL:
        return
    want = PARENT_LEVEL[f.level]
    in_file = by_code.get(f.parent)
    if not f.parent or not ((in_file and in_file.level == want) or stored(want, f.parent)):
        f.errors.append(
            _("Unknown parent %(parent)r (expected a %(level)s).") % {"parent": f.parent, "level": want}
        )
    elif not f.code.startswith(f.parent[:9] if f.level == "police_zone" else f.parent):
        f.errors.append(
            _("The code %(code)s does not start with its parent's code %(parent)s.")
            % {"code": f.code, "parent": f.parent}
        )
    if f.level == "grid":
        zone = by_code.get(f.police_zone)
        if not f.police_zone or not (
            (zone and zone.level == "police_zone") or stored("police_zone", f.police_zone)
        ):
            f.errors.append(_("Unknown police zone %(zone)r.") % {"zone": f.police_zone})


class _Stored:
    """What the database already holds, loaded once per import."""

    def __init__(self) -> None:
        self.codes: dict[str, set[str]] = {
            level: set(model.objects.values_list("code", flat=True)) for level, (model, _r) in LEVELS.items()
        }
        self._shapes: dict[tuple[str, str], Any] = {}

    def has(self, level: str, code: str) -> bool:
        return code in self.codes[level]

    def shape(self, level: str, code: str) -> Any:
        key = (level, code)
        if key not in self._shapes:
            boundary = LEVELS[level][0].objects.filter(code=code).values_list("boundary", flat=True).first()
            self._shapes[key] = shapely.from_geojson(boundary) if boundary else None
        return self._shapes[key]


def _check_grids_spatially(grids: list[Feature], by_code: dict[str, Feature], stored: _Stored) -> None:
    def container(level: str, code: str) -> Any:
        feature = by_code.get(code)
        return feature.shape if feature is not None else stored.shape(level, code)

    for f in grids:
        for level, code, message in (
            ("village", f.parent, _("The grid lies partly outside its village %(code)s (%(area).0f m²).")),
            (
                "police_zone",
                f.police_zone,
                _("The grid lies partly outside its police zone %(code)s (%(area).0f m²)."),
            ),
        ):
            outer = container(level, code)
            if outer is not None and f.shape is not None:
                outside = shapely.area(shapely.difference(f.shape, outer))
                if outside > AREA_TOLERANCE:
                    f.errors.append(
                        message % {"code": code, "area": square_metres(outside, f.shape.centroid.y)}
                    )

    # Overlaps: among the file's grids, and against stored grids the file does not replace.
    file_codes = {f.code for f in grids}
    others = [(c, b) for c, b in Grid.objects.exclude(code__in=file_codes).values_list("code", "boundary")]
    candidates = [f for f in grids if f.shape is not None]
    shapes = [f.shape for f in candidates] + list(
        shapely.from_geojson([b for _c, b in others]) if others else []
    )
    labels = [f.code for f in candidates] + [c for c, _b in others]
    if not candidates:
        return
    tree = shapely.STRtree(shapes)
    left, right = tree.query(np.array([f.shape for f in candidates], dtype=object), predicate="intersects")
    keep = left != right  # both grids of an overlapping pair are told, each naming the other
    left, right = left[keep], right[keep]
    if len(left) == 0:
        return
    shapes_array = np.array(shapes, dtype=object)
    areas = shapely.area(shapely.intersection(shapes_array[left], shapes_array[right]))
    for i, j, overlap in zip(left.tolist(), right.tolist(), areas.tolist(), strict=True):
        if overlap > AREA_TOLERANCE:
            candidates[i].errors.append(
                _("The grid overlaps grid %(other)s (%(area).0f m²).")
                % {"other": labels[j], "area": square_metres(overlap, candidates[i].shape.centroid.y)}
            )


def validate(features: list[Feature]) -> _Stored:
    stored = _Stored()
    seen: dict[str, int] = {}
    for f in features:
        _check_fields(f, seen)
        if f.level in LEVELS:
            _check_geometry(f)
    by_code = {
        f.code: f for f in features if f.level in LEVELS and not any("Duplicate" in e for e in f.errors)
    }
    for f in features:
        if f.level in LEVELS:
            _resolve(f, by_code, stored.has)
    _check_grids_spatially([f for f in features if f.level == "grid"], by_code, stored)
    return stored


def _write(features: list[Feature], report: ImportReport) -> None:
    ids: dict[str, dict[str, int]] = {}
    for level in ORDER:
        model = LEVELS[level][0]
        batch = [f for f in features if f.level == level]
        existing = {obj.code: obj for obj in model.objects.filter(code__in=[f.code for f in batch])}
        ids[level] = {}
        new: list[Any] = []
        changed: list[Any] = []
        for f in batch:
            obj = existing.get(f.code) or model(code=f.code)
            obj.name = f.name
            assert f.geometry is not None
            obj.set_boundary(f.geometry)
            if level == "village":
                obj.kind = f.kind
            if level in {"village", "police_zone"}:
                obj.sub_district_id = (
                    ids["sub_district"].get(f.parent) or SubDistrict.objects.get(code=f.parent).pk
                )
            if level == "grid":
                obj.village_id = ids["village"].get(f.parent) or Village.objects.get(code=f.parent).pk
                obj.police_zone_id = (
                    ids["police_zone"].get(f.police_zone) or PoliceZone.objects.get(code=f.police_zone).pk
                )
            (changed if obj.pk else new).append(obj)
        if changed:
            fields = [
                "name",
                "boundary",
                "min_lng",
                "min_lat",
                "max_lng",
                "max_lat",
                "label_lng",
                "label_lat",
            ]
            fields += {
                "village": ["kind", "sub_district"],
                "police_zone": ["sub_district"],
                "grid": ["village", "police_zone"],
            }.get(level, [])
            model.objects.bulk_update(changed, fields, batch_size=500)
        if new:
            model.objects.bulk_create(new, batch_size=500)
        stored_ids = dict(model.objects.filter(code__in=[f.code for f in batch]).values_list("code", "pk"))
        ids[level] = stored_ids
        report.created[level], report.updated[level] = len(new), len(changed)


def import_map(data: Any) -> ImportReport:
    """Validate `data` (a parsed FeatureCollection); if every feature passes, write them all."""
    report = ImportReport(parse(data))
    # Validated inside the writing transaction, so a concurrent change cannot slip in between.
    with transaction.atomic():
        validate(report.features)
        if report.ok:
            _write(report.features, report)
            bump_map_version()
    return report

"""China coordinate systems: WGS-84, GCJ-02 and BD-09.

Everything is stored as WGS-84; AMap/Tencent (GCJ-02) and Baidu (BD-09) coordinates are converted at
the edges of the system. GCJ-02 is a deliberately obfuscated, non-invertible-in-closed-form
distortion of WGS-84 (several hundred metres in mainland China), and BD-09 adds a second distortion on
top of GCJ-02. The inverses here are iterated to a fixed point rather than using the common one-step
approximation, which is off by up to ~0.6 m -- enough to move a household across a grid boundary.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

CRS = Literal["wgs84", "gcj02", "bd09"]
CRS_NAMES: tuple[CRS, ...] = ("wgs84", "gcj02", "bd09")

FloatArray: TypeAlias = npt.NDArray[np.float64]
_Pair: TypeAlias = tuple[float, float]
_ArrayPair: TypeAlias = tuple[FloatArray, FloatArray]

# Krasovsky 1940 ellipsoid: GCJ-02 is defined against it, not against WGS-84's own ellipsoid.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0
_BD_DLNG = 0.0065
_BD_DLAT = 0.006

# The rough "is this mainland China" box every GCJ-02 implementation uses; outside it the
# obfuscation is not applied, so GCJ-02 == WGS-84 there.
_CHINA_LNG = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)

# Far below survey accuracy, but well above float rounding at ~120 degrees (ulp ~1.4e-14), so the
# fixed point is always reachable; convergence is geometric (the distortion's Jacobian is ~1e-2),
# so this takes 3-5 iterations. The cap only matters for NaN input.
_INVERSE_TOL = 1e-11
_MAX_ITER = 30


def parse_crs(name: str) -> CRS:
    """Validate an untrusted CRS name (e.g. from a request parameter)."""
    for crs in CRS_NAMES:
        if name == crs:
            return crs
    raise ValueError(f"unknown coordinate system {name!r}; expected one of {', '.join(CRS_NAMES)}")


def _in_china(lng: float, lat: float) -> bool:
    return _CHINA_LNG[0] <= lng <= _CHINA_LNG[1] and _CHINA_LAT[0] <= lat <= _CHINA_LAT[1]


def _gcj_delta(lng: float, lat: float) -> _Pair:
    """GCJ-02 offset (dlng, dlat) in degrees, unconditionally (no China box check)."""
    x = lng - 105.0
    y = lat - 35.0
    shared = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat_m = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * math.sqrt(abs(x))
        + shared
        + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
        + (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    )
    dlng_m = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * math.sqrt(abs(x))
        + shared
        + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
        + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    rad_lat = lat / 180.0 * math.pi
    magic = 1.0 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat_m * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlng = (dlng_m * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return dlng, dlat


def _gcj_delta_array(lng: FloatArray, lat: FloatArray) -> _ArrayPair:
    # Same formula as _gcj_delta; kept separate because math.* on scalars is ~20x faster than numpy.
    x = lng - 105.0
    y = lat - 35.0
    shared = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat_m = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + shared
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlng_m = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + shared
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat_m * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlng = (dlng_m * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return dlng, dlat


def _invert(fwd: Callable[[float, float], _Pair], lng: float, lat: float, guess: _Pair) -> _Pair:
    """Fixed-point inverse: correct the guess by the forward error until the error vanishes."""
    wlng, wlat = guess
    for _ in range(_MAX_ITER):
        flng, flat = fwd(wlng, wlat)
        elng, elat = flng - lng, flat - lat
        if abs(elng) <= _INVERSE_TOL and abs(elat) <= _INVERSE_TOL:
            break
        wlng, wlat = wlng - elng, wlat - elat
    return wlng, wlat


def _invert_array(
    fwd: Callable[[FloatArray, FloatArray], _ArrayPair], lng: FloatArray, lat: FloatArray, guess: _ArrayPair
) -> _ArrayPair:
    wlng, wlat = guess
    for _ in range(_MAX_ITER):
        flng, flat = fwd(wlng, wlat)
        elng, elat = flng - lng, flat - lat
        # Written as "any > tol" so NaN inputs count as converged instead of spinning to the cap.
        if not (np.any(np.abs(elng) > _INVERSE_TOL) or np.any(np.abs(elat) > _INVERSE_TOL)):
            break
        wlng, wlat = wlng - elng, wlat - elat
    return wlng, wlat


# --- scalar -------------------------------------------------------------------------------------


def _wgs84_to_gcj02_raw(lng: float, lat: float) -> _Pair:
    dlng, dlat = _gcj_delta(lng, lat)
    return lng + dlng, lat + dlat


def wgs84_to_gcj02(lng: float, lat: float) -> _Pair:
    if not _in_china(lng, lat):
        return lng, lat
    return _wgs84_to_gcj02_raw(lng, lat)


def gcj02_to_wgs84(lng: float, lat: float) -> _Pair:
    # Deciding by the GCJ point is the usual convention; it only differs from deciding by the
    # (unknown) WGS point within ~1 km of the box edge, which is sea or foreign territory.
    if not _in_china(lng, lat):
        return lng, lat
    dlng, dlat = _gcj_delta(lng, lat)
    return _invert(_wgs84_to_gcj02_raw, lng, lat, (lng - dlng, lat - dlat))


def gcj02_to_bd09(lng: float, lat: float) -> _Pair:
    z = math.hypot(lng, lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.cos(theta) + _BD_DLNG, z * math.sin(theta) + _BD_DLAT


def bd09_to_gcj02(lng: float, lat: float) -> _Pair:
    x, y = lng - _BD_DLNG, lat - _BD_DLAT
    z = math.hypot(x, y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return _invert(gcj02_to_bd09, lng, lat, (z * math.cos(theta), z * math.sin(theta)))


def wgs84_to_bd09(lng: float, lat: float) -> _Pair:
    return gcj02_to_bd09(*wgs84_to_gcj02(lng, lat))


def bd09_to_wgs84(lng: float, lat: float) -> _Pair:
    return gcj02_to_wgs84(*bd09_to_gcj02(lng, lat))


def _identity(lng: float, lat: float) -> _Pair:
    return lng, lat


_SCALAR: dict[tuple[CRS, CRS], Callable[[float, float], _Pair]] = {
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("bd09", "wgs84"): bd09_to_wgs84,
}


def convert(lng: float, lat: float, src: CRS, dst: CRS) -> _Pair:
    src, dst = parse_crs(src), parse_crs(dst)
    return _SCALAR.get((src, dst), _identity)(lng, lat)


def to_wgs84(lng: float, lat: float, crs: CRS) -> _Pair:
    return convert(lng, lat, crs, "wgs84")


def from_wgs84(lng: float, lat: float, crs: CRS) -> _Pair:
    return convert(lng, lat, "wgs84", crs)


# --- arrays -------------------------------------------------------------------------------------


def _in_china_array(lng: FloatArray, lat: FloatArray) -> npt.NDArray[np.bool_]:
    return (lng >= _CHINA_LNG[0]) & (lng <= _CHINA_LNG[1]) & (lat >= _CHINA_LAT[0]) & (lat <= _CHINA_LAT[1])


def _wgs84_to_gcj02_raw_array(lng: FloatArray, lat: FloatArray) -> _ArrayPair:
    dlng, dlat = _gcj_delta_array(lng, lat)
    return lng + dlng, lat + dlat


def _wgs84_to_gcj02_array(lng: FloatArray, lat: FloatArray) -> _ArrayPair:
    inside = _in_china_array(lng, lat)
    glng, glat = _wgs84_to_gcj02_raw_array(lng, lat)
    return np.where(inside, glng, lng), np.where(inside, glat, lat)


def _gcj02_to_wgs84_array(lng: FloatArray, lat: FloatArray) -> _ArrayPair:
    inside = _in_china_array(lng, lat)
    out_lng, out_lat = lng.copy(), lat.copy()
    # Only in-box points iterate, so far-away points cannot hold the whole batch back.
    ilng, ilat = lng[inside], lat[inside]
    dlng, dlat = _gcj_delta_array(ilng, ilat)
    out_lng[inside], out_lat[inside] = _invert_array(
        _wgs84_to_gcj02_raw_array, ilng, ilat, (ilng - dlng, ilat - dlat)
    )
    return out_lng, out_lat


def _gcj02_to_bd09_array(lng: FloatArray, lat: FloatArray) -> _ArrayPair:
    z = np.hypot(lng, lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lng) + 0.000003 * np.cos(lng * _X_PI)
    return z * np.cos(theta) + _BD_DLNG, z * np.sin(theta) + _BD_DLAT


def _bd09_to_gcj02_array(lng: FloatArray, lat: FloatArray) -> _ArrayPair:
    x, y = lng - _BD_DLNG, lat - _BD_DLAT
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _invert_array(_gcj02_to_bd09_array, lng, lat, (z * np.cos(theta), z * np.sin(theta)))


def _wgs84_to_bd09_array(lng: FloatArray, lat: FloatArray) -> _ArrayPair:
    return _gcj02_to_bd09_array(*_wgs84_to_gcj02_array(lng, lat))


def _bd09_to_wgs84_array(lng: FloatArray, lat: FloatArray) -> _ArrayPair:
    return _gcj02_to_wgs84_array(*_bd09_to_gcj02_array(lng, lat))


_ARRAY: dict[tuple[CRS, CRS], Callable[[FloatArray, FloatArray], _ArrayPair]] = {
    ("wgs84", "gcj02"): _wgs84_to_gcj02_array,
    ("gcj02", "wgs84"): _gcj02_to_wgs84_array,
    ("gcj02", "bd09"): _gcj02_to_bd09_array,
    ("bd09", "gcj02"): _bd09_to_gcj02_array,
    ("wgs84", "bd09"): _wgs84_to_bd09_array,
    ("bd09", "wgs84"): _bd09_to_wgs84_array,
}


def convert_array(lngs: npt.ArrayLike, lats: npt.ArrayLike, src: CRS, dst: CRS) -> _ArrayPair:
    """Convert whole coordinate arrays; returns new float64 arrays, never views of the input."""
    src, dst = parse_crs(src), parse_crs(dst)
    lng = np.array(lngs, dtype=np.float64)
    lat = np.array(lats, dtype=np.float64)
    if lng.shape != lat.shape:
        raise ValueError(f"lngs and lats differ in shape: {lng.shape} != {lat.shape}")
    fn = _ARRAY.get((src, dst))
    return (lng, lat) if fn is None else fn(lng, lat)


# --- GeoJSON ------------------------------------------------------------------------------------

# Nesting depth of "coordinates" above the position level.
_DEPTH: dict[str, int] = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "Polygon": 2,
    "MultiLineString": 2,
    "MultiPolygon": 3,
}


def _flatten(node: Any, depth: int, out: list[Sequence[float]]) -> None:
    if depth == 0:
        out.append(node)
        return
    for child in node:
        _flatten(child, depth - 1, out)


def _rebuild(node: Any, depth: int, converted: Iterator[list[float]]) -> Any:
    if depth == 0:
        return next(converted)
    return [_rebuild(child, depth - 1, converted) for child in node]


def convert_geojson(geometry: dict[str, Any], src: CRS, dst: CRS) -> dict[str, Any]:
    """Return a new GeoJSON geometry with every position converted from src to dst.

    Altitudes and foreign members are kept; "bbox" is dropped because it would be stale.
    """
    src, dst = parse_crs(src), parse_crs(dst)
    if src == dst:
        return copy.deepcopy(geometry)
    gtype = geometry.get("type")
    rest = {
        k: copy.deepcopy(v) for k, v in geometry.items() if k not in ("coordinates", "geometries", "bbox")
    }
    if gtype == "GeometryCollection":
        return {**rest, "geometries": [convert_geojson(g, src, dst) for g in geometry["geometries"]]}
    if not isinstance(gtype, str) or gtype not in _DEPTH:
        raise ValueError(f"unsupported GeoJSON geometry type {gtype!r}")
    depth = _DEPTH[gtype]
    positions: list[Sequence[float]] = []
    _flatten(geometry["coordinates"], depth, positions)
    # One vectorised call for all vertices: per-vertex scalar calls would dominate for big polygons.
    xy = np.array([(p[0], p[1]) for p in positions], dtype=np.float64).reshape(-1, 2)
    lng, lat = convert_array(xy[:, 0], xy[:, 1], src, dst)
    converted = ([x, y, *p[2:]] for x, y, p in zip(lng.tolist(), lat.tolist(), positions, strict=True))
    return {**rest, "coordinates": _rebuild(geometry["coordinates"], depth, converted)}

"""The process-wide locate index, rebuilt whenever the map version in the database moves on."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F

from gridgov.geo.locate import GridIndex
from gridgov.geo.models import Grid, MapVersion


def current_map_version() -> int:
    return MapVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def bump_map_version() -> None:
    """Called in the transaction that changes boundaries, so the bump commits with them."""
    with transaction.atomic():
        updated = MapVersion.objects.filter(pk=1).update(version=F("version") + 1)
        if not updated:
            MapVersion.objects.create(pk=1, version=1)


@dataclass(frozen=True, slots=True)
class _Built:
    version: int
    index: GridIndex


class _Cache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: _Built | None = None
        self._checked_at = 0.0

    def get(self) -> GridIndex:
        built = self._built
        now = time.monotonic()
        if built is not None and now - self._checked_at < settings.GRIDGOV_MAP_CHECK_SECONDS:
            return built.index
        version = current_map_version()
        self._checked_at = now
        if built is not None and built.version == version:
            return built.index
        with self._lock:
            if self._built is None or self._built.version != version:
                rows = list(Grid.objects.order_by("pk").values_list("pk", "boundary"))
                index = GridIndex.from_geojson([r[0] for r in rows], [r[1] for r in rows])
                self._built = _Built(version, index)
            return self._built.index

    def clear(self) -> None:
        with self._lock:
            self._built = None
            self._checked_at = 0.0


grid_index = _Cache()

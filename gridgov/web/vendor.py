"""Serves the front-end libraries that npm installed (package-lock.json), file by file.

Only the files listed here are exposed as static files, under /static/vendor/…: nothing else in
node_modules is published, and no copy of the libraries is committed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Warning
from django.core.files.storage import FileSystemStorage

VENDOR_FILES: dict[str, str] = {
    "vendor/leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    "vendor/leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    # leaflet.css refers to these by relative URL (the layer-control button, default markers).
    "vendor/leaflet/images/layers.png": "leaflet/dist/images/layers.png",
    "vendor/leaflet/images/layers-2x.png": "leaflet/dist/images/layers-2x.png",
    "vendor/leaflet/images/marker-icon.png": "leaflet/dist/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png": "leaflet/dist/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png": "leaflet/dist/images/marker-shadow.png",
    "vendor/bootstrap/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "vendor/echarts/echarts.min.js": "echarts/dist/echarts.min.js",
}


class VendorFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.root = Path(settings.GRIDGOV_NODE_MODULES)
        self.storage = FileSystemStorage(location=str(self.root))

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        missing = [src for src in VENDOR_FILES.values() if not (self.root / src).is_file()]
        if missing:
            return [
                Warning(
                    f"front-end files missing (run `make install`): {', '.join(missing)}", id="gridgov.W001"
                )
            ]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        source = VENDOR_FILES.get(path)
        if source is None or not (self.root / source).is_file():
            return [] if find_all else None
        found = str(self.root / source)
        return [found] if find_all else found

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, Any]]:
        for target, source in VENDOR_FILES.items():
            if (self.root / source).is_file():
                yield target, _Renamed(self.root, source, target)


class _Renamed(FileSystemStorage):
    """collectstatic copies `source` under the name `target`."""

    def __init__(self, root: Path, source: str, target: str) -> None:
        super().__init__(location=str(root))
        self._source, self._target = source, target

    def path(self, name: str) -> str:
        return super().path(self._source if name == self._target else name)

    def open(self, name: str, mode: str = "rb") -> Any:
        return super().open(self._source if name == self._target else name, mode)

"""What a validated workbook will do: the records to create or update, or the problems that stop it.

Validation happens before anything is written, so every problem in the file is reported at once; the
importer then carries out the plan in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from gridgov.core.errors import Invalid
from gridgov.geo.coords import parse_crs
from gridgov.geo.index import grid_index
from gridgov.geo.models import Grid
from gridgov.people.excel.reader import Problem, Row, Sheet
from gridgov.people.models import Building
from gridgov.people.services import places
from gridgov.people.services.residents import RegistrationInput
from gridgov.people.services.validation import CleanResident

Progress = Callable[[str, int, int], None]


@dataclass(slots=True, eq=False)
class Place:
    """A building the file refers to: in the registry already (pk), or created by this import."""

    pk: int | None
    grid_id: int
    grid_code: str
    name: str
    address: str


@dataclass(slots=True)
class NewBuilding:
    row: int
    place: Place
    lng: float
    lat: float
    floors: int
    use: str


@dataclass(slots=True)
class HouseholdItem:
    row: int
    place: Place
    unit: str
    room: str


@dataclass(slots=True)
class Existing:
    """The registry's record of a person the file lists again: the import updates it."""

    pk: int
    household_id: int | None
    name: str
    gender: str
    birth_date: dt.date
    relation: str
    kind: str
    workplace: str
    phone_index: str


@dataclass(slots=True)
class ResidentItem:
    row: int
    clean: CleanResident
    place: Place
    unit: str
    room: str
    moved_in: dt.date
    registration: RegistrationInput | None
    landlord_phone: str
    existing: Existing | None = None


@dataclass
class Plan:
    file_name: str
    problems: list[Problem] = field(default_factory=list)
    # Per sheet: its header row, and the rows that failed with their messages per column index.
    headers: dict[str, list[str]] = field(default_factory=dict)
    bad_rows: dict[str, list[tuple[Row, dict[int | None, list[str]]]]] = field(default_factory=dict)
    buildings: list[NewBuilding] = field(default_factory=list)
    buildings_existing: int = 0
    households: list[HouseholdItem] = field(default_factory=list)
    residents: list[ResidentItem] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def reject_row(self, sheet: Sheet, row: Row, errors: dict[int | None, list[str]]) -> None:
        self.headers.setdefault(sheet.title, sheet.headers)
        self.bad_rows.setdefault(sheet.title, []).append((row, errors))
        for index, messages in errors.items():
            column = sheet.headers[index] if index is not None and index < len(sheet.headers) else None
            for message in messages:
                self.problems.append(Problem(sheet.title, row.number, column, message))


@dataclass(frozen=True, slots=True)
class GridInfo:
    pk: int
    code: str
    label: tuple[float, float]


class Places:
    """Grids and buildings in the actor's scope, looked up once per distinct name and cached."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self._grids: dict[str, GridInfo | None] = {}
        self._found: dict[tuple[str, str], list[Place]] = {}
        self.new: list[Place] = []  # buildings this file creates
        self._by_pk: dict[int, Place] = {}

    def grid(self, code: str) -> GridInfo | None:
        if code not in self._grids:
            row = (
                Grid.objects.restrict(self.actor, "view")
                .filter(code=code)
                .values_list("pk", "code", "label_lng", "label_lat")
                .first()
            )
            self._grids[code] = GridInfo(row[0], row[1], (row[2], row[3])) if row else None
        return self._grids[code]

    @staticmethod
    def located(lng: float, lat: float) -> int | None:
        return grid_index.get().locate(lng, lat)

    def building_grid(
        self, code: str, lng: float | None, lat: float | None, crs: str
    ) -> tuple[tuple[int, str, float, float] | None, str, str]:
        """Grid and WGS-84 point of a building row: from its coordinates (placed by locate, as the
        places service does), else the grid's label point; or the column and message of the problem."""
        given = self.grid(code) if code else None
        if code and given is None:
            return None, "grid", _("Unknown grid code, or a grid outside yours.")
        if (lng is None) != (lat is None):
            return None, "lng" if lng is None else "lat", _("Give both longitude and latitude.")
        if lng is not None and lat is not None:
            try:
                grid, wlng, wlat = places.grid_for_point(self.actor, lng, lat, parse_crs(crs or "wgs84"))
            except Invalid as error:
                return None, "lng", error.message
            except PermissionDenied as error:
                return None, "lng", str(error)
            if given is not None and given.pk != grid.pk:
                return None, "grid", _("The coordinates lie in grid %(code)s.") % {"code": grid.code}
            return (grid.pk, grid.code, wlng, wlat), "", ""
        if given is None:
            return None, "grid", _("Give the grid code, or the longitude and latitude.")
        if self.located(*given.label) != given.pk:
            return None, "lng", _("This grid has no usable centre point: give the coordinates.")
        return (given.pk, given.code, *given.label), "", ""

    def add_new(self, place: Place) -> None:
        self.new.append(place)
        self._found.clear()  # cached answers may now have one candidate more

    def existing(self, grid_id: int, code: str, name: str) -> Place | None:
        row = Building.objects.filter(grid_id=grid_id, name=name).values_list("pk", "address").first()
        return self._place(row[0], grid_id, name, row[1], code) if row else None

    def _place(self, pk: int, grid_id: int, name: str, address: str, code: str = "") -> Place:
        if pk not in self._by_pk:
            self._by_pk[pk] = Place(pk, grid_id, code, name, address)
        return self._by_pk[pk]

    def find(self, grid_code: str, text: str) -> list[Place]:
        """Buildings named or addressed `text` (in the grid, if given) that the actor may add to."""
        key = (grid_code, text)
        if key not in self._found:
            qs = Building.objects.restrict(self.actor, "change").filter(Q(name=text) | Q(address=text))
            if grid_code:
                qs = qs.filter(grid__code=grid_code)
            places = [
                self._place(pk, grid_id, name, address, code)
                for pk, grid_id, name, address, code in qs.values_list(
                    "pk", "grid_id", "name", "address", "grid__code"
                )[:5]
            ]
            places += [
                p
                for p in self.new
                if text in (p.name, p.address) and (not grid_code or p.grid_code == grid_code)
            ]
            self._found[key] = places
        return self._found[key]

    def one(self, grid_code: str, text: str) -> tuple[Place | None, str]:
        found = self.find(grid_code, text)
        if len(found) == 1:
            return found[0], ""
        if not found:
            return None, _("No building of this name or address in your grids.")
        return None, _("Several buildings have this name or address: add the grid code (网格编码).")

"""Check every row of every sheet against the registry's rules and the actor's scope, writing nothing.

Residents go through `validation.clean_resident`, the one check that forms and the API use too. Lookups
are batched: a grid or building is fetched once per distinct name, and document numbers are matched
against the registry through their blind indexes, 500 rows to a query.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import Invalid
from gridgov.people.excel import cells
from gridgov.people.excel.columns import SheetSpec
from gridgov.people.excel.plan import (
    Existing,
    HouseholdItem,
    NewBuilding,
    Place,
    Places,
    Plan,
    Progress,
    ResidentItem,
)
from gridgov.people.excel.reader import Row, Sheet
from gridgov.people.identity import IdentityError, normalize_phone
from gridgov.people.models import Resident
from gridgov.people.services import sealing
from gridgov.people.services.residents import RegistrationInput
from gridgov.people.services.validation import ResidentInput, clean_resident

CHUNK = 500
_NUMERIC = frozenset({"int", "float", "date"})  # kinds whose empty value is None rather than ""
Errors = dict[int | None, list[str]]
_ADDED = {"buildings": "building", "households": "household", "residents": "resident"}  # permission


def missing() -> str:
    return _("This value is missing.")


class Validator:
    def __init__(self, actor: Any, plan: Plan, progress: Progress | None = None) -> None:
        self.actor, self.plan, self.progress = actor, plan, progress
        self.places = Places(actor)
        self.today = timezone.localdate()
        self._documents: dict[str, int] = {}  # blind-index key -> first row with it
        self._buildings: dict[tuple[int, str], int] = {}  # (grid, name) -> row
        self._pending: list[tuple[Sheet, Row, ResidentItem]] = []
        self._phones: dict[str, str] = {}

    # --- rows to values ---------------------------------------------------------------------
    def _values(self, sheet: Sheet, spec: SheetSpec, row: Row, errors: Errors) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for column in spec.columns:
            index = sheet.positions.get(column.field)
            if index is None:
                values[column.field] = None if column.kind in _NUMERIC else ""
                continue
            raw = row.values[index]
            if raw is None and row.types[index] == "n":
                # An empty cell (a third of a typical sheet): what cells.convert gives it, without the call.
                values[column.field] = None if column.kind in _NUMERIC else ""
            else:
                try:
                    values[column.field] = cells.convert(raw, row.types[index], column)
                except cells.CellError as error:
                    errors.setdefault(index, []).append(error.message)
                    values[column.field] = None
                    continue
            if column.required and values[column.field] in (None, ""):
                errors.setdefault(index, []).append(missing())
        return values

    def _add(self, errors: Errors, sheet: Sheet, field: str, message: str) -> None:
        errors.setdefault(sheet.positions.get(field), []).append(message)

    def readable(self) -> frozenset[str]:
        """The kinds of sheet whose rows the actor may import: only theirs are read."""
        return frozenset(k for k, model in _ADDED.items() if self.actor.has_perm(f"people.add_{model}"))

    def run(self, sheet: Sheet, rows: Iterable[Row]) -> None:
        """Check the sheet's rows (`rows`, read by the caller when `readable` names its kind)."""
        assert sheet.spec is not None
        if sheet.problems:  # headers wrong: its rows cannot be read meaningfully
            self.plan.problems += sheet.problems
            return
        check = {"buildings": self._building, "households": self._household, "residents": self._resident}[
            sheet.spec.kind
        ]
        if sheet.spec.kind not in self.readable():
            sheet.problem(_("Your role may not import this sheet."))
        else:
            for count, row in enumerate(rows, start=1):
                self.plan.rows += 1
                errors: Errors = {}
                check(sheet, row, errors)
                if errors:
                    self.plan.reject_row(sheet, row, errors)
                if self.progress and count % 250 == 0:
                    self.progress(sheet.title, row.number, max(sheet.max_row or 0, row.number))
            self._flush()
        self.plan.problems += sheet.problems

    # --- buildings --------------------------------------------------------------------------
    def _building(self, sheet: Sheet, row: Row, errors: Errors) -> None:
        assert sheet.spec is not None
        v = self._values(sheet, sheet.spec, row, errors)
        floors = v["floors"]
        if floors is not None and not 1 <= floors <= 200:
            self._add(errors, sheet, "floors", _("Floors must be between 1 and 200."))
        grid = self._grid_of_building(sheet, v, errors)
        if errors or grid is None:
            return
        grid_id, code, lng, lat = grid
        name = v["name"]
        first = self._buildings.setdefault((grid_id, name), row.number)
        if first != row.number:
            self._add(errors, sheet, "name", _("This building is already in row %(row)d.") % {"row": first})
            return
        if self.places.existing(grid_id, code, name) is not None:
            self.plan.buildings_existing += 1
            return
        place = Place(None, grid_id, code, name, v["address"])
        self.places.add_new(place)
        self.plan.buildings.append(
            NewBuilding(row.number, place, lng, lat, floors, v["use"] or "residential")
        )

    def _grid_of_building(
        self, sheet: Sheet, v: dict[str, Any], errors: Errors
    ) -> tuple[int, str, float, float] | None:
        found, field, message = self.places.building_grid(v["grid"], v["lng"], v["lat"], v["crs"])
        if found is None:
            self._add(errors, sheet, field, message)
        return found

    # --- households -------------------------------------------------------------------------
    def _place(self, sheet: Sheet, v: dict[str, Any], errors: Errors, *fields: str) -> Place | None:
        code = v["grid"]
        if code and self.places.grid(code) is None:
            self._add(errors, sheet, "grid", _("Unknown grid code, or a grid outside yours."))
            return None
        for name in fields:
            if v.get(name):
                place, message = self.places.one(code, v[name])
                if place is None:
                    self._add(errors, sheet, name, message)
                return place
        self._add(errors, sheet, fields[0], _("Give the building's name or address."))
        return None

    def _household(self, sheet: Sheet, row: Row, errors: Errors) -> None:
        assert sheet.spec is not None
        v = self._values(sheet, sheet.spec, row, errors)
        place = self._place(sheet, v, errors, "building", "building_address")
        if place is not None and not errors:
            self.plan.households.append(HouseholdItem(row.number, place, v["unit"], v["room"]))

    # --- residents --------------------------------------------------------------------------
    def _resident(self, sheet: Sheet, row: Row, errors: Errors) -> None:
        assert sheet.spec is not None
        v = self._values(sheet, sheet.spec, row, errors)
        failed = {f for f, value in v.items() if value is None and sheet.positions.get(f) in errors}
        data = ResidentInput(
            name=v["name"] or "",
            document_number=v["document_number"] or "",
            document_type=v["document_type"] or "resident_id",
            gender=v["gender"] or "",
            birth_date=v["birth_date"],
            phone=v["phone"] or "",
            relation=v["relation"] or Resident.Relation.HEAD,
            kind=v["kind"] or Resident.Kind.REGISTERED,
            workplace=v["workplace"] or "",
        )
        clean = None
        try:
            clean = clean_resident(data, today=self.today)
        except Invalid as error:
            # Blank gender and birth date are read from a valid number: with a bad number, their
            # "missing" messages would only repeat the number's problem.
            derived = {"gender", "birth_date"} if "document_number" in error.fields else set()
            for name, messages in error.fields.items():
                if name in failed or (name in ("name", "document_number") and v[name] == ""):
                    continue
                if name in derived and v[name] in ("", None):
                    continue
                for message in messages:
                    self._add(errors, sheet, name, message)
        registration, landlord_phone = (
            (None, "") if "kind" in failed else self._registration(sheet, v, data.kind, errors)
        )
        moved_in = v["moved_in"]
        if moved_in is not None and moved_in > self.today:
            self._add(errors, sheet, "moved_in", _("The move-in date is in the future."))
        place = self._place(sheet, v, errors, "building")
        if clean is not None:
            key = sealing.document_key(clean.document_type, clean.document_number)
            first = self._documents.setdefault(key, row.number)
            if first != row.number:
                self._add(
                    errors,
                    sheet,
                    "document_number",
                    _("The same document number as row %(row)d.") % {"row": first},
                )
        if errors or clean is None or place is None or moved_in is None:
            return
        item = ResidentItem(
            row.number, clean, place, v["unit"], v["room"], moved_in, registration, landlord_phone
        )
        self._pending.append((sheet, row, item))
        if len(self._pending) >= CHUNK:
            self._flush()

    def _registration(
        self, sheet: Sheet, v: dict[str, Any], kind: str, errors: Errors
    ) -> tuple[RegistrationInput | None, str]:
        fields = ("registration_start", "registration_end", "landlord_name", "landlord_phone", "reason")
        if kind != Resident.Kind.FLOATING:
            for name in fields:
                if v[name] not in (None, ""):
                    self._add(
                        errors,
                        sheet,
                        name,
                        _("Only a floating resident (流动) has a residence registration."),
                    )
            return None, ""
        start, end = v["registration_start"], v["registration_end"]
        for name, value in (("registration_start", start), ("registration_end", end)):
            if value is None and sheet.positions.get(name) not in errors:
                self._add(errors, sheet, name, _("A floating resident needs a residence registration."))
        if start and end and end < start:
            self._add(errors, sheet, "registration_end", _("The expected end is before the start."))
        phone = ""
        if v["landlord_phone"]:
            try:
                phone = self._landlord_phone(v["landlord_phone"])
            except IdentityError as error:
                self._add(errors, sheet, "landlord_phone", error.message)
        if start is None or end is None:
            return None, phone
        registration = RegistrationInput(
            start, end, v["landlord_name"] or "", v["landlord_phone"] or "", v["reason"] or "work"
        )
        return registration, phone

    def _landlord_phone(self, value: str) -> str:
        # Many tenants share one landlord, and phonenumbers is the slowest check of a row.
        if value not in self._phones:
            self._phones[value] = normalize_phone(value)
        return self._phones[value]

    def _flush(self) -> None:
        """Match the pending rows' documents against the registry: one query per 500 rows."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        by_index: dict[str, tuple[Sheet, Row, ResidentItem]] = {}
        for entry in pending:
            clean = entry[2].clean
            for candidate in sealing.document_candidates(clean.document_number, clean.document_type):
                by_index[candidate] = entry
        found = list(
            Resident.objects.filter(document_index__in=list(by_index)).values_list(
                "pk",
                "document_index",
                "household_id",
                "name",
                "gender",
                "birth_date",
                "relation",
                "kind",
                "workplace",
                "phone_index",
            )
        )
        allowed = (
            set(
                Resident.objects.restrict(self.actor, "change")
                .filter(pk__in=[f[0] for f in found], anonymised_at=None)
                .values_list("pk", flat=True)
            )
            if found
            else set()
        )
        refused: set[int] = set()
        for pk, index, household, name, gender, birth, relation, kind, workplace, phone in found:
            sheet, row, item = by_index[index]
            if pk in allowed:
                item.existing = Existing(pk, household, name, gender, birth, relation, kind, workplace, phone)
            else:
                message = _("Someone with this document is already registered in a grid outside yours.")
                self.plan.reject_row(sheet, row, {sheet.positions.get("document_number"): [message]})
                refused.add(row.number)
        self.plan.residents += [item for _sheet, row, item in pending if row.number not in refused]

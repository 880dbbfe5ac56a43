"""Import a workbook: validate everything, then write all of it in one transaction, or nothing.

Idempotent: a person is keyed by document number (a re-import updates them through the residents
service and never registers them twice), a building by grid and name, a household by building, unit
and room. Callers set who is acting (`acting_for`), so the audit trail names the person importing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from gridgov.core import audit, context
from gridgov.core.errors import Invalid
from gridgov.core.masking import mask_text
from gridgov.people.excel import bulk, streamed
from gridgov.people.excel.columns import BUILDINGS, RESIDENTS
from gridgov.people.excel.plan import Plan, Progress, ResidentItem
from gridgov.people.excel.reader import Problem, WorkbookError
from gridgov.people.excel.validate import Validator
from gridgov.people.services import places, residents, sealing


@contextmanager
def acting_for(user: Any, source: str) -> Iterator[context.ActorContext]:
    """Like `context.acting_as_system`, but with a person as the actor: commands and the worker."""
    ctx = context.ActorContext(
        actor_id=user.pk,
        actor_name=user.get_username(),
        role=getattr(user, "role", ""),
        source=source,
        request_id=context.new_request_id(),
    )
    with context.acting(ctx):
        yield ctx


@dataclass
class Outcome:
    plan: Plan
    counts: dict[str, int] = field(default_factory=dict)
    imported: bool = False


class _RowFailed(Exception):
    def __init__(self, sheet: str, row: int, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(sheet, row, None, message)


def validate_workbook(
    source: Path | IO[bytes],
    actor: Any,
    file_name: str,
    progress: Progress | None = None,
    *,
    parallel: bool | None = None,
) -> Plan:
    plan = Plan(file_name)
    validator = Validator(actor, plan, progress)
    try:
        # Parsed in a child process while this one validates, unless `parallel` is False (the same
        # reading in this process): gridgov.people.excel.streamed.
        with streamed.workbook(source, validator.readable(), parallel) as found:
            for sheet, its_rows in found:
                if sheet.spec is None:
                    plan.problems += sheet.problems
                else:
                    validator.run(sheet, its_rows)
    except WorkbookError as error:
        plan.problems.append(Problem("", None, None, error.message))
    if not plan.problems and plan.rows == 0:
        plan.problems.append(
            Problem(
                "",
                None,
                None,
                _("The file holds no data: fill in the template's sheets below their headers."),
            )
        )
    return plan


def import_workbook(
    source: Path | IO[bytes],
    actor: Any,
    file_name: str,
    progress: Progress | None = None,
    *,
    dry_run: bool = False,
) -> Outcome:
    plan = validate_workbook(source, actor, file_name, progress)
    outcome = Outcome(plan)
    if not plan.ok or dry_run:
        return outcome
    try:
        with transaction.atomic():
            outcome.counts = _apply(actor, plan, progress)
            audit.record_event("import", mask_text(file_name), {"rows": plan.rows, **outcome.counts})
    except _RowFailed as failure:
        plan.problems.append(failure.problem)
        return outcome
    outcome.imported = True
    return outcome


@contextmanager
def _row(sheet: str, row: int) -> Iterator[None]:
    """A service refusing one row while writing (rare: validation saw the same rules) undoes them all."""
    try:
        yield
    except Invalid as error:
        messages = [m for ms in error.fields.values() for m in ms] or [error.message]
        raise _RowFailed(sheet, row, " ".join(messages)) from None
    except (PermissionDenied, Http404) as error:
        raise _RowFailed(sheet, row, str(error) or _("Outside your grids.")) from None


def _apply(actor: Any, plan: Plan, progress: Progress | None) -> dict[str, int]:
    counts = dict.fromkeys(
        (
            "buildings_created",
            "households_created",
            "residents_created",
            "residents_updated",
            "residents_moved",
            "registrations_added",
            "residents_unchanged",
        ),
        0,
    )
    counts["buildings_existing"] = plan.buildings_existing
    for planned in plan.buildings:
        with _row(BUILDINGS.title, planned.row):
            building = places.create_building(
                actor,
                name=planned.place.name,
                address=planned.place.address,
                lng=planned.lng,
                lat=planned.lat,
                floors=planned.floors,
                use=planned.use,
                crs="wgs84",
            )
        planned.place.pk = building.pk
        counts["buildings_created"] += 1
    keys = {(h.place.pk or 0, h.unit, h.room) for h in plan.households}
    keys |= {(r.place.pk or 0, r.unit, r.room) for r in plan.residents}
    households: dict[bulk.HouseholdKey, Any] = {}
    if keys:
        with _row(RESIDENTS.title, 0):
            households, counts["households_created"] = bulk.ensure_households(actor, keys)
    total = len(plan.residents)
    new = [r for r in plan.residents if r.existing is None]
    for start in range(0, len(new), bulk.BATCH):
        batch = new[start : start + bulk.BATCH]
        bulk.register_residents(
            actor,
            [
                bulk.NewResident(
                    households[(r.place.pk or 0, r.unit, r.room)],
                    r.clean,
                    r.moved_in,
                    r.registration,
                    r.landlord_phone,
                )
                for r in batch
            ],
        )
        counts["registrations_added"] += sum(
            1 for r in batch if r.registration and r.clean.kind == "floating"
        )
        if progress:
            progress(_("importing"), start + len(batch), total)
    counts["residents_created"] = len(new)
    _update_existing(actor, [r for r in plan.residents if r.existing is not None], households, counts)
    if progress:
        progress(_("importing"), total, total)
    return counts


def _update_existing(
    actor: Any, items: list[ResidentItem], households: dict[bulk.HouseholdKey, Any], counts: dict[str, int]
) -> None:
    """People the registry knows already: changed details in bulk; moves and renewed registrations,
    which are rare and touch several records each, through the residents service one by one."""
    changed = [item for item in items if _changed(item)]
    refused = bulk.update_residents(actor, [(_pk(item), item.clean) for item in changed])
    if refused:
        row = next(item.row for item in changed if _pk(item) in refused)
        raise _RowFailed(RESIDENTS.title, row, _("This resident is outside your grids."))
    counts["residents_updated"] = len(changed)
    floating = [_pk(i) for i in items if i.registration is not None and i.clean.kind == "floating"]
    registered = bulk.open_registrations(floating)
    touched = {id(item) for item in changed}
    for item in items:
        existing = item.existing
        assert existing is not None
        household_id = households[(item.place.pk or 0, item.unit, item.room)].pk
        with _row(RESIDENTS.title, item.row):
            if existing.household_id != household_id:
                residents.move_in(actor, existing.pk, household_id, item.moved_in)
                counts["residents_moved"] += 1
                touched.add(id(item))
            data = item.registration
            renew = data is not None and item.clean.kind == "floating"
            if data is not None and renew and (existing.pk, data.start) not in registered:
                residents.renew_registration(actor, existing.pk, data)
                counts["registrations_added"] += 1
                touched.add(id(item))
    counts["residents_unchanged"] = len(items) - len(touched)


def _pk(item: ResidentItem) -> int:
    assert item.existing is not None
    return item.existing.pk


def _changed(item: ResidentItem) -> bool:
    existing, clean = item.existing, item.clean
    assert existing is not None
    if (
        existing.name,
        existing.gender,
        existing.birth_date,
        existing.relation,
        existing.kind,
        existing.workplace,
    ) != (
        clean.name,
        clean.gender,
        clean.birth_date,
        clean.relation,
        clean.kind,
        clean.workplace,
    ):
        return True
    if not clean.phone:
        return existing.phone_index != ""
    return existing.phone_index not in sealing.phone_candidates(clean.phone)

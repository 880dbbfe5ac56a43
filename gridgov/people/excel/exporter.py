"""Exports: a filtered list of residents, and the 底数清 figures, as workbooks.

Resident lists use the import template's columns, so an unmasked export can be corrected and imported
again. They are masked unless the person may unmask and states why; every export, masked or not, is on
the audit trail with its filters, and an unmasked one also with whose numbers it revealed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

from gridgov.core import audit, crypto
from gridgov.core.errors import Invalid
from gridgov.geo.models import Grid
from gridgov.people.excel.columns import EXPORT_EXTRA, FIGURE_HEADERS, FIGURE_LEVELS, RESIDENTS
from gridgov.people.models import Residence, ResidenceRegistration, Resident, ResidentTag
from gridgov.people.services import sealing
from gridgov.people.services.figures import figures_by
from gridgov.people.services.search import search

MAX_ROWS = 500_000
CHUNK = 2000
FILTERS = ("q", "grid", "kind", "tag")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BOLD = Font(bold=True)


def residents(user: Any, filters: dict[str, str]) -> QuerySet[Resident]:
    """The residents a list shows for these filters: the API's q, grid, kind and tag, in scope."""
    qs = Resident.objects.restrict(user, "view").filter(anonymised_at=None)
    if filters.get("q"):
        found = [r.pk for r in search(user, filters["q"], limit=MAX_ROWS)]
        qs = qs.filter(pk__in=found)
    if filters.get("grid"):
        qs = qs.filter(grid__code=filters["grid"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("tag"):
        qs = qs.filter(tag_links__tag__code=filters["tag"]).distinct()
    return qs.order_by("grid__code", "household__address", "name_pinyin", "pk")


def _header(ws: Any, headers: list[str]) -> None:
    for position, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(position)].width = max(10, len(header) * 2 + 4)
    ws.freeze_panes = "A2"
    cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.fill, cell.font = _HEADER_FILL, _BOLD
        cells.append(cell)
    ws.append(cells)


def _chunks(qs: QuerySet[Resident]) -> Iterator[list[Resident]]:
    ids = list(qs.values_list("pk", flat=True)[:MAX_ROWS])
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        found = Resident.objects.filter(pk__in=part).select_related(
            "grid", "household__building", "household__unit"
        )
        by_pk = {r.pk: r for r in found}
        yield [by_pk[pk] for pk in part if pk in by_pk]


def _rows(chunk: list[Resident], unmasked: bool, today: dt.date) -> Iterator[list[Any]]:
    ids = [r.pk for r in chunk]
    moved_in = dict(
        Residence.objects.filter(resident_id__in=ids, moved_out=None).values_list("resident_id", "moved_in")
    )
    registrations: dict[int, ResidenceRegistration] = {}
    for registration in ResidenceRegistration.objects.filter(resident_id__in=ids, ended_on=None).order_by(
        "start"
    ):
        registrations[registration.resident_id] = registration  # the latest open one wins
    tags: dict[int, list[str]] = {}
    active = ResidentTag.objects.filter(resident_id__in=ids, start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gte=today)
    )
    for resident_id, name in active.values_list("resident_id", "tag__name").order_by("tag__name"):
        tags.setdefault(resident_id, []).append(name)
    column = RESIDENTS.column
    for r in chunk:
        household = r.household
        g = registrations.get(r.pk)
        landlord_phone = ""
        if g is not None:
            landlord_phone = g.landlord_phone_masked
            if unmasked and g.landlord_phone_cipher:
                landlord_phone = crypto.decrypt(g.landlord_phone_cipher, sealing.LANDLORD_PHONE)
        yield [
            r.name,
            column("document_type").label_of(r.document_type),
            sealing.open_document(r) if unmasked else r.document_masked,
            column("gender").label_of(r.gender),
            r.birth_date,
            sealing.open_phone(r) if unmasked else r.phone_masked,
            column("relation").label_of(r.relation),
            column("kind").label_of(r.kind),
            r.workplace,
            r.grid.code if r.grid else "",
            household.building.name if household else "",
            household.unit.number if household and household.unit else "",
            household.room if household else "",
            moved_in.get(r.pk),
            g.start if g else None,
            g.expected_end if g else None,
            g.landlord_name if g else "",
            landlord_phone,
            column("reason").label_of(g.reason) if g else "",
            r.grid.name if r.grid else "",
            household.address if household else "",
            "、".join(tags.get(r.pk, [])),
            r.moved_away_on,
        ]


def export_residents(
    user: Any, filters: dict[str, str], target: IO[bytes], *, unmasked: bool = False, reason: str = ""
) -> int:
    """Write the filtered list to `target`; returns how many residents it holds."""
    filters = {k: v for k, v in filters.items() if k in FILTERS and v}
    if unmasked:
        if not user.has_perm("people.unmask_resident"):
            raise PermissionDenied(_("Your role may not see full document numbers or phones."))
        if len(reason.strip()) < 2:
            raise Invalid.one("reason", _("State why you need to see this."))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(RESIDENTS.title)
    _header(ws, [*RESIDENTS.headers, *EXPORT_EXTRA])
    today = timezone.localdate()
    exported: list[int] = []
    for chunk in _chunks(residents(user, filters)):
        for values in _rows(chunk, unmasked, today):
            ws.append(values)
        exported += [r.pk for r in chunk]
    wb.save(target)
    detail: dict[str, Any] = {
        "kind": "residents",
        "filters": filters,
        "rows": len(exported),
        "masked": not unmasked,
    }
    if unmasked:
        detail["resident_ids"] = exported  # whose full numbers left the system, as a view would record
    audit.record_event("export", "people.resident", detail, reason.strip())
    return len(exported)


def export_figures(user: Any, grids: QuerySet[Grid], target: IO[bytes], on: dt.date | None = None) -> None:
    """底数清 per sub-district, village and grid: the numbers the UI and the API show (figures_by)."""
    wb = Workbook(write_only=True)
    for level in ("sub_district", "village", "grid"):
        ws = wb.create_sheet(FIGURE_LEVELS[level])
        _header(ws, ["编码", "名称", *FIGURE_HEADERS.values()])
        for code, name, figures in figures_by(grids, level, on):
            values = figures.as_dict()
            ws.append([code, name, *(values[key] for key in FIGURE_HEADERS)])
    wb.save(target)
    detail = {"kind": "figures", "on": (on or timezone.localdate()).isoformat(), "grids": grids.count()}
    audit.record_event("export", "people.figures", detail)

"""The figures as an .xlsx workbook: the same report the page and the API show, sheet by sheet."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Font  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped, unused-ignore]

from gridgov.cases.figures.report import LABELS, LEVEL_LABELS, SHARES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Formulas as docs/figures.md states them, for whoever reads the sheet without the docs.
FORMULAS = [
    ("on_time_closure_rate", gettext_lazy("due and closed on time / (due − due but deferred)")),
    ("closure_rate", gettext_lazy("due and closed / (due − due but deferred)")),
    ("rework_rate", gettext_lazy("closed after rework / closed (handled)")),
    ("timely_acceptance_rate", gettext_lazy("accepted in time / accepted")),
    ("avg_handling_hours", gettext_lazy("handling time (reported → closed) / closed")),
    ("satisfied_share", gettext_lazy("rated 4 or 5 / rated")),
    ("in_grid_share", gettext_lazy("closed inside the grid / closed")),
    ("in_village_share", gettext_lazy("closed inside the village / closed")),
]


def _sheet(sheet: Worksheet, first: list[str], rows: list[list[Any]], records: list[dict[str, Any]]) -> None:
    keys = list(LABELS)
    sheet.append([*first, *(str(LABELS[k]) for k in keys)])
    for heading in sheet[1]:
        heading.font = Font(bold=True)
    for lead, record in zip(rows, records, strict=True):
        sheet.append([*lead, *(record.get(k) for k in keys)])
    for column, key in enumerate(keys, start=len(first) + 1):
        if key in SHARES:
            for row in range(2, sheet.max_row + 1):
                sheet.cell(row=row, column=column).number_format = "0.0%"
    sheet.freeze_panes = f"{get_column_letter(len(first) + 1)}2"  # headings and row labels stay in view


def workbook(report: dict[str, Any]) -> bytes:
    book = Workbook()
    figures = book.active
    assert figures is not None
    figures.title = _("Figures")
    level = str(LEVEL_LABELS[report["level"]])
    rows = [[r["code"], r["name"]] for r in report["rows"]] + [["", _("Total")]]
    _sheet(figures, [_("Code"), level], rows, [*report["rows"], report["total"]])
    daily = book.create_sheet(_("By day"))
    _sheet(daily, [_("Day")], [[r["day"]] for r in report["trend"]], report["trend"])
    about = book.create_sheet(_("About"))
    about.append([_("Period"), f"{report['start']} – {report['end']} ({_('end excluded')})"])
    about.append([_("Area"), report["code"] or _("everything in your scope")])
    about.append([_("Rollup refreshed at"), report["as_of"] or "—"])
    about.append([])
    for key, formula in FORMULAS:
        about.append([str(LABELS[key]), str(formula)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def response(report: dict[str, Any]) -> HttpResponse:
    name = f"assessment-{report['level']}-{report['start']}-{report['end']}.xlsx"
    reply = HttpResponse(workbook(report), content_type=XLSX)
    reply["Content-Disposition"] = f'attachment; filename="{name}"'
    return reply

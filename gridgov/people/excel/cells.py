"""One cell's value as the type its column wants, or a message saying what is wrong with it.

Excel hands over whatever the person typed, converted by its own rules: an 18-digit ID number becomes
3.31081E+17 unless the column is formatted as text, a date may be a real date or text in one of several
spellings, a "number" may be the text "18层". Each function here accepts what can be taken without
guessing and refuses the rest with a message the person can act on.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext as _

from gridgov.people.excel.columns import Column

# Excel keeps 15 significant digits: a whole number below this came through exactly.
EXACT_LIMIT = 10**15
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_INT_TEXT = re.compile(r"^[+]?(\d+)\s*(?:层|楼|F|f)?$")


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def formula_message() -> str:
    return _("This cell holds a formula: replace formulas by their values (copy, then paste values).")


def _whole_number(value: float | int) -> str | None:
    """The digits of a number typed without text format, if Excel kept them all."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < EXACT_LIMIT:
        return str(int(value))
    return None


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        raise CellError(_("Write text here, not TRUE or FALSE."))
    if isinstance(value, int | float):
        digits = _whole_number(value)
        return digits if digits is not None else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def number_text(value: Any) -> str:
    """Document and phone numbers: a number Excel rounded (scientific notation) cannot be recovered."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = _whole_number(value)
        if digits is None:
            raise CellError(
                _(
                    "Excel stored this number as a rounded number (scientific notation): its last digits "
                    "are lost. Format the column as text and type the number again."
                )
            )
        return digits
    return text(value)


def integer(value: Any) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    match = _INT_TEXT.match(str(value).strip()) if isinstance(value, str) else None
    if match:
        return int(match.group(1))
    raise CellError(_("Write a whole number here."))


def decimal(value: Any) -> float | None:
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise CellError(_("Write a number here."))


def _make_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(_("This date does not exist.")) from None


def date(value: Any) -> dt.date | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dt.time | dt.timedelta):
        raise CellError(_("This is a time, not a date."))
    if isinstance(value, int) and not isinstance(value, bool) and _DATE_DIGITS.match(str(value)):
        found = _DATE_DIGITS.match(str(value))
        assert found is not None
        return _make_date(*(int(g) for g in found.groups()))
    if isinstance(value, str):
        spelled = value.strip()
        found = _DATE_TEXT.match(spelled) or _DATE_DIGITS.match(spelled)
        if found:
            return _make_date(*(int(g) for g in found.groups()))
    raise CellError(
        _("This is not a date: use an Excel date or write it as 2020-01-31, 2020/1/31 or 20200131.")
    )


def choice(value: Any, column: Column) -> str:
    """The stored value of a choice: its Chinese label, or the code itself (as the API spells it)."""
    if is_blank(value):
        return ""
    given = text(value)
    if given in column.choices:
        return column.choices[given]
    lowered = given.lower()
    for stored in column.choices.values():
        if stored == lowered:
            return stored
    raise CellError(
        _("Choose one of: %(choices)s.") % {"choices": "、".join(column.choices)},
    )


def convert(value: Any, data_type: str, column: Column) -> Any:
    """The cell's value as the column's type. `data_type` is openpyxl's: f formula, e error, ..."""
    if data_type == "f":
        raise CellError(formula_message())
    if data_type == "e":
        raise CellError(_("This cell holds an Excel error (%(error)s).") % {"error": value})
    kind = column.kind
    if kind == "text":
        return text(value)
    if kind in ("document", "phone"):
        return number_text(value)
    if kind == "int":
        return integer(value)
    if kind == "float":
        return decimal(value)
    if kind == "date":
        return date(value)
    return choice(value, column)

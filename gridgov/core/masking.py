"""Masked forms of personal data, for lists, exports and log lines (PIPL art. 51: de-identification).

Lists show `331081********1234` and `138****5678`; the full value needs the unmask permission, a reason
and an audit entry. Log lines go through `MaskingLogFilter`, so that an ID number or a mobile number
pasted into an error message or a query parameter does not end up in plain text in the logs, which are
kept for six months (Cybersecurity Law) and read by more people than the registry.
"""

from __future__ import annotations

import logging
import re

STAR = "*"

# Digits are written [0-9], not \d: \d also matches full-width and other scripts' digits.
# An ID number or a mobile is only masked as a whole token: not inside a longer run of digits, which is
# some other number (an order number, a timestamp) whose masking would only confuse the reader.
_ID_IN_TEXT = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9])")
# Mobiles as people write them: 13812345678, 138 1234 5678, 138-1234-5678, with or without +86 / 86.
_MOBILE_IN_TEXT = re.compile(
    r"(?<![0-9])(?P<prefix>(?:\+|00)?86[ -]?)?(?P<number>1[3-9][0-9](?:[ -]?[0-9]{4}){2})(?![0-9])"
)
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"(0[0-9]{2,3})-([0-9]{7,8})")
_HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")


def _stars(count: int) -> str:
    return STAR * max(count, 0)


def mask_id_number(value: str) -> str:
    """`331081********1234` for an 18-character number; first 2 and last 2 for other documents."""
    value = value.strip()
    if len(value) < 5:
        return _stars(len(value))
    if len(value) == 18:
        return value[:6] + _stars(8) + value[-4:]
    if len(value) == 15 and value.isascii() and value.isdigit():
        # A legacy resident ID: the same address code and sequence as the 18-character form shows.
        return value[:6] + _stars(5) + value[-4:]
    return value[:2] + _stars(len(value) - 4) + value[-2:]


def mask_phone(value: str) -> str:
    """`138****5678`, `0576-****3456`, otherwise everything but the last 4 characters starred."""
    value = value.strip()
    if _MOBILE.fullmatch(value):
        return value[:3] + _stars(4) + value[-4:]
    landline = _LANDLINE.fullmatch(value)
    if landline:
        area, number = landline.groups()
        return f"{area}-{_stars(len(number) - 4)}{number[-4:]}"
    if len(value) < 5:
        return _stars(len(value))
    return _stars(len(value) - 4) + value[-4:]


def mask_name(value: str) -> str:
    """林会兵 → 林**, 王哲 → 王*: the surname stays, so a log line can still be told apart by a colleague.

    Latin-script names keep each word's first letter: "Anna Li" → "A*** L*".
    """
    value = " ".join(value.split())
    if not value:
        return ""
    if _HAN.search(value):
        if len(value) == 1:
            return STAR
        return value[0] + _stars(len(value) - 1)
    return " ".join(word[0] + _stars(len(word) - 1) for word in value.split(" "))


def _mask_mobile_match(match: re.Match[str]) -> str:
    digits = re.sub(r"[ -]", "", match.group("number"))
    return (match.group("prefix") or "") + mask_phone(digits)


def mask_text(text: str) -> str:
    """Free text with every 18/15-digit ID number and every mainland mobile number masked."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE_IN_TEXT.sub(_mask_mobile_match, text)


class MaskingLogFilter(logging.Filter):
    """Masks ID and mobile numbers in a record's message and traceback; never drops a record.

    Attach it to handlers, not loggers: a logger's filters do not see records that propagate to it from
    child loggers, a handler's filters see every record it writes.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must still reach the log, masked
            message = f"{record.msg!s} {record.args!r}"
        record.msg = mask_text(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters reuse a record's exc_text when it is set: format the traceback here, masked.
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True

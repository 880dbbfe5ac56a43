"""One search box: a name in Chinese, full pinyin or initials, a document number, a phone, an address.

Exact numbers are found through their blind index, never by decrypting; names through indexed prefix
matches. Results are scoped by restrict() and carry masked values only.

Each interpretation of the text runs as a query of its own, each served by its own index, and the
pages are merged here: one query with their OR, ordered by pinyin, leaves the planner no index for the
whole condition, and it walks the pinyin index through every row of the city to fill a page. Text that
could be the start of a name is read as an address only when no name starts with it (_address_like).
"""

from __future__ import annotations

import contextlib
import heapq
import re
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Collate, Lower

from gridgov.people.identity import IdentityError, normalize_phone
from gridgov.people.models import Household, Resident
from gridgov.people.pinyin import query_keys
from gridgov.people.services import sealing

LIMIT = 50
_EXACT = "exact"  # the order of a reading by an exact number: by pinyin, like any reading but its own
# Above this, the pages of primary keys merged in Python would exceed the parameters a query may carry
# on SQLite: long listings (an export) keep the one query with the OR, which they read to its end anyway.
MERGED_UP_TO = 1000
_CJK = re.compile(r"[\u3400-\u9fff]")
_DOCUMENT = re.compile(r"^[0-9A-Za-z]{6,20}$")
# Scanning every address costs about twice the time a search may take at city scale, and text that
# could be the start of a name is nearly always one: such text reads as an address only as a fallback.
_NAME_CHARS = 4
_ADDRESS_WORDS = ("单元", "社区", "小区", *"幢栋楼室号路街巷弄村苑园")


def _c(column: str) -> Any:
    """The column as the search indexes hold it: PostgreSQL compares it under collation "C" (by code
    point, as Python and SQLite do), which lets one index serve both the prefix and the order."""
    return Collate(column, "C") if connection.vendor == "postgresql" else F(column)


def _address_like(q: str) -> bool:
    """Whether the text reads as an address at once: longer than a name, or with a number or a word
    of an address in it. Otherwise it is read as an address only when no name starts with it."""
    return len(q) > _NAME_CHARS or any(c.isdigit() for c in q) or any(w in q for w in _ADDRESS_WORDS)


def _address_fallback(q: str) -> bool:
    """Text read as an address only if no name starts with it."""
    return bool(_CJK.search(q)) and len(q) >= 2 and not _address_like(q)


def _address(q: str) -> tuple[Q, str]:
    # The households first (a scan of every address: ~100 ms at city scale), then their people.
    households = Household.objects.filter(address__contains=q).values("pk")
    return Q(household__in=households), "c_sorted"


def _conditions(q: str) -> list[tuple[Q, str]]:
    """Every reading of the text: a condition one index serves, and the order to list its matches by."""
    found: list[tuple[Q, str]] = []
    compact = re.sub(r"[\s-]", "", q)
    if _DOCUMENT.match(compact) and any(c.isdigit() for c in compact):
        found.append((Q(document_index__in=sealing.document_candidates(compact.upper())), _EXACT))
    digits = re.sub(r"[\s()+-]", "", q)
    if digits.isdigit() and len(digits) >= 7:
        with contextlib.suppress(IdentityError):
            found.append((Q(phone_index__in=sealing.phone_candidates(normalize_phone(q))), _EXACT))
    if _CJK.search(q):
        found.append((Q(c_name__prefix=q), "c_sorted"))
        if len(q) >= 2 and _address_like(q):
            found.append(_address(q))
    elif not any(c.isdigit() for c in q):  # a number ending in X is not the initial x
        keys = query_keys(q)
        if keys.isalpha():
            # Only the pinyin's own matches may be listed in the order of the index that finds them.
            found += [(Q(c_initials__prefix=keys), "c_sorted"), (Q(c_pinyin__prefix=keys), "c_pinyin")]
    return found


def search(user: Any, query: str, *, limit: int = LIMIT, present_only: bool = False) -> QuerySet[Resident]:
    q = query.strip()
    base = Resident.objects.restrict(user, "view").filter(anonymised_at=None)
    if present_only:
        base = base.filter(household__isnull=False)
    conditions = _conditions(q) if q else []
    if not conditions:
        return base.none()
    listed: QuerySet[Any] = base.alias(
        c_name=_c("name"),
        c_pinyin=_c("name_pinyin"),
        c_initials=_c("name_initials"),
        # The same order, hidden from PostgreSQL's planner (keys are lowercase: lower() changes none).
        # Asked for a few names in pinyin order, it walks the pinyin index hoping to meet them early;
        # but people whose name starts with 林, or whose initials start with zh, sit together at one
        # point of it, seconds away. Hidden, it reads the matches from their own index and sorts them.
        c_sorted=Lower("c_pinyin") if connection.vendor == "postgresql" else F("name_pinyin"),
    )
    order = ("c_pinyin", "pk")
    # Exact numbers (a document, a phone) find one or two people through equality on their indexes:
    # one query with their OR serves them as well as two, and costs half the statements.
    if limit > MERGED_UP_TO or all(by == _EXACT for _condition, by in conditions):
        either = Q(pk__in=[])
        for condition, _by in conditions:
            either |= condition
        found = listed.filter(either)
        if _address_fallback(q) and not found.exists():
            found = listed.filter(_address(q)[0])
        return found.select_related("household", "grid").order_by(*order)[:limit]

    def page(reading: tuple[Q, str]) -> list[tuple[str, int]]:
        condition, by = reading[0], "c_sorted" if reading[1] == _EXACT else reading[1]
        return list(listed.filter(condition).order_by(by, "pk").values_list("name_pinyin", "pk")[:limit])

    pages = [page(reading) for reading in conditions]
    if not any(pages) and _address_fallback(q):
        pages = [page(_address(q))]  # no name starts with it: perhaps part of an address (东辉)
    # Each page is already in (pinyin, pk) order: merge them, drop repeats, keep the first `limit`.
    ids: list[int] = []
    for _pinyin, pk in heapq.merge(*pages):
        if not ids or ids[-1] != pk:  # the same resident found twice comes out twice in a row
            ids.append(pk)
    return listed.filter(pk__in=ids[:limit]).select_related("household", "grid").order_by(*order)

"""One search box: a name in Chinese, full pinyin or initials, a document number, a phone, an address.

Exact numbers are found through their blind index, never by decrypting; names through indexed prefix
matches. Results are scoped by restrict() and carry masked values only.

Each interpretation of the text runs as a query of its own, each served by its own index, and the
pages are merged here: one query with their OR, ordered by pinyin, leaves the planner no index for the
whole condition, and it walks the pinyin index through every row of the city to fill a page.
"""

from __future__ import annotations

import contextlib
import heapq
import re
from typing import Any

from django.db.models import Q, QuerySet

from gridgov.people.identity import IdentityError, normalize_phone
from gridgov.people.models import Household, Resident
from gridgov.people.pinyin import query_keys
from gridgov.people.services import sealing

LIMIT = 50
# Above this, the pages of primary keys merged in Python would exceed the parameters a query may carry
# on SQLite: long listings (an export) keep the one query with the OR, which they read to its end anyway.
MERGED_UP_TO = 1000
_CJK = re.compile(r"[\u3400-\u9fff]")
_DOCUMENT = re.compile(r"^[0-9A-Za-z]{6,20}$")


def _conditions(q: str) -> list[Q]:
    """Every reading of the text, each a condition one index serves."""
    found: list[Q] = []
    compact = re.sub(r"[\s-]", "", q)
    if _DOCUMENT.match(compact) and any(c.isdigit() for c in compact):
        found.append(Q(document_index__in=sealing.document_candidates(compact.upper())))
    digits = re.sub(r"[\s()+-]", "", q)
    if digits.isdigit() and len(digits) >= 7:
        with contextlib.suppress(IdentityError):
            found.append(Q(phone_index__in=sealing.phone_candidates(normalize_phone(q))))
    if _CJK.search(q):
        found.append(Q(name__prefix=q))
        if len(q) >= 2:
            # The households first (a scan of their addresses), then their people by household_id.
            found.append(Q(household__in=Household.objects.filter(address__contains=q).values("pk")))
    else:
        keys = query_keys(q)
        if keys.isalpha():
            found += [Q(name_initials__prefix=keys), Q(name_pinyin__prefix=keys)]
    return found


def search(user: Any, query: str, *, limit: int = LIMIT, present_only: bool = False) -> QuerySet[Resident]:
    q = query.strip()
    base = Resident.objects.restrict(user, "view").filter(anonymised_at=None)
    if present_only:
        base = base.filter(household__isnull=False)
    conditions = _conditions(q) if q else []
    if not conditions:
        return base.none()
    order = ("name_pinyin", "pk")
    if limit > MERGED_UP_TO:
        either = Q(pk__in=[])
        for condition in conditions:
            either |= condition
        return base.filter(either).select_related("household", "grid").order_by(*order)[:limit]
    pages = [
        list(base.filter(condition).order_by(*order).values_list(*order)[:limit]) for condition in conditions
    ]
    # Each page is already in (pinyin, pk) order: merge them, drop repeats, keep the first `limit`.
    ids: list[int] = []
    for _pinyin, pk in heapq.merge(*pages):
        if not ids or ids[-1] != pk:  # the same resident found twice comes out twice in a row
            ids.append(pk)
    return base.filter(pk__in=ids[:limit]).select_related("household", "grid").order_by(*order)

"""One search box: a name in Chinese, full pinyin or initials, a document number, a phone, an address.

Exact numbers are found through their blind index, never by decrypting; names through indexed prefix
matches. Results are scoped by restrict() and carry masked values only.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from django.db.models import Q, QuerySet

from gridgov.people.identity import IdentityError, normalize_phone
from gridgov.people.models import Resident
from gridgov.people.pinyin import query_keys
from gridgov.people.services import sealing

LIMIT = 50
_CJK = re.compile(r"[\u3400-\u9fff]")
_DOCUMENT = re.compile(r"^[0-9A-Za-z]{6,20}$")


def search(user: Any, query: str, *, limit: int = LIMIT, present_only: bool = False) -> QuerySet[Resident]:
    q = query.strip()
    base = (
        Resident.objects.restrict(user, "view").filter(anonymised_at=None).select_related("household", "grid")
    )
    if present_only:
        base = base.filter(household__isnull=False)
    if not q:
        return base.none()
    condition = Q(pk__in=[])
    compact = re.sub(r"[\s-]", "", q)
    if _DOCUMENT.match(compact) and any(c.isdigit() for c in compact):
        condition |= Q(document_index__in=sealing.document_candidates(compact.upper()))
    digits = re.sub(r"[\s()+-]", "", q)
    if digits.isdigit() and len(digits) >= 7:
        with contextlib.suppress(IdentityError):
            condition |= Q(phone_index__in=sealing.phone_candidates(normalize_phone(q)))
    if _CJK.search(q):
        condition |= Q(name__prefix=q)
        if len(q) >= 2:
            condition |= Q(household__address__contains=q)
    else:
        keys = query_keys(q)
        if keys.isalpha():
            condition |= Q(name_initials__prefix=keys) | Q(name_pinyin__prefix=keys)
    return base.filter(condition).order_by("name_pinyin", "pk")[:limit]

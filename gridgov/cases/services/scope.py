"""Whether an account may view a case in a given grid, answered in Python from the cached grid.

Intake answers with the case only when its author may view it. Asking the database costs a
restricted query (an EXISTS over the account's grids) on every intake; the account's scope is a
filter on Grid (`grid_q`: its sub-district, village, police zones or grids), and intake holds the
grid with its village in memory. This reads that filter against the grid; any filter of another
shape than plain equality and membership along forward relations gets None, and the caller asks the
database as before. The tests compare both answers for every kind of scope.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q

from gridgov.cases.models import Case
from gridgov.geo.models import Grid

_COLLECTIONS = (list, tuple, set, frozenset)


def may_view_case_in(viewer: Any, grid: Grid) -> bool | None:
    """Case.objects.restrict(viewer, "view") holds a case of `grid`: True, False, or None (ask)."""
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    meta = Case._meta
    if not viewer.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
        return False
    grid_q = getattr(viewer, "grid_q", None)
    if getattr(viewer, "scope_q", None) is None or grid_q is None or Case.grid_path != "grid":
        return None
    q = grid_q()
    return True if q is None else _matches(grid, q)


def _matches(row: models.Model, q: Q) -> bool | None:
    if q.negated or q.connector not in (Q.AND, Q.OR):
        return None
    answers = []
    for child in q.children:
        if isinstance(child, Q):
            answer = _matches(row, child)
        elif isinstance(child, tuple) and len(child) == 2:
            answer = _lookup(row, str(child[0]), child[1])
        else:
            return None
        if answer is None:
            return None
        answers.append(answer)
    return all(answers) if q.connector == Q.AND else any(answers)


def _lookup(row: models.Model, lookup: str, value: Any) -> bool | None:
    *path, last = lookup.split("__")
    operator = "exact"
    if last in ("exact", "in"):
        operator = last
    else:
        path.append(last)
    if not path or (operator == "in" and not isinstance(value, _COLLECTIONS)):
        return None  # a subquery, say
    if any(isinstance(v, models.Model) for v in (value if operator == "in" else [value])):
        return None
    target: Any = row
    stored: Any = None
    for n, name in enumerate(path):
        if target is None:
            return None  # an empty relation on the way: the database's NULL semantics decide
        try:
            field = target._meta.pk if name == "pk" else target._meta.get_field(name)
        except FieldDoesNotExist:  # not a shape this reads
            return None
        if not field.concrete or field.many_to_many:
            return None
        if n < len(path) - 1:
            if not (field.many_to_one or field.one_to_one):
                return None
            target = getattr(target, field.name)  # forward, and loaded with the cached grid
        else:
            stored = getattr(target, field.attname)
    if stored is None:
        return None
    return stored in value if operator == "in" else bool(stored == value)

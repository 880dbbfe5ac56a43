"""A query Django compiles once per process and database, run many times with other values.

Compiling a queryset to SQL costs Django about a millisecond for a query with a join or two — more
than PostgreSQL takes to answer it — and the hottest paths (a bearer token on every API call, the
duplicates of every new case) ask the same query with other values. A `Compiled` builds the queryset
once from probe values no real request has, finds each probe among the compiled parameters, and from
then on sends the same SQL with the real values in their places. Rows come back through the
compiler's own converters and model construction (select_related included), as the queryset's would.
Where the compiled form cannot be trusted — a probe value missing from the parameters or found twice —
every call falls back to the queryset itself.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

from gridgov.core import prepared

M = TypeVar("M", bound=Model)


class Form:
    """A queryset compiled for one database: the SQL, where each of its parameters comes from, and
    the compiler (kept for its converters and the shape of its rows). `probe`: the values the
    queryset was built to carry into its parameters; `places` is None where they cannot be found
    again, one by one (then the compiled SQL cannot be trusted with other values)."""

    def __init__(self, queryset: QuerySet[Any], probe: Sequence[Any], alias: str) -> None:
        self.compiler = queryset.query.get_compiler(alias)
        self.sql, params = self.compiler.as_sql()
        self.places: list[tuple[int | None, Any]] | None = []
        for value in params:
            found = [n for n, p in enumerate(probe) if type(p) is type(value) and p == value]
            if len(found) > 1:
                self.places = None  # ambiguous: the real values could not be put back in place
                return
            self.places.append((found[0], None) if found else (None, value))
        if {n for n, _c in self.places if n is not None} != set(range(len(probe))):
            self.places = None  # an input did not reach the SQL as itself

    def params(self, inputs: Sequence[Any]) -> list[Any]:
        assert self.places is not None
        return [inputs[n] if n is not None else constant for n, constant in self.places]

    @functools.cached_property
    def layout(self) -> tuple[int, int, list[str], list[Any]]:
        """Where the model's own columns are in a row, their attribute names, and the populators of
        its select_related objects: what ModelIterable works out for every queryset, worked out once."""
        select, klass_info = self.compiler.select, self.compiler.klass_info
        assert klass_info is not None
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[first:last]]
        return first, last, names, get_related_populators(klass_info, select, self.compiler.using)

    @functools.cached_property
    def converters(self) -> list[Any] | None:
        """The compiler's converters of the selected columns, as results_iter() works them out on every
        call; None where its rows need more than converting (composite fields: then results_iter())."""
        compiler = self.compiler
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            return None
        return compiler.get_converters(fields)  # type: ignore[no-any-return]

    def rows(self, fetched: list[tuple[Any, ...]]) -> Iterable[Sequence[Any]]:
        """The fetched rows as the compiler's results_iter() would give them."""
        converters = self.converters
        if converters is None:
            return self.compiler.results_iter(results=[fetched])  # type: ignore[no-any-return]
        return self.compiler.apply_converters(fetched, converters) if converters else fetched


class Compiled(Generic[M]):
    """`build(*inputs)` is the queryset; `probe` are inputs no real call passes (each distinct)."""

    def __init__(self, build: Callable[..., QuerySet[M]], probe: Sequence[Any]) -> None:
        self._build, self._probe = build, tuple(probe)
        self._forms: dict[str, Form] = {}
        self._lock = threading.Lock()
        self._model: type[M] | None = None

    @property
    def model(self) -> type[M]:
        if self._model is None:
            self._model = self._build(*self._probe).model
        return self._model

    def _form(self, alias: str) -> Form:
        form = self._forms.get(alias)
        if form is None:
            with self._lock:
                form = self._forms.get(alias) or Form(self._build(*self._probe), self._probe, alias)
                self._forms[alias] = form
        return form

    def instances(self, *inputs: Any) -> list[M]:
        """The queryset's model instances, select_related ones attached."""
        alias = router.db_for_read(self.model)
        form = self._form(alias)
        if form.places is None:
            return list(self._build(*inputs))
        rows = prepared.fetch(connections[alias], form.sql, form.params(inputs))
        # As ModelIterable builds them, from the rows the compiler's converters give.
        first, last, names, populators = form.layout
        found: list[M] = []
        for row in form.rows(rows):
            obj = self.model.from_db(alias, names, row[first:last])
            for populator in populators:
                populator.populate(row, obj)
            found.append(obj)
        return found

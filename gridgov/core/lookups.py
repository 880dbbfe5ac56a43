"""`field__prefix="lhb"`: a prefix match that uses the column's index on both databases.

Django's `startswith` becomes LIKE, which SQLite can only serve from an index for case-insensitive
columns. Here SQLite compares a range under its binary collation, and PostgreSQL uses LIKE, which a
B-tree index serves when the compared expression is under collation "C" (the registry's searches
compare `Collate(column, "C")`, indexed so by people's migration 0004) or the index is
varchar_pattern_ops.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Lookup

# Above every character that can follow the prefix in the column.
_TOP = "\U0010ffff"


class Prefix(Lookup):  # type: ignore[type-arg]
    lookup_name = "prefix"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        value = str(self.rhs)
        if connection.vendor == "postgresql":
            escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            return f"{lhs} LIKE %s", [*lhs_params, escaped + "%"]
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, *lhs_params, value, value + _TOP]


def register() -> None:
    CharField.register_lookup(Prefix)

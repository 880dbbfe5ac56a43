"""Index changes done in place by migrations, without AlterField's table rebuild on SQLite (which the
tables' triggers would not survive) and without rebuilding on PostgreSQL what can be renamed.

db_index=True on a CharField made, on PostgreSQL, a varchar_pattern_ops twin (…_like) for LIKE under
the database's collation; where no query runs LIKE on the column the twin only costs every INSERT.
"""

from __future__ import annotations

from typing import Any


def single_column_indexes(schema_editor: Any, table: str) -> dict[str, list[str]]:
    """Names of the table's one-column, non-unique indexes Django made (named after the table), per
    column."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    found: dict[str, list[str]] = {}
    for name, info in constraints.items():
        made = name.startswith(f"{table}_")
        if made and info["index"] and not info["unique"] and len(info["columns"] or []) == 1:
            found.setdefault(info["columns"][0], []).append(name)
    return found


def rename_plain(schema_editor: Any, table: str, column: str, names: list[str], new: str) -> None:
    """The column's db_index=True indexes `names` become one plain index `new`: the LIKE twin dropped,
    the plain one renamed on PostgreSQL (made anew on SQLite, which cannot rename an index)."""
    quote = schema_editor.quote_name
    postgres = schema_editor.connection.vendor == "postgresql"
    for name in names:
        if name.endswith("_like") or not postgres:
            schema_editor.execute(f"DROP INDEX {quote(name)}")
    plain = [n for n in names if not n.endswith("_like")]
    if postgres and plain:
        schema_editor.execute(f"ALTER INDEX {quote(plain[0])} RENAME TO {quote(new)}")
    else:
        schema_editor.execute(f"CREATE INDEX {quote(new)} ON {quote(table)} ({quote(column)})")


def restore_db_index(schema_editor: Any, model: Any, column: str, new: str | None) -> None:
    """Backwards: drop `new` (if any) and make db_index=True's indexes of `column` again, under Django's
    names, as alter_field would make them."""
    if new is not None:
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(new)}")
    field = next(f for f in model._meta.concrete_fields if f.column == column)
    schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))
    if schema_editor.connection.vendor == "postgresql" and field.get_internal_type() == "CharField":
        schema_editor.execute(schema_editor._create_like_index_sql(model, field))

"""Database objects written per database (triggers and their functions), created and dropped by
migrations: one shape for every app that keeps some."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class VendorStatements:
    what: str  # for the error on a database we have none for
    sqlite_create: list[str]
    sqlite_drop: list[str]
    postgres_create: list[str]
    postgres_drop: list[str]

    def statements(self, vendor: str, create: bool) -> list[str]:
        if vendor == "sqlite":
            return self.sqlite_create if create else self.sqlite_drop
        if vendor == "postgresql":
            return self.postgres_create if create else self.postgres_drop
        raise RuntimeError(f"no {self.what} for database {vendor}")

    def apply(self, connection: Any, create: bool) -> None:
        with connection.cursor() as cursor:
            for sql in self.statements(connection.vendor, create):
                cursor.execute(sql)

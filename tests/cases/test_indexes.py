"""The indexes a new case goes into (migration 0005): what the queries use, and no more."""

from __future__ import annotations

from typing import Any

from django.db import connection


def _indexes(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {
        name: list(info["columns"]) for name, info in found.items() if info["index"] and not info["unique"]
    }


def test_a_case_goes_into_the_indexes_its_queries_use_and_no_others(db: Any) -> None:
    cases = _indexes("cases_case")
    single = {cols[0] for name, cols in cases.items() if len(cols) == 1}
    # Served by the composite indexes they begin, or matched whole (no LIKE twins).
    assert not single & {"grid_id", "assignee_id", "state", "category_id"}
    assert not [name for name in cases if name.endswith("_like")]
    assert cases["cases_grid_reported"][0] == "grid_id" and cases["cases_assignee_state"][0] == "assignee_id"
    assert cases["cases_state_due"][0] == "state" and cases["cases_duplicate_box"][0] == "category_id"
    for column in ("building_id", "household_id", "department_id", "merged_into_id"):
        name = f"cases_with_{column.removesuffix('_id')}"
        assert cases[name] == [column]  # partial: WHERE … IS NOT NULL
        assert [n for n, cols in cases.items() if cols == [column]] == [name]
    assert cases["cases_external_id"] == ["external_id"] and cases["cases_rating_token"] == [
        "rating_token_digest"
    ]
    trail = _indexes("core_auditentry")
    assert trail["core_audit_request"] == ["request_id"] and not [n for n in trail if n.endswith("_like")]
    reporters = _indexes("cases_reporter")
    assert reporters["cases_reporter_phone"] == ["phone_index"]
    assert not [name for name in reporters if name.endswith("_like")]


def test_the_partial_indexes_hold_only_the_cases_that_have_the_relation(db: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_get_expr(indpred, indrelid) FROM pg_index"
                " WHERE indexrelid = 'cases_with_building'::regclass"
            )
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'cases_with_building'")
        text = cursor.fetchone()[0]
    assert "building_id" in text and "IS NOT NULL" in text.upper()

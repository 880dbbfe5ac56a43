"""Work the background worker repeats on a clock (later issues add deadlines and escalation)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gridgov.core import audit


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    every_seconds: float
    run: Callable[[], object]


JOBS: list[Job] = [
    Job("seal-audit", 1.0, audit.seal_pending),
]

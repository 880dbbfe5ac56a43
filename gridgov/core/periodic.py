"""Work the background worker repeats on a clock. Apps add their jobs in AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gridgov.core import audit_chain


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    every_seconds: float
    run: Callable[[], object]


JOBS: list[Job] = [
    Job("seal-audit", 1.0, audit_chain.seal_pending),
]


def register(job: Job) -> None:
    if all(j.name != job.name for j in JOBS):
        JOBS.append(job)

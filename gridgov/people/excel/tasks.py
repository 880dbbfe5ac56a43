"""The background task that imports an uploaded workbook (django-tasks, run by `gridgov worker`)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from gridgov.people.excel import jobs


@task()
def import_upload(job_id: str) -> dict[str, Any]:
    # Only the job's id travels through the task queue: the file and its personal data stay encrypted
    # on disk, never in the queue's table.
    return jobs.run(job_id)

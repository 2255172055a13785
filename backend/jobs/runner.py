"""Running a job's steps in a worker: one transaction per step, progress committed with the
step's writes, and a lock so two deliveries of the same job never run at once."""

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

from backend.jobs import services
from backend.jobs.models import ACTIVE_STATES, Job
from tenants.context import current_schema_name

logger = logging.getLogger("dangjian.jobs")


class JobBusy(Exception):
    """Another worker holds the job (a duplicate or redelivered message): try again later."""


@dataclass(frozen=True)
class JobStep:
    label: str
    run: Callable[[], object]


@contextmanager
def job_lock(job_id: int) -> Iterator[bool]:
    """A session-level advisory lock on the job in this schema. A worker that dies loses its
    connection and with it the lock, so a redelivery can take over."""
    key = (f"{current_schema_name()}.jobs_job", job_id % 2_147_483_647)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s), %s)", key)
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s), %s)", key)


@contextmanager
def job_held(job_id: int) -> Iterator[None]:
    """Hold the job's lock for the block, or raise JobBusy: another worker runs it (a duplicate
    or redelivered message), and the task should try again later."""
    with job_lock(job_id) as acquired:
        if not acquired:
            raise JobBusy(f"job {job_id} is running in another worker")
        yield


def job_run(job_id: int, steps: Sequence[JobStep]) -> Job:
    """Run every step, committing each with its progress. A job already finished is returned as
    it is (a late redelivery does nothing); one held by another worker raises JobBusy. A step
    that raises leaves the job running, its earlier steps committed, for the caller to retry
    (which starts again from the first step) or to fail."""
    with job_held(job_id):
        job = Job.objects.get(pk=job_id)
        if job.state not in ACTIVE_STATES:
            return job
        services.job_start(job_id, steps_total=len(steps), label=steps[0].label if steps else "")
        for index, step in enumerate(steps):
            with transaction.atomic():
                step.run()
                services.job_advance(job_id)
                following = steps[index + 1].label if index + 1 < len(steps) else ""
                services.job_step_label(job_id, following)
        services.job_succeed(job_id)
        return Job.objects.get(pk=job_id)

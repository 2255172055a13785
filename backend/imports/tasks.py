"""The import job in the workers: `imports.run` runs one import (backend.imports.run).

acks_late with reject-on-worker-lost: the rows are written in one transaction, so a worker killed
mid-import leaves nothing written, and the message delivered again runs the import from its first
row (a session advisory lock keeps two deliveries from running at once). A job that stayed
"running" with a dead worker would otherwise block the same upload for good. Killed after the
commit but before the job was marked done, the rerun finds every row as written: upserts by
natural key, so nothing doubles. Transient database errors retry with backoff and jitter; after the
last retry, or on any other error, the job fails with a reason that names no data."""

from typing import Any

from celery import shared_task

from backend.imports.run import import_run
from backend.jobs.retry import run_or_retry
from backend.jobs.services import job_fail
from tenants.tasks import DistrictTask

MAX_RETRIES = 5


@shared_task(
    bind=True,
    base=DistrictTask,
    name="imports.run",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def run_import(self: Any, job_id: int) -> str:
    return run_or_retry(self, job_id, lambda: import_run(job_id), fail=job_fail, what="导入")

"""The import job in the workers: `imports.run` runs one import (backend.imports.run).

acks_late with reject-on-worker-lost: the rows are written in one transaction, so a worker killed
mid-import leaves nothing written, and the message delivered again runs the import from its first
row (a session advisory lock keeps two deliveries from running at once). A job that stayed
"running" with a dead worker would otherwise block the same upload for good. Killed after the
commit but before the job was marked done, the rerun finds every row as written: upserts by
natural key, so nothing doubles. Transient database errors retry with backoff and jitter; after the
last retry, or on any other error, the job fails with a reason that names no data."""

import logging
from typing import Any

from celery import shared_task

from backend.imports.run import import_run
from backend.jobs.retry import TRANSIENT, backoff_seconds
from backend.jobs.runner import JobBusy, job_lock
from backend.jobs.services import job_fail
from tenants.tasks import DistrictTask

logger = logging.getLogger("dangjian.imports")

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
    try:
        with job_lock(job_id) as acquired:
            if not acquired:
                raise JobBusy(f"import job {job_id} is running in another worker")
            return str(import_run(job_id).state)
    except TRANSIENT as exc:
        if self.request.retries >= MAX_RETRIES:
            job_fail(job_id, "导入时数据库暂时不可用，未写入任何数据，请稍后重新导入。")
            raise
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
    except Exception as exc:
        # The exception's text may hold data from the file; the job and the log name its class.
        logger.error("imports: job %s failed: %s", job_id, type(exc).__name__)
        job_fail(job_id, f"导入出错（{type(exc).__name__}），请重新导入。")
        raise

"""The worker side of exports: `exports.run` runs one export job (backend.exports.run).

acks_late with reject-on-worker-lost: a worker killed mid-export has the message delivered again
and the export starts over; nothing of the first attempt was kept (its rows were in a temporary
file, and the stored file, the job's success and the audit entry commit together), so the job
ends with exactly one file. Transient database errors retry with backoff and jitter; after the
last retry, or on any other error, the job fails with a reason that names no data."""

from typing import Any

from celery import shared_task

from backend.exports.run import export_fail, run_export
from backend.jobs.retry import run_or_retry
from tenants.tasks import DistrictTask

MAX_RETRIES = 5


@shared_task(
    bind=True,
    base=DistrictTask,
    name="exports.run",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def run_export_task(self: Any, job_id: int) -> str:
    return run_or_retry(self, job_id, lambda: run_export(job_id), fail=export_fail, what="导出")

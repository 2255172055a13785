"""The worker side of exports: `exports.run` runs one export job (backend.exports.run).

acks_late with reject-on-worker-lost: a worker killed mid-export has the message delivered again
and the export starts over; nothing of the first attempt was kept (its rows were in a temporary
file, and the stored file, the job's success and the audit entry commit together), so the job
ends with exactly one file. Transient database errors retry with backoff and jitter; after the
last retry, or on any other error, the job fails with a reason that names no data."""

import logging
from typing import Any

from celery import shared_task

from backend.exports.run import export_fail, run_export
from backend.jobs.retry import TRANSIENT, backoff_seconds
from tenants.tasks import DistrictTask

logger = logging.getLogger("dangjian.exports")

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
    try:
        job = run_export(job_id)
    except TRANSIENT as exc:
        if self.request.retries >= MAX_RETRIES:
            export_fail(job_id, "导出时数据库暂时不可用，请稍后重新导出。")
            raise
        raise self.retry(
            exc=exc, countdown=backoff_seconds(self.request.retries, cap=300.0)
        ) from exc
    except Exception as exc:
        # The exception's text may hold data; the job and the log name its class only.
        logger.error("exports: job %s failed: %s", job_id, type(exc).__name__)
        export_fail(job_id, f"导出出错（{type(exc).__name__}），请重新导出。")
        raise
    return str(job.state)

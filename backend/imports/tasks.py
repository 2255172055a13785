"""The import job in the workers.

Not acks_late: an import is one transaction, so a worker killed mid-run leaves nothing written,
and the job stays "running" with its worker named; running it again on redelivery could import a
file the user has since corrected. A failure marks the job failed with its reason."""

import logging
from typing import Any

from celery import shared_task

from backend.imports.run import import_run
from backend.jobs.models import Job
from backend.jobs.runner import JobBusy, job_lock
from backend.jobs.services import job_fail
from tenants.tasks import DistrictTask

logger = logging.getLogger("dangjian.imports")


@shared_task(bind=True, base=DistrictTask, name="imports.run")
def run_import(self: Any, job_id: int) -> str:
    with job_lock(job_id) as acquired:
        if not acquired:
            raise JobBusy(f"import job {job_id} is running in another worker")
        try:
            return str(import_run(job_id).state)
        except Exception as exc:
            logger.exception("imports: job %s failed", job_id)
            job_fail(job_id, f"导入时发生内部错误（{type(exc).__name__}），未写入任何数据。")
            if Job.objects.filter(pk=job_id).exists():
                return "failed"
            raise

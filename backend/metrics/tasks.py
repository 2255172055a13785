"""Metric computation in the workers.

`metrics.recompute` runs one district's recompute job (services.recompute_steps): acks_late with
reject-on-worker-lost, so a worker killed mid-run has the message delivered again and the job
runs again from its first step; every step is an idempotent upsert, so that leaves exactly one
set of snapshots. Transient database errors retry with exponential backoff and jitter; after the
last retry, or on any other error, the job is marked failed with its reason.

`metrics.nightly_everywhere` (beat, settings.metrics) sends `metrics.nightly` to every serving
district, which asks for a recompute of the current periods. `metrics.municipal_refresh` does
the same for a municipal analyst's refresh job and counts the districts as they finish."""

import logging
from datetime import date
from typing import Any

from celery import shared_task

from backend.jobs.models import Job
from backend.jobs.retry import TRANSIENT, backoff_seconds
from backend.jobs.runner import job_run
from backend.jobs.services import job_fail
from backend.metrics import services
from backend.metrics.periods import Period, PeriodKind
from tenants.context import current_district
from tenants.rollup import platform_job_district_done, platform_job_started
from tenants.tasks import DistrictTask, PlatformTask, send_to_every_schema

logger = logging.getLogger("dangjian.metrics")

MAX_RETRIES = 6


@shared_task(
    bind=True,
    base=DistrictTask,
    name="metrics.recompute",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def recompute(self: Any, job_id: int) -> str:
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return "gone"
    try:
        steps = services.recompute_steps(job, today=date.today())
        finished = job_run(job_id, steps)
    except TRANSIENT as exc:
        if self.request.retries >= MAX_RETRIES:
            _fail(job, f"{type(exc).__name__}: {exc}")
            raise
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
    except services.RecomputeRefused as exc:
        _fail(job, str(exc))
        return "failed"
    except Exception as exc:
        _fail(job, f"{type(exc).__name__}: {exc}")
        raise
    _notify(finished, failed=None)
    return str(finished.state)


def _fail(job: Job, reason: str) -> None:
    logger.error("metrics: job %s failed: %s", job.pk, reason)
    job_fail(job.pk, reason)
    job.refresh_from_db()
    _notify(job, failed=reason)


def _notify(job: Job, *, failed: str | None) -> None:
    district = current_district()
    for platform_job_id in job.params.get(services.NOTIFY, []):
        platform_job_district_done(platform_job_id, district, failed=failed)


@shared_task(base=DistrictTask, name="metrics.nightly")
def nightly(periods: list[list[str]] | None = None, platform_job_id: int | None = None) -> int:
    """Ask for this district's recompute (the current periods, or `periods`); returns its job."""
    chosen = (
        [Period(PeriodKind(kind), date.fromisoformat(start)) for kind, start in periods]
        if periods
        else None
    )
    job, _created = services.recompute_request(
        scope=None, periods=chosen, user=None, notify_platform_job=platform_job_id
    )
    return job.pk


@shared_task(base=PlatformTask, name="metrics.nightly_everywhere")
def nightly_everywhere() -> list[str]:
    return send_to_every_schema(nightly, include_platform=False)


@shared_task(base=PlatformTask, name="metrics.municipal_refresh")
def municipal_refresh(platform_job_id: int, periods: list[list[str]] | None = None) -> list[str]:
    """Fan a municipal analyst's refresh out to every serving district; each district counts
    itself done on the platform job when its recompute finishes (tenants.rollup)."""
    return send_to_every_schema(
        nightly,
        include_platform=False,
        kwargs={"periods": periods, "platform_job_id": platform_job_id},
        before_sending=lambda schemas: platform_job_started(
            platform_job_id, districts=len(schemas)
        ),
    )

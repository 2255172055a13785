"""Metric jobs in a real worker: a worker killed in the middle of a district's computation has
its task delivered again and leaves exactly one correct set of snapshots; a municipal refresh
fans out to every district and finishes when each has reported.

Committed data (tests.support.committed_db) so the worker sees it; each test removes what it
wrote. The kill lands mid-run deterministically: another session holds a lock on the table the
member metrics' step reads, so the worker commits the steps before it and then waits there."""

import os
import signal
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from backend.jobs.models import Job, JobState
from backend.metrics.compute import metric_runs
from backend.metrics.definitions import DEFINITIONS
from backend.metrics.models import MetricSnapshot
from backend.metrics.periods import Period, PeriodKind, current_periods
from backend.metrics.services import RECOMPUTE, municipal_refresh_request
from backend.metrics.tasks import recompute
from backend.orgs.models import PartyOrg
from tenants.context import in_district, in_platform
from tenants.models import District, DistrictMetric
from tests.metrics.support import compute_metrics
from tests.support.committed_db import db  # noqa: F401 (the fixture)
from tests.support.server import database_url
from tests.support.worker import wait_for

pytestmark = pytest.mark.usefixtures("db")

LOCKED_TABLE = "activities_activityparticipation"
LOCKED_STEP = "participation_rate"


def _job(job_id: int) -> Job:
    with in_district("alpha"):
        return Job.objects.get(pk=job_id)


def _rows(period: Period) -> dict[tuple[int, str, str], tuple[Decimal, Decimal, Decimal | None]]:
    with in_district("alpha"):
        return {
            (row.org_id, row.metric, row.breakdown): (row.numerator, row.denominator, row.value)
            for row in MetricSnapshot.objects.filter(
                period_kind=period.kind.value, period_start=period.start
            )
        }


def _forget(period: Period) -> None:
    with in_platform():
        codes = list(District.objects.serving().values_list("code", flat=True))
    for code in codes:
        with in_district(code):
            MetricSnapshot.objects.filter(
                period_kind=period.kind.value, period_start=period.start
            ).delete()
            Job.objects.filter(kind=RECOMPUTE).delete()
    with in_platform():
        DistrictMetric.objects.filter(
            period_kind=period.kind.value, period_start=period.start
        ).delete()


def test_a_worker_killed_mid_computation_leaves_one_correct_set(worker: Any) -> None:
    today = date.today()
    period = Period.containing(PeriodKind.MONTH, today).previous()
    steps = [{m.code for m in run.metrics} for run in metric_runs([period], None)]
    done_before_lock = next(i for i, codes in enumerate(steps) if LOCKED_STEP in codes)
    assert done_before_lock >= 2, "the lock must stop the run after some steps"
    # The reference: the same period computed without interruption.
    with in_district("alpha"):
        compute_metrics(None, period, today=today)
    expected = _rows(period)
    with in_district("alpha"):
        orgs = (
            PartyOrg.objects.exclude(end_date__lt=period.start)
            .exclude(established_on__gt=period.as_of(today))
            .count()
        )
    assert len(expected) == orgs * sum(len(d.breakdown_keys) for d in DEFINITIONS)
    _forget(period)

    locker = psycopg.connect(database_url())
    try:
        locker.execute(f"LOCK TABLE district_alpha.{LOCKED_TABLE} IN ACCESS EXCLUSIVE MODE")
        with in_district("alpha"):
            job = Job.objects.create(
                kind=RECOMPUTE,
                dedupe_key="kill-test",
                params={
                    "scope_org_id": None,
                    "periods": [[period.kind.value, period.start.isoformat()]],
                    "notify_platform_jobs": [],
                },
            )
            recompute.apply_async(args=[job.pk])
        log = worker.log
        wait_for(
            lambda: _job(job.pk).steps_done == done_before_lock,
            seconds=60,
            what=f"{done_before_lock} steps",
            log=log,
        )
        running = _job(job.pk)
        assert running.state == JobState.RUNNING
        child_pid = int(running.worker.rsplit(":", 1)[1])
        assert child_pid != worker.pid, "the task runs in a pool process, not the main one"
        os.kill(child_pid, signal.SIGKILL)
        wait_for(
            lambda: b"WorkerLostError" in Path(log).read_bytes(),
            seconds=30,
            what="the worker to notice the lost process",
            log=log,
        )
    finally:
        locker.rollback()
        locker.close()

    wait_for(
        lambda: _job(job.pk).state in (JobState.SUCCEEDED, JobState.FAILED),
        seconds=120,
        what="the redelivered task to finish",
        log=worker.log,
    )
    finished = _job(job.pk)
    assert finished.state == JobState.SUCCEEDED, finished.error
    assert finished.attempts >= 2  # the killed run and the one that finished
    assert (finished.steps_done, finished.steps_total) == (len(steps) + 1, len(steps) + 1)
    after = _rows(period)
    assert after == expected  # every org, metric and breakdown once, with the same figures
    with in_district("alpha"):
        stamps = set(
            MetricSnapshot.objects.filter(
                period_kind=period.kind.value, period_start=period.start
            ).values_list("computed_at", flat=True)
        )
    assert len(stamps) == 1, "one run wrote the whole set"
    _forget(period)


def test_a_municipal_refresh_counts_every_district(worker: Any) -> None:
    periods = current_periods(date.today())
    with in_platform():
        job, created = municipal_refresh_request(periods=None, user=None)
        serving = set(District.objects.serving().values_list("code", flat=True))
        districts = len(serving)
    assert created
    try:

        def finished() -> bool:
            with in_platform():
                return Job.objects.get(pk=job.pk).state in (JobState.SUCCEEDED, JobState.FAILED)

        wait_for(finished, seconds=120, what="the refresh", log=worker.log)
        with in_platform():
            done = Job.objects.get(pk=job.pk)
            published = DistrictMetric.objects.filter(
                period_kind__in=[p.kind.value for p in periods],
                period_start__in=[p.start for p in periods],
            )
            codes = set(published.values_list("district__code", flat=True))
            per_district = published.filter(district__code="alpha").count()
        assert done.state == JobState.SUCCEEDED, done.error
        assert (done.steps_done, done.steps_total) == (districts, districts)
        assert set(done.result["districts"]) == serving
        # Districts with an org tree publish; one provisioned empty by another test has no root.
        assert codes == {"alpha", "beta"}
        totals = sum(len(d.breakdown_keys) for d in DEFINITIONS)
        assert per_district == totals * len(periods)
    finally:
        with in_platform():
            Job.objects.filter(pk=job.pk).delete()
        for period in periods:
            _forget(period)

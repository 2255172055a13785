"""Asking for metrics to be recomputed, and the steps a recompute runs."""

from datetime import date
from functools import partial
from typing import Any

from django.utils import timezone

from backend.common.validation import ValidationFailed
from backend.jobs.models import Job
from backend.jobs.runner import JobStep, job_run
from backend.jobs.services import job_params_extend, job_request
from backend.metrics import compute, publish
from backend.metrics.periods import Period, PeriodKind, current_periods, months_back
from backend.orgs.models import PartyOrg

# At most this many periods per request: each is a dozen statements per district.
MAX_PERIODS = 36

RECOMPUTE = "metrics.recompute"
MUNICIPAL_REFRESH = "metrics.municipal_refresh"


class RecomputeRefused(Exception):
    """The job can no longer run as asked (its org was deleted): it fails with this reason."""


# Platform jobs (municipal refreshes) waiting for this district's recompute to finish.
NOTIFY = "notify_platform_jobs"


def periods_requested(labels: list[str] | None, *, field: str = "periods") -> list[Period] | None:
    """The periods a recompute or refresh asks for, checked: None (the current ones) when not
    given; otherwise 1 to MAX_PERIODS labels, none of a period that has not started."""
    if labels is None:
        return None
    if not labels or len(labels) > MAX_PERIODS:
        raise ValidationFailed.single(field, "OUT_OF_RANGE", f"请给出 1 到 {MAX_PERIODS} 个期间。")
    periods = [Period.parse(label, field=field) for label in labels]
    future = [period.label for period in periods if not period.has_started(date.today())]
    if future:
        raise ValidationFailed.single(field, "NOT_STARTED", f"期间尚未开始: {', '.join(future)}。")
    return periods


def recompute_request(
    *,
    scope: PartyOrg | None,
    periods: list[Period] | None,
    user: Any,
    notify_platform_job: int | None = None,
) -> tuple[Job, bool]:
    """A recompute of `scope`'s subtree (None: the whole district) for `periods` (None: the
    current month, quarter and year), as a job. The same request while one is queued or running
    returns that job."""
    from backend.metrics.tasks import recompute as recompute_task

    chosen = sorted(set(periods or current_periods(date.today())))
    labels = [period.label for period in chosen]
    key = f"org={scope.pk if scope else 'district'};periods={','.join(labels)}"
    params: dict[str, Any] = {
        "scope_org_id": scope.pk if scope else None,
        "periods": [[period.kind.value, period.start.isoformat()] for period in chosen],
        NOTIFY: [notify_platform_job] if notify_platform_job else [],
    }
    job, created = job_request(
        kind=RECOMPUTE,
        dedupe_key=key,
        params=params,
        user=user,
        enqueue=lambda new: recompute_task.apply_async(args=[new.pk]),
    )
    if not created and notify_platform_job:
        job_params_extend(job, NOTIFY, notify_platform_job)
    return job, created


def job_periods(job: Job) -> list[Period]:
    return [
        Period(PeriodKind(kind), date.fromisoformat(start)) for kind, start in job.params["periods"]
    ]


def recompute_steps(job: Job, *, today: date) -> list[JobStep]:
    """One step per metric and period, then (for the whole district) one step per period that
    publishes the district's totals to the municipal table."""
    scope_id = job.params.get("scope_org_id")
    scope = PartyOrg.objects.filter(pk=scope_id).first() if scope_id else None
    if scope_id and scope is None:
        raise RecomputeRefused("要重新计算的党组织已被删除。")
    scope_path = None if scope is None or scope.parent_id is None else str(scope.path)
    periods = job_periods(job)
    computed_at = timezone.now()
    steps = [
        JobStep(
            run.label,
            partial(compute.compute, run, today=today, computed_at=computed_at),
        )
        for run in compute.metric_runs(periods, scope_path)
    ]
    if scope_path is None:
        steps += [
            JobStep(
                f"上报市级汇总 {period.label}", partial(publish.publish_district_totals, period)
            )
            for period in periods
        ]
    return steps


def municipal_refresh_request(*, periods: list[Period] | None, user: Any) -> tuple[Job, bool]:
    """On the platform: a job that recomputes every district for `periods` (None: the current
    ones) and counts districts as they finish; the same request while it runs returns it."""
    from backend.metrics.tasks import municipal_refresh

    chosen = sorted(set(periods or current_periods(date.today())))
    encoded = [[period.kind.value, period.start.isoformat()] for period in chosen]
    return job_request(
        kind=MUNICIPAL_REFRESH,
        dedupe_key="periods=" + ",".join(period.label for period in chosen),
        params={"periods": encoded},
        user=user,
        enqueue=lambda new: municipal_refresh.apply_async(args=[new.pk, encoded]),
    )


def recompute_inline(*, periods: list[Period], user: Any = None) -> Job:
    """Recompute the whole district for `periods` in this process, through the same job and
    steps a worker runs (for the demo's history and for operators backfilling periods)."""
    chosen = sorted(set(periods))
    job = Job.objects.create(
        kind=RECOMPUTE,
        dedupe_key=f"inline;periods={','.join(period.label for period in chosen)}",
        params={
            "scope_org_id": None,
            "periods": [[period.kind.value, period.start.isoformat()] for period in chosen],
            NOTIFY: [],
        },
        requested_by=user,
    )
    return job_run(job.pk, recompute_steps(job, today=date.today()))


def history_periods(today: date, *, months: int = 12) -> list[Period]:
    """The last `months` months, the quarters and years they fall in: what a district's history
    needs for monthly trends and for this year against last year."""
    chosen = months_back(today, months)
    quarters = {Period.containing(PeriodKind.QUARTER, period.start) for period in chosen}
    years = {Period.containing(PeriodKind.YEAR, period.start) for period in chosen}
    return sorted({*chosen, *quarters, *years})

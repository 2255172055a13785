"""Asking for a job, and what workers report about it. Jobs live in the current schema."""

import os
import socket
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from backend.jobs.models import ACTIVE_STATES, Job, JobState


def job_request(
    *,
    kind: str,
    dedupe_key: str,
    params: dict[str, Any],
    user: Any,
    enqueue: Callable[[Job], object],
) -> tuple[Job, bool]:
    """The active job of this kind and key, or a new one enqueued after the transaction commits
    (a rolled-back request enqueues nothing). Returns (job, created). Two requests at once get
    the same job: the partial unique index lets only one active row per key exist."""
    with transaction.atomic():
        active = _active(kind, dedupe_key)
        if active is not None:
            return active, False
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind,
                    dedupe_key=dedupe_key,
                    params=params,
                    requested_by=user if getattr(user, "pk", None) else None,
                )
        except IntegrityError:
            active = _active(kind, dedupe_key)
            if active is None:
                raise
            return active, False
        transaction.on_commit(lambda: enqueue(job))
        return job, True


def _active(kind: str, dedupe_key: str) -> Job | None:
    return (
        Job.objects.select_for_update()
        .filter(kind=kind, dedupe_key=dedupe_key, state__in=ACTIVE_STATES)
        .first()
    )


def job_params_extend(job: Job, key: str, value: Any) -> None:
    """Append `value` to the list params[key] of an active job (under a row lock)."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        values = list(locked.params.get(key, []))
        if value not in values:
            values.append(value)
            locked.params = {**locked.params, key: values}
            locked.save(update_fields=["params"])


def job_start(job_id: int, *, steps_total: int, label: str = "") -> Job:
    """The job runs now, in this process ("host:pid", for operators and for a stuck job)."""
    now = timezone.now()
    Job.objects.filter(pk=job_id).update(
        state=JobState.RUNNING,
        worker=f"{socket.gethostname()}:{os.getpid()}"[:120],
        attempts=F("attempts") + 1,
        steps_total=steps_total,
        steps_done=0,
        step_label=label,
        error="",
        started_at=now,
        finished_at=None,
    )
    return Job.objects.get(pk=job_id)


def job_step_label(job_id: int, label: str) -> None:
    Job.objects.filter(pk=job_id).update(step_label=label[:200])


def job_advance(job_id: int, steps: int = 1) -> None:
    Job.objects.filter(pk=job_id).update(steps_done=F("steps_done") + steps)


def job_succeed(job_id: int, result: dict[str, Any] | None = None) -> None:
    Job.objects.filter(pk=job_id).update(
        state=JobState.SUCCEEDED,
        step_label="",
        result=result or {},
        finished_at=timezone.now(),
    )


def job_fail(job_id: int, reason: str) -> None:
    Job.objects.filter(pk=job_id).update(
        state=JobState.FAILED, error=reason[:2000], finished_at=timezone.now()
    )

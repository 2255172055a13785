"""The import task in-process (eager): it runs the job in its district; a job already finished is
left alone on a late redelivery; transient errors retry, then fail; any other error fails the job
with its class only, never its text (which may hold data from the file)."""

from typing import Any

import pytest
from celery.exceptions import Retry
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from backend.config.celery import app
from backend.imports import run as run_module
from backend.imports import samples, tasks
from backend.imports.services import import_request
from backend.jobs.models import Job, JobState

pytestmark = pytest.mark.usefixtures("in_alpha")


@pytest.fixture(autouse=True)
def eager() -> Any:
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


def _queued(rows: int = 3) -> Job:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(samples.HEADERS)
    writer.writerows(samples.roster_rows(samples.member_org_codes(), rows=rows, seed=90))
    return import_request(
        kind_code="members",
        upload=SimpleUploadedFile("r.csv", out.getvalue().encode(), "text/csv"),
        dry_run=True,
        mode="all_or_nothing",
        user=get_user_model().objects.get(username="admin"),
    ).job


def _run(job: Job) -> Job:
    tasks.run_import.apply(args=[job.pk])
    job.refresh_from_db()
    return job


def test_the_task_runs_the_import_and_a_late_redelivery_changes_nothing() -> None:
    job = _run(_queued())
    assert (job.state, job.result["read"]) == (JobState.SUCCEEDED, 3)
    finished_at = job.finished_at
    again = _run(job)
    assert (again.state, again.finished_at) == (JobState.SUCCEEDED, finished_at)


def test_a_transient_error_is_retried_then_the_job_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(_job_id: int) -> Job:
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(tasks, "import_run", unavailable)
    job = _queued()
    with pytest.raises(Retry):
        tasks.run_import.apply(args=[job.pk], throw=True)
    monkeypatch.setattr(tasks.run_import, "max_retries", 0)
    monkeypatch.setattr(tasks, "MAX_RETRIES", 0)
    with pytest.raises(OperationalError):
        tasks.run_import.apply(args=[job.pk], throw=True)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "暂时不可用" in job.error


def test_an_unexpected_error_fails_the_job_without_its_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise ValueError("110101199003071234 张三")

    monkeypatch.setattr(run_module.ImportRun, "batch", broken)
    job = _queued()
    with pytest.raises(ValueError, match="张三"):
        tasks.run_import.apply(args=[job.pk], throw=True)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "ValueError" in job.error
    assert "1101" not in job.error
    assert "张三" not in job.error

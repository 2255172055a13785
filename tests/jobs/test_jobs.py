"""Jobs: one active job per key however many ask, nothing enqueued by a rolled-back request, a
job held by one worker is refused to another, a finished job is not run again, and a failing
step keeps the steps before it."""

import threading
import time
from collections.abc import Iterator
from functools import partial
from typing import Any, cast

import pytest
from django.db import connection, connections, transaction

from backend.jobs.models import Job, JobState
from backend.jobs.runner import JobBusy, JobStep, job_lock, job_run
from backend.jobs.services import job_fail, job_params_extend, job_request
from backend.orgs.models import PartyOrg
from tenants.context import in_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent() -> list[int]:
    return []


def _request(sent: list[int], key: str = "k") -> tuple[Job, bool]:
    return job_request(
        kind="test.job", dedupe_key=key, params={}, user=None, enqueue=lambda j: sent.append(j.pk)
    )


def test_the_same_request_returns_the_active_job(in_alpha: None, sent: list[int]) -> None:
    with transaction.atomic():
        first, created = _request(sent)
        again, created_again = _request(sent)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk


def test_a_finished_job_does_not_block_a_new_one(in_alpha: None, sent: list[int]) -> None:
    first, _ = _request(sent)
    job_fail(first.pk, "boom")
    second, created = _request(sent)
    assert created
    assert second.pk != first.pk


def test_other_keys_are_other_jobs(in_alpha: None, sent: list[int]) -> None:
    assert _request(sent, "a")[0].pk != _request(sent, "b")[0].pk


def test_enqueued_only_when_the_transaction_commits(
    in_alpha: None, sent: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = _request(sent)
    assert sent == [job.pk]
    sent.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        try:
            with transaction.atomic():
                _request(sent, "rolled-back")
                raise RuntimeError("the request fails after asking")
        except RuntimeError:
            pass
    assert callbacks == []
    assert sent == []
    assert not Job.objects.filter(dedupe_key="rolled-back").exists()


def test_params_extend_adds_once(in_alpha: None, sent: list[int]) -> None:
    job, _ = _request(sent)
    job_params_extend(job, "notify", 7)
    job_params_extend(job, "notify", 7)
    job_params_extend(job, "notify", 9)
    job.refresh_from_db()
    assert job.params["notify"] == [7, 9]


def test_steps_commit_progress_and_finish(in_alpha: None, sent: list[int]) -> None:
    job, _ = _request(sent)
    seen: list[tuple[int, str]] = []

    def step(n: int) -> None:
        current = Job.objects.get(pk=job.pk)
        seen.append((current.steps_done, current.step_label))

    finished = job_run(job.pk, [JobStep(f"步骤{n}", partial(step, n)) for n in range(3)])
    assert seen == [(0, "步骤0"), (1, "步骤1"), (2, "步骤2")]
    assert (finished.state, finished.steps_done, finished.steps_total) == (JobState.SUCCEEDED, 3, 3)
    assert finished.attempts == 1
    assert finished.worker
    # Delivered again after it finished: nothing runs.
    assert job_run(job.pk, [JobStep("x", lambda: pytest.fail("ran again"))]).attempts == 1


def test_a_failing_step_keeps_the_steps_before_it(in_alpha: None, sent: list[int]) -> None:
    job, _ = _request(sent)
    root = PartyOrg.objects.get(parent__isnull=True)

    def rename() -> None:
        PartyOrg.objects.filter(pk=root.pk).update(name="第一步已提交")

    def fail() -> None:
        PartyOrg.objects.filter(pk=root.pk).update(name="第二步不应留下")
        raise ValueError("第二步失败")

    with pytest.raises(ValueError, match="第二步失败"):
        job_run(job.pk, [JobStep("一", rename), JobStep("二", fail)])
    job.refresh_from_db()
    root.refresh_from_db()
    assert root.name == "第一步已提交"
    assert (job.state, job.steps_done) == (JobState.RUNNING, 1)


@pytest.fixture
def second_connection() -> Iterator[Any]:
    """Another database session, as another worker would have."""
    other = connections.create_connection("default")
    yield other
    other.close()


def test_a_job_held_by_another_worker_is_busy(
    in_alpha: None, sent: list[int], second_connection: Any
) -> None:
    job, _ = _request(sent)
    schema = cast(Any, connection).schema_name
    with second_connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s), %s)", [f"{schema}.jobs_job", job.pk])
    with pytest.raises(JobBusy):
        job_run(job.pk, [JobStep("x", lambda: None)])
    second_connection.close()  # the other worker dies: its lock goes with its session
    deadline = time.monotonic() + 10  # the server ends that session a moment later
    while True:
        with job_lock(job.pk) as acquired:
            if acquired or time.monotonic() > deadline:
                break
        time.sleep(0.05)
    assert acquired


def test_two_concurrent_requests_make_one_job() -> None:
    """Two sessions ask at the same moment; the partial unique index lets one create the job and
    the other gets it back. Committed data, so it cleans up after itself."""
    results: list[tuple[int, bool]] = []
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def ask() -> None:
        try:
            with in_district("alpha"):
                barrier.wait(timeout=10)
                job, created = _request(sent, "concurrent")
                results.append((job.pk, created))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    try:
        assert len(results) == 2
        assert results[0][0] == results[1][0]
        assert sorted(created for _, created in results) == [False, True]
    finally:
        # In a thread of its own: the test's own connection sits in a transaction rolled back later.
        cleanup = threading.Thread(target=_delete_committed, args=("concurrent",))
        cleanup.start()
        cleanup.join(timeout=30)


def _delete_committed(key: str) -> None:
    try:
        with in_district("alpha"):
            Job.objects.filter(dedupe_key=key).delete()
    finally:
        connection.close()

"""The recompute task in-process (eager): a job computes every metric for every org and publishes
the district's totals; transient errors retry with backoff and then fail with their reason;
other errors fail at once; the nightly dispatcher sends one recompute per district; a municipal
refresh expects every district it sends to and counts each district once."""

from datetime import date
from typing import Any

import pytest
from celery.exceptions import Retry
from django.db import OperationalError

from backend.config.celery import app
from backend.jobs.models import Job, JobState
from backend.metrics import compute as compute_module
from backend.metrics import tasks
from backend.metrics.definitions import DEFINITIONS
from backend.metrics.facts import GROUPS
from backend.metrics.models import MetricSnapshot
from backend.metrics.periods import Period, current_periods
from backend.metrics.services import recompute_request
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from tenants.context import in_platform
from tenants.models import District, DistrictMetric
from tenants.rollup import platform_job_district_done, platform_job_started

pytestmark = pytest.mark.django_db

PERIOD = Period.parse("2026-01")
KEYS = sum(len(definition.breakdown_keys) for definition in DEFINITIONS)


@pytest.fixture(autouse=True)
def eager() -> Any:
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


def _request(scope: PartyOrg | None = None) -> Job:
    job, created = recompute_request(scope=scope, periods=[PERIOD], user=None)
    assert created
    return job


def _run(job: Job) -> Job:
    tasks.recompute.apply(args=[job.pk])
    job.refresh_from_db()
    return job


def test_a_recompute_computes_every_metric_for_every_org(in_alpha: None) -> None:
    job = _run(_request())
    assert job.state == JobState.SUCCEEDED, job.error
    # One step per group of metrics, and one publishing the district's totals.
    assert (job.steps_done, job.steps_total) == (len(GROUPS) + 1, len(GROUPS) + 1)
    orgs = PartyOrg.objects.exclude(end_date__lt=PERIOD.start).count()
    stored = MetricSnapshot.objects.filter(period_kind="month", period_start=PERIOD.start)
    assert stored.count() == orgs * KEYS
    root = PartyOrg.objects.get(parent__isnull=True)
    published = DistrictMetric.objects.filter(
        district__code="alpha", period_kind="month", period_start=PERIOD.start
    )
    assert published.count() == KEYS
    for row in published:
        at_root = stored.get(org=root, metric=row.metric, breakdown=row.breakdown)
        assert (row.numerator, row.denominator) == (at_root.numerator, at_root.denominator)


def test_a_subtree_recompute_touches_only_the_subtree(in_alpha: None) -> None:
    street = PartyOrg.objects.get(code="alpha-s1")
    job = _run(_request(street))
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.steps_total == len(GROUPS)  # a subtree publishes nothing
    computed = set(
        MetricSnapshot.objects.filter(period_start=PERIOD.start).values_list("org_id", flat=True)
    )
    assert computed == set(
        PartyOrg.objects.filter(path__descendant_of=street.path)
        .exclude(end_date__lt=PERIOD.start)
        .values_list("pk", flat=True)
    )
    assert not DistrictMetric.objects.filter(period_start=PERIOD.start).exists()


def test_running_twice_leaves_one_set(in_alpha: None) -> None:
    first = _run(_request())
    before = MetricSnapshot.objects.filter(period_start=PERIOD.start).count()
    second = _run(_request())
    assert second.pk != first.pk
    assert second.state == JobState.SUCCEEDED
    assert MetricSnapshot.objects.filter(period_start=PERIOD.start).count() == before


def test_transient_errors_retry_then_fail_with_the_reason(
    in_alpha: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each delivery (retries = 0, 1, …) fails on a lost connection: the first MAX_RETRIES ask
    Celery to retry with a growing countdown and leave the job running; the last fails it."""
    calls: list[int] = []

    def flaky(*args: Any, **kwargs: Any) -> int:
        calls.append(1)
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(compute_module, "compute", flaky)
    job = _request()
    countdowns = []
    for retries in range(tasks.MAX_RETRIES):
        with pytest.raises(Retry) as retry:
            tasks.recompute.apply(args=[job.pk], retries=retries)
        countdowns.append(float(retry.value.when))  # type: ignore[arg-type]
        job.refresh_from_db()
        assert (job.state, job.error) == (JobState.RUNNING, "")
    assert countdowns == sorted(countdowns)
    with pytest.raises(OperationalError):
        tasks.recompute.apply(args=[job.pk], retries=tasks.MAX_RETRIES)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == "OperationalError: could not connect to server"
    assert len(calls) == job.attempts == tasks.MAX_RETRIES + 1


def test_backoff_grows_and_has_jitter() -> None:
    waits = [tasks.backoff_seconds(n) for n in range(8)]
    assert 5 <= waits[0] <= 7.5
    assert 10 <= waits[1] <= 15
    assert all(600 <= wait <= 900 for wait in waits[7:])
    assert len({tasks.backoff_seconds(3) for _ in range(20)}) > 1


def test_other_errors_fail_at_once(in_alpha: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> int:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(compute_module, "compute", broken)
    job = _request()
    with pytest.raises(ZeroDivisionError):
        tasks.recompute.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.FAILED, 1)
    assert job.error == "ZeroDivisionError: division by zero"


def test_a_job_whose_org_was_deleted_fails_with_the_reason(in_alpha: None) -> None:
    root = PartyOrg.objects.get(parent__isnull=True)
    doomed = org_create(
        code="alpha-doomed", name="待撤销街道", kind="street_working_committee", parent=root
    )
    job = _request(doomed)
    doomed.delete()
    assert _run(job).error == "要重新计算的党组织已被删除。"
    assert job.state == JobState.FAILED


def test_nightly_sends_one_recompute_per_district(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(
        tasks.nightly, "apply_async", lambda **options: sent.append(options["headers"])
    )
    with in_platform(), django_capture_on_commit_callbacks(execute=True):
        schemas = tasks.nightly_everywhere.apply().get()
        serving = set(District.objects.serving().values_list("schema_name", flat=True))
    assert set(schemas) == serving == {h["_schema_name"] for h in sent}
    assert len(sent) == len(serving)


def test_a_municipal_refresh_expects_every_district_it_sends_to(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    with in_platform():
        job = Job.objects.create(kind="metrics.municipal_refresh", dedupe_key="t", params={})
    expected_when_sent: list[int] = []

    def send(**options: Any) -> None:
        assert options["kwargs"]["platform_job_id"] == job.pk
        with in_platform():
            expected_when_sent.append(Job.objects.get(pk=job.pk).steps_total)

    monkeypatch.setattr(tasks.nightly, "apply_async", send)
    with in_platform(), django_capture_on_commit_callbacks(execute=True):
        schemas = tasks.municipal_refresh.apply(args=[job.pk]).get()
        serving = District.objects.serving().count()
        job.refresh_from_db()
    assert len(schemas) == serving > 0
    assert expected_when_sent == [serving] * serving
    assert (job.state, job.step_label) == (JobState.RUNNING, f"0 / {serving} 个区")


def test_the_nightly_recompute_is_scheduled() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["metrics-nightly-recompute"]
    assert entry["task"] == "metrics.nightly_everywhere"
    assert entry["task"] in app.tasks


def test_nightly_in_a_district_asks_for_the_current_periods(
    in_alpha: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks.recompute, "apply_async", lambda **options: None)
    job = Job.objects.get(pk=tasks.nightly.apply().get())
    expected = sorted(current_periods(date.today()))
    assert job.params["periods"] == [[p.kind.value, p.start.isoformat()] for p in expected]


def test_a_refresh_counts_each_district_once() -> None:
    with in_platform():
        job = Job.objects.create(kind="metrics.municipal_refresh", dedupe_key="t", params={})
        platform_job_started(job.pk, districts=2)
    alpha = District.objects.get(code="alpha")
    beta = District.objects.get(code="beta")
    platform_job_district_done(job.pk, alpha, failed=None)
    platform_job_district_done(job.pk, alpha, failed=None)  # a redelivery reports again
    with in_platform():
        job.refresh_from_db()
        assert (job.state, job.steps_done, job.steps_total) == (JobState.RUNNING, 1, 2)
    platform_job_district_done(job.pk, beta, failed="OperationalError: timeout")
    with in_platform():
        job.refresh_from_db()
    assert (job.state, job.steps_done) == (JobState.FAILED, 2)
    assert job.error == "beta区: OperationalError: timeout"
    assert job.result["districts"]["alpha"]["error"] == ""

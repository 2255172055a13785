"""Metric computation (issue 7), measured in the harness process against the benchmark database.

- `recompute_timing`: a whole-district recompute for one period as the worker runs it: a Job row,
  `backend.metrics.services.recompute_steps` and `backend.jobs.runner.job_run` (one transaction
  per step, progress committed with it), each step timed.
- `floor_timing`: the same aggregates by the hand-written script of bench/metrics_floor.py, into
  a temporary table, in one transaction.
- `districts_publish`: every serving district's totals for the period in the public table (a
  recompute of each district that has not published it yet), for the municipal operation.

`python -m bench.metrics_bench --explain` prints EXPLAIN (ANALYZE, BUFFERS) of every metric's
statement on the measured district (rolled back), to see where the time goes.
"""

import os
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import django

if __name__ == "__main__":  # run as a script: Django first, then the models
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
    django.setup()

from django.db import connection, transaction
from django.utils import timezone

from backend.jobs.models import Job
from backend.jobs.runner import JobStep, job_run
from backend.metrics import compute, services
from backend.metrics.periods import Period, PeriodKind
from bench.metrics_floor import SCRIPT, floor_parameters
from tenants.context import in_district, in_platform
from tenants.models import District, DistrictMetric

WARM_UPS = 1
REPEATS = 3


@dataclass(frozen=True)
class Timing:
    runs: list[float]  # seconds, each measured run
    steps: dict[str, float]  # label -> median seconds

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def slowest(self, count: int = 4) -> list[tuple[str, float]]:
        return sorted(self.steps.items(), key=lambda item: -item[1])[:count]


def this_month(today: date) -> Period:
    return Period.containing(PeriodKind.MONTH, today)


def _job(period: Period) -> Job:
    """A recompute job of the whole district for `period`, as recompute_request would store it."""
    return Job.objects.create(
        kind=services.RECOMPUTE,
        dedupe_key=f"bench;{uuid.uuid4().hex}",
        params={
            "scope_org_id": None,
            "periods": [[period.kind.value, period.start.isoformat()]],
            services.NOTIFY: [],
        },
    )


def _timed(step: JobStep, seconds: dict[str, list[float]]) -> JobStep:
    def run() -> object:
        began = time.perf_counter()
        result = step.run()
        seconds[step.label].append(time.perf_counter() - began)
        return result

    return JobStep(step.label, run)


def _repeat(
    run: Callable[[dict[str, list[float]]], None], before: Callable[[], None] | None = None
) -> Timing:
    runs: list[float] = []
    steps: dict[str, list[float]] = defaultdict(list)
    for attempt in range(WARM_UPS + REPEATS):
        if before is not None:
            before()
        these: dict[str, list[float]] = defaultdict(list)
        began = time.perf_counter()
        run(these)
        if attempt >= WARM_UPS:
            runs.append(time.perf_counter() - began)
            for label, values in these.items():
                steps[label] += values
    return Timing(runs, {label: statistics.median(values) for label, values in steps.items()})


def recompute_timing(district: District, period: Period, *, today: date) -> Timing:
    """One warm-up, then REPEATS whole-district recomputes of `period`, each a job run."""

    def run(seconds: dict[str, list[float]]) -> None:
        job = _job(period)
        steps = [_timed(step, seconds) for step in services.recompute_steps(job, today=today)]
        job_run(job.pk, steps)

    def vacuum() -> None:
        # Untimed: each run rewrites every snapshot row of the period, and this machine's
        # autovacuum is off; without it each run would find one more dead version of every row
        # than the last, a state production's autovacuum does not let build up.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM metrics_metricsnapshot")

    with in_district(district):
        return _repeat(run, vacuum)


def floor_timing(district: District, period: Period, *, today: date) -> Timing:
    """One warm-up, then REPEATS runs of the floor script, each in one transaction."""
    parameters = floor_parameters(period, today=today)

    def run(seconds: dict[str, list[float]]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            for index, statement in enumerate(SCRIPT):
                began = time.perf_counter()
                cursor.execute(statement, parameters if "%(" in statement else None)
                seconds[f"{index:02d} {_first_line(statement)}"].append(time.perf_counter() - began)

    with in_district(district):
        return _repeat(run)


def _first_line(statement: str) -> str:
    lines = [line for line in statement.strip().splitlines() if line.strip()]
    # Name the statement by what it writes: the facts insert's first selected metric.
    first = lines[0][:50]
    if first.startswith("INSERT") and len(lines) > 1:
        first += " " + lines[1].strip()[:40]
    return first


def districts_publish(districts: list[District], period: Period) -> dict[str, float]:
    """Recompute `period` in every district that has not published it; seconds by district."""
    seconds: dict[str, float] = {}
    for district in districts:
        with in_platform():
            published = DistrictMetric.objects.filter(
                district=district, period_kind=period.kind.value, period_start=period.start
            ).exists()
        if published:
            continue
        began = time.perf_counter()
        with in_district(district):
            services.recompute_inline(periods=[period])
        seconds[district.code] = time.perf_counter() - began
    return seconds


def participation_rows(district: District) -> int:
    with in_district(district), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM activities_activityparticipation")
        return int(cursor.fetchone()[0])


def explain(district: District, period: Period, *, today: date) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each metric's statement, rolled back."""
    computed_at = timezone.now()
    with in_district(district):
        for run in compute.metric_runs([period], None):
            parameters = compute.parameters(run, today=today, computed_at=computed_at)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")  # as compute.compute runs it
                cursor.execute(
                    "EXPLAIN (ANALYZE, BUFFERS) " + compute.statement(run.metrics), parameters
                )
                plan = "\n".join(row[0] for row in cursor.fetchall())
                transaction.set_rollback(True)
            print(f"===== {run.label}\n{plan}\n", flush=True)


def main() -> None:
    from bench import city

    district = city.serving_districts()[0]
    today = date.today()
    period = this_month(today)
    if "--explain" in sys.argv:
        explain(district, period, today=today)
        return
    floor = floor_timing(district, period, today=today)
    print(f"floor {floor.runs} median {floor.median:.2f} s; {floor.slowest(6)}", flush=True)
    if "--floor" in sys.argv:
        return
    ours = recompute_timing(district, period, today=today)
    print(f"ours {ours.runs} median {ours.median:.2f} s; {ours.slowest(6)}", flush=True)
    print(f"ratio {ours.median / floor.median:.2f}")


if __name__ == "__main__":
    main()

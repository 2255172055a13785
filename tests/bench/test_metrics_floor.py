"""The metrics floor (bench/metrics_floor.py) gives exactly the engine's figures: the same
numerator and denominator for every org, metric and breakdown, so the benchmark's ratio compares
like with like."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from backend.activities import demo as activities
from backend.demo.generator import SIZES, generate_district
from backend.demo.member_work import IN_DISTRICT, populate_in_order
from backend.demo.ties import GRAPH
from backend.metrics import compute
from backend.metrics.definitions import BY_CODE
from backend.metrics.periods import Period, current_periods
from bench.metrics_floor import floor_run
from tenants.context import in_district
from tenants.models import Municipality
from tenants.provisioning import district_create

pytestmark = pytest.mark.django_db

Figures = dict[tuple[int, str, str], tuple[Decimal, Decimal, Decimal | None]]


def _ours(period: Period, today: date) -> Figures:
    computed_at = timezone.now()
    for run in compute.metric_runs([period], None):
        compute.compute(run, today=today, computed_at=computed_at)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT org_id, metric, breakdown, numerator, denominator, value
               FROM metrics_metricsnapshot WHERE period_kind = %s AND period_start = %s""",
            [period.kind.value, period.start],
        )
        return {(o, m, b): (n, d, v) for o, m, b, n, d, v in cursor.fetchall()}


def _floor(period: Period, today: date) -> Figures:
    # A savepoint rolled back afterwards takes the script's temporary tables with it.
    with transaction.atomic(), connection.cursor() as cursor:
        floor_run(cursor, period, today=today)
        cursor.execute(
            "SELECT org_id, metric, breakdown, numerator, denominator, value FROM floor_metrics"
        )
        figures = {(o, m, b): (n, d, v) for o, m, b, n, d, v in cursor.fetchall()}
        transaction.set_rollback(True)
    return figures


def _periods(today: date) -> list[Period]:
    return [
        *current_periods(today),
        Period.containing(current_periods(today)[0].kind, today).previous(6),
    ]


@pytest.fixture
def generated() -> str:
    """A generated district of the demo size with everything the metrics count (the member work
    and a year of activities, as `seed_city --metric-inputs` writes them), rolled back with the
    test."""
    district_create(
        municipality=Municipality.objects.get(code="testcity"),
        code="metricsfloor",
        name="指标演示区",
        admin_username="admin",
        admin_password="Demo-test-2024",
    )
    with in_district("metricsfloor"):
        generate_district(
            seed=11, size=SIZES["demo"], district_name="指标演示区", region_code="310120"
        )
        populate_in_order((*GRAPH, *IN_DISTRICT, activities), seed=11, today=date.today())
    return "metricsfloor"


def _compare(code: str) -> tuple[set[str], dict[tuple[object, ...], object]]:
    """Compare the counts of every period; returns the metrics with something counted, and the
    values that differ (org, metric, breakdown -> ours, the floor's)."""
    today = date.today()
    counted: set[str] = set()
    values: dict[tuple[object, ...], object] = {}
    with in_district(code):
        for period in _periods(today):
            ours, floor = _ours(period, today), _floor(period, today)
            assert set(ours) == set(floor), period
            differing = {
                key: (ours[key], floor[key]) for key in ours if ours[key][:2] != floor[key][:2]
            }
            assert not differing, (period, differing)
            # Something was counted: the comparison is not one of zeros.
            assert any(denominator for _, denominator, _ in ours.values())
            counted |= {metric for (_, metric, _), (_, d, _) in ours.items() if d}
            values.update(
                ((period.label, *key), (ours[key][2], floor[key][2]))
                for key in ours
                if ours[key][2] != floor[key][2]
            )
    return counted, values


@pytest.mark.parametrize("code", ["alpha", "beta"])
def test_floor_gives_the_engines_counts_on_the_seeded_districts(code: str) -> None:
    _compare(code)


def test_floor_gives_the_engines_counts_on_a_generated_district(generated: str) -> None:
    counted, _ = _compare(generated)
    # Every metric counts something there: each part of the script is compared.
    assert counted == set(BY_CODE)


def test_values_are_the_exact_ratio(generated: str) -> None:
    """value = numerator × scale ÷ denominator rounded to 4 places, in both (the floor computes
    it in numeric; a ratio of two integer sums must not be an integer division)."""
    _, values = _compare(generated)
    metrics = sorted({str(key[2]) for key in values})
    assert not values, (metrics, dict(list(values.items())[:5]))

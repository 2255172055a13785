"""Computing metrics in-process for the tests, and reading what was stored.

`compute_metrics` runs the same statements the workers run (backend.metrics.compute) for a
subtree and periods, inside the test's transaction, with a fixed "today". Asked for some metrics,
it computes their groups (a group's metrics share one statement)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from backend.metrics.compute import compute, metric_runs
from backend.metrics.models import MetricSnapshot
from backend.metrics.periods import Period, PeriodKind
from backend.orgs.models import PartyOrg


@dataclass(frozen=True)
class Figure:
    numerator: Decimal
    denominator: Decimal
    value: Decimal | None


def month(label: str) -> Period:
    return Period.parse(label)


def compute_metrics(
    scope: PartyOrg | None,
    period: Period,
    *,
    today: date,
    metrics: tuple[str, ...] | None = None,
) -> None:
    for run in metric_runs([period], str(scope.path) if scope else None, metrics):
        compute(run, today=today, computed_at=timezone.now())


def figure(org: PartyOrg, metric: str, period: Period, breakdown: str = "") -> Figure:
    row = MetricSnapshot.objects.get(
        org=org,
        metric=metric,
        breakdown=breakdown,
        period_kind=period.kind.value,
        period_start=period.start,
    )
    return Figure(row.numerator, row.denominator, row.value)


def counts(org: PartyOrg, metric: str, period: Period, breakdown: str = "") -> tuple[int, int]:
    """(numerator, denominator) as integers, for metrics that count people or units."""
    found = figure(org, metric, period, breakdown)
    return int(found.numerator), int(found.denominator)


__all__ = ["Figure", "Period", "PeriodKind", "compute_metrics", "counts", "figure", "month"]

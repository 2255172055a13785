"""The district's own totals for the municipal roll-up: numerators and denominators only."""

from django.db import connection

from backend.metrics.periods import Period
from tenants.rollup import DistrictMetricTotal, district_metrics_publish


def district_totals(period: Period) -> list[DistrictMetricTotal]:
    """Each metric and breakdown summed over the district's root orgs for `period`."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.metric, s.breakdown, sum(s.numerator), sum(s.denominator), max(s.as_of),
                   max(s.computed_at)
            FROM metrics_metricsnapshot s
            JOIN orgs_partyorg o ON o.id = s.org_id AND o.parent_id IS NULL
            WHERE s.period_kind = %s AND s.period_start = %s
            GROUP BY s.metric, s.breakdown
            """,
            [period.kind.value, period.start],
        )
        return [
            DistrictMetricTotal(
                metric=metric,
                breakdown=breakdown,
                period_kind=period.kind.value,
                period_start=period.start,
                period_end=period.end,
                as_of=as_of,
                numerator=numerator,
                denominator=denominator,
                computed_at=computed_at,
            )
            for metric, breakdown, numerator, denominator, as_of, computed_at in cursor.fetchall()
        ]


def publish_district_totals(period: Period) -> int:
    return district_metrics_publish(district_totals(period))

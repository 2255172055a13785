"""Computes a group of metrics (one facts module, backend.metrics.facts.GROUPS) for one period
over an org subtree in one set-based statement: the shared rosters once, each metric's facts,
all of them summed up the tree along each org's ltree path, then upserted as snapshots for every
org of the subtree (those with nothing to count get 0 ÷ 0, no value). Idempotent: running it
twice leaves the same rows."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction

from backend.metrics.definitions import BY_CODE, MetricDefinition
from backend.metrics.facts import FACTS, GROUPS, SHARED
from backend.metrics.periods import Period

# One pass yields each metric's breakdowns and its total (GROUPING marks the total). A metric
# without breakdowns brings NULL as its breakdown, so only its total ('') matches a key.
_ROLLED_UP = """
    SELECT f.metric, anc.id AS org_id,
           CASE WHEN GROUPING(f.breakdown) = 1 THEN '' ELSE f.breakdown END AS breakdown,
           sum(f.numerator) AS numerator, sum(f.denominator) AS denominator
    FROM facts f
    JOIN orgs_partyorg o ON o.id = f.org_id
    CROSS JOIN LATERAL unnest(string_to_array(o.path::text, '.')::bigint[]) AS anc(id)
    GROUP BY GROUPING SETS ((f.metric, anc.id, f.breakdown), (f.metric, anc.id))
"""

_FACTS_PART = """
    SELECT '{code}'::text AS metric, f.org_id, {breakdown} AS breakdown,
           f.numerator, f.denominator
    FROM ({facts}) f
"""

_UPSERT = """
WITH {shared}
facts AS ({facts}),
rolled AS ({rolled}),
keys AS (
    SELECT * FROM unnest(%(metrics)s::text[], %(breakdowns)s::text[], %(scales)s::int[])
        AS k(metric, breakdown, scale)
),
scope AS (
    SELECT o.id FROM orgs_partyorg o
    WHERE (%(scope_path)s::ltree IS NULL OR o.path <@ %(scope_path)s::ltree)
      AND (o.end_date IS NULL OR o.end_date >= %(start)s)
      AND (o.established_on IS NULL OR o.established_on <= %(as_of)s)
)
INSERT INTO metrics_metricsnapshot (
    org_id, metric, breakdown, period_kind, period_start, period_end, as_of,
    numerator, denominator, value, computed_at
)
SELECT s.id, k.metric, k.breakdown, %(period_kind)s, %(start)s, %(end)s, %(as_of)s,
       COALESCE(r.numerator, 0), COALESCE(r.denominator, 0),
       CASE WHEN COALESCE(r.denominator, 0) = 0 THEN NULL
            ELSE round(r.numerator::numeric * k.scale / r.denominator, 4) END,
       %(computed_at)s
FROM scope s
CROSS JOIN keys k
LEFT JOIN rolled r ON r.metric = k.metric AND r.org_id = s.id AND r.breakdown = k.breakdown
ON CONFLICT (metric, period_kind, period_start, org_id, breakdown) DO UPDATE SET
    period_end = EXCLUDED.period_end,
    as_of = EXCLUDED.as_of,
    numerator = EXCLUDED.numerator,
    denominator = EXCLUDED.denominator,
    value = EXCLUDED.value,
    computed_at = EXCLUDED.computed_at
"""


@dataclass(frozen=True)
class MetricRun:
    """What one step computes: a group of metrics, a period, and the subtree (None: the whole
    district)."""

    metrics: tuple[MetricDefinition, ...]
    period: Period
    scope_path: str | None

    @property
    def label(self) -> str:
        return f"{'、'.join(metric.name_zh for metric in self.metrics)} {self.period.label}"


def statement(metrics: tuple[MetricDefinition, ...]) -> str:
    # Unreferenced shared expressions are never evaluated; referenced ones once (MATERIALIZED).
    shared = "".join(f"{name} AS MATERIALIZED ({sql}),\n" for name, sql in SHARED.items())
    facts = " UNION ALL ".join(
        _FACTS_PART.format(
            code=metric.code,
            breakdown="f.breakdown" if metric.breakdowns else "NULL::text",
            facts=FACTS[metric.code],
        )
        for metric in metrics
    )
    return _UPSERT.format(shared=shared, facts=facts, rolled=_ROLLED_UP)


def parameters(run: MetricRun, *, today: date, computed_at: datetime) -> dict[str, Any]:
    keys = [(m.code, key, m.scale) for m in run.metrics for key in m.breakdown_keys]
    return {
        "period_kind": run.period.kind.value,
        "start": run.period.start,
        "end": run.period.end,
        "as_of": run.period.as_of(today),
        "scope_path": run.scope_path,
        "metrics": [code for code, _, _ in keys],
        "breakdowns": [key for _, key, _ in keys],
        "scales": [scale for _, _, scale in keys],
        "computed_at": computed_at,
    }


def compute(run: MetricRun, *, today: date, computed_at: datetime) -> int:
    """Upsert the run's snapshots in the current district; returns how many rows were written."""
    with transaction.atomic(), connection.cursor() as cursor:
        # At district sizes the planner's cost passes jit_above_cost, and compiling costs more
        # than it saves: 125–265 ms per statement at 100,000 members.
        cursor.execute("SET LOCAL jit = off")
        # The SQL text comes from backend.metrics.facts, never from input; values are parameters.
        cursor.execute(
            statement(run.metrics), parameters(run, today=today, computed_at=computed_at)
        )
        return int(cursor.rowcount)


def metric_runs(
    periods: list[Period], scope_path: str | None, codes: tuple[str, ...] | None = None
) -> list[MetricRun]:
    """One run per period and group of metrics (only the groups holding `codes`, if given)."""
    groups = [g for g in GROUPS if codes is None or set(g) & set(codes)]
    return [
        MetricRun(tuple(BY_CODE[code] for code in group), period, scope_path)
        for period in periods
        for group in groups
    ]

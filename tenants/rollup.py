"""Cross-district roll-ups: aggregates only, one statement over every district's schema; and the
municipal metrics, read from the public table each district publishes its totals to."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, quote_schema_name

from backend.members.models import Member
from backend.metrics.definitions import ALL, MetricDefinition
from backend.metrics.periods import Period, PeriodKind
from backend.orgs.models import PartyOrg
from tenants.context import current_district, in_platform
from tenants.models import District, DistrictMetric


@dataclass(frozen=True)
class DistrictTotals:
    district: District
    org_count: int
    member_count: int


def district_totals() -> list[DistrictTotals]:
    districts = list(District.objects.serving().select_related("municipality"))
    if not districts:
        return []
    parts = []
    for index, district in enumerate(districts):
        schema = quote_schema_name(district.schema_name)
        parts.append(
            f"SELECT {index} AS i,"  # noqa: S608
            f" (SELECT count(*) FROM {schema}.{PartyOrg._meta.db_table}),"
            f" (SELECT count(*) FROM {schema}.{Member._meta.db_table})"
        )
    with connection.cursor() as cursor:
        # Schema names are quoted and table names come from the models: no user input here.
        cursor.execute(" UNION ALL ".join(parts))
        rows = cursor.fetchall()
    return [
        DistrictTotals(districts[i], org_count, member_count) for i, org_count, member_count in rows
    ]


@dataclass(frozen=True)
class DistrictMetricTotal:
    """What a district publishes for one metric, breakdown and period."""

    metric: str
    breakdown: str
    period_kind: str
    period_start: date
    period_end: date
    as_of: date
    numerator: Decimal
    denominator: Decimal
    computed_at: datetime


def district_metrics_publish(totals: list[DistrictMetricTotal]) -> int:
    """Upsert the current district's totals into the public table; returns how many rows."""
    district = current_district()
    if district is None:
        raise RuntimeError("district_metrics_publish needs a district")
    if not totals:
        return 0
    rows = [
        (
            district.pk,
            t.metric,
            t.breakdown,
            t.period_kind,
            t.period_start,
            t.period_end,
            t.as_of,
            t.numerator,
            t.denominator,
            t.computed_at,
        )
        for t in totals
    ]
    table = f"{quote_schema_name(get_public_schema_name())}.{DistrictMetric._meta.db_table}"
    with connection.cursor() as cursor:
        cursor.executemany(
            f"""
            INSERT INTO {table} (district_id, metric, breakdown, period_kind, period_start,
                period_end, as_of, numerator, denominator, computed_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (metric, breakdown, period_kind, period_start, district_id) DO UPDATE SET
                period_end = EXCLUDED.period_end, as_of = EXCLUDED.as_of,
                numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator,
                computed_at = EXCLUDED.computed_at
            """,  # noqa: S608 (the table name comes from the model)
            rows,
        )
    return len(rows)


def platform_job_started(job_id: int, *, districts: int) -> None:
    """The refresh was sent to `districts` districts: that many steps to go."""
    from backend.jobs.models import Job, JobState

    with in_platform():
        Job.objects.filter(pk=job_id).update(
            state=JobState.RUNNING,
            steps_total=districts,
            started_at=timezone.now(),
            step_label=f"0 / {districts} 个区",
        )
        if districts == 0:
            _platform_job_finish(job_id)


def platform_job_district_done(
    job_id: int, district: District | None, *, failed: str | None
) -> None:
    """One district's recompute finished (or failed for good): count it once on the platform job,
    and finish the job when every district has reported."""
    from backend.jobs.models import ACTIVE_STATES, Job

    if district is None:
        return
    with in_platform(), transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state not in ACTIVE_STATES:
            return
        outcomes = dict(job.result.get("districts", {}))
        if district.code in outcomes:  # a redelivered message reports again: count it once
            return
        outcomes[district.code] = {"name": district.name, "error": failed or ""}
        job.result = {**job.result, "districts": outcomes}
        job.steps_done = len(outcomes)
        job.steps_total = max(job.steps_total, job.steps_done)
        job.step_label = f"{job.steps_done} / {job.steps_total} 个区"
        if failed:
            job.error = "\n".join(filter(None, [job.error, f"{district.name}: {failed}"]))[:2000]
        job.save(update_fields=["result", "steps_done", "steps_total", "step_label", "error"])
        if job.steps_done >= job.steps_total:
            _platform_job_finish(job_id)


def _platform_job_finish(job_id: int) -> None:
    from backend.jobs.models import Job, JobState

    job = Job.objects.get(pk=job_id)
    failed = any(o["error"] for o in job.result.get("districts", {}).values())
    Job.objects.filter(pk=job_id).update(
        state=JobState.FAILED if failed else JobState.SUCCEEDED,
        step_label="",
        finished_at=timezone.now(),
    )


# --- The municipal metrics (read side) -------------------------------------------------------

_MONTHS_PER_PERIOD = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}


def min_count() -> int:
    return int(settings.MUNICIPAL_MIN_COUNT)


def is_small_count(
    definition: MetricDefinition,
    numerator: Decimal,
    denominator: Decimal,
    threshold: int | None = None,
) -> bool:
    """Would these counts point at a handful of people or units? The denominator, the numerator
    when it counts people or units, and for a subset metric the rest (denominator − numerator):
    any of them between 1 and MUNICIPAL_MIN_COUNT − 1 is small. 0 is not: nobody to identify."""
    limit = min_count() if threshold is None else threshold

    def small(count: Decimal) -> bool:
        return 0 < count < limit

    return (
        small(denominator)
        or (definition.numerator_counts and small(numerator))
        or (definition.subset and small(denominator - numerator))
    )


@dataclass(frozen=True)
class DistrictFigure:
    """One district's figure. Not reported: no row (never computed): everything None. Suppressed:
    counts and value None, though the district still counts in the municipal total."""

    code: str
    name: str
    reported: bool
    suppressed: bool
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    rank: int | None
    as_of: date | None
    computed_at: datetime | None


@dataclass(frozen=True)
class MunicipalTotal:
    """Σ numerators ÷ Σ denominators over the reporting districts (not a mean of their rates).
    as_of and computed_at are the earliest of the parts: the total is as old as its oldest part."""

    reporting_districts: int
    suppressed: bool
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    as_of: date | None
    computed_at: datetime | None


@dataclass(frozen=True)
class MunicipalFigures:
    definition: MetricDefinition
    breakdown: str
    period: Period
    districts: list[DistrictFigure]
    total: MunicipalTotal
    threshold: int


def _ranks(values: list[Decimal | None]) -> list[int | None]:
    """Competition ranks, highest first ("1, 2, 2, 4"); None stays unranked."""
    ranked = sorted((value for value in values if value is not None), reverse=True)
    first_at: dict[Decimal, int] = {}
    for index, value in enumerate(ranked):
        first_at.setdefault(value, index + 1)
    return [None if value is None else first_at[value] for value in values]


# One statement: the periods asked for (the `last` periods of a kind up to `until`, or up to the
# latest period any serving district has published), every serving district, and its row if
# any. The join probes tenants_districtmetric_natural_key once per district and period; the
# window sums are the municipal totals. Values are rounded by PostgreSQL as compute.py rounds a
# district's own snapshots, so a district's figure here equals its root org's figure there.
_FIGURES_SQL = """
WITH serving AS (
    SELECT id, code, name FROM {district} WHERE schema_name <> %(public)s AND NOT is_template
), until AS MATERIALIZED (
    SELECT coalesce(%(until)s::date, (
        SELECT max(m.period_start) FROM {metric} m
        WHERE m.metric = %(metric)s AND m.breakdown = %(breakdown)s
          AND m.period_kind = %(kind)s AND m.district_id IN (SELECT id FROM serving)
    )) AS start
), periods AS MATERIALIZED (
    SELECT (u.start - make_interval(months => %(step)s * n))::date AS start
    FROM until u CROSS JOIN generate_series(0, %(last)s - 1) AS n
    WHERE u.start IS NOT NULL
)
SELECT p.start, d.code, d.name, m.id IS NOT NULL, m.numerator, m.denominator,
       CASE WHEN m.denominator > 0 THEN round(m.numerator * %(scale)s / m.denominator, 4) END,
       m.as_of, m.computed_at, sum(m.numerator) OVER w, sum(m.denominator) OVER w,
       CASE WHEN sum(m.denominator) OVER w > 0
            THEN round(sum(m.numerator) OVER w * %(scale)s / sum(m.denominator) OVER w, 4) END
FROM periods p
CROSS JOIN serving d
LEFT JOIN {metric} m
    ON m.metric = %(metric)s AND m.breakdown = %(breakdown)s AND m.period_kind = %(kind)s
   AND m.period_start = p.start AND m.district_id = d.id
WINDOW w AS (PARTITION BY p.start)
ORDER BY p.start, d.code
"""


def _figures_sql() -> str:
    public = quote_schema_name(get_public_schema_name())
    return _FIGURES_SQL.format(
        district=f"{public}.{District._meta.db_table}",
        metric=f"{public}.{DistrictMetric._meta.db_table}",
    )


def _figures(
    definition: MetricDefinition,
    breakdown: str,
    kind: PeriodKind,
    *,
    until: Period | None,
    last: int,
) -> list[MunicipalFigures]:
    params = {
        "public": get_public_schema_name(),
        "until": until.start if until is not None else None,
        "metric": definition.code,
        "breakdown": breakdown,
        "kind": kind.value,
        "step": _MONTHS_PER_PERIOD[kind],
        "last": last,
        "scale": definition.scale,
    }
    with connection.cursor() as cursor:
        cursor.execute(_figures_sql(), params)
        rows = cursor.fetchall()
    by_period: dict[date, list[tuple]] = defaultdict(list)
    for row in rows:
        by_period[row[0]].append(row)
    return [
        _assemble(definition, breakdown, Period(kind, start), by_period[start])
        for start in sorted(by_period)
    ]


def _assemble(
    definition: MetricDefinition, breakdown: str, period: Period, rows: list[tuple]
) -> MunicipalFigures:
    threshold = min_count()
    hidden = [row[3] and is_small_count(definition, row[4], row[5], threshold) for row in rows]
    numerator, denominator, value = rows[0][9:] if rows else (None, None, None)
    reported_rows = [row for row in rows if row[3]]
    hide_total = bool(reported_rows) and is_small_count(
        definition, numerator, denominator, threshold
    )
    hidden = _complementary(rows, hidden, total_shown=not hide_total)
    ranks = _ranks([None if hide else row[6] for row, hide in zip(rows, hidden, strict=True)])
    districts = [
        DistrictFigure(
            code=code,
            name=name,
            reported=reported,
            suppressed=hide,
            numerator=None if hide else numerator,
            denominator=None if hide else denominator,
            value=None if hide else value,
            rank=rank,
            as_of=as_of,
            computed_at=computed_at,
        )
        for (
            _,
            code,
            name,
            reported,
            numerator,
            denominator,
            value,
            as_of,
            computed_at,
            *_,
        ), hide, rank in zip(rows, hidden, ranks, strict=True)
    ]
    total = MunicipalTotal(
        reporting_districts=len(reported_rows),
        suppressed=hide_total,
        numerator=None if hide_total else numerator,
        denominator=None if hide_total else denominator,
        value=None if hide_total else value,
        as_of=min((row[7] for row in reported_rows), default=None),
        computed_at=min((row[8] for row in reported_rows), default=None),
    )
    return MunicipalFigures(definition, breakdown, period, districts, total, threshold)


def _complementary(rows: list[tuple], hidden: list[bool], *, total_shown: bool) -> list[bool]:
    """Complementary suppression: with the total shown and one district hidden, the total minus
    the others would give the hidden one back, so the reported district with the next-smallest
    denominator is hidden too (two hidden districts only ever show their sum)."""
    if not total_shown or sum(hidden) != 1:
        return hidden
    visible = [i for i, row in enumerate(rows) if row[3] and not hidden[i]]
    if not visible:
        return hidden
    partner = min(visible, key=lambda i: (rows[i][5], rows[i][1]))
    return [hide or i == partner for i, hide in enumerate(hidden)]


def municipal_figures(
    definition: MetricDefinition, period: Period, breakdown: str = ALL
) -> MunicipalFigures:
    """Every serving district's figure for one metric, breakdown and period (in code order),
    their ranks and the municipal total. Reads tenants_districtmetric only."""
    figures = _figures(definition, breakdown, period.kind, until=period, last=1)
    if figures:
        return figures[0]
    # No serving district at all.
    return _assemble(definition, breakdown, period, [])


def municipal_trend(
    definition: MetricDefinition,
    kind: PeriodKind,
    *,
    last: int,
    breakdown: str = ALL,
    until: Period | None = None,
) -> list[MunicipalFigures]:
    """The last `last` periods of `kind` up to `until` (default: the latest any serving district
    has published), oldest first. Periods no district has published are left out."""
    figures = _figures(definition, breakdown, kind, until=until, last=last)
    return [figure for figure in figures if figure.total.reporting_districts]

"""GraphQL for 指标: what each metric means, an org subtree's figures, their trend, a table of a
subtree's orgs, and asking for a recompute (a job to poll). QUERIES and MUTATIONS list its root
types; api.schema merges them."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of, check_writable
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode, node_pk
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.common.validation import ValidationFailed
from backend.jobs.graphql import JobPayload, JobType, job_payload, show_as_job, visible_jobs
from backend.jobs.models import Job
from backend.metrics import selectors, services
from backend.metrics.definitions import BY_CODE, DEFINITIONS
from backend.metrics.graphql_arguments import (
    breakdown_argument,
    count_argument,
    metric_argument,
    period_argument,
)
from backend.metrics.graphql_definitions import (
    MetricDefinitionType,
    PeriodKindEnum,
    metric_definitions,
)
from backend.metrics.models import MetricSnapshot
from backend.metrics.periods import Period, PeriodKind
from backend.orgs.graphql import PartyOrgType, load_org, load_writable_org, org_scope
from backend.orgs.models import PartyOrg, PartyOrgKind


@model_type(
    MetricSnapshot,
    name="MetricValue",
    description=(
        "One metric for one org subtree and period, as computed at computedAt: numerator and "
        "denominator summed over the org and everything below it. value is null when the "
        "denominator is 0 (nothing to measure), which is not 0 %."
    ),
)
class MetricValueType(DistrictNode):
    metric: str = strawberry_django.field(description="The metric's code (metricDefinitions).")
    period_start: date
    period_end: date
    as_of: date = strawberry_django.field(
        description="Counted up to this day: the period's end, or the day of computation."
    )
    numerator: Decimal
    denominator: Decimal
    value: Decimal | None = strawberry_django.field(
        description="In the metric's unit (percent: 0–100); null when the denominator is 0."
    )
    computed_at: datetime
    org: PartyOrgType

    @strawberry_django.field(only=["breakdown"], description="Null for the metric's total.")
    def breakdown(self, root: strawberry.Parent[MetricSnapshot]) -> str | None:
        return root.breakdown or None

    @strawberry_django.field(only=["period_kind", "period_start"], description="e.g. 2026-11")
    def period(self, root: strawberry.Parent[MetricSnapshot]) -> str:
        return Period(PeriodKind(root.period_kind), root.period_start).label

    @strawberry_django.field(only=["metric"])
    def definition(self, root: strawberry.Parent[MetricSnapshot]) -> MetricDefinitionType:
        return MetricDefinitionType.of(BY_CODE[root.metric])

    @classmethod
    def get_queryset(cls, queryset: QuerySet[MetricSnapshot], info: Info, **kwargs: Any) -> Any:
        return queryset.filter(access_of(info).read_filter("org__path"))


def _org_or_root(info: Info, org_id: relay.GlobalID | None, argument: str) -> PartyOrg | None:
    """The named org if readable; without one, the district root for district-wide readers.
    None (an empty answer) for anything else, like other scoped queries."""
    if org_id is not None:
        try:
            return load_org(info, org_id, argument)
        except ValidationFailed:
            return None
    if access_of(info).read_paths is not None:
        return None
    return selectors.district_root()


def _ordered(rows: Iterable[MetricSnapshot]) -> list[MetricSnapshot]:
    order = {definition.code: index for index, definition in enumerate(DEFINITIONS)}
    return sorted(rows, key=lambda row: (order.get(row.metric, 99), row.breakdown))


@strawberry.type
class MetricsQuery:
    @strawberry.field(permission_classes=[IsDistrictUser], description="What each metric means.")
    def metric_definitions(self) -> list[MetricDefinitionType]:
        return metric_definitions()

    @strawberry_django.field(
        permission_classes=[IsDistrictUser],
        description=(
            "An org subtree's figures for a period (default org: the district, for district-wide "
            "readers). Empty until computed, and outside your scope."
        ),
    )
    def metrics(
        self,
        info: Info,
        period: str,
        org_id: relay.GlobalID | None = None,
        metrics: list[str] | None = None,
        with_breakdowns: bool = False,
    ) -> list[MetricValueType]:
        chosen = period_argument(period)
        codes = [metric_argument(code, "metrics").code for code in metrics] if metrics else None
        org = _org_or_root(info, org_id, "orgId")
        if org is None:
            return []
        rows = selectors.org_figures(org, chosen, metrics=codes, with_breakdowns=with_breakdowns)
        return _ordered(rows.select_related("org"))  # type: ignore[return-value]

    @strawberry_django.field(
        permission_classes=[IsDistrictUser],
        description=(
            "One metric of an org subtree over its last periods of a kind, oldest first, up to "
            "`until` (default: the latest computed). Periods never computed are absent."
        ),
    )
    def metric_trend(
        self,
        info: Info,
        metric: str,
        period_kind: PeriodKindEnum,  # type: ignore[valid-type]
        org_id: relay.GlobalID | None = None,
        breakdown: str | None = None,
        last: int = 12,
        until: str | None = None,
    ) -> list[MetricValueType]:
        definition = metric_argument(metric)
        key = breakdown_argument(definition, breakdown)
        count_argument(last, "last")
        kind = PeriodKind(period_kind)
        end = period_argument(until, "until") if until else None
        if end is not None and end.kind is not kind:
            end = Period.containing(kind, end.start)
        org = _org_or_root(info, org_id, "orgId")
        if org is None:
            return []
        end = end or selectors.latest_period(org, kind)
        if end is None:
            return []
        rows = selectors.org_trend(org, definition.code, key, kind, until=end, last=last)
        return list(rows.select_related("org"))  # type: ignore[arg-type]

    @page_connection(
        DjangoCursorConnection[MetricValueType],
        permission_classes=[IsDistrictUser],
        description=(
            "One metric for every org of a subtree (default: the district) in tree order, e.g. "
            "to compare communities (kinds). Only orgs within your scope."
        ),
    )
    def metric_table(
        self,
        info: Info,
        metric: str,
        period: str,
        within: relay.GlobalID | None = None,
        breakdown: str | None = None,
        kinds: list[PartyOrgKind] | None = None,
    ) -> Iterable[MetricValueType]:
        definition = metric_argument(metric)
        key = breakdown_argument(definition, breakdown)
        chosen = period_argument(period)
        qs = selectors.subtree_table(
            org_scope(within),
            chosen,
            definition.code,
            key,
            kinds=[str(k) for k in kinds] if kinds else None,
        )
        return qs  # type: ignore[return-value]

    @strawberry_django.field(
        permission_classes=[IsDistrictUser],
        description="A metrics job by ID (also through node): yours, or any for district readers.",
    )
    def metrics_job(self, info: Info, id: relay.GlobalID) -> JobType | None:
        pk = node_pk(id, Job)
        if pk is None:
            return None
        return visible_jobs(Job.objects.filter(pk=pk, kind=services.RECOMPUTE), info).first()  # type: ignore[return-value]

    @page_connection(
        DjangoCursorConnection[JobType],
        permission_classes=[IsDistrictUser],
        description="Recompute jobs, newest first: yours, or all for district-wide readers.",
    )
    def metrics_jobs(self, info: Info) -> Iterable[JobType]:
        qs = Job.objects.filter(kind=services.RECOMPUTE).order_by("-created_at", "-id")
        return visible_jobs(qs, info)  # type: ignore[return-value]


@strawberry.input(description="What to recompute: a subtree (default: the district) and periods.")
class RecomputeMetricsInput:
    org_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The subtree's top org; omitted: the whole district."
    )
    periods: list[str] | None = strawberry.field(
        default=None,
        description="Labels such as 2026, 2026-Q4, 2026-11; omitted: this month, quarter, year.",
    )


show_as_job(services.RECOMPUTE)


@strawberry.type(name="RecomputeMetricsPayload")
class RecomputeMetricsPayload(JobPayload):
    pass


@strawberry.type
class MetricsMutation:
    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description=(
            "Ask the workers to recompute a subtree's metrics; returns the job to poll. The same "
            "request while one is queued or running returns that job (created: false)."
        ),
    )
    def recompute_metrics(
        self, info: Info, input: RecomputeMetricsInput | None = None
    ) -> RecomputeMetricsPayload:
        chosen = input or RecomputeMetricsInput()

        def request() -> tuple[Job, bool]:
            if chosen.org_id is not None:
                scope: PartyOrg | None = load_writable_org(info, chosen.org_id, "orgId")
            else:
                check_writable(info, None, field="orgId", what="党组织")
                scope = None
            return services.recompute_request(
                scope=scope,
                periods=services.periods_requested(chosen.periods),
                user=info.context.request.user,
            )

        return job_payload(RecomputeMetricsPayload, request)


QUERIES: tuple[type, ...] = (MetricsQuery,)
MUTATIONS: tuple[type, ...] = (MetricsMutation,)

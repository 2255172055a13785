"""The tenant-facing pieces of the API: "which district am I in" and the municipal roll-up."""

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal

import strawberry
import strawberry_django
from django.conf import settings
from django.db import transaction
from strawberry import relay
from strawberry.types import Info

from backend.common.graphql.errors import UserError, user_errors
from backend.common.graphql.node import node_pk
from backend.common.graphql.permissions import (
    HasWriteScope,
    IsDistrictUser,
    IsMunicipalReader,
    IsPlatformOperator,
)
from backend.common.validation import ValidationFailed
from backend.jobs.graphql import JobPayload, JobType, job_payload
from backend.jobs.models import Job
from backend.metrics.definitions import MetricDefinition
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
from backend.metrics.periods import Period, PeriodKind
from backend.metrics.services import (
    MUNICIPAL_REFRESH,
    municipal_refresh_request,
    periods_requested,
)
from backend.orgs.graphql import PartyOrgType, visible_org
from backend.orgs.models import PartyOrg
from tenants.context import current_district
from tenants.models import District
from tenants.provisioning import district_create, municipality_ensure
from tenants.rollup import (
    DistrictFigure,
    MunicipalFigures,
    MunicipalTotal,
    district_totals,
    municipal_figures,
    municipal_trend,
)


@strawberry.type(name="District", description="区: the district whose host this is.")
class DistrictInfo:
    code: str
    name: str
    municipality_name: str | None

    @strawberry_django.field(description="The district committee (区委), root of the org tree.")
    def root_org(self, info: Info) -> PartyOrgType | None:
        """Null for a reader whose grants cover only part of the tree."""
        return visible_org(info, PartyOrg.objects.filter(parent__isnull=True).first())


@strawberry.type
class DistrictQuery:
    @strawberry_django.field(permission_classes=[IsDistrictUser])
    def district(self) -> DistrictInfo:
        district = current_district()
        assert district is not None  # IsDistrictUser guarantees a district host
        municipality = district.municipality
        return DistrictInfo(
            code=district.code,
            name=district.name,
            municipality_name=municipality.name if municipality else None,
        )


@strawberry.type(name="DistrictSummary", description="A district's totals; no personal data.")
class DistrictSummary:
    code: str
    name: str
    host: str
    municipality_name: str | None
    org_count: int | None = strawberry.field(
        description="Null when below the small-count threshold (MUNICIPAL_MIN_COUNT)."
    )
    member_count: int | None = strawberry.field(
        description="Null when below the small-count threshold, so nobody is re-identified."
    )


def _host(district: District) -> str:
    return f"{district.code}.{settings.PLATFORM_HOST}"


def _suppressed(count: int) -> int | None:
    return count if count >= settings.MUNICIPAL_MIN_COUNT else None


def _summary(district: District, org_count: int, member_count: int) -> DistrictSummary:
    return DistrictSummary(
        code=district.code,
        name=district.name,
        host=_host(district),
        municipality_name=district.municipality.name if district.municipality else None,
        org_count=_suppressed(org_count),
        member_count=_suppressed(member_count),
    )


_SUPPRESSED = (
    "True when a count behind this figure is between 1 and threshold − 1 (the denominator; the "
    "numerator when it counts people or units; for a subset metric, denominator − numerator): "
    "numerator, denominator and value are then null."
)


@strawberry.type(name="MetricPeriod", description="统计期间: a calendar month, quarter or year.")
class MetricPeriodType:
    kind: PeriodKindEnum  # type: ignore[valid-type]
    label: str = strawberry.field(description="e.g. 2026, 2026-Q4, 2026-11")
    start: date
    end: date = strawberry.field(description="The last day, included.")

    @classmethod
    def of(cls, period: Period) -> "MetricPeriodType":
        return cls(kind=period.kind, label=period.label, start=period.start, end=period.end)


@strawberry.type(
    name="MunicipalDistrictFigure",
    description="One district's figure for a metric and period: its total numerator and "
    "denominator as the district published them. Counts only, never a person.",
)
class MunicipalDistrictFigure:
    code: str
    name: str
    reported: bool = strawberry.field(
        description="False when the district has not published this metric and period yet "
        "(every figure is then null)."
    )
    suppressed: bool = strawberry.field(description=_SUPPRESSED)
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None = strawberry.field(
        description="numerator × scale ÷ denominator, 4 decimals; null when the denominator is "
        "0, not reported or suppressed."
    )
    rank: int | None = strawberry.field(
        description="1 = highest value; equal values share a rank (1, 2, 2, 4). Null without a "
        "value or when suppressed."
    )
    as_of: date | None = strawberry.field(description="Counted up to this day.")
    computed_at: datetime | None

    @classmethod
    def of(cls, figure: DistrictFigure) -> "MunicipalDistrictFigure":
        return cls(**asdict(figure))


@strawberry.type(
    name="MunicipalMetricTotal",
    description="全市合计: the sum of the districts' numerators over the sum of their "
    "denominators (never a mean of their rates). Suppressed districts count in it too; it is "
    "itself suppressed by the same small-count rule.",
)
class MunicipalMetricTotal:
    reporting_districts: int = strawberry.field(description="Districts that have published it.")
    suppressed: bool = strawberry.field(description=_SUPPRESSED)
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None = strawberry.field(
        description="Σ numerator × scale ÷ Σ denominator, 4 decimals; null when Σ denominator "
        "is 0, nothing was published, or suppressed."
    )
    as_of: date | None = strawberry.field(description="The earliest of the districts' days.")
    computed_at: datetime | None = strawberry.field(
        description="The oldest of the districts' computations: the total is as old as that."
    )

    @classmethod
    def of(cls, total: MunicipalTotal) -> "MunicipalMetricTotal":
        return cls(**asdict(total))


@strawberry.type(
    name="MunicipalMetric",
    description="One metric for one period across the municipality: every serving district "
    "(in code order) and the total.",
)
class MunicipalMetricType:
    metric: MetricDefinitionType
    breakdown: str | None = strawberry.field(description="Null for the metric's total.")
    period: MetricPeriodType
    districts: list[MunicipalDistrictFigure]
    total: MunicipalMetricTotal
    threshold: int = strawberry.field(
        description="The small-count threshold (MUNICIPAL_MIN_COUNT): counts from 1 to "
        "threshold − 1 are suppressed."
    )

    @classmethod
    def of(cls, figures: MunicipalFigures) -> "MunicipalMetricType":
        return cls(
            metric=MetricDefinitionType.of(figures.definition),
            breakdown=figures.breakdown or None,
            period=MetricPeriodType.of(figures.period),
            districts=[MunicipalDistrictFigure.of(figure) for figure in figures.districts],
            total=MunicipalMetricTotal.of(figures.total),
            threshold=figures.threshold,
        )


def _metric_and_breakdown(metric: str, breakdown: str | None) -> tuple[MetricDefinition, str]:
    definition = metric_argument(metric)
    return definition, breakdown_argument(definition, breakdown)


@strawberry.type
class MunicipalQuery:
    @strawberry_django.field(permission_classes=[IsMunicipalReader])
    def districts(self) -> list[DistrictSummary]:
        return [_summary(t.district, t.org_count, t.member_count) for t in district_totals()]

    @strawberry.field(permission_classes=[IsMunicipalReader], description="What each metric means.")
    def metric_definitions(self) -> list[MetricDefinitionType]:
        return metric_definitions()

    @strawberry.field(
        permission_classes=[IsMunicipalReader],
        description="One metric for a period (e.g. 2026, 2026-Q4, 2026-11) in every district, "
        "with ranks and the municipal total, from the totals each district published. A bad "
        "argument is an error with code UNKNOWN_METRIC, INVALID_PERIOD or UNKNOWN_BREAKDOWN.",
    )
    def municipal_metric(
        self, metric: str, period: str, breakdown: str | None = None
    ) -> MunicipalMetricType:
        definition, key = _metric_and_breakdown(metric, breakdown)
        chosen = period_argument(period)
        return MunicipalMetricType.of(municipal_figures(definition, chosen, key))

    @strawberry.field(
        permission_classes=[IsMunicipalReader],
        description="One metric over the last `last` periods of a kind (1–36), oldest first, up "
        "to `until` (default: the latest any district has published). Periods no district has "
        "published are absent.",
    )
    def municipal_metric_trend(
        self,
        metric: str,
        period_kind: PeriodKindEnum,  # type: ignore[valid-type]
        last: int = 12,
        breakdown: str | None = None,
        until: str | None = None,
    ) -> list[MunicipalMetricType]:
        definition, key = _metric_and_breakdown(metric, breakdown)
        count_argument(last, "last")
        kind = PeriodKind(period_kind)
        end = period_argument(until, "until") if until else None
        if end is not None and end.kind is not kind:
            end = Period.containing(kind, end.start)
        figures = municipal_trend(definition, kind, last=last, breakdown=key, until=end)
        return [MunicipalMetricType.of(figure) for figure in figures]

    @strawberry.field(
        permission_classes=[IsMunicipalReader],
        description="A municipal refresh job by ID, to poll; null for any other ID.",
    )
    def municipal_job(self, id: relay.GlobalID) -> JobType | None:
        # The platform's own rule, not JobType's district one: every municipal reader sees every
        # refresh job. A job, not a queryset, so JobType.get_queryset does not run here.
        pk = node_pk(id, Job)
        if pk is None:
            return None
        return Job.objects.filter(pk=pk, kind=MUNICIPAL_REFRESH).first()  # type: ignore[return-value]


@strawberry.type(name="RefreshMunicipalMetricsPayload")
class RefreshMunicipalMetricsPayload(JobPayload):
    pass


@strawberry.type
class DistrictPayload:
    district: DistrictSummary | None
    seconds: float | None = strawberry.field(description="How long provisioning took.")
    errors: list[UserError]


@strawberry.input
class CreateDistrictInput:
    code: str = strawberry.field(description="Lowercase letters and digits; also the subdomain.")
    name: str
    municipality_code: str
    municipality_name: str | None = None
    admin_username: str
    admin_password: str


@strawberry.type
class PlatformMutation:
    @strawberry.mutation(
        permission_classes=[IsPlatformOperator],
        description="Provision a district: schema, host and first district admin.",
    )
    def create_district(self, input: CreateDistrictInput) -> DistrictPayload:
        try:
            with transaction.atomic():  # a refused district leaves no new municipality either
                municipality = municipality_ensure(
                    code=input.municipality_code,
                    name=input.municipality_name or input.municipality_code,
                )
                result = district_create(
                    municipality=municipality,
                    code=input.code,
                    name=input.name,
                    admin_username=input.admin_username,
                    admin_password=input.admin_password,
                )
        except ValidationFailed as exc:
            return DistrictPayload(district=None, seconds=None, errors=user_errors(exc))
        return DistrictPayload(
            district=_summary(result.district, 0, 0), seconds=result.seconds, errors=[]
        )

    @strawberry.mutation(
        permission_classes=[IsMunicipalReader, HasWriteScope],
        description="Ask every district to recompute its metrics for `periods` (default: this "
        "month, quarter and year) and publish its totals; returns the job to poll "
        "(municipalJob). The same request while one is queued or running returns that job "
        "(created: false).",
    )
    def refresh_municipal_metrics(
        self, info: Info, periods: list[str] | None = None
    ) -> RefreshMunicipalMetricsPayload:
        return job_payload(
            RefreshMunicipalMetricsPayload,
            lambda: municipal_refresh_request(
                periods=periods_requested(periods), user=info.context.request.user
            ),
        )

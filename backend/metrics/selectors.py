"""Reading stored metric snapshots."""

from django.db.models import QuerySet

from backend.metrics.models import MetricSnapshot
from backend.metrics.periods import Period, PeriodKind
from backend.orgs.models import PartyOrg


def district_root() -> PartyOrg | None:
    return PartyOrg.objects.filter(parent__isnull=True).order_by("id").first()


def org_figures(
    org: PartyOrg, period: Period, *, metrics: list[str] | None, with_breakdowns: bool
) -> QuerySet[MetricSnapshot]:
    """One org subtree's figures for a period, in definition order by the caller."""
    qs = MetricSnapshot.objects.filter(
        org=org, period_kind=period.kind.value, period_start=period.start
    )
    if metrics is not None:
        qs = qs.filter(metric__in=metrics)
    if not with_breakdowns:
        qs = qs.filter(breakdown="")
    return qs.order_by("metric", "breakdown")


def org_trend(
    org: PartyOrg, metric: str, breakdown: str, kind: PeriodKind, *, until: Period, last: int
) -> QuerySet[MetricSnapshot]:
    """The last `last` periods of `kind` up to `until`, oldest first (periods never computed are
    simply absent)."""
    return MetricSnapshot.objects.filter(
        org=org,
        metric=metric,
        breakdown=breakdown,
        period_kind=kind.value,
        period_start__gt=until.previous(last).start,
        period_start__lte=until.start,
    ).order_by("period_start")


def subtree_table(
    within: PartyOrg | None,
    period: Period,
    metric: str,
    breakdown: str,
    *,
    kinds: list[str] | None,
) -> QuerySet[MetricSnapshot]:
    """Every org of a subtree (default: the district) with its figure, in tree order."""
    qs = MetricSnapshot.objects.filter(
        metric=metric,
        breakdown=breakdown,
        period_kind=period.kind.value,
        period_start=period.start,
    )
    if within is not None:
        qs = qs.filter(org__path__descendant_of=within.path)
    if kinds:
        qs = qs.filter(org__kind__in=kinds)
    return qs.order_by("org__path", "id")


def latest_period(org: PartyOrg, kind: PeriodKind) -> Period | None:
    start = (
        MetricSnapshot.objects.filter(org=org, period_kind=kind.value)
        .order_by("-period_start")
        .values_list("period_start", flat=True)
        .first()
    )
    return Period(kind, start) if start else None

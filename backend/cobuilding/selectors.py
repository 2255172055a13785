"""Reads of 共建对子, and the co-building graph (see graph.py) for the API and the benchmark."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import (
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from backend.access.scopes import Access
from backend.campaigns.models import Campaign, CampaignTheme
from backend.cobuilding import graph
from backend.cobuilding.models import CoBuildingPair, ServiceDirection, ServiceRecord
from backend.cobuilding.parties import Party
from backend.cobuilding.services import same_parties
from backend.orgs.models import PartyOrg

ACTIVE, UPCOMING, EXPIRED, ENDED = "active", "upcoming", "expired", "ended"


def pair_status(pair: CoBuildingPair, today: date) -> str:
    if pair.ended_on is not None:
        return ENDED
    if today < pair.starts_on:
        return UPCOMING
    if today > pair.ends_on:
        return EXPIRED
    return ACTIVE


def status_filter(status: str, today: date) -> Q:
    return {
        ACTIVE: Q(ended_on__isnull=True, starts_on__lte=today, ends_on__gte=today),
        UPCOMING: Q(ended_on__isnull=True, starts_on__gt=today),
        EXPIRED: Q(ended_on__isnull=True, ends_on__lt=today),
        ENDED: Q(ended_on__isnull=False),
    }[status]


def anchor_filter(path_filter: Callable[[str], Q]) -> Q:
    """Pairs one of whose sides anchors where `path_filter(field)` says: an org side by its own
    path, a unit side by its covering org's."""
    return (
        path_filter("a_org__path")
        | path_filter("a_unit__covering_org__path")
        | path_filter("b_org__path")
        | path_filter("b_unit__covering_org__path")
    )


def readable_pairs(queryset: QuerySet[CoBuildingPair], access: Access) -> QuerySet[CoBuildingPair]:
    """A pair is visible to readers of either side's anchor org; pairs whose both sides are units
    no org covers are for district administrators (read_filter of an unrestricted reader is Q())."""
    if access.read_paths is None:
        return queryset
    return queryset.filter(anchor_filter(access.read_filter))


def _hours(direction: str) -> Subquery:
    records = (
        ServiceRecord.objects.filter(pair=OuterRef("pk"), direction=direction)
        .order_by()
        .values("pair")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Subquery(records, output_field=DecimalField(max_digits=12, decimal_places=1))


def with_service_summary(queryset: QuerySet[CoBuildingPair]) -> QuerySet[CoBuildingPair]:
    """Hours each way and the number of records, in the same statement as the pairs."""
    count = (
        ServiceRecord.objects.filter(pair=OuterRef("pk"))
        .order_by()
        .values("pair")
        .annotate(n=Sum(Value(1)))
        .values("n")
    )
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=1))
    return queryset.annotate(
        hours_a_to_b=Coalesce(_hours(ServiceDirection.A_TO_B), zero),
        hours_b_to_a=Coalesce(_hours(ServiceDirection.B_TO_A), zero),
        service_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
    )


def with_side_names(queryset: QuerySet[CoBuildingPair]) -> QuerySet[CoBuildingPair]:
    return queryset.annotate(
        a_side_name=Coalesce(F("a_org__name"), F("a_unit__name")),
        b_side_name=Coalesce(F("b_org__name"), F("b_unit__name")),
    )


def pair_list(
    *,
    within: PartyOrg | None = None,
    party: Party | None = None,
    status: str | None = None,
    campaign: Campaign | None = None,
    theme: CampaignTheme | None = None,
    active_on: date | None = None,
    today: date | None = None,
) -> QuerySet[CoBuildingPair]:
    qs = CoBuildingPair.objects.all()
    if within is not None:
        path = within.path
        qs = qs.filter(anchor_filter(lambda field: Q(**{f"{field}__descendant_of": path})))
    if party is not None:
        qs = qs.filter(same_parties_one(party))
    if status:
        qs = qs.filter(status_filter(status, today or date.today()))
    if campaign is not None:
        qs = qs.filter(campaign_id=campaign.pk) if campaign.pk else qs.none()
    if theme is not None:
        qs = qs.filter(theme_id=theme.pk) if theme.pk else qs.none()
    if active_on is not None:
        qs = qs.annotate(effective_end=Coalesce("ended_on", "ends_on")).filter(
            starts_on__lte=active_on, effective_end__gte=active_on
        )
    return qs.order_by("-starts_on", "id")


def same_parties_one(party: Party) -> Q:
    """Pairs with `party` on either side."""
    if party.org is not None:
        return Q(a_org_id=party.org.pk) | Q(b_org_id=party.org.pk)
    assert party.unit is not None
    return Q(a_unit_id=party.unit.pk) | Q(b_unit_id=party.unit.pk)


def pairs_between(a: Party, b: Party) -> QuerySet[CoBuildingPair]:
    return CoBuildingPair.objects.filter(same_parties(a, b))


def district_graph(
    *,
    access: Access | None = None,
    active_on: date | None = None,
    types: frozenset[str] = graph.ALL_TYPES,
    max_edges: int = graph.MAX_EDGES,
) -> graph.Graph:
    """The whole district's co-building graph on a day (default today), as the benchmark and the
    `coBuildingGraph` field build it: two SQL statements, whatever its size."""
    day = active_on or date.today()
    return graph.build_graph(
        graph.GraphScope(read_paths=access.read_paths if access else None),
        graph.Period(day, day),
        types,
        max_edges=max_edges,
    )

"""Reads of 干部下基层."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from backend.campaigns.models import Campaign
from backend.campaigns.selectors import campaign_with_children
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS
from backend.secondments.models import Secondment


def serving_on(day: date, prefix: str = "") -> Q:
    """Secondments under way on `day`: started, and not ended before it."""
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


def secondment_list(
    *,
    within: PartyOrg | None = None,
    campaign: Campaign | None = None,
    active: bool | None = None,
    period: tuple[date, date] | None = None,
    today: date | None = None,
) -> QuerySet[Secondment]:
    """`active`: under way today (or not); `period` (first, last day): shares a day with it."""
    qs = Secondment.objects.all()
    if within is not None:
        qs = qs.filter(community__path__descendant_of=within.path)
    if campaign is not None:
        qs = qs.filter(campaign_with_children(campaign))
    if active is not None:
        condition = serving_on(today or date.today())
        qs = qs.filter(condition) if active else qs.exclude(condition)
    if period is not None:
        first, last = period
        qs = qs.filter(
            Q(started_on__lte=last) & (Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        )
    return qs.order_by("-started_on", "id")


def communities_without_cadre(
    *, within: PartyOrg | None = None, campaign: Campaign | None = None, on: date | None = None
) -> QuerySet[PartyOrg]:
    """Communities (not dissolved by `on`) with no seconded cadre serving there on `on`: the gap
    list for the next wave."""
    day = on or date.today()
    serving = Secondment.objects.filter(serving_on(day), community=OuterRef("pk"))
    if campaign is not None:
        serving = serving.filter(campaign_with_children(campaign))
    qs = PartyOrg.objects.filter(kind__in=COMMUNITY_KINDS).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=day)
    )
    if within is not None:
        qs = qs.filter(path__descendant_of=within.path)
    return qs.filter(~Exists(serving)).order_by("path")

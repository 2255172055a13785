"""Reads for help pairs. Lists return QuerySets; the API narrows them to the reader's scope."""

from datetime import date, timedelta

from django.db.models import DateField, Exists, OuterRef, Q, QuerySet, Subquery

from backend.help_pairs.models import HelpPair, HelpVisit, Household
from backend.orgs.models import PartyOrg


def last_visit_subquery() -> Subquery:
    """The latest visit date of each pair (the outer row), from the (pair, -visited_on) index."""
    latest = (
        HelpVisit.objects.filter(pair=OuterRef("pk"))
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    return Subquery(latest, output_field=DateField())


def _active_pairs() -> Exists:
    return Exists(HelpPair.objects.filter(household=OuterRef("pk"), end_on__isnull=True))


def household_list(
    *,
    within: PartyOrg | None = None,
    kind: str | None = None,
    open: bool | None = True,
    without_active_pair: bool = False,
) -> QuerySet[Household]:
    qs = Household.objects.all()
    if within is not None:
        qs = qs.filter(community__path__descendant_of=within.path)
    if kind:
        qs = qs.filter(kind=kind)
    if open is not None:
        qs = qs.filter(closed_on__isnull=open)
    if without_active_pair:  # the gap list: nobody is helping this household now
        qs = qs.filter(~_active_pairs())
    return qs.order_by("community_id", "head_name", "id")


def pair_list(
    *,
    within: PartyOrg | None = None,
    household: Household | None = None,
    active: bool | None = None,
    not_visited_in_days: int | None = None,
    today: date | None = None,
) -> QuerySet[HelpPair]:
    qs = HelpPair.objects.all()
    if within is not None:
        qs = qs.filter(household__community__path__descendant_of=within.path)
    if household is not None:
        qs = qs.filter(household=household)
    if active is not None:
        qs = qs.filter(end_on__isnull=active)
    if not_visited_in_days is not None:
        # Never visited, or last visited before the cut-off; computed in SQL, not per row.
        cutoff = (today or date.today()) - timedelta(days=not_visited_in_days)
        recent = HelpVisit.objects.filter(pair=OuterRef("pk"), visited_on__gt=cutoff)
        qs = qs.filter(~Exists(recent))
    return qs.order_by("household_id", "start_on", "id")


def visit_list(
    *,
    within: PartyOrg | None = None,
    since: date | None = None,
    until: date | None = None,
    kind: str | None = None,
) -> QuerySet[HelpVisit]:
    qs = HelpVisit.objects.all()
    if within is not None:
        qs = qs.filter(pair__household__community__path__descendant_of=within.path)
    period = Q()
    if since is not None:
        period &= Q(visited_on__gte=since)
    if until is not None:
        period &= Q(visited_on__lte=until)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.filter(period).order_by("-visited_on", "-id")

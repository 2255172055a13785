"""Reads for mobile members. An assignment is current on a day when it started on or before it
and has not ended by then (periods are [start_date, end_date))."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from backend.mobile.models import MobileAssignment, MobileMemberProfile
from backend.orgs.models import PartyOrg


def current_assignments(on: date | None = None) -> QuerySet[MobileAssignment]:
    on = on or date.today()
    return MobileAssignment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=on), start_date__lte=on
    )


def profile_list(
    *,
    within: PartyOrg | None = None,
    community: PartyOrg | None = None,
    assigned: bool | None = None,
    origin: str | None = None,
    trade: str | None = None,
    on: date | None = None,
) -> QuerySet[MobileMemberProfile]:
    """Mobile members by the community where they registered, newest registration first.
    `assigned` False = no group or temporary branch on `on` (default today). `origin` matches part
    of the place of origin, or a region-code prefix ("33", "3302")."""
    qs = MobileMemberProfile.objects.all()
    if within is not None:
        qs = qs.filter(community__path__descendant_of=within.path)
    if community is not None:
        qs = qs.filter(community__path=community.path)  # an unsaved stand-in matches none
    if assigned is not None:
        current = current_assignments(on).filter(profile=OuterRef("pk"))
        qs = qs.filter(Exists(current) if assigned else ~Exists(current))
    if origin:
        origin = origin.strip()
        match = Q(origin_place__icontains=origin)
        if origin.isdigit():
            match |= Q(origin_region_code__startswith=origin)
        qs = qs.filter(match)
    if trade:
        qs = qs.filter(trade=trade)
    return qs.order_by("-registered_on", "-id")


def assignment_list(
    *, org: PartyOrg | None = None, within: PartyOrg | None = None, current: bool | None = None
) -> QuerySet[MobileAssignment]:
    """Assignments, newest first; `org` = to that group or branch (or its groups)."""
    qs = MobileAssignment.objects.all()
    if org is not None:
        qs = qs.filter(org__path__descendant_of=org.path)
    if within is not None:
        qs = qs.filter(profile__community__path__descendant_of=within.path)
    if current is not None:
        ids = current_assignments().values("pk")
        qs = qs.filter(pk__in=ids) if current else qs.exclude(pk__in=ids)
    return qs.order_by("-start_date", "-id")

"""Reads for retired members. Lists return QuerySets; the API narrows them to the reader's scope."""

from django.db.models import Q, QuerySet

from backend.orgs.models import PartyOrg
from backend.positions.models import Position, PositionKind
from backend.retirees.models import (
    BuildingRole,
    HomeMembership,
    InterestTeam,
    InterestTeamMembership,
)


def member_home_list(*, within: PartyOrg | None = None) -> QuerySet[Position]:
    qs = Position.objects.filter(kind=PositionKind.MEMBER_HOME)
    if within is not None:
        qs = qs.filter(community__path__descendant_of=within.path)
    return qs.order_by("community_id", "id")


def home_membership_list(
    *, home: Position, current: bool | None = None
) -> QuerySet[HomeMembership]:
    qs = HomeMembership.objects.filter(home=home)
    if current is not None:
        qs = qs.filter(left_on__isnull=current)
    return qs.order_by("joined_on", "id")


def building_anchor_within(path: str) -> Q:
    """A role's anchor is its building group, or for a building named by label its community."""
    return Q(building_group__path__descendant_of=path) | Q(
        building_group__isnull=True, community__path__descendant_of=path
    )


def building_role_list(
    *, within: PartyOrg | None = None, role: str | None = None, current: bool | None = None
) -> QuerySet[BuildingRole]:
    qs = BuildingRole.objects.all()
    if within is not None:
        qs = qs.filter(building_anchor_within(within.path))
    if role:
        qs = qs.filter(role=role)
    if current is not None:  # end dates are never in the future: an open role is a current one
        qs = qs.filter(end_on__isnull=current)
    return qs.order_by("community_id", "building_group_id", "building_label", "-start_on", "id")


def interest_team_list(
    *, within: PartyOrg | None = None, kind: str | None = None, active: bool | None = None
) -> QuerySet[InterestTeam]:
    qs = InterestTeam.objects.all()
    if within is not None:
        qs = qs.filter(community__path__descendant_of=within.path)
    if kind:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(dissolved_on__isnull=active)
    return qs.order_by("community_id", "name", "id")


def interest_team_membership_list(
    *, team: InterestTeam, current: bool | None = None
) -> QuerySet[InterestTeamMembership]:
    qs = InterestTeamMembership.objects.filter(team=team)
    if current is not None:
        qs = qs.filter(left_on__isnull=current)
    return qs.order_by("joined_on", "id")

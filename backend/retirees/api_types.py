"""GraphQL types of the retired-members app. Every type narrows itself to the reader's scope."""

from datetime import date
from typing import Any

import strawberry
import strawberry_django
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from strawberry.types import Info

from backend.access.guards import access_of
from backend.access.relations import ScopedRelation, mark_scoped
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode
from backend.members.graphql import MemberType
from backend.orgs.graphql import PartyOrgType
from backend.positions.models import Position, PositionKind
from backend.retirees.models import (
    BuildingRole,
    BuildingRoleKind,
    HomeMembership,
    InterestTeam,
    InterestTeamKind,
    InterestTeamMembership,
    InterestTeamRole,
)
from backend.retirees.visibility import building_role_read_filter

strawberry.enum(BuildingRoleKind, name="BuildingRoleKind", description="门栋角色")
strawberry.enum(InterestTeamKind, name="InterestTeamKind", description="兴趣队伍类型")
strawberry.enum(InterestTeamRole, name="InterestTeamRole", description="兴趣队伍中的角色")


def _current_count(model: Any, fk: str) -> Coalesce:
    """Open memberships per parent row, as one correlated subquery (no GROUP BY on the page)."""
    rows = (
        model.objects.filter(**{fk: OuterRef("pk"), "left_on__isnull": True})
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


@model_type(Position, name="MemberHome", description="党员之家: a community's Party-member home.")
class MemberHomeType(DistrictNode):
    name: str
    address: str
    opened_on: date | None
    closed_on: date | None
    community: PartyOrgType = strawberry_django.field(description="所属社区党组织")
    memberships: DjangoCursorConnection["HomeMembershipType"] = page_connection(
        nested_relation=True,
        field_name="home_memberships",
        description="Memberships past and present, by joining date.",
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Position], info: Info, **kwargs: Any) -> Any:
        queryset = queryset.filter(kind=PositionKind.MEMBER_HOME)
        return mark_scoped(queryset.filter(access_of(info).read_filter("community__path")))

    @strawberry_django.field(
        annotate={"current_member_count": lambda info: _current_count(HomeMembership, "home")},
        description="Members who have not left.",
    )
    def current_member_count(self, root: strawberry.Parent[Position]) -> int:
        if hasattr(root, "current_member_count"):
            return int(root.current_member_count)
        return HomeMembership.objects.filter(home=root, left_on__isnull=True).count()


@model_type(HomeMembership, name="HomeMembership", description="党员之家成员")
class HomeMembershipType(DistrictNode):
    home: MemberHomeType
    member: MemberType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="null outside your scope"
    )
    joined_on: date
    left_on: date | None

    @classmethod
    def get_queryset(cls, queryset: QuerySet[HomeMembership], info: Info, **kwargs: Any) -> Any:
        scope = access_of(info).read_filter("home__community__path")
        return mark_scoped(queryset.filter(scope).order_by("joined_on", "id"))


@model_type(
    BuildingRole,
    name="BuildingRole",
    description="门栋角色: building-group leader 门栋党小组长 or building caretaker 门栋关照员.",
)
class BuildingRoleType(DistrictNode):
    role: BuildingRoleKind
    member: MemberType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="null outside your scope"
    )
    community: PartyOrgType | None = strawberry_django.field(
        extensions=[ScopedRelation()],
        description="The building's community; null outside your scope.",
    )
    building_group: PartyOrgType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="门栋党小组"
    )
    building_label: str = strawberry_django.field(description="楼栋 when no group: 3幢2单元")
    start_on: date
    end_on: date | None

    @classmethod
    def get_queryset(cls, queryset: QuerySet[BuildingRole], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(building_role_read_filter(access_of(info))))


@model_type(InterestTeam, name="InterestTeam", description="兴趣队伍: 老年大学, 老年护绿队 …")
class InterestTeamType(DistrictNode):
    name: str
    kind: InterestTeamKind
    founded_on: date
    dissolved_on: date | None
    description: str
    community: PartyOrgType = strawberry_django.field(description="所在社区党组织")
    memberships: DjangoCursorConnection["InterestTeamMembershipType"] = page_connection(
        nested_relation=True, description="Memberships past and present, by joining date."
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet[InterestTeam], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("community__path")))

    @strawberry_django.field(
        annotate={
            "current_member_count": lambda info: _current_count(InterestTeamMembership, "team")
        },
        description="Members who have not left.",
    )
    def current_member_count(self, root: strawberry.Parent[InterestTeam]) -> int:
        if hasattr(root, "current_member_count"):
            return int(root.current_member_count)
        return root.memberships.filter(left_on__isnull=True).count()


@model_type(InterestTeamMembership, name="InterestTeamMembership", description="兴趣队伍成员")
class InterestTeamMembershipType(DistrictNode):
    team: InterestTeamType
    member: MemberType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="null outside your scope"
    )
    role: InterestTeamRole
    joined_on: date
    left_on: date | None

    @classmethod
    def get_queryset(
        cls, queryset: QuerySet[InterestTeamMembership], info: Info, **kwargs: Any
    ) -> Any:
        scope = access_of(info).read_filter("team__community__path")
        return mark_scoped(queryset.filter(scope).order_by("joined_on", "id"))


@strawberry.type
class HomeMembershipPayload:
    membership: HomeMembershipType | None
    errors: list[UserError]


@strawberry.type
class BuildingRolePayload:
    building_role: BuildingRoleType | None
    errors: list[UserError]


@strawberry.type
class InterestTeamPayload:
    team: InterestTeamType | None
    errors: list[UserError]


@strawberry.type
class InterestTeamMembershipPayload:
    membership: InterestTeamMembershipType | None
    errors: list[UserError]


__all__ = [
    "BuildingRolePayload",
    "BuildingRoleType",
    "HomeMembershipPayload",
    "HomeMembershipType",
    "InterestTeamMembershipPayload",
    "InterestTeamMembershipType",
    "InterestTeamPayload",
    "InterestTeamType",
    "MemberHomeType",
]

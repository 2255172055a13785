"""GraphQL types for mobile members.

Scope: a profile and its assignments are visible to readers of the community where the member
registered (that community manages mobile members), whatever org holds the member's relation.
The member record itself is shown only to readers of the member (see access.relations.ScopedRelation)."""

from datetime import date
from typing import Any

import strawberry
import strawberry_django
from django.db.models import Prefetch, QuerySet
from strawberry.types import Info

from backend.access.guards import access_of
from backend.access.relations import ScopedRelation, mark_scoped
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode
from backend.members.graphql import MemberType
from backend.mobile.models import (
    AssignmentEndReason,
    MobileAssignment,
    MobileMemberProfile,
    RelationLocation,
    Trade,
)
from backend.mobile.selectors import current_assignments
from backend.orgs.graphql import PartyOrgType

strawberry.enum(RelationLocation, name="MobileRelationLocation", description="组织关系所在")
strawberry.enum(Trade, name="MobileTrade", description="从业行业")
strawberry.enum(AssignmentEndReason, name="MobileAssignmentEndReason", description="编组结束原因")


@model_type(MobileAssignment, name="MobileAssignment", description="流动党员编组")
class MobileAssignmentType(DistrictNode):
    profile: "MobileMemberProfileType" = strawberry_django.field(description="流动党员登记")
    org: PartyOrgType = strawberry_django.field(
        extensions=[ScopedRelation()],
        description="党小组或临时党支部; null outside your scope",
    )
    start_date: date
    end_date: date | None = strawberry_django.field(description="First day no longer assigned.")
    note: str

    @classmethod
    def get_queryset(cls, queryset: QuerySet[MobileAssignment], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("profile__community__path")))

    @strawberry_django.field(only=["end_reason"])
    def end_reason(self, root: strawberry.Parent[MobileAssignment]) -> AssignmentEndReason | None:
        return AssignmentEndReason(root.end_reason) if root.end_reason else None

    @strawberry_django.field(only=["start_date", "end_date"], description="Current today.")
    def current(self, root: strawberry.Parent[MobileAssignment]) -> bool:
        today = date.today()
        return root.start_date <= today and (root.end_date is None or root.end_date > today)


def _current_prefetch(info: Any) -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=current_assignments().select_related("org").order_by("-start_date"),
        to_attr="current_assignments",
    )


@model_type(MobileMemberProfile, name="MobileMemberProfile", description="流动党员登记")
class MobileMemberProfileType(DistrictNode):
    member: MemberType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="党员; null outside your scope"
    )
    origin_place: str = strawberry_django.field(description="流出地")
    relation_location: RelationLocation
    relation_org_name: str = strawberry_django.field(description="区外组织关系所在党组织")
    relation_place: str = strawberry_django.field(description="区外组织关系所在地")
    trade: Trade
    occupation: str
    community: PartyOrgType = strawberry_django.field(description="登记社区 (manages the member)")
    registered_on: date
    contact_notes: str
    assignments: list[MobileAssignmentType] = strawberry_django.field(
        description="Every assignment, newest first."
    )

    # Permission rule: visible within the subtree of the community of registration.
    @classmethod
    def get_queryset(
        cls, queryset: QuerySet[MobileMemberProfile], info: Info, **kwargs: Any
    ) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("community__path")))

    @strawberry_django.field(only=["origin_region_code"], description="6-digit region code.")
    def origin_region_code(self, root: strawberry.Parent[MobileMemberProfile]) -> str | None:
        return root.origin_region_code or None

    @strawberry_django.field(
        prefetch_related=[_current_prefetch],
        description="The group or temporary branch today; null = 未编组.",
    )
    def current_assignment(
        self, root: strawberry.Parent[MobileMemberProfile]
    ) -> MobileAssignmentType | None:
        found = getattr(root, "current_assignments", None)
        if found is None:  # not prefetched (a mutation's result)
            found = list(current_assignments().filter(profile=root).select_related("org")[:1])
        return found[0] if found else None

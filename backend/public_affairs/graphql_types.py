"""GraphQL types of 社区公共事务协会. Every type narrows itself to the reader's scope, anchored at
the association's community."""

from datetime import date
from typing import Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry.types import Info

from backend.access.guards import access_of
from backend.access.relations import ScopedRelation, mark_scoped
from backend.common.graphql.errors import UserError
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode
from backend.members.graphql import MemberType
from backend.orgs.graphql import PartyOrgType
from backend.public_affairs.models import (
    PENDING_STATUSES,
    FollowUpStatus,
    OfficerRole,
    PublicAffairsArea,
    PublicAffairsAssociation,
    PublicAffairsFollowUp,
    PublicAffairsMeeting,
    PublicAffairsOfficer,
    PublicAffairsResolution,
    WorkArea,
)

strawberry.enum(WorkArea, name="PublicAffairsWorkArea", description="公共事务协会工作领域")
strawberry.enum(OfficerRole, name="PublicAffairsOfficerRole", description="公共事务协会职务")
strawberry.enum(FollowUpStatus, name="PublicAffairsFollowUpStatus", description="督办事项状态")

COMMUNITY = "community__path"


def _scoped(queryset: QuerySet[Any], info: Info, anchor: str) -> Any:
    """Permission rule: visible within the subtree holding the association's community."""
    return mark_scoped(queryset.filter(access_of(info).read_filter(anchor)))


@model_type(
    PublicAffairsAssociation,
    name="PublicAffairsAssociation",
    description="社区公共事务协会: a community's residents' self-governance body.",
)
class PublicAffairsAssociationType(DistrictNode):
    name: str
    founded_on: date
    dissolved_on: date | None = strawberry_django.field(description="撤销日期; null while active")
    charter: str = strawberry_django.field(description="章程")
    notes: str
    community: PartyOrgType = strawberry_django.field(description="所属社区党组织")
    areas: list["PublicAffairsAreaType"] = strawberry_django.field(description="工作领域")
    officers: list["PublicAffairsOfficerType"] = strawberry_django.field(
        description="All officers, past and present, by role and term start."
    )

    @classmethod
    def get_queryset(
        cls, queryset: QuerySet[PublicAffairsAssociation], info: Info, **kwargs: Any
    ) -> Any:
        return _scoped(queryset, info, COMMUNITY)

    @strawberry_django.field(only=["dissolved_on"], description="Not dissolved.")
    def is_active(self, root: strawberry.Parent[PublicAffairsAssociation]) -> bool:
        return root.dissolved_on is None


@model_type(PublicAffairsArea, name="PublicAffairsArea", description="协会工作领域")
class PublicAffairsAreaType(DistrictNode):
    area: WorkArea
    description: str
    association: PublicAffairsAssociationType
    lead: "PublicAffairsOfficerType | None" = strawberry_django.field(description="负责人")

    @classmethod
    def get_queryset(cls, queryset: QuerySet[PublicAffairsArea], info: Info, **kwargs: Any) -> Any:
        return _scoped(queryset, info, f"association__{COMMUNITY}")


@model_type(
    PublicAffairsOfficer,
    name="PublicAffairsOfficer",
    description="协会成员: a resident officer of a public-affairs association for a term.",
)
class PublicAffairsOfficerType(DistrictNode):
    name: str
    role: OfficerRole
    term_start: date
    term_end: date | None = strawberry_django.field(description="null while in office")
    association: PublicAffairsAssociationType
    area: PublicAffairsAreaType | None = strawberry_django.field(description="分管领域")
    member: MemberType | None = strawberry_django.field(
        extensions=[ScopedRelation()],
        description="The Party member this resident is, if one; null outside your scope.",
    )

    @classmethod
    def get_queryset(
        cls, queryset: QuerySet[PublicAffairsOfficer], info: Info, **kwargs: Any
    ) -> Any:
        return _scoped(queryset, info, f"association__{COMMUNITY}")

    @strawberry_django.field(only=["phone_masked"], description="Masked: 138****1234.")
    def phone(self, root: strawberry.Parent[PublicAffairsOfficer]) -> str:
        return root.phone_masked

    @strawberry_django.field(
        only=["term_start", "term_end"], description="In office today (term covers today)."
    )
    def is_current(self, root: strawberry.Parent[PublicAffairsOfficer]) -> bool:
        today = date.today()
        return root.term_start <= today and (root.term_end is None or root.term_end >= today)


@model_type(
    PublicAffairsMeeting, name="PublicAffairsMeeting", description="协会会议 with its resolutions."
)
class PublicAffairsMeetingType(DistrictNode):
    held_on: date
    topic: str
    place: str
    notes: str
    association: PublicAffairsAssociationType
    attendees: list[PublicAffairsOfficerType] = strawberry_django.field(description="出席成员")
    resolutions: list["PublicAffairsResolutionType"] = strawberry_django.field(
        description="决议, in the order adopted."
    )

    @classmethod
    def get_queryset(
        cls, queryset: QuerySet[PublicAffairsMeeting], info: Info, **kwargs: Any
    ) -> Any:
        return _scoped(queryset, info, f"association__{COMMUNITY}")


@model_type(PublicAffairsResolution, name="PublicAffairsResolution", description="会议决议")
class PublicAffairsResolutionType(DistrictNode):
    position: int = strawberry_django.field(description="序号 (1, 2, ...)")
    text: str
    meeting: PublicAffairsMeetingType
    follow_ups: list["PublicAffairsFollowUpType"] = strawberry_django.field(
        description="督办事项 by due date."
    )

    @classmethod
    def get_queryset(
        cls, queryset: QuerySet[PublicAffairsResolution], info: Info, **kwargs: Any
    ) -> Any:
        return _scoped(queryset, info, f"meeting__association__{COMMUNITY}")


@model_type(
    PublicAffairsFollowUp, name="PublicAffairsFollowUp", description="督办事项 of a resolution."
)
class PublicAffairsFollowUpType(DistrictNode):
    item: str
    owner: PublicAffairsOfficerType | None = strawberry_django.field(description="责任人")
    due_on: date = strawberry_django.field(description="办结期限")
    status: FollowUpStatus
    done_on: date | None
    note: str = strawberry_django.field(description="办理情况")
    resolution: PublicAffairsResolutionType

    @classmethod
    def get_queryset(
        cls, queryset: QuerySet[PublicAffairsFollowUp], info: Info, **kwargs: Any
    ) -> Any:
        return _scoped(queryset, info, f"resolution__meeting__association__{COMMUNITY}")

    @strawberry_django.field(
        only=["status", "due_on"], description="Still owed and past its due date."
    )
    def is_overdue(self, root: strawberry.Parent[PublicAffairsFollowUp]) -> bool:
        return root.status in PENDING_STATUSES and root.due_on < date.today()


@strawberry.type
class PublicAffairsAssociationPayload:
    association: PublicAffairsAssociationType | None
    errors: list[UserError]


@strawberry.type
class PublicAffairsAreaPayload:
    area: PublicAffairsAreaType | None
    errors: list[UserError]


@strawberry.type
class PublicAffairsOfficerPayload:
    officer: PublicAffairsOfficerType | None
    errors: list[UserError]


@strawberry.type
class PublicAffairsMeetingPayload:
    meeting: PublicAffairsMeetingType | None
    errors: list[UserError]


@strawberry.type
class PublicAffairsFollowUpPayload:
    follow_up: PublicAffairsFollowUpType | None
    errors: list[UserError]

"""GraphQL types of 三会一站. Every type is anchored on the council's host org: a reader sees a
council, its memberships, meetings and follow-ups within the subtrees they may read."""

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
from backend.councils.models import (
    Council,
    CouncilFollowUp,
    CouncilKind,
    CouncilMeeting,
    CouncilMeetingAttendee,
    CouncilMembership,
    CouncilResolution,
    CouncilRole,
    FollowUpStatus,
)
from backend.orgs.graphql import PartyOrgType
from backend.positions.graphql import PositionType
from backend.units.graphql import UnitType

strawberry.enum(CouncilKind, name="CouncilKind", description="三会一站的类型")
strawberry.enum(CouncilRole, name="CouncilRole", description="成员职务")
strawberry.enum(FollowUpStatus, name="CouncilFollowUpStatus", description="事项状态")


def _scoped(queryset: QuerySet[Any], info: Info, host_path: str) -> Any:
    return mark_scoped(queryset.filter(access_of(info).read_filter(host_path)))


@model_type(
    CouncilMembership,
    name="CouncilMembership",
    description="成员单位: an org or unit in a council from joinedOn until leftOn (exclusive).",
)
class CouncilMembershipType(DistrictNode):
    council: "CouncilType"
    org: PartyOrgType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="The member org; null for a unit or unseen."
    )
    unit: UnitType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="The member unit; null for an org or unseen."
    )
    role: CouncilRole = strawberry_django.field(description="主任/副主任/成员")
    joined_on: date
    left_on: date | None = strawberry_django.field(
        description="First day no longer a member; null while current."
    )

    # Permission rule: visible with its council (within the host org's subtree).
    @classmethod
    def get_queryset(cls, queryset: QuerySet[CouncilMembership], info: Info, **kw: Any) -> Any:
        return _scoped(queryset, info, "council__host_org__path")

    @strawberry_django.field(only=["left_on"], description="Not left yet.")
    def is_current(self, root: strawberry.Parent[CouncilMembership]) -> bool:
        return root.left_on is None


# The memberships of a council come in one prefetch for the whole page, members included.
_MEMBERSHIPS = Prefetch(
    "memberships",
    queryset=CouncilMembership.objects.select_related("org", "unit__covering_org").order_by(
        "joined_on", "id"
    ),
)


@model_type(Council, name="Council", description="三会一站: a council of an area's orgs and units.")
class CouncilType(DistrictNode):
    kind: CouncilKind
    name: str
    established_on: date | None
    dissolved_on: date | None
    host_org: PartyOrgType = strawberry_django.field(description="牵头党组织 (anchors the scope)")
    position: PositionType | None = strawberry_django.field(description="联络站阵地")
    branches: list["CouncilType"] = strawberry_django.field(
        description="Street branches of a research society (visible ones)."
    )

    # Permission rule: a council is visible within the subtree of its host org.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[Council], info: Info, **kwargs: Any) -> Any:
        return _scoped(queryset, info, "host_org__path")

    @strawberry_django.field(only=["dissolved_on"], description="Not dissolved.")
    def is_active(self, root: strawberry.Parent[Council]) -> bool:
        return root.dissolved_on is None

    @strawberry_django.field(
        select_related=["parent__host_org"],
        description="The research society of a branch; null above the reader's scope.",
    )
    def parent(self, root: strawberry.Parent[Council], info: Info) -> "CouncilType | None":
        parent = root.parent
        if parent is None or not access_of(info).can_read(parent.host_org.path):
            return None
        return parent  # type: ignore[return-value]

    @strawberry_django.field(
        prefetch_related=[_MEMBERSHIPS],
        description="Members by join date; current: true keeps those not left, false those left.",
    )
    def memberships(
        self, root: strawberry.Parent[Council], current: bool | None = None
    ) -> list[CouncilMembershipType]:
        rows = list(root.memberships.all())
        if current is not None:
            rows = [m for m in rows if (m.left_on is None) == current]
        return rows  # type: ignore[return-value]


@model_type(
    CouncilMeetingAttendee,
    name="CouncilMeetingAttendee",
    description="出席: a member org/unit of the council, or a person by name and title.",
)
class CouncilMeetingAttendeeType(DistrictNode):
    membership: CouncilMembershipType | None = strawberry_django.field(
        description="The attending member; null for a person listed by name."
    )
    person_name: str = strawberry_django.field(description="姓名 (persons only)")
    person_title: str = strawberry_django.field(description="职务 (persons only)")

    @classmethod
    def get_queryset(cls, queryset: QuerySet[CouncilMeetingAttendee], info: Info, **kw: Any) -> Any:
        return _scoped(queryset, info, "meeting__council__host_org__path")


@model_type(CouncilResolution, name="CouncilResolution", description="决议, in order.")
class CouncilResolutionType(DistrictNode):
    position: int = strawberry_django.field(description="序号, from 1.")
    text: str

    @classmethod
    def get_queryset(cls, queryset: QuerySet[CouncilResolution], info: Info, **kw: Any) -> Any:
        return _scoped(queryset, info, "meeting__council__host_org__path")


@model_type(
    CouncilFollowUp,
    name="CouncilFollowUp",
    description="事项: a follow-up item of a meeting, with owner, due date and status.",
)
class CouncilFollowUpType(DistrictNode):
    meeting: "CouncilMeetingType"
    position: int = strawberry_django.field(description="序号, from 1.")
    title: str
    owner_org: PartyOrgType | None = strawberry_django.field(extensions=[ScopedRelation()])
    owner_unit: UnitType | None = strawberry_django.field(extensions=[ScopedRelation()])
    owner_person: str = strawberry_django.field(description="责任人")
    due_on: date
    status: FollowUpStatus
    done_on: date | None
    note: str

    @classmethod
    def get_queryset(cls, queryset: QuerySet[CouncilFollowUp], info: Info, **kw: Any) -> Any:
        return _scoped(queryset, info, "meeting__council__host_org__path")

    @strawberry_django.field(
        only=["status", "due_on"], description="Open and past its due date (as of today)."
    )
    def is_overdue(self, root: strawberry.Parent[CouncilFollowUp]) -> bool:
        return root.status == FollowUpStatus.OPEN and root.due_on < date.today()


@model_type(CouncilMeeting, name="CouncilMeeting", description="会议 of a council.")
class CouncilMeetingType(DistrictNode):
    council: CouncilType
    held_on: date
    place: str
    topic: str
    attendees: list[CouncilMeetingAttendeeType] = strawberry_django.field(
        description="Member orgs/units first, then persons."
    )
    resolutions: list[CouncilResolutionType] = strawberry_django.field(
        description="决议, in order."
    )
    follow_ups: list[CouncilFollowUpType] = strawberry_django.field(description="事项, in order.")

    @classmethod
    def get_queryset(cls, queryset: QuerySet[CouncilMeeting], info: Info, **kw: Any) -> Any:
        return _scoped(queryset, info, "council__host_org__path")

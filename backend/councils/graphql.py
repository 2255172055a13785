"""GraphQL for 三会一站: QUERIES and MUTATIONS list its root types; api.schema merges them.

Loading and scope checks happen here; the rules live in services.py and meetings.py."""

from collections.abc import Iterable
from datetime import date

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import check_readable, check_writable
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload
from backend.common.graphql.inputs import provided
from backend.common.graphql.node import load_node, node_pk
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.councils import meetings, selectors, services
from backend.councils.graphql_types import (
    CouncilFollowUpType,
    CouncilMeetingType,
    CouncilMembershipType,
    CouncilType,
)
from backend.councils.models import (
    Council,
    CouncilFollowUp,
    CouncilKind,
    CouncilMeeting,
    CouncilMembership,
    CouncilRole,
    FollowUpStatus,
)
from backend.orgs.graphql import load_org, load_writable_org, org_scope
from backend.positions.graphql import load_position
from backend.units.graphql import load_unit

WHAT = "三会一站"


def load_council(info: Info, global_id: relay.GlobalID, field: str) -> Council:
    """A council the user may see (by its host org); anything else is NOT_FOUND."""
    council = load_node(Council, global_id, field=field, what=WHAT)
    check_readable(info, council.host_org.path, field=field, what=WHAT)
    return council


def load_writable_council(info: Info, global_id: relay.GlobalID, field: str) -> Council:
    council = load_council(info, global_id, field)
    check_writable(info, council.host_org.path, field=field, what=WHAT)
    return council


def council_scope(global_id: relay.GlobalID | None) -> Council | None:
    """A council used as a filter; a foreign or unknown ID filters to nothing."""
    if global_id is None:
        return None
    pk = node_pk(global_id, Council)
    found = Council.objects.filter(pk=pk).first() if pk is not None else None
    return found or Council()


@strawberry.type
class CouncilPayload:
    council: CouncilType | None
    errors: list[UserError]


@strawberry.type
class CouncilMembershipPayload:
    membership: CouncilMembershipType | None
    errors: list[UserError]


@strawberry.type
class CouncilMeetingPayload:
    meeting: CouncilMeetingType | None
    errors: list[UserError]


@strawberry.type
class CouncilFollowUpPayload:
    follow_up: CouncilFollowUpType | None
    errors: list[UserError]


@strawberry.input
class CreateCouncilInput:
    kind: CouncilKind
    name: str
    host_org_id: relay.GlobalID
    parent_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The research society, for a research_society_branch."
    )
    position_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A liaison station's 阵地 (kind liaison_station, same community)."
    )
    established_on: date | None = None


@strawberry.input(
    description="Omitted fields keep their value; positionId/establishedOn: null clears."
)
class UpdateCouncilInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    position_id: relay.GlobalID | None = strawberry.UNSET
    established_on: date | None = strawberry.UNSET


@strawberry.input
class DissolveCouncilInput:
    id: relay.GlobalID
    dissolved_on: date


@strawberry.input(description="Exactly one of orgId and unitId.")
class JoinCouncilInput:
    council_id: relay.GlobalID
    joined_on: date
    org_id: relay.GlobalID | None = None
    unit_id: relay.GlobalID | None = None
    role: CouncilRole = CouncilRole.MEMBER


@strawberry.input
class LeaveCouncilInput:
    id: relay.GlobalID = strawberry.field(description="The CouncilMembership.")
    left_on: date


@strawberry.input
class CouncilMeetingPersonInput:
    name: str
    title: str = ""


@strawberry.input(description="Exactly one of ownerOrgId and ownerUnitId: the host or a member.")
class CouncilFollowUpInput:
    title: str
    due_on: date
    owner_org_id: relay.GlobalID | None = None
    owner_unit_id: relay.GlobalID | None = None
    owner_person: str = ""


@strawberry.input(description="A meeting with its attendees, resolutions and follow-ups.")
class RecordCouncilMeetingInput:
    council_id: relay.GlobalID
    held_on: date
    topic: str
    place: str = ""
    attending_org_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Member orgs present (members on heldOn)."
    )
    attending_unit_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Member units present (members on heldOn)."
    )
    persons: list[CouncilMeetingPersonInput] = strawberry.field(default_factory=list)
    resolutions: list[str] = strawberry.field(default_factory=list, description="决议, in order.")
    follow_ups: list[CouncilFollowUpInput] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateCouncilFollowUpInput:
    id: relay.GlobalID
    status: FollowUpStatus
    done_on: date | None = strawberry.field(default=None, description="Required when DONE.")
    note: str | None = strawberry.field(default=None, description="Omitted keeps the note.")


@strawberry.type
class CouncilsQuery:
    @strawberry_django.field(permission_classes=[IsDistrictUser])
    def council(self, info: Info, id: relay.GlobalID) -> CouncilType | None:
        if id.type_name != "Council":
            return None
        return CouncilType.resolve_node(id.node_id, info=info)

    @page_connection(
        DjangoCursorConnection[CouncilType],
        permission_classes=[IsDistrictUser],
        description="三会一站 hosted within a subtree, by kind; active: false lists dissolved ones.",
    )
    def councils(
        self,
        within: relay.GlobalID | None = None,
        kind: CouncilKind | None = None,
        active: bool | None = None,
        parent_id: relay.GlobalID | None = None,
    ) -> Iterable[CouncilType]:
        return selectors.council_list(  # type: ignore[return-value]
            within=org_scope(within), kind=kind, active=active, parent=council_scope(parent_id)
        )

    @page_connection(
        DjangoCursorConnection[CouncilMeetingType],
        permission_classes=[IsDistrictUser],
        description="Meetings of a council or of councils hosted within a subtree, newest first.",
    )
    def council_meetings(
        self,
        council_id: relay.GlobalID | None = None,
        within: relay.GlobalID | None = None,
        held_from: date | None = None,
        held_to: date | None = None,
    ) -> Iterable[CouncilMeetingType]:
        return selectors.meeting_list(  # type: ignore[return-value]
            council=council_scope(council_id),
            within=org_scope(within),
            held_from=held_from,
            held_to=held_to,
        )

    @page_connection(
        DjangoCursorConnection[CouncilFollowUpType],
        permission_classes=[IsDistrictUser],
        description="Follow-up items (事项) by due date.",
    )
    def council_follow_ups(
        self,
        council_id: relay.GlobalID | None = None,
        within: relay.GlobalID | None = None,
        status: FollowUpStatus | None = None,
    ) -> Iterable[CouncilFollowUpType]:
        return selectors.follow_up_list(  # type: ignore[return-value]
            council=council_scope(council_id), within=org_scope(within), status=status
        )

    @page_connection(
        DjangoCursorConnection[CouncilFollowUpType],
        permission_classes=[IsDistrictUser],
        description="Open follow-ups due before asOf (default today), oldest due first.",
    )
    def overdue_council_follow_ups(
        self, within: relay.GlobalID | None = None, as_of: date | None = None
    ) -> Iterable[CouncilFollowUpType]:
        return selectors.overdue_follow_ups(  # type: ignore[return-value]
            within=org_scope(within), as_of=as_of
        )


def _meeting_data(info: Info, input: RecordCouncilMeetingInput) -> meetings.MeetingData:
    council = load_writable_council(info, input.council_id, "councilId")
    follow_ups = []
    for index, item in enumerate(input.follow_ups):
        prefix = f"followUps.{index}"
        org_id, unit_id = item.owner_org_id, item.owner_unit_id
        follow_ups.append(
            meetings.FollowUpData(
                title=item.title,
                due_on=item.due_on,
                owner_org=load_org(info, org_id, f"{prefix}.ownerOrgId") if org_id else None,
                owner_unit=load_unit(info, unit_id, f"{prefix}.ownerUnitId") if unit_id else None,
                owner_person=item.owner_person,
            )
        )
    return meetings.MeetingData(
        council=council,
        held_on=input.held_on,
        topic=input.topic,
        place=input.place,
        orgs=[
            load_org(info, gid, f"attendingOrgIds.{i}")
            for i, gid in enumerate(input.attending_org_ids)
        ],
        units=[
            load_unit(info, gid, f"attendingUnitIds.{i}")
            for i, gid in enumerate(input.attending_unit_ids)
        ],
        persons=[meetings.PersonData(p.name, p.title) for p in input.persons],
        resolutions=list(input.resolutions),
        follow_ups=follow_ups,
    )


def _load_writable_membership(info: Info, gid: relay.GlobalID) -> CouncilMembership:
    membership = load_node(CouncilMembership, gid, field="id", what="成员")
    check_readable(info, membership.council.host_org.path, field="id", what="成员")
    check_writable(info, membership.council.host_org.path, field="id", what="成员")
    return membership


def _load_writable_follow_up(info: Info, gid: relay.GlobalID) -> CouncilFollowUp:
    follow_up = load_node(CouncilFollowUp, gid, field="id", what="事项")
    path = CouncilMeeting.objects.values_list("council__host_org__path", flat=True).get(
        pk=follow_up.meeting_id
    )
    check_readable(info, path, field="id", what="事项")
    check_writable(info, path, field="id", what="事项")
    return follow_up


@strawberry.type
class CouncilsMutation:
    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def create_council(self, info: Info, input: CreateCouncilInput) -> CouncilPayload:
        def create() -> Council:
            parent, position = input.parent_id, input.position_id
            return services.council_create(
                data=services.CouncilData(
                    kind=input.kind,
                    name=input.name,
                    host_org=load_writable_org(info, input.host_org_id, "hostOrgId"),
                    parent=load_council(info, parent, "parentId") if parent else None,
                    position=load_position(info, position, "positionId") if position else None,
                    established_on=input.established_on,
                )
            )

        return mutation_payload(CouncilPayload, "council", create)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_council(self, info: Info, input: UpdateCouncilInput) -> CouncilPayload:
        def update() -> Council:
            council = load_writable_council(info, input.id, "id")
            changes = {
                k: v
                for k, v in provided(
                    input, {"name": "name", "established_on": "established_on"}
                ).items()
                if v is not None or k == "established_on"
            }
            if input.position_id is not strawberry.UNSET:
                gid = input.position_id
                changes["position"] = load_position(info, gid, "positionId") if gid else None
            return services.council_update(council=council, changes=changes)

        return mutation_payload(CouncilPayload, "council", update)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Dissolve a council; its current members leave on that day.",
    )
    def dissolve_council(self, info: Info, input: DissolveCouncilInput) -> CouncilPayload:
        return mutation_payload(
            CouncilPayload,
            "council",
            lambda: services.council_dissolve(
                council=load_writable_council(info, input.id, "id"),
                dissolved_on=input.dissolved_on,
            ),
        )

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def join_council(self, info: Info, input: JoinCouncilInput) -> CouncilMembershipPayload:
        def join() -> CouncilMembership:
            council = load_writable_council(info, input.council_id, "councilId")
            org_id, unit_id = input.org_id, input.unit_id
            return services.membership_join(
                data=services.JoinData(
                    council=council,
                    joined_on=input.joined_on,
                    org=load_org(info, org_id, "orgId") if org_id else None,
                    unit=load_unit(info, unit_id, "unitId") if unit_id else None,
                    role=input.role,
                )
            )

        return mutation_payload(CouncilMembershipPayload, "membership", join)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def leave_council(self, info: Info, input: LeaveCouncilInput) -> CouncilMembershipPayload:
        return mutation_payload(
            CouncilMembershipPayload,
            "membership",
            lambda: services.membership_leave(
                membership=_load_writable_membership(info, input.id), left_on=input.left_on
            ),
        )

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Record a meeting with attendees, resolutions and follow-ups: all or nothing.",
    )
    def record_council_meeting(
        self, info: Info, input: RecordCouncilMeetingInput
    ) -> CouncilMeetingPayload:
        return mutation_payload(
            CouncilMeetingPayload,
            "meeting",
            lambda: meetings.meeting_record(data=_meeting_data(info, input)),
        )

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_council_follow_up(
        self, info: Info, input: UpdateCouncilFollowUpInput
    ) -> CouncilFollowUpPayload:
        return mutation_payload(
            CouncilFollowUpPayload,
            "follow_up",
            lambda: meetings.follow_up_update(
                follow_up=_load_writable_follow_up(info, input.id),
                status=input.status,
                done_on=input.done_on,
                note=input.note,
            ),
        )


QUERIES: tuple[type, ...] = (CouncilsQuery,)
MUTATIONS: tuple[type, ...] = (CouncilsMutation,)

"""GraphQL for this app: QUERIES and MUTATIONS list its root types; api.schema merges them.

Also carries the discovery (公开亮相) root types, which live in the members app
(backend.members.registrations_graphql)."""

from collections.abc import Iterable
from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import check_writable
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload, user_errors
from backend.common.graphql.inputs import provided
from backend.common.graphql.node import load_node
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.common.validation import ValidationFailed
from backend.members.registrations_graphql import DiscoveryMutation, DiscoveryQuery, load_member
from backend.mobile import selectors, services
from backend.mobile.branch_closure import temporary_branch_close
from backend.mobile.models import (
    AssignmentEndReason,
    MobileAssignment,
    MobileMemberProfile,
    RelationLocation,
    Trade,
)
from backend.mobile.types import MobileAssignmentType, MobileMemberProfileType
from backend.orgs.graphql import PartyOrgType, load_org, load_writable_org, org_scope


@strawberry.type
class MobileMemberProfilePayload:
    profile: MobileMemberProfileType | None
    errors: list[UserError]


@strawberry.type
class MobileAssignmentPayload:
    assignment: MobileAssignmentType | None
    errors: list[UserError]


@strawberry.type(description="What closing a temporary branch did.")
class CloseTemporaryBranchPayload:
    branch: PartyOrgType | None
    ended: int = strawberry.field(description="Assignments ended (reason branch closed).")
    reassigned: int = strawberry.field(description="Members assigned to reassignTo.")
    relations_moved: int = strawberry.field(description="Organisational relations moved.")
    errors: list[UserError]


@strawberry.input
class RegisterMobileMemberInput:
    member_id: relay.GlobalID
    community_id: relay.GlobalID
    registered_on: date
    origin_place: str
    relation_location: RelationLocation
    trade: Trade
    origin_region_code: str = ""
    relation_org_name: str = strawberry.field(default="", description="When outside the district.")
    relation_place: str = strawberry.field(default="", description="When outside the district.")
    occupation: str = ""
    contact_notes: str = ""


@strawberry.input(description="Omitted fields keep their value.")
class UpdateMobileMemberInput:
    id: relay.GlobalID
    community_id: relay.GlobalID | None = strawberry.UNSET
    registered_on: date | None = strawberry.UNSET
    origin_place: str | None = strawberry.UNSET
    origin_region_code: str | None = strawberry.UNSET
    relation_location: RelationLocation | None = strawberry.UNSET
    relation_org_name: str | None = strawberry.UNSET
    relation_place: str | None = strawberry.UNSET
    trade: Trade | None = strawberry.UNSET
    occupation: str | None = strawberry.UNSET
    contact_notes: str | None = strawberry.UNSET


@strawberry.input
class AssignMobileMemberInput:
    profile_id: relay.GlobalID
    org_id: relay.GlobalID = strawberry.field(description="A party group or temporary branch.")
    start_date: date
    note: str = ""


@strawberry.input
class EndMobileAssignmentInput:
    id: relay.GlobalID
    end_date: date
    reason: AssignmentEndReason


_PROFILE_FIELDS = {
    "registered_on": "registered_on",
    "origin_place": "origin_place",
    "origin_region_code": "origin_region_code",
    "relation_location": "relation_location",
    "relation_org_name": "relation_org_name",
    "relation_place": "relation_place",
    "trade": "trade",
    "occupation": "occupation",
    "contact_notes": "contact_notes",
}
_REQUIRED = ("registered_on", "origin_place", "relation_location", "trade")


def _writable_profile(info: Info, global_id: relay.GlobalID, field: str) -> MobileMemberProfile:
    profile = load_node(MobileMemberProfile, global_id, field=field, what="流动党员登记")
    check_writable(info, profile.community.path, field=field, what="流动党员登记")
    return profile


@strawberry.type
class MobileQuery:
    @page_connection(
        DjangoCursorConnection[MobileMemberProfileType],
        permission_classes=[IsDistrictUser],
        description="流动党员 by community of registration (within), newest registration first.",
    )
    def mobile_members(
        self,
        within: relay.GlobalID | None = None,
        community: relay.GlobalID | None = None,
        assigned: Annotated[
            bool | None,
            strawberry.argument(description="false = no group or temporary branch today."),
        ] = None,
        origin: Annotated[
            str | None,
            strawberry.argument(
                description="Part of the place of origin, or a region-code prefix."
            ),
        ] = None,
        trade: Trade | None = None,
    ) -> Iterable[MobileMemberProfileType]:
        return selectors.profile_list(  # type: ignore[return-value]
            within=org_scope(within),
            community=org_scope(community),
            assigned=assigned,
            origin=origin,
            trade=trade,
        )

    @page_connection(
        DjangoCursorConnection[MobileMemberProfileType],
        permission_classes=[IsDistrictUser],
        description="Mobile members with no party group or temporary branch today (未编组).",
    )
    def mobile_members_without_group(
        self, within: relay.GlobalID | None = None
    ) -> Iterable[MobileMemberProfileType]:
        return selectors.profile_list(  # type: ignore[return-value]
            within=org_scope(within), assigned=False
        )

    @page_connection(
        DjangoCursorConnection[MobileAssignmentType],
        permission_classes=[IsDistrictUser],
        description="Assignments, newest first: to an org (and its groups), or within a subtree.",
    )
    def mobile_assignments(
        self,
        org: relay.GlobalID | None = None,
        within: relay.GlobalID | None = None,
        current: bool | None = None,
    ) -> Iterable[MobileAssignmentType]:
        return selectors.assignment_list(  # type: ignore[return-value]
            org=org_scope(org), within=org_scope(within), current=current
        )


@strawberry.type
class MobileMutation:
    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="流动党员登记.")
    def register_mobile_member(
        self, info: Info, input: RegisterMobileMemberInput
    ) -> MobileMemberProfilePayload:
        def register() -> MobileMemberProfile:
            member = load_member(info, input.member_id, "memberId")
            community = load_writable_org(info, input.community_id, "communityId")
            return services.profile_create(
                member=member,
                data=services.ProfileData(
                    origin_place=input.origin_place,
                    relation_location=input.relation_location,
                    trade=input.trade,
                    community=community,
                    registered_on=input.registered_on,
                    origin_region_code=input.origin_region_code,
                    relation_org_name=input.relation_org_name,
                    relation_place=input.relation_place,
                    occupation=input.occupation,
                    contact_notes=input.contact_notes,
                ),
            )

        return mutation_payload(MobileMemberProfilePayload, "profile", register)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_mobile_member(
        self, info: Info, input: UpdateMobileMemberInput
    ) -> MobileMemberProfilePayload:
        def update() -> MobileMemberProfile:
            profile = _writable_profile(info, input.id, "id")
            changes = provided(input, _PROFILE_FIELDS)
            for key in list(changes):
                if changes[key] is None:
                    if key in _REQUIRED:
                        del changes[key]  # a required field: null keeps the value
                    else:
                        changes[key] = ""
            if input.community_id:
                changes["community"] = load_writable_org(info, input.community_id, "communityId")
            return services.profile_update(profile=profile, changes=changes)

        return mutation_payload(MobileMemberProfilePayload, "profile", update)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Assign to a party group or temporary branch (编组) from startDate.",
    )
    def assign_mobile_member(
        self, info: Info, input: AssignMobileMemberInput
    ) -> MobileAssignmentPayload:
        return mutation_payload(
            MobileAssignmentPayload,
            "assignment",
            lambda: services.assignment_create(
                profile=_writable_profile(info, input.profile_id, "profileId"),
                org=load_org(info, input.org_id, "orgId"),
                start_date=input.start_date,
                note=input.note,
            ),
        )

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def end_mobile_assignment(
        self, info: Info, input: EndMobileAssignmentInput
    ) -> MobileAssignmentPayload:
        def end() -> MobileAssignment:
            assignment = load_node(MobileAssignment, input.id, field="id", what="编组")
            check_writable(info, assignment.profile.community.path, field="id", what="编组")
            return services.assignment_end(
                assignment=assignment, end_date=input.end_date, reason=input.reason
            )

        return mutation_payload(MobileAssignmentPayload, "assignment", end)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description=(
            "临时党支部撤销: end its assignments, optionally re-assign those members (reassignTo),"
            " move relations held by the branch (relationTo), set its end date. All or nothing."
        ),
    )
    def close_temporary_branch(
        self,
        info: Info,
        org_id: relay.GlobalID,
        closed_on: date,
        reassign_to: relay.GlobalID | None = None,
        relation_to: relay.GlobalID | None = None,
    ) -> CloseTemporaryBranchPayload:
        try:
            summary = temporary_branch_close(
                branch=load_writable_org(info, org_id, "orgId"),
                closed_on=closed_on,
                reassign_to=load_org(info, reassign_to, "reassignTo") if reassign_to else None,
                relation_to=(
                    load_writable_org(info, relation_to, "relationTo") if relation_to else None
                ),
            )
        except ValidationFailed as exc:
            return CloseTemporaryBranchPayload(
                branch=None, ended=0, reassigned=0, relations_moved=0, errors=user_errors(exc)
            )
        return CloseTemporaryBranchPayload(
            branch=summary.branch,  # type: ignore[arg-type]
            ended=summary.ended,
            reassigned=summary.reassigned,
            relations_moved=summary.relations_moved,
            errors=[],
        )


QUERIES: tuple[type, ...] = (MobileQuery, DiscoveryQuery)
MUTATIONS: tuple[type, ...] = (MobileMutation, DiscoveryMutation)

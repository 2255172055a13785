"""GraphQL for 志愿者服务队: teams, their members, and the mutations that keep them."""

from collections.abc import Iterable
from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import check_writable
from backend.activities import selectors
from backend.activities.graphql_activities import load_participant
from backend.activities.graphql_types import (
    VolunteerTeamMemberType,
    VolunteerTeamType,
    load_team_member,
    load_writable_team,
)
from backend.activities.models import TeamRole, VolunteerTeam, VolunteerTeamMembership
from backend.activities.services import teams as services
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload
from backend.common.graphql.inputs import provided
from backend.common.graphql.node import node_pk
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.orgs.graphql import load_writable_org, org_scope
from backend.units.graphql import load_unit


@strawberry.type
class VolunteerTeamPayload:
    volunteer_team: VolunteerTeamType | None
    errors: list[UserError]


@strawberry.type
class VolunteerTeamMemberPayload:
    volunteer_team_membership: VolunteerTeamMemberType | None
    errors: list[UserError]


@strawberry.input(description="Formed by an org, or by a unit (its covering Party organisation).")
class CreateVolunteerTeamInput:
    org_id: relay.GlobalID | None = None
    unit_id: relay.GlobalID | None = None
    name: str
    founded_on: date
    service_area: str = ""
    description: str = ""


@strawberry.input(description="Omitted fields keep their value.")
class UpdateVolunteerTeamInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    founded_on: date | None = strawberry.UNSET
    service_area: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.input
class DissolveVolunteerTeamInput:
    id: relay.GlobalID
    dissolved_on: date


@strawberry.input
class AddVolunteerTeamMemberInput:
    team_id: relay.GlobalID
    member_id: relay.GlobalID
    joined_on: date
    role: TeamRole = TeamRole.MEMBER


@strawberry.input
class LeaveVolunteerTeamInput:
    id: relay.GlobalID = strawberry.field(description="The VolunteerTeamMembership.")
    left_on: date


@strawberry.input
class SetVolunteerTeamRoleInput:
    id: relay.GlobalID = strawberry.field(description="The VolunteerTeamMembership.")
    role: TeamRole


_UPDATABLE = {
    "name": "name",
    "founded_on": "founded_on",
    "service_area": "service_area",
    "description": "description",
}


@strawberry.type
class VolunteerTeamsQuery:
    @page_connection(
        DjangoCursorConnection[VolunteerTeamType],
        permission_classes=[IsDistrictUser],
        description="志愿者服务队 by name; within = formed by an org of that subtree.",
    )
    def volunteer_teams(
        self, within: relay.GlobalID | None = None, active: bool | None = None
    ) -> Iterable[VolunteerTeamType]:
        return selectors.team_list(within=org_scope(within), active=active)  # type: ignore[return-value]

    @page_connection(
        DjangoCursorConnection[VolunteerTeamMemberType],
        permission_classes=[IsDistrictUser],
        description="A team's members by joining date; current: true for those still in it.",
    )
    def volunteer_team_members(
        self, team: relay.GlobalID, current: bool | None = None
    ) -> Iterable[VolunteerTeamMemberType]:
        found = VolunteerTeam(pk=node_pk(team, VolunteerTeam) or -1)
        return selectors.team_members(team=found, current=current)  # type: ignore[return-value]


@strawberry.type
class VolunteerTeamsMutation:
    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def create_volunteer_team(
        self, info: Info, input: CreateVolunteerTeamInput
    ) -> VolunteerTeamPayload:
        def create() -> VolunteerTeam:
            unit = load_unit(info, input.unit_id, "unitId") if input.unit_id else None
            org = load_writable_org(info, input.org_id, "orgId") if input.org_id else None
            forming = services.forming_org(org=org, unit=unit)
            if unit is not None:  # the unit's covering org forms it: the user must write there
                check_writable(info, forming.path, field="unitId", what="单位")
            return services.team_create(
                data=services.TeamData(
                    org=forming,
                    unit=unit,
                    name=input.name,
                    founded_on=input.founded_on,
                    service_area=input.service_area,
                    description=input.description,
                )
            )

        return mutation_payload(VolunteerTeamPayload, "volunteer_team", create)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_volunteer_team(
        self, info: Info, input: UpdateVolunteerTeamInput
    ) -> VolunteerTeamPayload:
        def update() -> VolunteerTeam:
            team = load_writable_team(info, input.id, "id")
            changes = {k: v for k, v in provided(input, _UPDATABLE).items() if v is not None}
            return services.team_update(team=team, changes=changes)

        return mutation_payload(VolunteerTeamPayload, "volunteer_team", update)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE, description="Members still in the team leave that day."
    )
    def dissolve_volunteer_team(
        self, info: Info, input: DissolveVolunteerTeamInput
    ) -> VolunteerTeamPayload:
        return mutation_payload(
            VolunteerTeamPayload,
            "volunteer_team",
            lambda: services.team_dissolve(
                team=load_writable_team(info, input.id, "id"), dissolved_on=input.dissolved_on
            ),
        )

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def add_volunteer_team_member(
        self, info: Info, input: AddVolunteerTeamMemberInput
    ) -> VolunteerTeamMemberPayload:
        def add() -> VolunteerTeamMembership:
            team = load_writable_team(info, input.team_id, "teamId")
            return services.team_member_add(
                team=team,
                member=load_participant(info, input.member_id, "memberId"),
                role=input.role,
                joined_on=input.joined_on,
            )

        return mutation_payload(VolunteerTeamMemberPayload, "volunteer_team_membership", add)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def leave_volunteer_team(
        self, info: Info, input: LeaveVolunteerTeamInput
    ) -> VolunteerTeamMemberPayload:
        return mutation_payload(
            VolunteerTeamMemberPayload,
            "volunteer_team_membership",
            lambda: services.team_member_leave(
                membership=load_team_member(info, input.id, "id"), left_on=input.left_on
            ),
        )

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def set_volunteer_team_role(
        self, info: Info, input: SetVolunteerTeamRoleInput
    ) -> VolunteerTeamMemberPayload:
        return mutation_payload(
            VolunteerTeamMemberPayload,
            "volunteer_team_membership",
            lambda: services.team_member_set_role(
                membership=load_team_member(info, input.id, "id"), role=input.role
            ),
        )

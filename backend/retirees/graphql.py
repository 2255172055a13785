"""GraphQL for retired members (离退休党员): QUERIES and MUTATIONS list the root types that
api.schema merges. Resolvers load, check scope and call one service."""

from collections.abc import Iterable
from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import check_readable, check_writable
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import mutation_payload, not_found
from backend.common.graphql.node import load_node
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.members.models import Member
from backend.orgs.graphql import load_org, load_writable_org, org_scope
from backend.orgs.models import PartyOrg
from backend.positions.models import Position, PositionKind
from backend.retirees import selectors, services
from backend.retirees.api_types import (
    BuildingRolePayload,
    BuildingRoleType,
    HomeMembershipPayload,
    HomeMembershipType,
    InterestTeamMembershipPayload,
    InterestTeamMembershipType,
    InterestTeamPayload,
    InterestTeamType,
    MemberHomeType,
)
from backend.retirees.models import (
    BuildingRole,
    BuildingRoleKind,
    HomeMembership,
    InterestTeam,
    InterestTeamKind,
    InterestTeamMembership,
    InterestTeamRole,
)
from backend.retirees.visibility import building_role_anchor_path
from tenants.global_ids import decode_node_id

HOME_TYPE = "MemberHome"


def _home_pk(global_id: relay.GlobalID) -> int | None:
    # A home is a positions.Position exposed under its own type name, so node_pk (which expects
    # the model's name) does not apply.
    return decode_node_id(global_id.node_id) if global_id.type_name == HOME_TYPE else None


def load_home(info: Info, global_id: relay.GlobalID, field: str) -> Position:
    pk = _home_pk(global_id)
    home = (
        Position.objects.select_related("community")
        .filter(pk=pk, kind=PositionKind.MEMBER_HOME)
        .first()
        if pk is not None
        else None
    )
    if home is None:
        raise not_found(field, "党员之家")
    check_readable(info, home.community.path, field=field, what="党员之家")
    return home


def load_member(info: Info, global_id: relay.GlobalID, field: str = "memberId") -> Member:
    member = load_node(Member, global_id, field=field, what="党员")
    check_readable(info, member.org.path, field=field, what="党员")
    return member


def _writable_team(info: Info, global_id: relay.GlobalID, field: str) -> InterestTeam:
    team = load_node(InterestTeam, global_id, field=field, what="兴趣队伍")
    check_writable(info, team.community.path, field=field, what="兴趣队伍")
    return team


# --- inputs -----------------------------------------------------------------------------------


@strawberry.input
class JoinMemberHomeInput:
    home_id: relay.GlobalID
    member_id: relay.GlobalID
    joined_on: date


@strawberry.input
class LeaveMemberHomeInput:
    id: relay.GlobalID = strawberry.field(description="The HomeMembership.")
    left_on: date


@strawberry.input(
    description=(
        "A group leader needs buildingGroupId; a caretaker needs buildingGroupId, or communityId"
        " with buildingLabel (e.g. 3幢2单元)."
    )
)
class StartBuildingRoleInput:
    member_id: relay.GlobalID
    role: BuildingRoleKind
    start_on: date
    building_group_id: relay.GlobalID | None = None
    community_id: relay.GlobalID | None = None
    building_label: str = ""


@strawberry.input
class EndBuildingRoleInput:
    id: relay.GlobalID
    end_on: date


@strawberry.input
class CreateInterestTeamInput:
    community_id: relay.GlobalID
    name: str
    kind: InterestTeamKind
    founded_on: date
    description: str = ""


@strawberry.input
class DissolveInterestTeamInput:
    id: relay.GlobalID
    dissolved_on: date


@strawberry.input
class JoinInterestTeamInput:
    team_id: relay.GlobalID
    member_id: relay.GlobalID
    joined_on: date
    role: InterestTeamRole = InterestTeamRole.MEMBER


@strawberry.input
class LeaveInterestTeamInput:
    id: relay.GlobalID = strawberry.field(description="The InterestTeamMembership.")
    left_on: date


# --- queries ----------------------------------------------------------------------------------


@strawberry.type
class RetireesQuery:
    @page_connection(
        DjangoCursorConnection[MemberHomeType],
        permission_classes=[IsDistrictUser],
        description="党员之家 of the communities in `within` (default: all you may see).",
    )
    def member_homes(self, within: relay.GlobalID | None = None) -> Iterable[MemberHomeType]:
        return selectors.member_home_list(within=org_scope(within))  # type: ignore[return-value]

    @page_connection(
        DjangoCursorConnection[HomeMembershipType],
        permission_classes=[IsDistrictUser],
        description="Members of a 党员之家; current: true = not left, false = left.",
    )
    def home_members(
        self, home_id: relay.GlobalID, current: bool | None = None
    ) -> Iterable[HomeMembershipType]:
        home = Position(pk=_home_pk(home_id) or 0)
        return selectors.home_membership_list(home=home, current=current)  # type: ignore[return-value]

    @page_connection(
        DjangoCursorConnection[BuildingRoleType],
        permission_classes=[IsDistrictUser],
        description=(
            "门栋党小组长 and 门栋关照员 whose building group (or, for a labelled building, its"
            " community) lies in `within`; current: true = not ended."
        ),
    )
    def building_roles(
        self,
        within: relay.GlobalID | None = None,
        role: BuildingRoleKind | None = None,
        current: bool | None = None,
    ) -> Iterable[BuildingRoleType]:
        return selectors.building_role_list(  # type: ignore[return-value]
            within=org_scope(within), role=role, current=current
        )

    @page_connection(
        DjangoCursorConnection[InterestTeamType],
        permission_classes=[IsDistrictUser],
        description="兴趣队伍 of the communities in `within`; active: true = not dissolved.",
    )
    def interest_teams(
        self,
        within: relay.GlobalID | None = None,
        kind: InterestTeamKind | None = None,
        active: bool | None = None,
    ) -> Iterable[InterestTeamType]:
        return selectors.interest_team_list(  # type: ignore[return-value]
            within=org_scope(within), kind=kind, active=active
        )

    @page_connection(
        DjangoCursorConnection[InterestTeamMembershipType],
        permission_classes=[IsDistrictUser],
        description="Members of an interest team; current: true = not left.",
    )
    def interest_team_members(
        self, team_id: relay.GlobalID, current: bool | None = None
    ) -> Iterable[InterestTeamMembershipType]:
        pk = decode_node_id(team_id.node_id) if team_id.type_name == "InterestTeam" else None
        team = InterestTeam(pk=pk or 0)
        return selectors.interest_team_membership_list(team=team, current=current)  # type: ignore[return-value]


# --- mutations --------------------------------------------------------------------------------


@strawberry.type
class RetireesMutation:
    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="加入党员之家")
    def join_member_home(self, info: Info, input: JoinMemberHomeInput) -> HomeMembershipPayload:
        def run() -> HomeMembership:
            home = load_home(info, input.home_id, "homeId")
            check_writable(info, home.community.path, field="homeId", what="党员之家")
            member = load_member(info, input.member_id)
            return services.home_membership_create(
                home=home, member=member, joined_on=input.joined_on
            )

        return mutation_payload(HomeMembershipPayload, "membership", run)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="退出党员之家")
    def leave_member_home(self, info: Info, input: LeaveMemberHomeInput) -> HomeMembershipPayload:
        def run() -> HomeMembership:
            membership = load_node(HomeMembership, input.id, field="id", what="党员之家成员")
            path = membership.home.community.path
            check_writable(info, path, field="id", what="党员之家成员")
            return services.home_membership_end(membership=membership, left_on=input.left_on)

        return mutation_payload(HomeMembershipPayload, "membership", run)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="任命门栋党小组长/关照员")
    def start_building_role(self, info: Info, input: StartBuildingRoleInput) -> BuildingRolePayload:
        def run() -> BuildingRole:
            group: PartyOrg | None = None
            community: PartyOrg | None = None
            if input.building_group_id:
                group = load_writable_org(info, input.building_group_id, "buildingGroupId")
            if input.community_id:
                community = load_org(info, input.community_id, "communityId")
                if group is None:
                    check_writable(info, community.path, field="communityId", what="党组织")
            member = load_member(info, input.member_id)
            return services.building_role_create(
                member=member,
                role=input.role,
                start_on=input.start_on,
                building_group=group,
                community=community,
                building_label=input.building_label,
            )

        return mutation_payload(BuildingRolePayload, "building_role", run)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="结束门栋角色任期")
    def end_building_role(self, info: Info, input: EndBuildingRoleInput) -> BuildingRolePayload:
        def run() -> BuildingRole:
            role = load_node(BuildingRole, input.id, field="id", what="门栋角色")
            check_writable(info, building_role_anchor_path(role), field="id", what="门栋角色")
            return services.building_role_end(building_role=role, end_on=input.end_on)

        return mutation_payload(BuildingRolePayload, "building_role", run)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="成立兴趣队伍")
    def create_interest_team(
        self, info: Info, input: CreateInterestTeamInput
    ) -> InterestTeamPayload:
        def run() -> InterestTeam:
            community = load_writable_org(info, input.community_id, "communityId")
            return services.interest_team_create(
                community=community,
                name=input.name,
                kind=input.kind,
                founded_on=input.founded_on,
                description=input.description,
            )

        return mutation_payload(InterestTeamPayload, "team", run)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE, description="解散兴趣队伍 (ends current memberships)"
    )
    def dissolve_interest_team(
        self, info: Info, input: DissolveInterestTeamInput
    ) -> InterestTeamPayload:
        def run() -> InterestTeam:
            team = _writable_team(info, input.id, "id")
            return services.interest_team_dissolve(team=team, dissolved_on=input.dissolved_on)

        return mutation_payload(InterestTeamPayload, "team", run)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="加入兴趣队伍")
    def join_interest_team(
        self, info: Info, input: JoinInterestTeamInput
    ) -> InterestTeamMembershipPayload:
        def run() -> InterestTeamMembership:
            team = _writable_team(info, input.team_id, "teamId")
            member = load_member(info, input.member_id)
            return services.interest_team_membership_create(
                team=team, member=member, joined_on=input.joined_on, role=input.role
            )

        return mutation_payload(InterestTeamMembershipPayload, "membership", run)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="退出兴趣队伍")
    def leave_interest_team(
        self, info: Info, input: LeaveInterestTeamInput
    ) -> InterestTeamMembershipPayload:
        def run() -> InterestTeamMembership:
            membership = load_node(
                InterestTeamMembership, input.id, field="id", what="兴趣队伍成员"
            )
            path = membership.team.community.path
            check_writable(info, path, field="id", what="兴趣队伍成员")
            return services.interest_team_membership_end(
                membership=membership, left_on=input.left_on
            )

        return mutation_payload(InterestTeamMembershipPayload, "membership", run)


QUERIES: tuple[type, ...] = (RetireesQuery,)
MUTATIONS: tuple[type, ...] = (RetireesMutation,)

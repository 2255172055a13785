"""The canary matrix's cases for retired members (tests/api/test_tenant_isolation.py), over the
records of isolation_seed.py: beta's homes, roles, teams, orgs and members on alpha's host find
nothing, change nothing and read like IDs that exist nowhere."""

from collections.abc import Callable
from typing import Any

from tests.support.isolation import ERRORS, Case, empty, found, node_found, not_found, null

RETIRED = 3  # the seeded retired member
MEMBER = "member { id name idNumber phone }"
HOME = "id name address openedOn closedOn currentMemberCount community { id name }"
HOME_MEMBERSHIP = f"id joinedOn leftOn {MEMBER} home {{ id name }}"
ROLE = (
    f"id role buildingLabel startOn endOn {MEMBER} community {{ id name }}"
    " buildingGroup { id name }"
)
TEAM = "id name kind foundedOn dissolvedOn description currentMemberCount community { id name }"
TEAM_MEMBERSHIP = f"id role joinedOn leftOn {MEMBER} team {{ id name }}"
SELECTIONS = {
    "MemberHome": HOME,
    "HomeMembership": HOME_MEMBERSHIP,
    "BuildingRole": ROLE,
    "InterestTeam": TEAM,
    "InterestTeamMembership": TEAM_MEMBERSHIP,
}
HOMES_DOC = (
    "query($within: ID) { memberHomes(within: $within, first: 20) { totalCount edges { node {"
    f" {HOME} memberships(first: 5) {{ edges {{ node {{ {HOME_MEMBERSHIP} }} }} }} }} }} }} }}"
)
HOME_MEMBERS_DOC = (
    "query($homeId: ID!) { homeMembers(homeId: $homeId, first: 100) { totalCount"
    f" edges {{ node {{ {HOME_MEMBERSHIP} }} }} }} }}"
)
ROLES_DOC = (
    "query($within: ID) { buildingRoles(within: $within, first: 100) { totalCount"
    f" edges {{ node {{ {ROLE} }} }} }} }}"
)
TEAMS_DOC = (
    "query($within: ID) { interestTeams(within: $within, first: 20) { totalCount edges { node {"
    f" {TEAM} memberships(first: 5) {{ edges {{ node {{ {TEAM_MEMBERSHIP} }} }} }} }} }} }} }}"
)
TEAM_MEMBERS_DOC = (
    "query($teamId: ID!) { interestTeamMembers(teamId: $teamId, first: 100) { totalCount"
    f" edges {{ node {{ {TEAM_MEMBERSHIP} }} }} }} }}"
)


def _mutation(name: str, input_type: str, entity: str, selection: str) -> str:
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input)"
        f" {{ {entity} {{ {selection} }} {ERRORS} }} }}"
    )


JOIN_HOME_DOC = _mutation("joinMemberHome", "JoinMemberHomeInput", "membership", HOME_MEMBERSHIP)
LEAVE_HOME_DOC = _mutation("leaveMemberHome", "LeaveMemberHomeInput", "membership", HOME_MEMBERSHIP)
START_ROLE_DOC = _mutation("startBuildingRole", "StartBuildingRoleInput", "buildingRole", ROLE)
END_ROLE_DOC = _mutation("endBuildingRole", "EndBuildingRoleInput", "buildingRole", ROLE)
CREATE_TEAM_DOC = _mutation("createInterestTeam", "CreateInterestTeamInput", "team", TEAM)
DISSOLVE_TEAM_DOC = _mutation("dissolveInterestTeam", "DissolveInterestTeamInput", "team", TEAM)
JOIN_TEAM_DOC = _mutation(
    "joinInterestTeam", "JoinInterestTeamInput", "membership", TEAM_MEMBERSHIP
)
LEAVE_TEAM_DOC = _mutation(
    "leaveInterestTeam", "LeaveInterestTeamInput", "membership", TEAM_MEMBERSHIP
)


def found_member(name: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    """alpha's own membership rows, shown with alpha's retired canary member."""

    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        names = [e["node"]["member"]["name"] for e in data[name]["edges"]]
        assert data[name]["totalCount"] > 0, data
        assert any("CANARYALPHA" in n for n in names), names

    return check


def found_role(data: dict[str, Any], _v: dict[str, Any]) -> None:
    labels = [e["node"]["buildingLabel"] for e in data["buildingRoles"]["edges"]]
    assert any("CANARYALPHA" in label for label in labels), labels


def _node_case(type_name: str) -> Case:
    # One document per type: the types' fields of the same name have different types.
    document = (
        f"query($id: ID!) {{ node(id: $id) {{ id ... on {type_name}"
        f" {{ {SELECTIONS[type_name]} }} }} }}"
    )
    return Case("node", document, lambda f, o: {"id": f.obj(type_name)}, null("node"), node_found)


CASES: dict[str, Case] = {
    **{f"node/{type_name}": _node_case(type_name) for type_name in SELECTIONS},
    "memberHomes/within": Case(
        "memberHomes",
        HOMES_DOC,
        lambda f, o: {"within": f.org("s1")},
        empty("memberHomes"),
        found("memberHomes"),
    ),
    "homeMembers/homeId": Case(
        "homeMembers",
        HOME_MEMBERS_DOC,
        lambda f, o: {"homeId": f.obj("MemberHome")},
        empty("homeMembers"),
        found_member("homeMembers"),
    ),
    "buildingRoles/within": Case(
        "buildingRoles",
        ROLES_DOC,
        lambda f, o: {"within": f.org("s1-c1")},
        empty("buildingRoles"),
        found_role,
    ),
    "interestTeams/within": Case(
        "interestTeams",
        TEAMS_DOC,
        lambda f, o: {"within": f.org("root")},
        empty("interestTeams"),
        found("interestTeams"),
    ),
    "interestTeamMembers/teamId": Case(
        "interestTeamMembers",
        TEAM_MEMBERS_DOC,
        lambda f, o: {"teamId": f.obj("InterestTeam")},
        empty("interestTeamMembers"),
        found_member("interestTeamMembers"),
    ),
    "joinMemberHome/homeId": Case(
        "joinMemberHome",
        JOIN_HOME_DOC,
        lambda f, o: {
            "input": {
                "homeId": f.obj("MemberHome"),
                "memberId": o.member(RETIRED),
                "joinedOn": "2025-01-01",
            }
        },
        not_found("joinMemberHome", "membership", "homeId"),
    ),
    "joinMemberHome/memberId": Case(
        "joinMemberHome",
        JOIN_HOME_DOC,
        lambda f, o: {
            "input": {
                "homeId": o.obj("MemberHome"),
                "memberId": f.member(RETIRED),
                "joinedOn": "2025-01-01",
            }
        },
        not_found("joinMemberHome", "membership", "memberId"),
    ),
    "leaveMemberHome/id": Case(
        "leaveMemberHome",
        LEAVE_HOME_DOC,
        lambda f, o: {"input": {"id": f.obj("HomeMembership"), "leftOn": "2025-01-01"}},
        not_found("leaveMemberHome", "membership", "id"),
    ),
    "startBuildingRole/buildingGroupId": Case(
        "startBuildingRole",
        START_ROLE_DOC,
        lambda f, o: {
            "input": {
                "memberId": o.member(RETIRED),
                "role": "GROUP_LEADER",
                "buildingGroupId": f.org("s1-c1-b1-g1"),
                "startOn": "2025-01-01",
            }
        },
        not_found("startBuildingRole", "buildingRole", "buildingGroupId"),
    ),
    "startBuildingRole/communityId": Case(
        "startBuildingRole",
        START_ROLE_DOC,
        lambda f, o: {
            "input": {
                "memberId": o.member(RETIRED),
                "role": "CARETAKER",
                "communityId": f.org("s1-c1"),
                "buildingLabel": "5幢1单元",
                "startOn": "2025-01-01",
            }
        },
        not_found("startBuildingRole", "buildingRole", "communityId"),
    ),
    "startBuildingRole/memberId": Case(
        "startBuildingRole",
        START_ROLE_DOC,
        lambda f, o: {
            "input": {
                "memberId": f.member(RETIRED),
                "role": "CARETAKER",
                "communityId": o.org("s1-c1"),
                "buildingLabel": "5幢1单元",
                "startOn": "2025-01-01",
            }
        },
        not_found("startBuildingRole", "buildingRole", "memberId"),
    ),
    "endBuildingRole/id": Case(
        "endBuildingRole",
        END_ROLE_DOC,
        lambda f, o: {"input": {"id": f.obj("BuildingRole"), "endOn": "2025-01-01"}},
        not_found("endBuildingRole", "buildingRole", "id"),
    ),
    "createInterestTeam/communityId": Case(
        "createInterestTeam",
        CREATE_TEAM_DOC,
        lambda f, o: {
            "input": {
                "communityId": f.org("s1-c1"),
                "name": "隔离测试队",
                "kind": "GREENING",
                "foundedOn": "2025-01-01",
            }
        },
        not_found("createInterestTeam", "team", "communityId"),
    ),
    "dissolveInterestTeam/id": Case(
        "dissolveInterestTeam",
        DISSOLVE_TEAM_DOC,
        lambda f, o: {"input": {"id": f.obj("InterestTeam"), "dissolvedOn": "2025-01-01"}},
        not_found("dissolveInterestTeam", "team", "id"),
    ),
    "joinInterestTeam/teamId": Case(
        "joinInterestTeam",
        JOIN_TEAM_DOC,
        lambda f, o: {
            "input": {
                "teamId": f.obj("InterestTeam"),
                "memberId": o.member(RETIRED),
                "joinedOn": "2025-01-01",
            }
        },
        not_found("joinInterestTeam", "membership", "teamId"),
    ),
    "joinInterestTeam/memberId": Case(
        "joinInterestTeam",
        JOIN_TEAM_DOC,
        lambda f, o: {
            "input": {
                "teamId": o.obj("InterestTeam"),
                "memberId": f.member(RETIRED),
                "joinedOn": "2025-01-01",
            }
        },
        not_found("joinInterestTeam", "membership", "memberId"),
    ),
    "leaveInterestTeam/id": Case(
        "leaveInterestTeam",
        LEAVE_TEAM_DOC,
        lambda f, o: {"input": {"id": f.obj("InterestTeamMembership"), "leftOn": "2025-01-01"}},
        not_found("leaveInterestTeam", "membership", "id"),
    ),
}

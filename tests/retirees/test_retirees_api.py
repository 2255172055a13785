"""Retired members over HTTP: homes, building roles and interest teams, their typed errors, the
reader's scope, and constant query counts for the lists."""

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.positions.models import Position, PositionKind
from backend.retirees import services
from tenants.context import in_district
from tests.conftest import global_id
from tests.retirees.world import World, build_world, code, member, org
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient, Response
from tests.support.seed import PASSWORD

pytestmark = pytest.mark.usefixtures("db")

ERRORS = "errors { field code message }"
JOIN_HOME = (
    "mutation($input: JoinMemberHomeInput!) { joinMemberHome(input: $input)"
    " { membership { id joinedOn leftOn member { name } home { name } } " + ERRORS + " } }"
)
LEAVE_HOME = (
    "mutation($input: LeaveMemberHomeInput!) { leaveMemberHome(input: $input)"
    " { membership { id leftOn } " + ERRORS + " } }"
)
HOMES = """query($within: ID) { memberHomes(within: $within, first: 20) { totalCount edges { node {
  id name currentMemberCount community { name }
  memberships(first: 20) { edges { node { joinedOn leftOn member { name idNumber } } } }
} } } }"""
HOMES_PAGE = """query($within: ID, $n: Int) { memberHomes(within: $within, first: $n) {
  edges { node { name currentMemberCount community { name }
  memberships(first: 5) { edges { node { joinedOn member { name org { name } } } } } } } } }"""
HOME_MEMBERS = """query($home: ID!, $current: Boolean) {
  homeMembers(homeId: $home, current: $current, first: 50) {
    totalCount edges { node { joinedOn leftOn member { name } } } } }"""
START_ROLE = (
    "mutation($input: StartBuildingRoleInput!) { startBuildingRole(input: $input)"
    " { buildingRole { id role buildingLabel startOn member { name } buildingGroup { name }"
    " community { name } } " + ERRORS + " } }"
)
END_ROLE = (
    "mutation($input: EndBuildingRoleInput!) { endBuildingRole(input: $input)"
    " { buildingRole { id endOn } " + ERRORS + " } }"
)
ROLES = """query($within: ID, $role: BuildingRoleKind, $current: Boolean, $n: Int) {
  buildingRoles(within: $within, role: $role, current: $current, first: $n) {
    totalCount edges { node { role buildingLabel startOn endOn member { name org { name } }
    buildingGroup { name } community { name } } } } }"""
CREATE_TEAM = (
    "mutation($input: CreateInterestTeamInput!) { createInterestTeam(input: $input)"
    " { team { id name kind community { name } } " + ERRORS + " } }"
)
DISSOLVE_TEAM = (
    "mutation($input: DissolveInterestTeamInput!) { dissolveInterestTeam(input: $input)"
    " { team { id dissolvedOn currentMemberCount } " + ERRORS + " } }"
)
JOIN_TEAM = (
    "mutation($input: JoinInterestTeamInput!) { joinInterestTeam(input: $input)"
    " { membership { id role member { name } team { name } } " + ERRORS + " } }"
)
LEAVE_TEAM = (
    "mutation($input: LeaveInterestTeamInput!) { leaveInterestTeam(input: $input)"
    " { membership { id leftOn } " + ERRORS + " } }"
)
TEAMS = """query($within: ID, $kind: InterestTeamKind, $n: Int) {
  interestTeams(within: $within, kind: $kind, first: $n) { totalCount edges { node {
    id name kind foundedOn dissolvedOn currentMemberCount community { name }
    memberships(first: 10) { edges { node { role joinedOn leftOn member { name } } } }
  } } } }"""
TEAM_MEMBERS = """query($team: ID!, $current: Boolean) {
  interestTeamMembers(teamId: $team, current: $current, first: 50) {
    totalCount edges { node { role member { name } } } } }"""


def gid(type_name: str, pk: int) -> str:
    return global_id(type_name, "alpha", pk)


def payload(result: Response, field: str) -> dict[str, Any]:
    assert result.status == 200, result.text
    return result.data[field]


def codes(result: Response, field: str) -> set[tuple[str | None, str]]:
    body = payload(result, field)
    assert all(e["message"] for e in body["errors"])
    return {(e["field"], e["code"]) for e in body["errors"]}


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), in_district("alpha"):
        yield build_world("reta")


@pytest.fixture(scope="module")
def users(api_url: str, world: World) -> dict[str, GraphQLClient]:
    clients = {}
    for label, username in world.usernames.items():
        client = GraphQLClient(api_url, "alpha.localhost")
        clients[label] = client.as_user(client.login(username, PASSWORD))
    return clients


def test_member_home_flow(alpha: GraphQLClient, world: World) -> None:
    home, member = gid("MemberHome", world.home.pk), world.retired[0]
    joined = alpha.execute(
        JOIN_HOME,
        {"input": {"homeId": home, "memberId": gid("Member", member.pk), "joinedOn": "2021-05-01"}},
    )
    body = payload(joined, "joinMemberHome")
    assert body["errors"] == []
    assert body["membership"]["member"]["name"] == member.name
    assert body["membership"]["home"]["name"] == "离退社区党员之家"
    again = alpha.execute(
        JOIN_HOME,
        {"input": {"homeId": home, "memberId": gid("Member", member.pk), "joinedOn": "2022-05-01"}},
    )
    assert codes(again, "joinMemberHome") == {("memberId", "OVERLAP")}
    assert payload(again, "joinMemberHome")["membership"] is None
    wrong = alpha.execute(
        JOIN_HOME,
        {
            "input": {
                "homeId": gid("MemberHome", world.other_home.pk),
                "memberId": gid("Member", world.in_service.pk),
                "joinedOn": "2099-01-01",
            }
        },
    )
    assert codes(wrong, "joinMemberHome") == {
        ("memberId", "WRONG_CATEGORY"),
        ("joinedOn", "IN_FUTURE"),
    }
    # An ID of another type, or of beta, names no home.
    for bad in (gid("PartyOrg", world.community.pk), global_id("MemberHome", "beta", 1)):
        result = alpha.execute(
            JOIN_HOME,
            {
                "input": {
                    "homeId": bad,
                    "memberId": gid("Member", member.pk),
                    "joinedOn": "2021-01-01",
                }
            },
        )
        assert codes(result, "joinMemberHome") == {("homeId", "NOT_FOUND")}

    second = alpha.execute(
        JOIN_HOME,
        {
            "input": {
                "homeId": home,
                "memberId": gid("Member", world.retired[1].pk),
                "joinedOn": "2020-01-01",
            }
        },
    )
    membership_id = payload(second, "joinMemberHome")["membership"]["id"]
    early = alpha.execute(LEAVE_HOME, {"input": {"id": membership_id, "leftOn": "2019-01-01"}})
    assert codes(early, "leaveMemberHome") == {("leftOn", "END_BEFORE_START")}
    left = alpha.execute(LEAVE_HOME, {"input": {"id": membership_id, "leftOn": "2023-01-01"}})
    assert payload(left, "leaveMemberHome")["membership"]["leftOn"] == "2023-01-01"

    homes = payload(
        alpha.execute(HOMES, {"within": gid("PartyOrg", world.street.pk)}), "memberHomes"
    )
    assert homes["totalCount"] == 2
    mine = next(n for n in nodes(homes) if n["id"] == home)
    assert mine["currentMemberCount"] == 1
    assert mine["community"]["name"] == "离退社区"
    shown = nodes(mine["memberships"])
    assert [m["member"]["name"] for m in shown] == [world.retired[1].name, member.name]
    assert all("*" in m["member"]["idNumber"] for m in shown)
    current = payload(alpha.execute(HOME_MEMBERS, {"home": home, "current": True}), "homeMembers")
    assert [n["member"]["name"] for n in nodes(current)] == [member.name]
    past = payload(alpha.execute(HOME_MEMBERS, {"home": home, "current": False}), "homeMembers")
    assert [n["leftOn"] for n in nodes(past)] == ["2023-01-01"]


def _start(client: GraphQLClient, member_pk: int, **fields: Any) -> Response:
    return client.execute(START_ROLE, {"input": {"memberId": gid("Member", member_pk), **fields}})


def test_building_roles_flow(alpha: GraphQLClient, world: World) -> None:
    a, b = world.retired[2], world.retired[3]
    group1 = gid("PartyOrg", world.group1.pk)
    first = _start(alpha, a.pk, role="GROUP_LEADER", buildingGroupId=group1, startOn="2022-01-01")
    role = payload(first, "startBuildingRole")["buildingRole"]
    assert role["buildingGroup"]["name"] == world.group1.name
    assert role["community"]["name"] == "离退社区"
    taken = _start(alpha, b.pk, role="GROUP_LEADER", buildingGroupId=group1, startOn="2023-01-01")
    assert codes(taken, "startBuildingRole") == {("buildingGroupId", "LEADER_TAKEN")}
    ended = alpha.execute(END_ROLE, {"input": {"id": role["id"], "endOn": "2023-03-31"}})
    assert payload(ended, "endBuildingRole")["buildingRole"]["endOn"] == "2023-03-31"
    again = alpha.execute(END_ROLE, {"input": {"id": role["id"], "endOn": "2023-04-30"}})
    assert codes(again, "endBuildingRole") == {("id", "ALREADY_ENDED")}
    successor = _start(
        alpha, b.pk, role="GROUP_LEADER", buildingGroupId=group1, startOn="2023-04-01"
    )
    assert payload(successor, "startBuildingRole")["errors"] == []
    caretaker = _start(
        alpha,
        b.pk,
        role="CARETAKER",
        communityId=gid("PartyOrg", world.community.pk),
        buildingLabel="3幢2单元",
        startOn="2023-04-01",
    )
    assert payload(caretaker, "startBuildingRole")["buildingRole"]["buildingLabel"] == "3幢2单元"
    missing = _start(
        alpha,
        b.pk,
        role="CARETAKER",
        communityId=gid("PartyOrg", world.community.pk),
        startOn="2023-04-01",
    )
    assert codes(missing, "startBuildingRole") == {("buildingLabel", "REQUIRED")}
    no_group = _start(
        alpha,
        a.pk,
        role="GROUP_LEADER",
        communityId=gid("PartyOrg", world.community.pk),
        startOn="2023-04-01",
    )
    assert codes(no_group, "startBuildingRole") == {("buildingGroupId", "REQUIRED")}

    within = gid("PartyOrg", world.street.pk)
    leaders = payload(
        alpha.execute(ROLES, {"within": within, "role": "GROUP_LEADER", "current": True}),
        "buildingRoles",
    )
    assert [n["member"]["name"] for n in nodes(leaders)] == [b.name]
    everything = payload(alpha.execute(ROLES, {"within": within}), "buildingRoles")
    assert everything["totalCount"] == 3
    # `within` a compound branch keeps the roles of its building groups only.
    in_compound = payload(
        alpha.execute(ROLES, {"within": gid("PartyOrg", world.compound.pk)}), "buildingRoles"
    )
    assert in_compound["totalCount"] == 2
    assert all(n["buildingGroup"] for n in nodes(in_compound))


def test_interest_teams_flow(alpha: GraphQLClient, world: World) -> None:
    community = gid("PartyOrg", world.community.pk)
    created = alpha.execute(
        CREATE_TEAM,
        {
            "input": {
                "communityId": community,
                "name": "老年护绿队",
                "kind": "GREENING",
                "foundedOn": "2019-03-12",
                "description": "小区绿化养护",
            }
        },
    )
    team = payload(created, "createInterestTeam")["team"]
    assert team["kind"] == "GREENING"
    duplicate = alpha.execute(
        CREATE_TEAM,
        {
            "input": {
                "communityId": community,
                "name": "老年护绿队",
                "kind": "GREENING",
                "foundedOn": "2019-03-12",
            }
        },
    )
    assert codes(duplicate, "createInterestTeam") == {("name", "DUPLICATE")}
    bad_org = alpha.execute(
        CREATE_TEAM,
        {
            "input": {
                "communityId": gid("PartyOrg", world.group1.pk),
                "name": "书画班",
                "kind": "CULTURE",
                "foundedOn": "2019-03-12",
            }
        },
    )
    assert codes(bad_org, "createInterestTeam") == {("communityId", "INVALID_ORG_KIND")}

    def join(member_pk: int, role: str = "MEMBER", joined: str = "2020-01-01") -> Response:
        return alpha.execute(
            JOIN_TEAM,
            {
                "input": {
                    "teamId": team["id"],
                    "memberId": gid("Member", member_pk),
                    "joinedOn": joined,
                    "role": role,
                }
            },
        )

    leader = payload(join(world.retired[4].pk, "LEADER"), "joinInterestTeam")["membership"]
    assert leader["role"] == "LEADER"
    assert codes(join(world.retired[5].pk, "LEADER"), "joinInterestTeam") == {
        ("role", "LEADER_TAKEN")
    }
    assert codes(join(world.outsider.pk), "joinInterestTeam") == {("memberId", "NOT_IN_COMMUNITY")}
    late = payload(join(world.retired[5].pk, joined="2024-06-01"), "joinInterestTeam")
    left = alpha.execute(
        LEAVE_TEAM, {"input": {"id": late["membership"]["id"], "leftOn": "2024-09-01"}}
    )
    assert payload(left, "leaveInterestTeam")["membership"]["leftOn"] == "2024-09-01"

    teams = payload(
        alpha.execute(TEAMS, {"within": gid("PartyOrg", world.street.pk), "kind": "GREENING"}),
        "interestTeams",
    )
    shown = next(n for n in nodes(teams) if n["id"] == team["id"])
    assert shown["currentMemberCount"] == 1
    assert {m["member"]["name"] for m in nodes(shown["memberships"])} == {
        world.retired[4].name,
        world.retired[5].name,
    }
    current = payload(
        alpha.execute(TEAM_MEMBERS, {"team": team["id"], "current": True}), "interestTeamMembers"
    )
    assert [n["role"] for n in nodes(current)] == ["LEADER"]

    too_early = alpha.execute(
        DISSOLVE_TEAM, {"input": {"id": team["id"], "dissolvedOn": "2019-01-01"}}
    )
    assert codes(too_early, "dissolveInterestTeam") == {("dissolvedOn", "END_BEFORE_START")}
    dissolved = alpha.execute(
        DISSOLVE_TEAM, {"input": {"id": team["id"], "dissolvedOn": "2025-01-01"}}
    )
    body = payload(dissolved, "dissolveInterestTeam")["team"]
    assert body["dissolvedOn"] == "2025-01-01"
    assert body["currentMemberCount"] == 0


def test_scope(alpha: GraphQLClient, users: dict[str, GraphQLClient], world: World) -> None:
    home, within = gid("MemberHome", world.home.pk), gid("PartyOrg", world.street.pk)
    member = gid("Member", world.retired[6].pk)
    join = {"input": {"homeId": home, "memberId": member, "joinedOn": "2021-01-01"}}
    other = users["other_admin"]
    # An admin of another street sees none of it and may not name it.
    assert payload(other.execute(HOMES, {"within": within}), "memberHomes")["totalCount"] == 0
    assert payload(other.execute(HOMES, {}), "memberHomes")["totalCount"] == 0
    assert payload(other.execute(ROLES, {"within": within}), "buildingRoles")["totalCount"] == 0
    assert payload(other.execute(TEAMS, {"within": within}), "interestTeams")["totalCount"] == 0
    assert payload(other.execute(HOME_MEMBERS, {"home": home}), "homeMembers")["totalCount"] == 0
    assert codes(other.execute(JOIN_HOME, join), "joinMemberHome") == {("homeId", "NOT_FOUND")}
    started = _start(
        other,
        world.retired[6].pk,
        role="GROUP_LEADER",
        buildingGroupId=gid("PartyOrg", world.group2.pk),
        startOn="2022-01-01",
    )
    assert codes(started, "startBuildingRole") == {("buildingGroupId", "NOT_FOUND")}
    # A viewer of the community reads but may not write.
    viewer = users["viewer"]
    assert payload(viewer.execute(HOMES, {"within": within}), "memberHomes")["totalCount"] == 1
    assert codes(viewer.execute(JOIN_HOME, join), "joinMemberHome") == {("homeId", "FORBIDDEN")}
    created = viewer.execute(
        CREATE_TEAM,
        {
            "input": {
                "communityId": gid("PartyOrg", world.community.pk),
                "name": "看看",
                "kind": "OTHER",
                "foundedOn": "2020-01-01",
            }
        },
    )
    assert codes(created, "createInterestTeam") == {("communityId", "FORBIDDEN")}
    # The community's own admin writes; a member of the neighbouring community lies outside
    # their grant, so to them that member does not exist.
    admin = users["community_admin"]
    result = admin.execute(
        JOIN_HOME,
        {
            "input": {
                "homeId": home,
                "memberId": gid("Member", world.outsider.pk),
                "joinedOn": "2021-01-01",
            }
        },
    )
    assert codes(result, "joinMemberHome") == {("memberId", "NOT_FOUND")}
    ok = admin.execute(JOIN_HOME, join)
    assert payload(ok, "joinMemberHome")["errors"] == []


def test_list_query_counts_do_not_grow_with_the_page(
    alpha: GraphQLClient, world: World, many_homes: PartyOrg
) -> None:
    community = gid("PartyOrg", world.community.pk)
    for index in range(11):
        team = payload(
            alpha.execute(
                CREATE_TEAM,
                {
                    "input": {
                        "communityId": community,
                        "name": f"计数队{index}",
                        "kind": "FITNESS",
                        "foundedOn": "2020-01-01",
                    }
                },
            ),
            "createInterestTeam",
        )["team"]
        for retired in world.retired[7:9]:
            alpha.execute(
                JOIN_TEAM,
                {
                    "input": {
                        "teamId": team["id"],
                        "memberId": gid("Member", retired.pk),
                        "joinedOn": "2021-01-01",
                    }
                },
            )
        group = world.group1 if index % 2 else world.group2
        _start(
            alpha,
            world.retired[7 + index % 5].pk,
            role="CARETAKER",
            buildingGroupId=gid("PartyOrg", group.pk),
            startOn=f"20{10 + index}-01-01",
        )
    within = gid("PartyOrg", world.street.pk)

    def count(query: str, field: str, variables: dict[str, Any]) -> int:
        small = alpha.execute(query, {**variables, "n": 2})
        large = alpha.execute(query, {**variables, "n": 12})
        assert len(payload(large, field)["edges"]) > len(payload(small, field)["edges"]) == 2
        assert small.sql_queries == large.sql_queries
        return small.sql_queries

    assert count(TEAMS, "interestTeams", {"within": within, "kind": "FITNESS"}) <= 14
    assert count(ROLES, "buildingRoles", {"within": within}) <= 14
    assert count(HOMES_PAGE, "memberHomes", {"within": gid("PartyOrg", many_homes.pk)}) <= 14


@pytest.fixture(scope="module")
def many_homes(django_db_setup: Any, django_db_blocker: Any) -> PartyOrg:
    """A street of 12 communities, each with a home of two members; returns the street."""
    with django_db_blocker.unblock(), in_district("alpha"):
        root = PartyOrg.objects.get(parent__isnull=True)
        street = org_create(
            code=code("retc"), name="计数街道", kind="street_working_committee", parent=root
        )
        for index in range(12):
            community = org(f"计数社区{index}", "community_committee", street)
            home = Position.objects.create(
                community=community, kind=PositionKind.MEMBER_HOME, name=f"计数党员之家{index}"
            )
            for number in range(2):
                services.home_membership_create(
                    home=home,
                    member=member(f"计数老党员{index}-{number}", community),
                    joined_on=date(2022, 1, 1),
                )
    return street


def test_nothing_is_written_for_a_refused_mutation(alpha: GraphQLClient, world: World) -> None:
    before = payload(
        alpha.execute(HOME_MEMBERS, {"home": gid("MemberHome", world.home.pk)}), "homeMembers"
    )["totalCount"]
    refused = alpha.execute(
        JOIN_HOME,
        {
            "input": {
                "homeId": gid("MemberHome", world.home.pk),
                "memberId": gid("Member", world.in_service.pk),
                "joinedOn": date.today().isoformat(),
            }
        },
    )
    assert codes(refused, "joinMemberHome") == {("memberId", "WRONG_CATEGORY")}
    after = payload(
        alpha.execute(HOME_MEMBERS, {"home": gid("MemberHome", world.home.pk)}), "homeMembers"
    )["totalCount"]
    assert after == before

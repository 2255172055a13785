"""志愿者服务队 over HTTP: forming a team by an org or a unit, members joining and leaving without
overlaps, dissolving, the activities it served in, scope, and the query count of a page."""

from datetime import date, timedelta
from typing import Any

import pytest

from tests.activities.world import ERRORS, World, build_world_in_alpha, sign_in
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient

pytestmark = pytest.mark.usefixtures("db")

TEAM = "id name serviceArea foundedOn dissolvedOn isActive memberCount org { id } unit { id }"
MEMBER = "id role joinedOn leftOn member { name } team { name }"
CREATE = (
    "mutation($input: CreateVolunteerTeamInput!) { createVolunteerTeam(input: $input)"
    f" {{ volunteerTeam {{ {TEAM} }} {ERRORS} }} }}"
)
UPDATE = (
    "mutation($input: UpdateVolunteerTeamInput!) { updateVolunteerTeam(input: $input)"
    f" {{ volunteerTeam {{ {TEAM} }} {ERRORS} }} }}"
)
DISSOLVE = (
    "mutation($input: DissolveVolunteerTeamInput!) { dissolveVolunteerTeam(input: $input)"
    f" {{ volunteerTeam {{ {TEAM} }} {ERRORS} }} }}"
)
ADD = (
    "mutation($input: AddVolunteerTeamMemberInput!) { addVolunteerTeamMember(input: $input)"
    f" {{ volunteerTeamMembership {{ {MEMBER} }} {ERRORS} }} }}"
)
LEAVE = (
    "mutation($input: LeaveVolunteerTeamInput!) { leaveVolunteerTeam(input: $input)"
    f" {{ volunteerTeamMembership {{ {MEMBER} }} {ERRORS} }} }}"
)
ROLE = (
    "mutation($input: SetVolunteerTeamRoleInput!) { setVolunteerTeamRole(input: $input)"
    f" {{ volunteerTeamMembership {{ {MEMBER} }} {ERRORS} }} }}"
)
CREATE_ACTIVITY = (
    "mutation($input: CreateActivityInput!) { createActivity(input: $input)"
    f" {{ activity {{ id volunteerTeam {{ name }} }} {ERRORS} }} }}"
)
TEAMS = (
    "query($within: ID, $active: Boolean, $n: Int) { volunteerTeams(within: $within,"
    " active: $active, first: $n) { totalCount edges { node { name memberCount"
    " org { name } unit { name } } } } }"
)
MEMBERS = (
    "query($team: ID!, $current: Boolean) { volunteerTeamMembers(team: $team,"
    " current: $current, first: 50) { totalCount edges { node { role member { name } } } } }"
)
TEAM_ACTIVITIES = (
    "query($team: ID!) { activities(volunteerTeam: $team, first: 20) { totalCount"
    " edges { node { title serviceHours } } } }"
)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> World:
    with django_db_blocker.unblock():
        return build_world_in_alpha("服务队", date(1974, 4, 4))


@pytest.fixture(scope="module")
def users(api_url: str, world: World) -> dict[str, GraphQLClient]:
    return {label: sign_in(api_url, name) for label, name in world.usernames.items()}


def _run(client: GraphQLClient, doc: str, field: str, **fields: Any) -> dict[str, Any]:
    return dict(client.execute(doc, {"input": fields}).data[field])


def _codes(payload: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in payload["errors"]}


def _team(client: GraphQLClient, world: World, **fields: Any) -> dict[str, Any]:
    base = {"orgId": world.gid(world.communities[0]), "name": "队", "foundedOn": "2024-01-01"}
    return _run(client, CREATE, "createVolunteerTeam", **{**base, **fields})


def test_team_members_and_activities(alpha: GraphQLClient, world: World) -> None:
    created = _team(alpha, world, name=" 第一社区志愿者服务队 ", serviceArea="第一社区")
    assert created["errors"] == []
    team = created["volunteerTeam"]
    assert team["name"] == "第一社区志愿者服务队"
    assert team["org"] == {"id": world.gid(world.communities[0])}
    lead = _run(
        alpha,
        ADD,
        "addVolunteerTeamMember",
        teamId=team["id"],
        memberId=world.member("c1a"),
        joinedOn="2024-02-01",
        role="LEADER",
    )
    assert lead["errors"] == []
    assert lead["volunteerTeamMembership"]["role"] == "LEADER"
    # No overlapping periods for one member in one team.
    overlap = _run(
        alpha,
        ADD,
        "addVolunteerTeamMember",
        teamId=team["id"],
        memberId=world.member("c1a"),
        joinedOn="2024-03-01",
    )
    assert _codes(overlap) == {("memberId", "OVERLAP")}
    early = _run(
        alpha,
        ADD,
        "addVolunteerTeamMember",
        teamId=team["id"],
        memberId=world.member("c1b"),
        joinedOn="2023-12-31",
    )
    assert _codes(early) == {("joinedOn", "BEFORE_FOUNDED")}
    second = _run(
        alpha,
        ADD,
        "addVolunteerTeamMember",
        teamId=team["id"],
        memberId=world.member("c1b"),
        joinedOn="2024-02-01",
    )
    membership = second["volunteerTeamMembership"]["id"]
    left = _run(alpha, LEAVE, "leaveVolunteerTeam", id=membership, leftOn="2024-06-30")
    assert left["errors"] == []
    assert left["volunteerTeamMembership"]["leftOn"] == "2024-06-30"
    again = _run(alpha, LEAVE, "leaveVolunteerTeam", id=membership, leftOn="2024-07-01")
    assert _codes(again) == {("id", "ALREADY_LEFT")}
    # After leaving, they may join again.
    rejoin = _run(
        alpha,
        ADD,
        "addVolunteerTeamMember",
        teamId=team["id"],
        memberId=world.member("c1b"),
        joinedOn="2024-07-01",
    )
    assert rejoin["errors"] == []
    role = _run(alpha, ROLE, "setVolunteerTeamRole", id=membership, role="LEADER")
    assert _codes(role) == {("id", "ALREADY_LEFT")}
    current = alpha.execute(MEMBERS, {"team": team["id"], "current": True}).data
    assert current["volunteerTeamMembers"]["totalCount"] == 2
    everyone = alpha.execute(MEMBERS, {"team": team["id"]}).data
    assert everyone["volunteerTeamMembers"]["totalCount"] == 3

    served = _run(
        alpha,
        CREATE_ACTIVITY,
        "createActivity",
        orgId=world.gid(world.communities[0]),
        title="服务队义诊",
        occurredOn="2024-08-01",
        volunteerTeamId=team["id"],
    )
    assert served["activity"]["volunteerTeam"] == {"name": "第一社区志愿者服务队"}
    before = _run(
        alpha,
        CREATE_ACTIVITY,
        "createActivity",
        orgId=world.gid(world.communities[0]),
        title="成立前",
        occurredOn="2023-08-01",
        volunteerTeamId=team["id"],
    )
    assert _codes(before) == {("volunteerTeamId", "TEAM_INACTIVE")}
    listed = alpha.execute(TEAM_ACTIVITIES, {"team": team["id"]}).data
    assert [e["node"]["title"] for e in listed["activities"]["edges"]] == ["服务队义诊"]

    too_early = _run(
        alpha, DISSOLVE, "dissolveVolunteerTeam", id=team["id"], dissolvedOn="2024-07-15"
    )
    assert _codes(too_early) == {("dissolvedOn", "ACTIVITIES_AFTER")}
    dissolved = _run(
        alpha, DISSOLVE, "dissolveVolunteerTeam", id=team["id"], dissolvedOn="2024-12-31"
    )
    assert dissolved["errors"] == []
    assert dissolved["volunteerTeam"]["isActive"] is False
    assert dissolved["volunteerTeam"]["memberCount"] == 0  # everyone left that day
    renamed = _run(alpha, UPDATE, "updateVolunteerTeam", id=team["id"], name="新名")
    assert _codes(renamed) == {("id", "ALREADY_DISSOLVED")}


def test_formed_by_a_unit(alpha: GraphQLClient, world: World) -> None:
    created = _team(alpha, world, orgId=None, unitId=world.gid(world.unit), name="企业服务队")
    assert created["errors"] == []
    # The unit's covering Party organisation forms it.
    assert created["volunteerTeam"]["org"] == {"id": world.gid(world.unit_org)}
    assert created["volunteerTeam"]["unit"] == {"id": world.gid(world.unit)}
    bare = _team(alpha, world, orgId=None, unitId=world.gid(world.bare_unit))
    assert _codes(bare) == {("unitId", "NO_PARTY_ORG")}
    both = _team(alpha, world, unitId=world.gid(world.unit))
    assert _codes(both) == {("orgId", "ORG_XOR_UNIT")}
    future = (date.today() + timedelta(days=2)).isoformat()
    bad = _team(alpha, world, name="", foundedOn=future)
    assert _codes(bad) == {("name", "REQUIRED"), ("foundedOn", "IN_FUTURE")}


def test_scope_and_query_count(users: dict[str, GraphQLClient], world: World) -> None:
    admin, viewer, other = users["street_admin"], users["street_viewer"], users["other_admin"]
    for index in range(11):
        made = _team(admin, world, orgId=world.gid(world.communities[1]), name=f"计数队{index}")
        assert made["errors"] == []
        _run(
            admin,
            ADD,
            "addVolunteerTeamMember",
            teamId=made["volunteerTeam"]["id"],
            memberId=world.member("retired"),
            joinedOn="2024-02-01",
        )
    team_id = made["volunteerTeam"]["id"]
    within = {"within": world.gid(world.communities[1]), "active": True}
    small = admin.execute(TEAMS, {**within, "n": 2})
    large = admin.execute(TEAMS, {**within, "n": 11})
    assert large.data["volunteerTeams"]["totalCount"] == 11
    assert {e["node"]["memberCount"] for e in large.data["volunteerTeams"]["edges"]} == {1}
    assert small.sql_queries == large.sql_queries
    assert other.execute(TEAMS, within).data["volunteerTeams"]["totalCount"] == 0
    assert other.execute(MEMBERS, {"team": team_id}).data["volunteerTeamMembers"]["totalCount"] == 0
    hidden = _run(other, UPDATE, "updateVolunteerTeam", id=team_id, name="x")
    assert _codes(hidden) == {("id", "NOT_FOUND")}
    assert viewer.execute(TEAMS, within).data["volunteerTeams"]["totalCount"] == 11
    denied = _run(viewer, UPDATE, "updateVolunteerTeam", id=team_id, name="x")
    assert _codes(denied) == {("id", "FORBIDDEN")}
    outsider = _run(
        admin,
        ADD,
        "addVolunteerTeamMember",
        teamId=team_id,
        memberId=world.member("outsider"),
        joinedOn="2024-02-01",
    )
    assert _codes(outsider) == {("memberId", "NOT_FOUND")}

"""阵地 over HTTP: creating, changing and closing a community's positions, the rules, the
scope of org admins and viewers, and the query count of a page."""

from datetime import date, timedelta
from typing import Any

import pytest

from backend.audit.models import AuditEntry
from backend.positions.models import Position
from tenants.context import in_district
from tests.secondments.world import ERRORS, World, build_world_in_alpha, sign_in
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient

pytestmark = pytest.mark.usefixtures("db")

FIELDS = "id kind name areaM2 meetsStandard openedOn closedOn isOpen community { id name }"
CREATE = (
    "mutation($input: CreatePositionInput!) { createPosition(input: $input)"
    f" {{ position {{ {FIELDS} }} {ERRORS} }} }}"
)
UPDATE = (
    "mutation($input: UpdatePositionInput!) { updatePosition(input: $input)"
    f" {{ position {{ {FIELDS} }} {ERRORS} }} }}"
)
CLOSE = (
    "mutation($input: ClosePositionInput!) { closePosition(input: $input)"
    f" {{ position {{ {FIELDS} }} {ERRORS} }} }}"
)
LIST = (
    "query($within: ID, $community: ID, $kind: PositionKind, $meets: Boolean, $open: Boolean,"
    " $n: Int) { positions(within: $within, community: $community, kind: $kind,"
    " meetsStandard: $meets, isOpen: $open, first: $n) { totalCount edges { node {"
    " name kind areaM2 community { name parent { name } } } } } }"
)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> World:
    with django_db_blocker.unblock():
        return build_world_in_alpha("阵地", date(1971, 1, 1), cadres=0)


@pytest.fixture(scope="module")
def users(api_url: str, world: World) -> dict[str, GraphQLClient]:
    return {label: sign_in(api_url, name) for label, name in world.usernames.items()}


def _create(client: GraphQLClient, **fields: Any) -> dict[str, Any]:
    result = client.execute(CREATE, {"input": fields})
    return dict(result.data["createPosition"])


def _codes(payload: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in payload["errors"]}


def test_create_list_update_close(alpha: GraphQLClient, world: World) -> None:
    community = world.gid(world.communities[0])
    room = _create(
        alpha,
        communityId=community,
        kind="ACTIVITY_ROOM",
        name="第一社区党员标准活动室",
        areaM2="120.5",
        meetsStandard=True,
        openedOn="2024-03-01",
    )
    assert room["errors"] == []
    assert room["position"]["community"]["name"] == world.communities[0].name
    assert room["position"]["isOpen"] is True
    listed = alpha.execute(LIST, {"within": world.gid(world.street), "meets": True}).data
    assert [e["node"]["name"] for e in listed["positions"]["edges"]] == ["第一社区党员标准活动室"]

    updated = alpha.execute(
        UPDATE, {"input": {"id": room["position"]["id"], "areaM2": "150", "meetsStandard": False}}
    ).data["updatePosition"]
    assert updated["errors"] == []
    assert updated["position"]["areaM2"] == "150.0"
    assert updated["position"]["name"] == "第一社区党员标准活动室"  # omitted: kept

    closed = alpha.execute(
        CLOSE, {"input": {"id": room["position"]["id"], "closedOn": "2025-06-30"}}
    ).data["closePosition"]
    assert closed["errors"] == []
    assert closed["position"]["closedOn"] == "2025-06-30"
    assert closed["position"]["isOpen"] is False
    again = alpha.execute(
        CLOSE, {"input": {"id": room["position"]["id"], "closedOn": "2025-07-01"}}
    ).data["closePosition"]
    assert _codes(again) == {("id", "ALREADY_CLOSED")}
    # Closed, so the community may open a successor of the same kind.
    successor = _create(alpha, communityId=community, kind="ACTIVITY_ROOM", name="新活动室")
    assert successor["errors"] == []
    open_rooms = alpha.execute(
        LIST, {"community": community, "kind": "ACTIVITY_ROOM", "open": True}
    ).data
    assert open_rooms["positions"]["totalCount"] == 1
    with in_district("alpha"):
        pk = Position.objects.get(community=world.communities[0], closed_on__isnull=False).pk
        actions = set(
            AuditEntry.objects.filter(target_type="Position", target_id=pk).values_list(
                "action", flat=True
            )
        )
    assert {"position.create", "position.update", "position.close"} <= actions


def test_one_open_position_of_each_kind(alpha: GraphQLClient, world: World) -> None:
    community = world.gid(world.communities[1])
    first = _create(alpha, communityId=community, kind="LIAISON_STATION", name="联络站")
    assert first["errors"] == []
    second = _create(alpha, communityId=community, kind="LIAISON_STATION", name="第二联络站")
    assert _codes(second) == {("kind", "ALREADY_OPEN")}
    other_kind = _create(alpha, communityId=community, kind="MEMBER_HOME", name="党员之家")
    assert other_kind["errors"] == []


def test_rules_and_bad_input(alpha: GraphQLClient, world: World) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    bad = _create(
        alpha,
        communityId=world.gid(world.street),
        kind="ACTIVITY_ROOM",
        name="  ",
        areaM2="0",
        openedOn=tomorrow,
    )
    assert _codes(bad) == {
        ("communityId", "INVALID_ORG_KIND"),
        ("name", "REQUIRED"),
        ("areaM2", "NOT_POSITIVE"),
        ("openedOn", "IN_FUTURE"),
    }
    assert _codes(
        _create(alpha, communityId=world.gid(world.compound), kind="MEMBER_HOME", name="x")
    ) == {("communityId", "INVALID_ORG_KIND")}
    room = _create(
        alpha,
        communityId=world.gid(world.communities[2]),
        kind="ACTIVITY_ROOM",
        name="活动室",
        openedOn="2024-05-01",
    )
    closed = alpha.execute(
        CLOSE, {"input": {"id": room["position"]["id"], "closedOn": "2024-04-30"}}
    ).data["closePosition"]
    assert _codes(closed) == {("closedOn", "END_BEFORE_START")}
    future = alpha.execute(
        CLOSE, {"input": {"id": room["position"]["id"], "closedOn": tomorrow}}
    ).data["closePosition"]
    assert _codes(future) == {("closedOn", "IN_FUTURE")}
    unknown = alpha.execute(UPDATE, {"input": {"id": world.gid(world.street), "name": "x"}}).data[
        "updatePosition"
    ]
    assert _codes(unknown) == {("id", "NOT_FOUND")}


def test_scope(users: dict[str, GraphQLClient], alpha: GraphQLClient, world: World) -> None:
    community = world.gid(world.communities[2])
    created = _create(users["street_admin"], communityId=community, kind="MEMBER_HOME", name="家")
    assert created["errors"] == []
    position_id = created["position"]["id"]

    # Another street's admin: the community and the position do not exist for them.
    other = users["other_admin"]
    assert _codes(_create(other, communityId=community, kind="MEMBER_HOME", name="x")) == {
        ("communityId", "NOT_FOUND")
    }
    assert _codes(
        other.execute(UPDATE, {"input": {"id": position_id, "name": "x"}}).data["updatePosition"]
    ) == {("id", "NOT_FOUND")}
    assert other.execute(LIST, {"community": community}).data["positions"]["totalCount"] == 0

    # A viewer of the street reads, but may not write.
    viewer = users["street_viewer"]
    assert viewer.execute(LIST, {"community": community}).data["positions"]["totalCount"] >= 1
    assert _codes(
        viewer.execute(UPDATE, {"input": {"id": position_id, "name": "x"}}).data["updatePosition"]
    ) == {("id", "FORBIDDEN")}
    assert _codes(
        _create(viewer, communityId=world.gid(world.communities[1]), kind="ACTIVITY_ROOM", name="x")
    ) == {("communityId", "FORBIDDEN")}
    with in_district("alpha"):
        assert Position.objects.get(name="家").name == "家"


def test_page_query_count_is_constant(alpha: GraphQLClient, world: World) -> None:
    with in_district("alpha"):
        for index, community in enumerate([world.other_community, *world.communities]):
            Position.objects.create(
                community=community, kind="reemployment_station", name=f"计数站{index}"
            )
    variables = {"kind": "REEMPLOYMENT_STATION"}
    small = alpha.execute(LIST, {**variables, "n": 1})
    large = alpha.execute(LIST, {**variables, "n": 10})
    assert len(small.data["positions"]["edges"]) == 1
    assert len(large.data["positions"]["edges"]) >= 4
    assert small.sql_queries == large.sql_queries

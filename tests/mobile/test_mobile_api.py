"""流动党员 over HTTP: registration profiles, assignments, the lists, scope and query counts."""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from backend.members.models import Member
from backend.mobile.models import MobileAssignment, MobileMemberProfile
from tenants.context import in_district
from tests.mobile.world import ERRORS, World, add_member, build_world, gid
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient

pytestmark = pytest.mark.usefixtures("db")

REGISTER = (
    "mutation($input: RegisterMobileMemberInput!) { registerMobileMember(input: $input)"
    " { profile { id originPlace originRegionCode relationLocation trade community { id }"
    " member { id idNumber } currentAssignment { id } } " + ERRORS + " } }"
)
UPDATE = (
    "mutation($input: UpdateMobileMemberInput!) { updateMobileMember(input: $input)"
    " { profile { id originPlace relationOrgName relationPlace } " + ERRORS + " } }"
)
ASSIGN = (
    "mutation($input: AssignMobileMemberInput!) { assignMobileMember(input: $input)"
    " { assignment { id org { id } startDate endDate current } " + ERRORS + " } }"
)
END = (
    "mutation($input: EndMobileAssignmentInput!) { endMobileAssignment(input: $input)"
    " { assignment { id endDate endReason current } " + ERRORS + " } }"
)
LIST = (
    "query($within: ID, $assigned: Boolean, $origin: String, $trade: MobileTrade, $n: Int)"
    " { mobileMembers(within: $within, assigned: $assigned, origin: $origin, trade: $trade,"
    " first: $n) { totalCount edges { node { id originPlace member { name idNumber }"
    " community { name } currentAssignment { org { name } startDate }"
    " assignments { org { name } startDate endDate } } } } }"
)
WITHOUT_GROUP = (
    "query($within: ID) { mobileMembersWithoutGroup(within: $within, first: 100)"
    " { totalCount edges { node { id } } } }"
)
TODAY = date.today()


@pytest.fixture(scope="module")
def world(django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), in_district("alpha"):
        yield build_world()


def _register(client: GraphQLClient, world: World, member: str, **overrides: Any) -> dict[str, Any]:
    values = {
        "memberId": world.member(member),
        "communityId": world.org("community"),
        "registeredOn": "2025-03-01",
        "originPlace": "安徽省阜阳市",
        "originRegionCode": "341200",
        "relationLocation": "IN_DISTRICT",
        "trade": "CONSTRUCTION",
        "occupation": "钢筋工",
        **overrides,
    }
    return client.execute(REGISTER, {"input": values}).data["registerMobileMember"]


def _assign(
    client: GraphQLClient, profile: str, org: str, start: str = "2025-04-01"
) -> dict[str, Any]:
    variables = {"input": {"profileId": profile, "orgId": org, "startDate": start}}
    return client.execute(ASSIGN, variables).data["assignMobileMember"]


def _codes(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


def test_register_assign_end_and_lists(alpha: GraphQLClient, world: World) -> None:
    registered = _register(alpha, world, "m1")
    assert registered["errors"] == []
    profile = registered["profile"]
    assert profile["originRegionCode"] == "341200"
    assert profile["member"]["idNumber"].count("*") == 11  # masked
    assert profile["currentAssignment"] is None
    without = alpha.execute(WITHOUT_GROUP, {"within": world.org("street")}).data
    assert profile["id"] in {e["node"]["id"] for e in without["mobileMembersWithoutGroup"]["edges"]}

    assigned = _assign(alpha, profile["id"], world.org("group"))
    assert assigned["errors"] == []
    assert assigned["assignment"]["current"] is True
    without = alpha.execute(WITHOUT_GROUP, {"within": world.org("street")}).data
    assert profile["id"] not in {
        e["node"]["id"] for e in without["mobileMembersWithoutGroup"]["edges"]
    }
    listed = alpha.execute(
        LIST, {"within": world.org("community"), "assigned": True, "origin": "3412"}
    ).data["mobileMembers"]
    nodes = {e["node"]["id"]: e["node"] for e in listed["edges"]}
    assert nodes[profile["id"]]["currentAssignment"]["org"]["name"] == world.orgs["group"].name

    # Overlap: a second open assignment, or one starting inside the current one.
    assert _codes(_assign(alpha, profile["id"], world.org("group2"), "2025-06-01")) == [
        ("startDate", "OVERLAP")
    ]
    ended = alpha.execute(
        END,
        {
            "input": {
                "id": assigned["assignment"]["id"],
                "endDate": "2025-09-01",
                "reason": "REASSIGNED",
            }
        },
    ).data["endMobileAssignment"]
    assert ended["errors"] == []
    assert ended["assignment"]["endReason"] == "REASSIGNED"
    assert ended["assignment"]["current"] is False
    # A period starting inside the ended one still overlaps; from its end day it does not.
    assert _codes(_assign(alpha, profile["id"], world.org("temp"), "2025-08-31")) == [
        ("startDate", "OVERLAP")
    ]
    again = _assign(alpha, profile["id"], world.org("temp"), "2025-09-01")
    assert again["errors"] == []
    listed = alpha.execute(LIST, {"within": world.org("community"), "trade": "CONSTRUCTION"}).data
    node = next(
        e["node"] for e in listed["mobileMembers"]["edges"] if e["node"]["id"] == profile["id"]
    )
    assert [a["startDate"] for a in node["assignments"]] == ["2025-09-01", "2025-04-01"]


def test_bad_input_is_typed(alpha: GraphQLClient, world: World) -> None:
    assert _codes(_register(alpha, world, "worker")) == [("memberId", "WRONG_CATEGORY")]
    assert _codes(_register(alpha, world, "m2", communityId=world.org("compound"))) == [
        ("communityId", "INVALID_ORG_KIND")
    ]
    assert _codes(
        _register(
            alpha,
            world,
            "m2",
            originRegionCode="12345",
            relationLocation="OUTSIDE",
            registeredOn=(TODAY + timedelta(days=3)).isoformat(),
            originPlace=" ",
        )
    ) == [
        ("originPlace", "REQUIRED"),
        ("originRegionCode", "INVALID"),
        ("relationOrgName", "REQUIRED"),
        ("relationPlace", "REQUIRED"),
        ("registeredOn", "IN_FUTURE"),
    ]
    profile = _register(alpha, world, "m2")["profile"]["id"]
    assert _codes(_register(alpha, world, "m2")) == [("memberId", "ALREADY_REGISTERED")]
    outside = alpha.execute(
        UPDATE,
        {
            "input": {
                "id": profile,
                "relationLocation": "OUTSIDE",
                "relationOrgName": "阜阳市某村党支部",
                "relationPlace": "安徽阜阳",
            }
        },
    ).data["updateMobileMember"]
    assert outside["errors"] == []
    assert outside["profile"]["relationPlace"] == "安徽阜阳"

    assert _codes(_assign(alpha, profile, world.org("compound"))) == [("orgId", "INVALID_ORG_KIND")]
    # A temporary branch that closed at the end of 2024, and one not yet established.
    assert _codes(_assign(alpha, profile, world.org("old_temp"), "2025-03-01")) == [
        ("orgId", "BRANCH_CLOSED")
    ]
    assert _codes(_assign(alpha, profile, world.org("temp"), "2025-03-01")) == []
    with in_district("alpha"):
        assignment = MobileAssignment.objects.get(profile__member=world.members["m2"])
    bad_end = alpha.execute(
        END,
        {
            "input": {
                "id": gid("MobileAssignment", assignment.pk),
                "endDate": "2025-02-01",
                "reason": "COMPLETED",
            }
        },
    ).data["endMobileAssignment"]
    assert _codes(bad_end) == [("endDate", "END_BEFORE_START")]
    future = alpha.execute(
        ASSIGN,
        {
            "input": {
                "profileId": profile,
                "orgId": world.org("group"),
                "startDate": (TODAY + timedelta(days=5)).isoformat(),
            }
        },
    ).data["assignMobileMember"]
    assert ("startDate", "IN_FUTURE") in _codes(future)
    # Unknown community: a foreign (beta) global ID reads as not found.
    foreign = _register(alpha, world, "m3", communityId=gid("PartyOrg", 10**9))
    assert _codes(foreign) == [("communityId", "NOT_FOUND")]


def test_scope(api_url: str, alpha: GraphQLClient, world: World) -> None:
    profile = _register(alpha, world, "m4", registeredOn="2025-05-01")["profile"]["id"]
    other = world.client(api_url, "other_admin")
    viewer = world.client(api_url, "viewer")
    street_admin = world.client(api_url, "street_admin")
    # Another street's admin sees nothing and cannot name our rows.
    listed = other.execute(LIST, {"within": None}).data["mobileMembers"]
    assert profile not in {e["node"]["id"] for e in listed["edges"]}
    assert _codes(_assign(other, profile, world.org("group"))) == [("profileId", "NOT_FOUND")]
    assert _codes(_register(other, world, "m5")) == [("memberId", "NOT_FOUND")]
    node = other.execute(f'{{ node(id: "{profile}") {{ id }} }}').data["node"]
    assert node is None
    # A viewer reads but may not write.
    listed = viewer.execute(LIST, {"within": world.org("street")}).data["mobileMembers"]
    assert profile in {e["node"]["id"] for e in listed["edges"]}
    assert _codes(_assign(viewer, profile, world.org("group"))) == [("profileId", "FORBIDDEN")]
    # The street's admin writes.
    assert _assign(street_admin, profile, world.org("group"), "2025-05-02")["errors"] == []


def test_list_query_count_is_constant(alpha: GraphQLClient, world: World) -> None:
    with in_district("alpha"):
        for index in range(12):
            member = add_member(world, f"qc{index}", "mobile", "compound")
            profile = MobileMemberProfile.objects.create(
                member=member,
                origin_place="河南省信阳市",
                relation_location="in_district",
                trade="services",
                community=world.orgs["community2"],
                registered_on=date(2025, 1, 1),
            )
            MobileAssignment.objects.create(
                profile=profile, org=world.orgs["outside_group"], start_date=date(2025, 2, 1)
            )
    counts = []
    for n in (2, 12):
        result = alpha.execute(LIST, {"within": world.org("community2"), "n": n})
        assert len(result.data["mobileMembers"]["edges"]) == n
        counts.append(result.sql_queries)
    assert counts[0] == counts[1], counts


def test_deleting_a_member_takes_their_profile(alpha: GraphQLClient, world: World) -> None:
    with in_district("alpha"):
        member = add_member(world, "leaver", "mobile", "compound")
    profile = _register(alpha, world, "leaver")["profile"]["id"]
    assert _assign(alpha, profile, world.org("group2"))["errors"] == []
    with in_district("alpha"):
        Member.objects.filter(pk=member.pk).delete()
        assert not MobileMemberProfile.objects.filter(member_id=member.pk).exists()
        assert not MobileAssignment.objects.filter(profile__member_id=member.pk).exists()


def test_member_outside_scope_is_null_and_assignment_list_count(
    api_url: str, alpha: GraphQLClient, world: World
) -> None:
    with in_district("alpha"):
        far = add_member(world, "far", "mobile", "other_community")
    profile = _register(alpha, world, "far")["profile"]
    assert profile["member"]["id"] == gid("Member", far.pk)
    viewer = world.client(api_url, "viewer")
    listed = viewer.execute(LIST, {"within": world.org("community")}).data["mobileMembers"]
    node = next(e["node"] for e in listed["edges"] if e["node"]["id"] == profile["id"])
    assert node["member"] is None
    query = (
        "query($org: ID, $n: Int) { mobileAssignments(org: $org, first: $n) { totalCount edges"
        " { node { id startDate current org { name } profile { originPlace member { name } } } } } }"
    )
    counts = []
    for n in (2, 12):
        result = alpha.execute(query, {"org": world.org("outside_group"), "n": n})
        assert len(result.data["mobileAssignments"]["edges"]) == n
        counts.append(result.sql_queries)
    assert counts[0] == counts[1], counts

"""三会一站 over HTTP: councils, joining and leaving, meetings with resolutions and follow-ups,
overdue follow-ups, the rules and bad input, the scope of org admins and viewers, and the query
count of a page."""

from datetime import date, timedelta
from typing import Any

import pytest

from backend.councils.models import (
    Council,
    CouncilFollowUp,
    CouncilMeeting,
    CouncilMembership,
    CouncilResolution,
)
from backend.orgs.models import PartyOrg
from tenants.context import in_district
from tests.councils.world import ERRORS, World, build_world_in_alpha, sign_in
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient

pytestmark = pytest.mark.usefixtures("db")

COUNCIL = "id kind name isActive establishedOn dissolvedOn hostOrg { id name }"
MEMBERSHIP = "id role joinedOn leftOn isCurrent org { id name } unit { id name }"
MEETING = (
    "id heldOn topic place council { id name }"
    " attendees { personName personTitle membership { org { name } unit { name } } }"
    " resolutions { position text }"
    " followUps { id position title ownerPerson dueOn status doneOn isOverdue"
    " ownerOrg { name } ownerUnit { name } }"
)
FOLLOW_UP = "id title status doneOn note dueOn isOverdue meeting { council { name } }"
CREATE = (
    "mutation($input: CreateCouncilInput!) { createCouncil(input: $input)"
    f" {{ council {{ {COUNCIL} }} {ERRORS} }} }}"
)
UPDATE = (
    "mutation($input: UpdateCouncilInput!) { updateCouncil(input: $input)"
    f" {{ council {{ {COUNCIL} position {{ name }} }} {ERRORS} }} }}"
)
DISSOLVE = (
    "mutation($input: DissolveCouncilInput!) { dissolveCouncil(input: $input)"
    f" {{ council {{ {COUNCIL} memberships {{ {MEMBERSHIP} }} }} {ERRORS} }} }}"
)
JOIN = (
    "mutation($input: JoinCouncilInput!) { joinCouncil(input: $input)"
    f" {{ membership {{ {MEMBERSHIP} }} {ERRORS} }} }}"
)
LEAVE = (
    "mutation($input: LeaveCouncilInput!) { leaveCouncil(input: $input)"
    f" {{ membership {{ {MEMBERSHIP} }} {ERRORS} }} }}"
)
RECORD = (
    "mutation($input: RecordCouncilMeetingInput!) { recordCouncilMeeting(input: $input)"
    f" {{ meeting {{ {MEETING} }} {ERRORS} }} }}"
)
UPDATE_FOLLOW_UP = (
    "mutation($input: UpdateCouncilFollowUpInput!) { updateCouncilFollowUp(input: $input)"
    f" {{ followUp {{ {FOLLOW_UP} }} {ERRORS} }} }}"
)
COUNCILS = (
    "query($within: ID, $kind: CouncilKind, $active: Boolean, $current: Boolean, $n: Int) {"
    " councils(within: $within, kind: $kind, active: $active, first: $n) { totalCount"
    f" edges {{ node {{ {COUNCIL} memberships(current: $current) {{ {MEMBERSHIP} }} }} }} }} }}"
)
ONE = f"query($id: ID!) {{ council(id: $id) {{ {COUNCIL} memberships {{ {MEMBERSHIP} }} }} }}"
MEETINGS = (
    "query($council: ID, $within: ID, $from: Date, $to: Date, $n: Int) {"
    " councilMeetings(councilId: $council, within: $within, heldFrom: $from, heldTo: $to,"
    f" first: $n) {{ totalCount edges {{ node {{ {MEETING} }} }} }} }}"
)
FOLLOW_UPS = (
    "query($council: ID, $within: ID, $status: CouncilFollowUpStatus) {"
    " councilFollowUps(councilId: $council, within: $within, status: $status, first: 100)"
    f" {{ totalCount edges {{ node {{ {FOLLOW_UP} }} }} }} }}"
)
OVERDUE = (
    "query($within: ID, $asOf: Date) { overdueCouncilFollowUps(within: $within, asOf: $asOf,"
    f" first: 100) {{ totalCount edges {{ node {{ {FOLLOW_UP} }} }} }} }}"
)
FOLLOW_UPS_PAGE = (
    "query($within: ID, $n: Int) { overdueCouncilFollowUps(within: $within, first: $n)"
    f" {{ edges {{ node {{ {FOLLOW_UP} ownerOrg {{ name }} ownerUnit {{ name }} }} }} }} }}"
)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> World:
    with django_db_blocker.unblock():
        return build_world_in_alpha("联席")


@pytest.fixture(scope="module")
def users(api_url: str, world: World) -> dict[str, GraphQLClient]:
    return {label: sign_in(api_url, name) for label, name in world.usernames.items()}


def _call(client: GraphQLClient, document: str, root: str, /, **fields: Any) -> dict[str, Any]:
    result = client.execute(document, {"input": fields})
    return dict(result.data[root])


def _codes(payload: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in payload["errors"]}


def _council(client: GraphQLClient, host: str, **fields: Any) -> dict[str, Any]:
    fields = {"kind": "COMMUNITY_JOINT_MEETING", "name": "联席会", "hostOrgId": host, **fields}
    payload = _call(client, CREATE, "createCouncil", **fields)
    assert payload["errors"] == [], payload
    return dict(payload["council"])


def _join(client: GraphQLClient, council: str, **fields: Any) -> dict[str, Any]:
    return _call(client, JOIN, "joinCouncil", councilId=council, **fields)


def test_council_lifecycle(alpha: GraphQLClient, world: World) -> None:
    community = world.gid(world.communities[0])
    council = _council(alpha, community, name="第一社区党建工作联席会", establishedOn="2025-01-01")
    assert council["hostOrg"]["name"] == world.communities[0].name
    assert council["isActive"] is True
    org = _join(
        alpha,
        council["id"],
        orgId=world.gid(world.compound),
        joinedOn="2025-01-10",
        role="DIRECTOR",
    )
    unit = _join(alpha, council["id"], unitId=world.gid(world.unit), joinedOn="2025-02-01")
    assert org["errors"] == []
    assert unit["errors"] == []
    assert org["membership"]["role"] == "DIRECTOR"
    assert unit["membership"]["unit"]["name"] == world.unit.name

    left = _call(alpha, LEAVE, "leaveCouncil", id=unit["membership"]["id"], leftOn="2025-06-01")
    assert left["errors"] == []
    assert left["membership"]["isCurrent"] is False
    # The unit may join again from the day it left: [joined, left) periods do not overlap.
    again = _join(alpha, council["id"], unitId=world.gid(world.unit), joinedOn="2025-06-01")
    assert again["errors"] == []

    listed = alpha.execute(
        COUNCILS,
        {"within": world.gid(world.street), "kind": "COMMUNITY_JOINT_MEETING", "current": True},
    ).data["councils"]
    node = next(e["node"] for e in listed["edges"] if e["node"]["id"] == council["id"])
    assert len(node["memberships"]) == 2
    every = alpha.execute(ONE, {"id": council["id"]}).data["council"]["memberships"]
    assert [m["joinedOn"] for m in every] == ["2025-01-10", "2025-02-01", "2025-06-01"]

    renamed = _call(alpha, UPDATE, "updateCouncil", id=council["id"], name="第一社区联席会")
    assert renamed["errors"] == []
    assert renamed["council"]["name"] == "第一社区联席会"
    late = _call(alpha, UPDATE, "updateCouncil", id=council["id"], establishedOn="2025-03-01")
    assert _codes(late) == {("establishedOn", "AFTER_RECORDS")}

    dissolved = _call(
        alpha, DISSOLVE, "dissolveCouncil", id=council["id"], dissolvedOn="2025-12-31"
    )
    assert dissolved["errors"] == []
    assert dissolved["council"]["isActive"] is False
    assert {m["leftOn"] for m in dissolved["council"]["memberships"]} == {
        "2025-06-01",
        "2025-12-31",
    }
    twice = _call(alpha, DISSOLVE, "dissolveCouncil", id=council["id"], dissolvedOn="2025-12-31")
    assert _codes(twice) == {("id", "DISSOLVED")}
    late_join = _join(alpha, council["id"], orgId=world.gid(world.unit_org), joinedOn="2025-03-01")
    assert _codes(late_join) == {("councilId", "DISSOLVED")}
    inactive = alpha.execute(
        COUNCILS, {"within": world.gid(world.communities[0]), "active": False}
    ).data["councils"]
    assert [e["node"]["id"] for e in inactive["edges"]] == [council["id"]]


def test_council_rules_and_bad_input(alpha: GraphQLClient, world: World) -> None:
    street, community = world.gid(world.street), world.gid(world.communities[1])

    def codes(**fields: Any) -> set[tuple[str, str]]:
        return _codes(_call(alpha, CREATE, "createCouncil", **fields))

    assert codes(kind="STREET_COORDINATION_COMMITTEE", name="x", hostOrgId=community) == {
        ("hostOrgId", "INVALID_ORG_KIND")
    }
    assert codes(kind="COMMUNITY_JOINT_MEETING", name="x", hostOrgId=street) == {
        ("hostOrgId", "INVALID_ORG_KIND")
    }
    assert codes(kind="DISTRICT_GUIDANCE_COMMITTEE", name="x", hostOrgId=street) == {
        ("hostOrgId", "INVALID_ORG_KIND")
    }
    assert codes(kind="RESEARCH_SOCIETY_BRANCH", name="x", hostOrgId=street) == {
        ("parentId", "REQUIRED")
    }
    coordination = _council(alpha, street, kind="STREET_COORDINATION_COMMITTEE", name="协调委员会")
    assert codes(
        kind="RESEARCH_SOCIETY_BRANCH", name="x", hostOrgId=street, parentId=coordination["id"]
    ) == {("parentId", "INVALID_PARENT")}
    assert codes(
        kind="LIAISON_STATION", name="x", hostOrgId=community, parentId=coordination["id"]
    ) == {("parentId", "PARENT_NOT_ALLOWED")}
    assert codes(kind="STREET_COORDINATION_COMMITTEE", name="again", hostOrgId=street) == {
        ("kind", "ALREADY_EXISTS")
    }
    future = (date.today() + timedelta(days=3)).isoformat()
    assert codes(kind="LIAISON_STATION", name=" ", hostOrgId=community, establishedOn=future) == {
        ("name", "REQUIRED"),
        ("establishedOn", "IN_FUTURE"),
    }
    assert codes(kind="LIAISON_STATION", name="x", hostOrgId=world.gid(world.unit)) == {
        ("hostOrgId", "NOT_FOUND")
    }


def test_liaison_station_position(alpha: GraphQLClient, world: World) -> None:
    community = world.gid(world.communities[1])
    room = alpha.execute(
        "mutation($input: CreatePositionInput!) { createPosition(input: $input)"
        " { position { id } errors { code } } }",
        {"input": {"communityId": community, "kind": "LIAISON_STATION", "name": "联络站阵地"}},
    ).data["createPosition"]["position"]
    other = alpha.execute(
        "mutation($input: CreatePositionInput!) { createPosition(input: $input)"
        " { position { id } errors { code } } }",
        {
            "input": {
                "communityId": world.gid(world.other_community),
                "kind": "LIAISON_STATION",
                "name": "别处联络站",
            }
        },
    ).data["createPosition"]["position"]
    wrong = _call(
        alpha,
        CREATE,
        "createCouncil",
        kind="LIAISON_STATION",
        name="联络站",
        hostOrgId=community,
        positionId=other["id"],
    )
    assert _codes(wrong) == {("positionId", "INVALID_POSITION")}
    station = _council(alpha, community, kind="LIAISON_STATION", name="在职党员联络站")
    linked = _call(alpha, UPDATE, "updateCouncil", id=station["id"], positionId=room["id"])
    assert linked["errors"] == []
    assert linked["council"]["position"]["name"] == "联络站阵地"


def test_membership_rules(alpha: GraphQLClient, world: World) -> None:
    council = _council(
        alpha, world.gid(world.other_community), name="另一联席会", establishedOn="2024-01-01"
    )
    org, unit = world.gid(world.unit_org), world.gid(world.organ)
    first = _join(alpha, council["id"], orgId=org, joinedOn="2024-02-01")
    assert first["errors"] == []
    assert _codes(_join(alpha, council["id"], orgId=org, joinedOn="2024-05-01")) == {
        ("orgId", "OVERLAP")
    }
    assert _codes(_join(alpha, council["id"], orgId=org, unitId=unit, joinedOn="2024-05-01")) == {
        ("orgId", "ORG_XOR_UNIT")
    }
    assert _codes(_join(alpha, council["id"], joinedOn="2024-05-01")) == {("orgId", "ORG_XOR_UNIT")}
    assert _codes(_join(alpha, council["id"], unitId=unit, joinedOn="2023-05-01")) == {
        ("joinedOn", "BEFORE_ESTABLISHED")
    }
    future = (date.today() + timedelta(days=1)).isoformat()
    assert _codes(_join(alpha, council["id"], unitId=unit, joinedOn=future)) == {
        ("joinedOn", "IN_FUTURE")
    }
    membership = first["membership"]["id"]
    assert _codes(_call(alpha, LEAVE, "leaveCouncil", id=membership, leftOn="2024-01-15")) == {
        ("leftOn", "END_BEFORE_START")
    }
    assert _call(alpha, LEAVE, "leaveCouncil", id=membership, leftOn="2024-03-01")["errors"] == []
    assert _codes(_call(alpha, LEAVE, "leaveCouncil", id=membership, leftOn="2024-04-01")) == {
        ("id", "ALREADY_LEFT")
    }
    # Rejoining before it left overlaps the old period.
    assert _codes(_join(alpha, council["id"], orgId=org, joinedOn="2024-02-15")) == {
        ("orgId", "OVERLAP")
    }
    assert _join(alpha, council["id"], orgId=org, joinedOn="2024-03-01")["errors"] == []


def _meeting_council(alpha: GraphQLClient, world: World, name: str, host: str) -> dict[str, Any]:
    council = _council(alpha, host, kind="LIAISON_STATION", name=name, establishedOn="2024-01-01")
    for fields in ({"orgId": world.gid(world.compound)}, {"unitId": world.gid(world.unit)}):
        assert _join(alpha, council["id"], joinedOn="2024-01-05", **fields)["errors"] == []
    return council


def test_record_meeting_and_follow_ups(alpha: GraphQLClient, world: World) -> None:
    council = _meeting_council(alpha, world, "会议联络站", world.gid(world.communities[2]))
    due = (date.today() - timedelta(days=10)).isoformat()
    later = (date.today() + timedelta(days=30)).isoformat()
    recorded = _call(
        alpha,
        RECORD,
        "recordCouncilMeeting",
        councilId=council["id"],
        heldOn="2024-06-01",
        topic="二季度联席会议",
        place="社区服务中心",
        attendingOrgIds=[world.gid(world.compound)],
        attendingUnitIds=[world.gid(world.unit)],
        persons=[{"name": "王主任", "title": "社区党委书记"}],
        resolutions=["完善报到制度", "开展志愿服务", "修缮活动室"],
        followUps=[
            {
                "title": "修缮活动室",
                "dueOn": due,
                "ownerUnitId": world.gid(world.unit),
                "ownerPerson": "李经理",
            },
            {
                "title": "整理报到名册",
                "dueOn": later,
                "ownerOrgId": world.gid(world.communities[2]),
            },
        ],
    )
    assert recorded["errors"] == [], recorded
    meeting = recorded["meeting"]
    assert [r["text"] for r in meeting["resolutions"]] == [
        "完善报到制度",
        "开展志愿服务",
        "修缮活动室",
    ]
    assert [r["position"] for r in meeting["resolutions"]] == [1, 2, 3]
    assert [a["personName"] for a in meeting["attendees"]] == ["", "", "王主任"]
    assert meeting["attendees"][1]["membership"]["unit"]["name"] == world.unit.name
    overdue_item, open_item = meeting["followUps"]
    assert overdue_item["isOverdue"] is True
    assert open_item["isOverdue"] is False
    assert overdue_item["ownerUnit"]["name"] == world.unit.name

    overdue = alpha.execute(OVERDUE, {"within": world.gid(world.communities[2])}).data
    assert [e["node"]["id"] for e in overdue["overdueCouncilFollowUps"]["edges"]] == [
        overdue_item["id"]
    ]
    # As of a later day, the second item is overdue too.
    as_of = (date.today() + timedelta(days=60)).isoformat()
    both = alpha.execute(OVERDUE, {"within": world.gid(world.communities[2]), "asOf": as_of})
    assert both.data["overdueCouncilFollowUps"]["totalCount"] == 2

    def update(**fields: Any) -> dict[str, Any]:
        return _call(
            alpha, UPDATE_FOLLOW_UP, "updateCouncilFollowUp", id=overdue_item["id"], **fields
        )

    assert _codes(update(status="DONE")) == {("doneOn", "REQUIRED")}
    assert _codes(update(status="DONE", doneOn="2024-05-01")) == {("doneOn", "END_BEFORE_START")}
    assert _codes(update(status="CANCELLED", doneOn="2024-07-01")) == {("doneOn", "NOT_DONE")}
    done = update(status="DONE", doneOn="2024-07-01", note="已修缮")
    assert done["errors"] == []
    assert done["followUp"]["status"] == "DONE"
    assert done["followUp"]["isOverdue"] is False
    assert done["followUp"]["note"] == "已修缮"
    none_overdue = alpha.execute(OVERDUE, {"within": world.gid(world.communities[2])}).data
    assert none_overdue["overdueCouncilFollowUps"]["totalCount"] == 0
    reopened = update(status="OPEN")
    assert reopened["errors"] == []
    assert reopened["followUp"]["doneOn"] is None
    assert reopened["followUp"]["note"] == "已修缮"

    listed = alpha.execute(MEETINGS, {"council": council["id"], "from": "2024-01-01"}).data
    assert [e["node"]["topic"] for e in listed["councilMeetings"]["edges"]] == ["二季度联席会议"]
    assert (
        alpha.execute(MEETINGS, {"council": council["id"], "to": "2024-05-31"}).data[
            "councilMeetings"
        ]["totalCount"]
        == 0
    )
    open_ones = alpha.execute(FOLLOW_UPS, {"council": council["id"], "status": "OPEN"}).data
    assert open_ones["councilFollowUps"]["totalCount"] == 2


def test_meeting_rules_are_all_or_nothing(alpha: GraphQLClient, world: World) -> None:
    council = _meeting_council(alpha, world, "规则联络站", world.gid(world.communities[3]))

    def record(**fields: Any) -> set[tuple[str, str]]:
        base = {"councilId": council["id"], "heldOn": "2024-06-01", "topic": "会议"}
        return _codes(_call(alpha, RECORD, "recordCouncilMeeting", **{**base, **fields}))

    with in_district("alpha"):
        before = (
            CouncilMeeting.objects.count(),
            CouncilResolution.objects.count(),
            CouncilFollowUp.objects.count(),
        )
    # One bad follow-up among good parts: nothing at all is written.
    assert record(
        resolutions=["一", "二"],
        attendingOrgIds=[world.gid(world.compound)],
        followUps=[
            {"title": "好事项", "dueOn": "2024-07-01", "ownerOrgId": world.gid(world.compound)},
            {"title": "坏事项", "dueOn": "2024-05-01", "ownerOrgId": world.gid(world.compound)},
        ],
    ) == {("followUps.1.dueOn", "END_BEFORE_START")}
    assert record(
        attendingOrgIds=[
            world.gid(world.unit_org),
            world.gid(world.compound),
            world.gid(world.compound),
        ],
    ) == {("attendingOrgIds.0", "NOT_A_MEMBER"), ("attendingOrgIds.2", "DUPLICATE")}
    # Before it joined, the unit was no member.
    assert record(heldOn="2024-01-02", attendingUnitIds=[world.gid(world.unit)]) == {
        ("attendingUnitIds.0", "NOT_A_MEMBER")
    }
    assert record(
        followUps=[
            {"title": "x", "dueOn": "2024-07-01", "ownerOrgId": world.gid(world.organ_org)},
            {"title": "", "dueOn": "2024-07-01"},
        ],
    ) == {
        ("followUps.0.ownerOrgId", "NOT_A_MEMBER"),
        ("followUps.1.title", "REQUIRED"),
        ("followUps.1.ownerOrgId", "ORG_XOR_UNIT"),
    }
    future = (date.today() + timedelta(days=2)).isoformat()
    assert record(heldOn=future, topic=" ", resolutions=[""], persons=[{"name": ""}]) == {
        ("heldOn", "IN_FUTURE"),
        ("topic", "REQUIRED"),
        ("resolutions.0", "REQUIRED"),
        ("persons.0.name", "REQUIRED"),
    }
    assert record(heldOn="2023-12-01") == {("heldOn", "BEFORE_ESTABLISHED")}
    with in_district("alpha"):
        after = (
            CouncilMeeting.objects.count(),
            CouncilResolution.objects.count(),
            CouncilFollowUp.objects.count(),
        )
    assert after == before
    # A member that attended cannot have left before that meeting.
    assert record(attendingOrgIds=[world.gid(world.compound)]) == set()
    with in_district("alpha"):
        membership = CouncilMembership.objects.get(council__name="规则联络站", org=world.compound)
    left = _call(alpha, LEAVE, "leaveCouncil", id=world.gid(membership), leftOn="2024-05-01")
    assert _codes(left) == {("leftOn", "BEFORE_RECORDS")}


def test_scope(users: dict[str, GraphQLClient], alpha: GraphQLClient, world: World) -> None:
    community = world.gid(world.communities[4])
    admin = users["street_admin"]
    council = _council(admin, community, kind="COMMUNITY_JOINT_MEETING", name="范围联席会")
    assert (
        _join(admin, council["id"], orgId=world.gid(world.compound), joinedOn="2024-01-01")[
            "errors"
        ]
        == []
    )
    # A district organ's unit is outside the street: the street admin cannot name it.
    assert _codes(
        _join(admin, council["id"], unitId=world.gid(world.organ), joinedOn="2024-01-01")
    ) == {("unitId", "NOT_FOUND")}
    # ...but the district admin can, and the street admin then sees the membership without it.
    organ = _join(alpha, council["id"], orgId=world.gid(world.organ_org), joinedOn="2024-01-01")
    assert organ["errors"] == []
    seen = admin.execute(ONE, {"id": council["id"]}).data["council"]
    assert [m["org"] for m in seen["memberships"]][1] is None
    assert _codes(
        _call(
            admin,
            CREATE,
            "createCouncil",
            kind="RESEARCH_SOCIETY",
            name="研究会",
            hostOrgId=world.gid(world.other_street),
        )
    ) == {("hostOrgId", "NOT_FOUND")}

    other = users["other_admin"]
    assert other.execute(ONE, {"id": council["id"]}).data["council"] is None
    assert (
        other.execute(COUNCILS, {"within": world.gid(world.street)}).data["councils"]["totalCount"]
        == 0
    )
    assert (
        other.execute(MEETINGS, {"council": council["id"]}).data["councilMeetings"]["totalCount"]
        == 0
    )
    assert _codes(
        _join(other, council["id"], orgId=world.gid(world.other_community), joinedOn="2024-01-01")
    ) == {("councilId", "NOT_FOUND")}
    assert _codes(
        _call(
            other,
            RECORD,
            "recordCouncilMeeting",
            councilId=council["id"],
            heldOn="2024-06-01",
            topic="x",
        )
    ) == {("councilId", "NOT_FOUND")}
    assert _codes(
        _call(other, DISSOLVE, "dissolveCouncil", id=council["id"], dissolvedOn="2024-06-01")
    ) == {("id", "NOT_FOUND")}

    viewer = users["street_viewer"]
    assert viewer.execute(ONE, {"id": council["id"]}).data["council"]["name"] == "范围联席会"
    assert _codes(
        _call(
            viewer, CREATE, "createCouncil", kind="LIAISON_STATION", name="x", hostOrgId=community
        )
    ) == {("hostOrgId", "FORBIDDEN")}
    assert _codes(
        _join(viewer, council["id"], unitId=world.gid(world.unit), joinedOn="2024-01-01")
    ) == {("councilId", "FORBIDDEN")}
    assert _codes(_call(viewer, UPDATE, "updateCouncil", id=council["id"], name="y")) == {
        ("id", "FORBIDDEN")
    }
    recorded = _call(
        admin,
        RECORD,
        "recordCouncilMeeting",
        councilId=council["id"],
        heldOn="2024-06-01",
        topic="范围会议",
        followUps=[
            {"title": "事项", "dueOn": "2024-06-10", "ownerOrgId": world.gid(world.compound)}
        ],
    )
    assert recorded["errors"] == []
    item = recorded["meeting"]["followUps"][0]["id"]
    assert _codes(
        _call(viewer, UPDATE_FOLLOW_UP, "updateCouncilFollowUp", id=item, status="CANCELLED")
    ) == {("id", "FORBIDDEN")}
    assert _codes(
        _call(other, UPDATE_FOLLOW_UP, "updateCouncilFollowUp", id=item, status="CANCELLED")
    ) == {("id", "NOT_FOUND")}
    assert other.execute(OVERDUE, {}).data["overdueCouncilFollowUps"]["totalCount"] == 0
    mine = viewer.execute(OVERDUE, {}).data["overdueCouncilFollowUps"]
    assert item in [e["node"]["id"] for e in mine["edges"]]
    membership = recorded["meeting"]["council"]["id"]
    assert membership == council["id"]


def test_page_query_count_is_constant(alpha: GraphQLClient, world: World) -> None:
    with in_district("alpha"):
        hosts = [*world.communities[:2], world.other_community, world.communities[5]]
        for index in range(4):
            council = Council.objects.create(
                kind="community_joint_meeting" if index < 3 else "liaison_station",
                name=f"计数联席会{index}",
                host_org=hosts[index],
                dissolved_on=date(2024, 1, 1) if index < 3 else None,
            )
            CouncilMembership.objects.create(
                council=council,
                org=world.compound,
                joined_on=date(2023, 1, 1),
                left_on=date(2023, 6, 1),
            )
            CouncilMembership.objects.create(
                council=council, unit=world.unit, joined_on=date(2023, 1, 1)
            )
            meeting = CouncilMeeting.objects.create(
                council=council, held_on=date(2023, 5, 1), topic=f"计数会议{index}"
            )
            CouncilResolution.objects.create(meeting=meeting, position=1, text="决议")
            CouncilFollowUp.objects.create(
                meeting=meeting,
                position=1,
                title="事项",
                # The last council's item (first due, newest meeting) is owned by an org, the rest by a
                # unit: a page of two meetings or follow-ups has both
                # (a prefetch is skipped when every key on the page is null).
                owner_org=world.compound if index == 3 else None,
                owner_unit=None if index == 3 else world.unit,
                due_on=date(2023, 5, 2) if index == 3 else date(2023, 6, 1),
            )
    within = world.gid(world.street)
    small = alpha.execute(COUNCILS, {"within": within, "n": 1})
    large = alpha.execute(COUNCILS, {"within": within, "n": 50})
    assert len(small.data["councils"]["edges"]) == 1
    assert len(large.data["councils"]["edges"]) >= 4
    assert small.sql_queries == large.sql_queries
    small = alpha.execute(MEETINGS, {"within": within, "to": "2023-12-31", "n": 2})
    large = alpha.execute(MEETINGS, {"within": within, "to": "2023-12-31", "n": 50})
    assert len(large.data["councilMeetings"]["edges"]) >= 3
    assert small.sql_queries == large.sql_queries
    small = alpha.execute(FOLLOW_UPS_PAGE, {"within": within, "n": 2})
    large = alpha.execute(FOLLOW_UPS_PAGE, {"within": within, "n": 50})
    assert len(large.data["overdueCouncilFollowUps"]["edges"]) >= 3
    assert small.sql_queries == large.sql_queries


def test_research_society_branch(
    users: dict[str, GraphQLClient], alpha: GraphQLClient, world: World
) -> None:
    with in_district("alpha"):
        root = PartyOrg.objects.get(parent__isnull=True)
        society = Council.objects.filter(
            kind="research_society", host_org=root, dissolved_on__isnull=True
        ).first() or Council.objects.create(kind="research_society", name="研究会", host_org=root)
    branch = _council(
        alpha,
        world.gid(world.street),
        kind="RESEARCH_SOCIETY_BRANCH",
        name="研究会分会",
        parentId=world.gid(society),
    )
    query = "query($id: ID!) { council(id: $id) { name parent { name branches { name } } } }"
    seen = alpha.execute(query, {"id": branch["id"]}).data["council"]
    assert seen["parent"]["name"] == society.name
    assert "研究会分会" in [b["name"] for b in seen["parent"]["branches"]]
    # The street admin sees the branch but not the district-level society above it.
    mine = users["street_admin"].execute(query, {"id": branch["id"]}).data["council"]
    assert mine == {"name": "研究会分会", "parent": None}
    listed = alpha.execute(
        "query($parent: ID) { councils(parentId: $parent, first: 100) { edges { node { id } } } }",
        {"parent": world.gid(society)},
    ).data["councils"]
    assert branch["id"] in [e["node"]["id"] for e in listed["edges"]]
    today = date.today().isoformat()
    assert (
        _call(alpha, DISSOLVE, "dissolveCouncil", id=branch["id"], dissolvedOn=today)["errors"]
        == []
    )

"""社区公共事务协会 over HTTP: the association, its areas, officers, meetings and overdue
follow-ups; the rules and bad input; the scope of org admins and viewers; query counts."""

from datetime import date, timedelta
from typing import Any

import pytest

from backend.audit.models import AuditEntry
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.public_affairs import services
from backend.public_affairs.models import PublicAffairsMeeting, PublicAffairsOfficer
from tenants.context import in_district
from tests.public_affairs.world import ERRORS, World, build_world_in_alpha
from tests.secondments.world import sign_in
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient

pytestmark = pytest.mark.usefixtures("db")

ASSOCIATION = "id name foundedOn dissolvedOn isActive community { id name }"
AREA = "id area description lead { id name }"
OFFICER = "id name role phone termStart termEnd isCurrent member { id name } area { area }"
FOLLOW_UP = "id item dueOn status doneOn isOverdue owner { id name }"
MEETING = (
    "id heldOn topic attendees { id name } resolutions { position text"
    f" followUps {{ {FOLLOW_UP} }} }}"
)


def _mutation(name: str, input_type: str, entity: str, selection: str) -> str:
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input)"
        f" {{ {entity} {{ {selection} }} {ERRORS} }} }}"
    )


CREATE = _mutation(
    "createPublicAffairsAssociation",
    "CreatePublicAffairsAssociationInput",
    "association",
    ASSOCIATION,
)
UPDATE = _mutation(
    "updatePublicAffairsAssociation",
    "UpdatePublicAffairsAssociationInput",
    "association",
    ASSOCIATION,
)
DISSOLVE = _mutation(
    "dissolvePublicAffairsAssociation",
    "DissolvePublicAffairsAssociationInput",
    "association",
    ASSOCIATION,
)
ADD_AREA = _mutation("addPublicAffairsArea", "AddPublicAffairsAreaInput", "area", AREA)
UPDATE_AREA = _mutation("updatePublicAffairsArea", "UpdatePublicAffairsAreaInput", "area", AREA)
APPOINT = _mutation(
    "appointPublicAffairsOfficer", "AppointPublicAffairsOfficerInput", "officer", OFFICER
)
END_TERM = _mutation(
    "endPublicAffairsOfficerTerm", "EndPublicAffairsOfficerTermInput", "officer", OFFICER
)
RECORD = _mutation(
    "recordPublicAffairsMeeting", "RecordPublicAffairsMeetingInput", "meeting", MEETING
)
UPDATE_FOLLOW_UP = _mutation(
    "updatePublicAffairsFollowUp", "UpdatePublicAffairsFollowUpInput", "followUp", FOLLOW_UP
)
ASSOCIATIONS = (
    "query($within: ID, $active: Boolean, $n: Int) { publicAffairsAssociations(within: $within,"
    " active: $active, first: $n) { totalCount edges { node { name isActive community { name }"
    f" areas {{ {AREA} }} officers {{ name role phone member {{ name }} }} }} }} }} }}"
)
OFFICERS = (
    "query($within: ID, $a: ID, $current: Boolean, $n: Int) { publicAffairsOfficers("
    f"within: $within, associationId: $a, current: $current, first: $n) {{ totalCount edges {{ node {{ {OFFICER}"
    " } } } }"
)
MEETINGS = (
    "query($within: ID, $a: ID, $n: Int) { publicAffairsMeetings(within: $within,"
    f" associationId: $a, first: $n) {{ totalCount edges {{ node {{ {MEETING}"
    " association { name } } } } }"
)
OVERDUE = (
    "query($within: ID, $a: ID, $n: Int) { publicAffairsOverdueFollowUps(within: $within,"
    f" associationId: $a, first: $n) {{ totalCount edges {{ node {{ {FOLLOW_UP}"
    " resolution { text meeting { topic association { name } } } } } } }"
)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> World:
    with django_db_blocker.unblock():
        return build_world_in_alpha("公事", date(1962, 4, 5))


@pytest.fixture(scope="module")
def users(api_url: str, world: World) -> dict[str, GraphQLClient]:
    return {label: sign_in(api_url, name) for label, name in world.usernames.items()}


def _run(client: GraphQLClient, document: str, root: str, /, **fields: Any) -> dict[str, Any]:
    result = client.execute(document, {"input": fields})
    return dict(result.data[root])


def _codes(payload: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in payload["errors"]}


def _create(client: GraphQLClient, community: str, name: str = "协会") -> dict[str, Any]:
    return _run(
        client,
        CREATE,
        "createPublicAffairsAssociation",
        communityId=community,
        name=name,
        foundedOn="2022-03-01",
    )


def _appoint(client: GraphQLClient, association: str, name: str, **fields: Any) -> dict[str, Any]:
    values = {"role": "COMMITTEE_MEMBER", "termStart": "2023-01-01"} | fields
    return _run(
        client,
        APPOINT,
        "appointPublicAffairsOfficer",
        associationId=association,
        name=name,
        **values,
    )


def test_the_whole_life_of_an_association(alpha: GraphQLClient, world: World) -> None:
    created = _create(alpha, world.gid(world.communities[0]), "第一社区公共事务协会")
    assert created["errors"] == []
    association = created["association"]["id"]
    assert created["association"]["isActive"] is True
    renamed = _run(
        alpha, UPDATE, "updatePublicAffairsAssociation", id=association, name="第一社区公事协会"
    )
    assert renamed["association"]["name"] == "第一社区公事协会"

    president = _appoint(alpha, association, "张会长", role="PRESIDENT", phone="13812345678")[
        "officer"
    ]
    assert president["phone"] == "138****5678"
    member = _appoint(
        alpha, association, "", role="VICE_PRESIDENT", memberId=world.gid(world.members[0])
    )["officer"]
    assert member["name"] == world.members[0].name
    assert member["member"]["name"] == world.members[0].name
    past = _appoint(alpha, association, "老委员", termStart="2022-03-01", termEnd="2022-12-31")
    assert past["officer"]["isCurrent"] is False

    area = _run(
        alpha,
        ADD_AREA,
        "addPublicAffairsArea",
        associationId=association,
        area="HEALTH",
        description="楼道卫生",
        leadId=president["id"],
    )
    assert area["errors"] == []
    assert area["area"]["lead"]["name"] == "张会长"
    cleared = _run(
        alpha, UPDATE_AREA, "updatePublicAffairsArea", id=area["area"]["id"], leadId=None
    )
    assert cleared["area"]["lead"] is None
    assert cleared["area"]["description"] == "楼道卫生"  # omitted: kept

    current = alpha.execute(OFFICERS, {"a": association, "current": True}).data
    assert {e["node"]["name"] for e in current["publicAffairsOfficers"]["edges"]} == {
        "张会长",
        world.members[0].name,
    }
    everyone = alpha.execute(OFFICERS, {"a": association}).data
    assert everyone["publicAffairsOfficers"]["totalCount"] == 3

    held = (date.today() - timedelta(days=60)).isoformat()
    meeting = _run(
        alpha,
        RECORD,
        "recordPublicAffairsMeeting",
        associationId=association,
        heldOn=held,
        topic="垃圾分类督导",
        attendeeIds=[president["id"], member["id"]],
        resolutions=[
            {
                "text": "分片包干",
                "followUps": [
                    {
                        "item": "排出值班表",
                        "ownerId": member["id"],
                        "dueOn": (date.today() - timedelta(days=30)).isoformat(),
                    },
                    {
                        "item": "采购物资",
                        "ownerId": president["id"],
                        "dueOn": (date.today() + timedelta(days=30)).isoformat(),
                    },
                ],
            },
            {"text": "报社区党委"},
        ],
    )
    assert meeting["errors"] == []
    resolutions = meeting["meeting"]["resolutions"]
    assert [r["position"] for r in resolutions] == [1, 2]
    assert [f["isOverdue"] for f in resolutions[0]["followUps"]] == [True, False]

    overdue = alpha.execute(OVERDUE, {"a": association}).data["publicAffairsOverdueFollowUps"]
    assert [e["node"]["item"] for e in overdue["edges"]] == ["排出值班表"]
    assert overdue["edges"][0]["node"]["resolution"]["meeting"]["topic"] == "垃圾分类督导"
    follow_up = overdue["edges"][0]["node"]["id"]
    done = _run(alpha, UPDATE_FOLLOW_UP, "updatePublicAffairsFollowUp", id=follow_up, status="DONE")
    assert done["followUp"]["doneOn"] == date.today().isoformat()
    assert (
        alpha.execute(OVERDUE, {"a": association}).data["publicAffairsOverdueFollowUps"][
            "totalCount"
        ]
        == 0
    )

    ended = _run(
        alpha,
        END_TERM,
        "endPublicAffairsOfficerTerm",
        id=president["id"],
        termEnd=date.today().isoformat(),
    )
    assert ended["officer"]["termEnd"] == date.today().isoformat()
    dissolved = _run(
        alpha,
        DISSOLVE,
        "dissolvePublicAffairsAssociation",
        id=association,
        dissolvedOn=date.today().isoformat(),
    )
    assert dissolved["association"]["isActive"] is False
    inactive = alpha.execute(
        ASSOCIATIONS, {"within": world.gid(world.communities[0]), "active": False}
    ).data["publicAffairsAssociations"]
    assert [e["node"]["name"] for e in inactive["edges"]] == ["第一社区公事协会"]
    with in_district("alpha"):
        actions = set(
            AuditEntry.objects.filter(action__startswith="public_affairs.").values_list(
                "action", flat=True
            )
        )
    assert {
        "public_affairs.association.create",
        "public_affairs.officer.appoint",
        "public_affairs.meeting.record",
        "public_affairs.follow_up.update",
        "public_affairs.association.dissolve",
    } <= actions


def test_rules_and_bad_input(alpha: GraphQLClient, world: World) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    bad = _run(
        alpha,
        CREATE,
        "createPublicAffairsAssociation",
        communityId=world.gid(world.compound),
        name=" ",
        foundedOn=tomorrow,
    )
    assert _codes(bad) == {
        ("communityId", "INVALID_ORG_KIND"),
        ("name", "REQUIRED"),
        ("foundedOn", "IN_FUTURE"),
    }
    association = _create(alpha, world.gid(world.communities[1]))["association"]["id"]
    assert _codes(_create(alpha, world.gid(world.communities[1]))) == {
        ("communityId", "ALREADY_ACTIVE")
    }
    first = _appoint(alpha, association, "一号会长", role="PRESIDENT")
    assert first["errors"] == []
    second = _appoint(alpha, association, "二号会长", role="PRESIDENT", termStart="2024-01-01")
    assert _codes(second) == {("role", "OVERLAP")}
    _appoint(alpha, association, "委员甲")
    again = _appoint(alpha, association, "委员甲", termStart="2024-01-01")
    assert _codes(again) == {("name", "OVERLAP")}
    wrong = _appoint(alpha, association, "x", phone="abc", termStart=tomorrow)
    assert _codes(wrong) == {("phone", "INVALID"), ("termStart", "IN_FUTURE")}
    unknown = _appoint(alpha, association, "x", areaId=world.gid(world.street))
    assert _codes(unknown) == {("areaId", "NOT_FOUND")}


def test_a_meeting_with_one_bad_follow_up_writes_nothing(
    alpha: GraphQLClient, world: World
) -> None:
    association = _create(alpha, world.gid(world.communities[2]))["association"]["id"]
    officer = _appoint(alpha, association, "记录员")["officer"]["id"]
    result = _run(
        alpha,
        RECORD,
        "recordPublicAffairsMeeting",
        associationId=association,
        heldOn="2024-05-01",
        topic="议题",
        attendeeIds=[officer],
        resolutions=[
            {"text": "一", "followUps": [{"item": "a", "ownerId": officer, "dueOn": "2024-06-01"}]},
            {"text": "二", "followUps": [{"item": "b", "ownerId": officer, "dueOn": "2024-04-01"}]},
        ],
    )
    assert _codes(result) == {("resolutions.1.followUps.0.dueOn", "BEFORE_MEETING")}
    foreign = _run(
        alpha,
        RECORD,
        "recordPublicAffairsMeeting",
        associationId=association,
        heldOn="2024-05-01",
        topic="议题",
        attendeeIds=[officer, world.gid(world.street)],
    )
    assert _codes(foreign) == {("attendeeIds", "NOT_FOUND")}
    with in_district("alpha"):
        assert not PublicAffairsMeeting.objects.filter(
            association__community=world.communities[2]
        ).exists()


def test_scope(users: dict[str, GraphQLClient], world: World) -> None:
    community = world.gid(world.communities[3])
    admin = users["street_admin"]
    created = _create(admin, community, "第四社区公共事务协会")
    assert created["errors"] == []
    association = created["association"]["id"]
    officer = _appoint(admin, association, "街道任命")["officer"]["id"]

    other = users["other_admin"]
    assert _codes(_create(other, community)) == {("communityId", "NOT_FOUND")}
    assert _codes(_appoint(other, association, "x")) == {("associationId", "NOT_FOUND")}
    assert _codes(
        _run(other, END_TERM, "endPublicAffairsOfficerTerm", id=officer, termEnd="2024-01-01")
    ) == {("id", "NOT_FOUND")}
    listed = other.execute(ASSOCIATIONS, {"within": community}).data
    assert listed["publicAffairsAssociations"]["totalCount"] == 0
    assert (
        other.execute(OFFICERS, {"a": association}).data["publicAffairsOfficers"]["totalCount"] == 0
    )
    # Another street's admin cannot name their own members' records into ours either.
    own = _create(other, world.gid(world.other_community))["association"]["id"]
    assert _codes(
        _run(
            other,
            ADD_AREA,
            "addPublicAffairsArea",
            associationId=own,
            area="CULTURE",
            leadId=officer,
        )
    ) == {("leadId", "NOT_FOUND")}

    viewer = users["street_viewer"]
    assert (
        viewer.execute(OFFICERS, {"a": association}).data["publicAffairsOfficers"]["totalCount"]
        == 1
    )
    assert _codes(_appoint(viewer, association, "x")) == {("associationId", "FORBIDDEN")}
    assert _codes(
        _run(viewer, END_TERM, "endPublicAffairsOfficerTerm", id=officer, termEnd="2024-01-01")
    ) == {("id", "FORBIDDEN")}
    with in_district("alpha"):
        assert PublicAffairsOfficer.objects.get(pk=int(_pk(officer))).term_end is None


def _pk(global_id: str) -> str:
    import base64

    return base64.b64decode(global_id).decode().rsplit(".", 1)[1]


def _counting_street(world: World) -> PartyOrg:
    """A street of three communities, each with an association, officers (one a member), and
    three meetings with resolutions and overdue follow-ups."""
    street = org_create(
        code=f"{world.prefix}-q",
        name="计数街道党工委",
        kind="street_working_committee",
        parent=world.street.parent,
    )
    held = date.today() - timedelta(days=90)
    for index in range(3):
        community = org_create(
            code=f"{world.prefix}-q{index}",
            name=f"计数第{index}社区党委",
            kind="community_committee",
            parent=street,
        )
        association = services.association_create(
            data=services.AssociationData(
                community=community, name=f"计数协会{index}", founded_on=date(2022, 1, 1)
            )
        )
        officers = [
            services.officer_appoint(
                data=services.OfficerData(
                    association=association,
                    name=f"计数{index}-{n}",
                    role="committee_member",
                    term_start=date(2023, 1, 1),
                    member=world.members[1] if n == 0 else None,
                    phone="13900001111",
                )
            )
            for n in range(3)
        ]
        services.area_add(association=association, area="service", lead=officers[0])
        services.area_add(association=association, area="culture", lead=officers[1])
        for number in range(3):
            services.meeting_record(
                data=services.MeetingData(
                    association=association,
                    held_on=held + timedelta(days=number),
                    topic=f"计数会议{number}",
                    attendees=officers,
                    resolutions=[
                        services.ResolutionData(
                            text=f"决议{r}",
                            follow_ups=[
                                services.FollowUpData(
                                    item="事项", owner=officers[r], due_on=held + timedelta(30)
                                )
                            ],
                        )
                        for r in range(2)
                    ],
                )
            )
    return street


def test_page_query_counts_are_constant(alpha: GraphQLClient, world: World) -> None:
    with in_district("alpha"):
        within = world.gid(_counting_street(world))
    for document, name, total in (
        (ASSOCIATIONS, "publicAffairsAssociations", 3),
        (OFFICERS, "publicAffairsOfficers", 9),
        (MEETINGS, "publicAffairsMeetings", 9),
        (OVERDUE, "publicAffairsOverdueFollowUps", 18),
    ):
        small = alpha.execute(document, {"within": within, "n": 1})
        large = alpha.execute(document, {"within": within, "n": 20})
        assert len(large.data[name]["edges"]) == large.data[name]["totalCount"] == total
        assert small.sql_queries == large.sql_queries, name

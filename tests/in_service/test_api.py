"""In-service members over HTTP on alpha's host: reporting, the cards, feedback delivered inside
the district, the printable card, scope and query counts. Data is committed: everything lives
under a street of our own."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.utils import timezone

from backend.access.models import Role
from backend.in_service.periods import half_year_of, period_containing
from backend.members.models import Member
from tenants.context import in_district
from tests.conftest import global_id
from tests.in_service.conftest import ERRORS, error_codes, nodes, ok, sign_in_as
from tests.in_service.factory import Street, make_member, make_street, new_id_number
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient

pytestmark = pytest.mark.usefixtures("db")

TODAY = timezone.localdate()
HALF_YEAR = half_year_of(TODAY)
# The current quarter: a report made today counts for it (the last quarter may lie in the
# previous half-year).
QUARTER = period_containing(TODAY, 3).label

REPORT = (
    "mutation($input: ReportInServiceInput!) { reportInService(input: $input)"
    " { report { id halfYear status reporter { id kind name idNumber member { name } } } "
    + ERRORS
    + " } }"
)
CANCEL = (
    "mutation($input: CancelInServiceReportInput!) { cancelInServiceReport(input: $input)"
    " { report { id status cancelReason } " + ERRORS + " } }"
)
CARD = (
    "mutation($input: UpdateInServiceInfoCardInput!) { updateInServiceInfoCard(input: $input)"
    " { reporter { id skills skillNote post workUnit { name } } " + ERRORS + " } }"
)
RECORD = (
    "mutation($input: RecordInServiceActivityInput!) { recordInServiceActivity(input: $input)"
    " { entries { id hours kind } " + ERRORS + " } }"
)
ISSUE = (
    "mutation($input: IssueInServiceFeedbackCardsInput!) {"
    " issueInServiceFeedbackCards(input: $input) { cards { id channel state activityCount"
    " serviceHours memberName } " + ERRORS + " } }"
)
RATE = (
    "mutation($input: UpdateInServiceFeedbackCardInput!) {"
    " updateInServiceFeedbackCard(input: $input) { card { id rating } " + ERRORS + " } }"
)
SEND = (
    "mutation($id: ID!) { sendInServiceFeedbackCard(id: $id) { card { id state printUrl } "
    + ERRORS
    + " } }"
)
ACK = (
    "mutation($id: ID!) { acknowledgeInServiceFeedbackCard(id: $id) { card { id state"
    " acknowledgedAt } " + ERRORS + " } }"
)
SETTINGS = (
    "mutation($m: Int!) { updateInServiceFeedbackSettings(periodMonths: $m)"
    " { settings { periodMonths currentPeriod } " + ERRORS + " } }"
)
MEMBERS = (
    "query($within: ID, $reported: Boolean, $skill: InServiceSkill) {"
    " inServiceMembers(residenceWithin: $within, reported: $reported, skill: $skill, first: 50)"
    " { totalCount edges { node { id name idNumber reportedHalfYears } } } }"
)
REPORTS = (
    "query($within: ID, $n: Int) { inServiceReports(within: $within, first: $n) { totalCount"
    " edges { node { id halfYear community { name } reporter { name kind member { name }"
    " workUnit { name } } } } } }"
)
REPORTERS = (
    "query($within: ID, $n: Int) { inServiceReporters(within: $within, first: $n) { totalCount"
    " edges { node { id name idNumber skills community { name } member { name org { name } }"
    " workUnit { name } reports { halfYear status } } } } }"
)
DIRECTORY = (
    "query($within: ID, $skill: InServiceSkill, $search: String) {"
    " skillsDirectory(within: $within, skill: $skill, search: $search, first: 20)"
    " { edges { node { name skills skillNote } } } }"
)
CARDS = (
    "query($within: ID, $n: Int) { inServiceFeedbackCards(within: $within, first: $n) {"
    " totalCount edges { node { id state rating memberName communityName recipientOrg { name }"
    " reporter { name } printable { title text lines { label value } } } } } }"
)
RECEIVED = (
    "query($within: ID) { receivedInServiceFeedback(within: $within, first: 20) {"
    " edges { node { id state memberName communityName rating reporter { name } } } } }"
)


@dataclass
class World:
    s: Street
    community: str
    community2: str
    street: str
    unit_org: str
    unit: str
    member_ids: dict[str, str]
    id_numbers: dict[str, str]
    admin: GraphQLClient  # org admin of the community
    viewer: GraphQLClient  # viewer of the community
    unit_admin: GraphQLClient  # org admin of the unit's Party organisation
    stranger: GraphQLClient  # org admin of another street


def gid(type_name: str, pk: int) -> str:
    return global_id(type_name, "alpha", pk)


@pytest.fixture(scope="module")
def world(api_url: str, seeded: Any, django_db_blocker: Any) -> World:
    with django_db_blocker.unblock():
        with in_district("alpha"):
            s = make_street("A")
            members: dict[str, Member] = {
                "wang": make_member(s, name="王在职"),
                "li": make_member(s, name="李在职"),
                "zhao": make_member(s, name="赵在职"),
                "retired": make_member(s, name="钱退休", category="retired"),
                "other": make_member(s, name="孙二社区", residence=s.community2),
            }
            members.update({f"p{i}": make_member(s, name=f"批量{i:02d}") for i in range(12)})
            from backend.orgs.models import PartyOrg

            other_street = PartyOrg.objects.get(pk=seeded["alpha"].org_pks["s2"])
        admin = sign_in_as(api_url, "alpha", [(Role.ORG_ADMIN, s.community)])
        viewer = sign_in_as(api_url, "alpha", [(Role.VIEWER, s.community)])
        unit_admin = sign_in_as(api_url, "alpha", [(Role.ORG_ADMIN, s.unit_org)])
        stranger = sign_in_as(api_url, "alpha", [(Role.ORG_ADMIN, other_street)])
    return World(
        s=s,
        community=gid("PartyOrg", s.community.pk),
        community2=gid("PartyOrg", s.community2.pk),
        street=gid("PartyOrg", s.street.pk),
        unit_org=gid("PartyOrg", s.unit_org.pk),
        unit=gid("Unit", s.unit.pk),
        member_ids={k: gid("InServiceMember", m.pk) for k, m in members.items()},
        id_numbers={k: m.id_number for k, m in members.items()},
        admin=admin,
        viewer=viewer,
        unit_admin=unit_admin,
        stranger=stranger,
    )


def report(client: GraphQLClient, world: World, **fields: Any) -> Any:
    fields.setdefault("communityId", world.community)
    return client.execute(REPORT, {"input": fields})


@pytest.fixture(scope="module")
def reported(world: World) -> dict[str, Any]:
    """王 and the twelve 批量 reported this half-year; 王's card lists medical skills."""
    out = {}
    for key in ["wang", *[f"p{i}" for i in range(12)]]:
        out[key] = ok(
            report(world.admin, world, memberId=world.member_ids[key]), "reportInService"
        )["report"]
    ok(
        world.admin.execute(
            CARD,
            {
                "input": {
                    "reporterId": out["wang"]["reporter"]["id"],
                    "skills": ["MEDICAL"],
                    "skillNote": "社区医院护士，会急救",
                    "post": "护士长",
                }
            },
        ),
        "updateInServiceInfoCard",
    )
    return out


def test_a_member_reports_and_the_report_shows(world: World, reported: dict[str, Any]) -> None:
    wang = reported["wang"]
    assert wang["halfYear"] == HALF_YEAR
    assert wang["status"] == "ACTIVE"
    assert wang["reporter"]["kind"] == "LOCAL"
    assert wang["reporter"]["member"]["name"] == "王在职"
    again = report(world.admin, world, memberId=world.member_ids["wang"])
    assert error_codes(again, "reportInService") == {"ALREADY_REPORTED"}


def test_bad_input_is_typed(world: World, alpha: GraphQLClient) -> None:
    # The retired member lives nowhere on record: only the district administrator sees them.
    assert error_codes(
        report(alpha, world, memberId=world.member_ids["retired"]), "reportInService"
    ) == {"WRONG_CATEGORY"}
    assert error_codes(
        report(world.admin, world, memberId=world.member_ids["retired"]), "reportInService"
    ) == {"NOT_FOUND"}
    assert error_codes(
        report(alpha, world, memberId=world.member_ids["other"]), "reportInService"
    ) == {"MISMATCH_RESIDENCE"}
    cases = [
        ({}, {"REQUIRED"}),
        (
            {"name": "外区人", "idNumber": new_id_number(), "homeDistrictCode": "nowhere"},
            {"NOT_FOUND"},
        ),
        ({"name": "外区人", "idNumber": "123", "workPartyOrgName": "某党支部"}, {"ID_FORMAT"}),
    ]
    for fields, expected in cases:
        assert error_codes(report(world.admin, world, **fields), "reportInService") == expected
    street = alpha.execute(
        REPORT, {"input": {"communityId": world.street, "memberId": world.member_ids["li"]}}
    )
    assert error_codes(street, "reportInService") == {"INVALID_ORG_KIND"}
    street_as_community = world.admin.execute(
        REPORT, {"input": {"communityId": world.street, "memberId": world.member_ids["li"]}}
    )
    # The street is above the admin's community: not theirs to see.
    assert error_codes(street_as_community, "reportInService") == {"NOT_FOUND"}


def test_cancel_twice_and_report_again(world: World) -> None:
    created = ok(report(world.admin, world, memberId=world.member_ids["li"]), "reportInService")
    report_id = created["report"]["id"]
    cancel = {"input": {"id": report_id, "reason": "工作调动"}}
    assert (
        ok(world.admin.execute(CANCEL, cancel), "cancelInServiceReport")["report"]["status"]
        == "CANCELLED"
    )
    assert error_codes(world.admin.execute(CANCEL, cancel), "cancelInServiceReport") == {
        "ALREADY_CANCELLED"
    }
    renewed = world.admin.execute(
        "mutation($input: RenewInServiceReportInput!) { renewInServiceReport(input: $input)"
        " { report { halfYear status reporter { id } } " + ERRORS + " } }",
        {"input": {"reporterId": created["report"]["reporter"]["id"]}},
    )
    body = ok(renewed, "renewInServiceReport")["report"]
    assert body["status"] == "ACTIVE"
    assert body["reporter"]["id"] == created["report"]["reporter"]["id"]


def test_an_external_reporter_shows_masked(world: World) -> None:
    id_number = new_id_number()
    result = report(
        world.admin,
        world,
        name="外单位党员",
        idNumber=id_number,
        phone="13700001111",
        workPartyOrgName="市某局机关党委",
    )
    reporter = ok(result, "reportInService")["report"]["reporter"]
    assert reporter["kind"] == "EXTERNAL"
    assert reporter["idNumber"].endswith(id_number[-4:])
    assert id_number not in result.text
    assert "13700001111" not in result.text


def test_not_reported_this_half_year(world: World, reported: dict[str, Any]) -> None:
    result = world.admin.execute(MEMBERS, {"within": world.community, "reported": False})
    names = {n["name"] for n in nodes(result.data["inServiceMembers"])}
    assert "赵在职" in names
    assert "王在职" not in names
    assert "钱退休" not in names
    result = world.admin.execute(MEMBERS, {"within": world.community, "reported": True})
    wang = [n for n in nodes(result.data["inServiceMembers"]) if n["name"] == "王在职"]
    assert wang
    assert wang[0]["reportedHalfYears"] == [HALF_YEAR]
    assert world.id_numbers["wang"] not in result.text
    medical = world.admin.execute(MEMBERS, {"within": world.street, "skill": "MEDICAL"})
    assert [n["name"] for n in nodes(medical.data["inServiceMembers"])] == ["王在职"]


def test_skills_directory(world: World, reported: dict[str, Any]) -> None:
    found = world.admin.execute(DIRECTORY, {"within": world.community, "skill": "MEDICAL"})
    assert [n["name"] for n in nodes(found.data["skillsDirectory"])] == ["王在职"]
    found = world.admin.execute(DIRECTORY, {"within": world.community, "search": "急救"})
    assert [n["name"] for n in nodes(found.data["skillsDirectory"])] == ["王在职"]
    assert (
        nodes(
            world.admin.execute(DIRECTORY, {"within": world.community, "skill": "LEGAL"}).data[
                "skillsDirectory"
            ]
        )
        == []
    )


def test_scope(world: World, reported: dict[str, Any]) -> None:
    stranger = world.stranger
    for query, field in [
        (REPORTS, "inServiceReports"),
        (REPORTERS, "inServiceReporters"),
        (CARDS, "inServiceFeedbackCards"),
    ]:
        result = stranger.execute(query, {"within": world.street, "n": 50})
        assert result.data[field]["totalCount"] == 0, field
    assert error_codes(
        report(stranger, world, memberId=world.member_ids["zhao"]), "reportInService"
    ) == {"NOT_FOUND"}
    assert error_codes(
        report(world.viewer, world, memberId=world.member_ids["zhao"]), "reportInService"
    ) == {"FORBIDDEN"}
    cancel = {"input": {"id": reported["p0"]["id"], "reason": "x"}}
    assert error_codes(stranger.execute(CANCEL, cancel), "cancelInServiceReport") == {"NOT_FOUND"}
    assert error_codes(world.viewer.execute(CANCEL, cancel), "cancelInServiceReport") == {
        "FORBIDDEN"
    }
    # The viewer reads what the admin wrote.
    seen = world.viewer.execute(REPORTS, {"within": world.community, "n": 50})
    assert seen.data["inServiceReports"]["totalCount"] >= 13
    # Only district administrators change the feedback period.
    assert error_codes(
        world.admin.execute(SETTINGS, {"m": 6}), "updateInServiceFeedbackSettings"
    ) == {"FORBIDDEN"}


def test_a_batch_spanning_communities_writes_nothing(
    world: World, reported: dict[str, Any], alpha: GraphQLClient
) -> None:
    other = report(alpha, world, memberId=world.member_ids["other"], communityId=world.community2)
    other_reporter = ok(other, "reportInService")["report"]["reporter"]["id"]
    mine = reported["p5"]["reporter"]["id"]
    count = "query($r: ID) { inServiceActivityEntries(reporterId: $r) { totalCount } }"
    before = alpha.execute(count, {"r": mine}).data["inServiceActivityEntries"]["totalCount"]
    mixed = alpha.execute(
        RECORD,
        {
            "input": {
                "reporterIds": [mine, other_reporter],
                "occurredOn": TODAY.isoformat(),
                "title": "联合活动",
                "kind": "ACTIVITY",
                "hours": "1",
            }
        },
    )
    assert error_codes(mixed, "recordInServiceActivity") == {"MIXED_COMMUNITIES"}
    after = alpha.execute(count, {"r": mine}).data["inServiceActivityEntries"]["totalCount"]
    assert after == before


def test_activity_entries(world: World, reported: dict[str, Any]) -> None:
    ids = [reported["p0"]["reporter"]["id"], reported["p1"]["reporter"]["id"]]
    base = {"occurredOn": TODAY.isoformat(), "title": "楼道清洁", "kind": "ACTIVITY"}
    created = ok(
        world.admin.execute(RECORD, {"input": {**base, "reporterIds": ids, "hours": "2.5"}}),
        "recordInServiceActivity",
    )
    assert [e["hours"] for e in created["entries"]] == ["2.5", "2.5"]
    too_long = world.admin.execute(RECORD, {"input": {**base, "reporterIds": ids, "hours": "25"}})
    assert error_codes(too_long, "recordInServiceActivity") == {"OUT_OF_RANGE"}
    tomorrow = {**base, "occurredOn": (TODAY + timedelta(days=1)).isoformat()}
    future = world.admin.execute(RECORD, {"input": {**tomorrow, "reporterIds": ids, "hours": "1"}})
    assert error_codes(future, "recordInServiceActivity") == {"IN_FUTURE"}
    entries = world.viewer.execute(
        "query($r: ID) { inServiceActivityEntries(reporterId: $r, first: 10) { totalCount } }",
        {"r": ids[0]},
    )
    assert entries.data["inServiceActivityEntries"]["totalCount"] == 1


@pytest.fixture(scope="module")
def local_card(world: World, reported: dict[str, Any]) -> dict[str, Any]:
    """王's card for the last quarter, rated and sent to the unit's Party organisation."""
    issued = ok(
        world.admin.execute(ISSUE, {"input": {"communityId": world.community, "period": QUARTER}}),
        "issueInServiceFeedbackCards",
    )["cards"]
    wang = next(c for c in issued if c["memberName"] == "王在职")
    assert wang["channel"] == "LOCAL"
    assert wang["state"] == "DRAFT"
    ok(
        world.admin.execute(
            RATE, {"input": {"id": wang["id"], "rating": "EXCELLENT", "comment": "热心"}}
        ),
        "updateInServiceFeedbackCard",
    )
    return dict(
        ok(world.admin.execute(SEND, {"id": wang["id"]}), "sendInServiceFeedbackCard")["card"]
    )


def test_issuing_again_adds_nothing(world: World, local_card: dict[str, Any]) -> None:
    again = world.admin.execute(
        ISSUE, {"input": {"communityId": world.community, "period": QUARTER}}
    )
    assert ok(again, "issueInServiceFeedbackCards")["cards"] == []
    bad = world.admin.execute(
        ISSUE, {"input": {"communityId": world.community, "period": "2026H1"}}
    )
    assert error_codes(bad, "issueInServiceFeedbackCards") == {"INVALID_PERIOD"}
    not_community = world.admin.execute(
        ISSUE, {"input": {"communityId": world.street, "period": QUARTER}}
    )
    assert error_codes(not_community, "issueInServiceFeedbackCards") == {"NOT_FOUND"}


def test_the_unit_org_receives_and_acknowledges(world: World, local_card: dict[str, Any]) -> None:
    received = world.unit_admin.execute(RECEIVED, {"within": world.unit_org})
    cards = nodes(received.data["receivedInServiceFeedback"])
    assert [c["id"] for c in cards] == [local_card["id"]]
    assert cards[0]["memberName"] == "王在职"
    assert cards[0]["reporter"] is None
    # Someone else's organisation cannot sign for it; the sending community cannot either.
    assert error_codes(
        world.stranger.execute(ACK, {"id": local_card["id"]}), "acknowledgeInServiceFeedbackCard"
    ) == {"NOT_FOUND"}
    assert error_codes(
        world.admin.execute(ACK, {"id": local_card["id"]}), "acknowledgeInServiceFeedbackCard"
    ) == {"NOT_FOUND"}
    signed = ok(
        world.unit_admin.execute(ACK, {"id": local_card["id"]}), "acknowledgeInServiceFeedbackCard"
    )
    assert signed["card"]["state"] == "ACKNOWLEDGED"
    seen = world.admin.execute(CARDS, {"within": world.community, "n": 50})
    wang = next(
        c for c in nodes(seen.data["inServiceFeedbackCards"]) if c["memberName"] == "王在职"
    )
    assert wang["state"] == "ACKNOWLEDGED"


def test_the_printable_card(world: World, local_card: dict[str, Any], api_url: str) -> None:
    url = f"{api_url}{local_card['printUrl']}"
    page = httpx.get(
        url, headers={"Host": "alpha.localhost", "Authorization": f"Bearer {world.admin.token}"}
    )
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "在职党员社区表现反馈卡" in page.text
    assert "王在职" in page.text
    assert world.id_numbers["wang"] not in page.text
    assert world.id_numbers["wang"][-4:] in page.text
    assert httpx.get(url, headers={"Host": "alpha.localhost"}).status_code == 401
    stranger = httpx.get(
        url, headers={"Host": "alpha.localhost", "Authorization": f"Bearer {world.stranger.token}"}
    )
    assert stranger.status_code == 404
    # The recipient org may print it too; beta's host does not know the card.
    assert (
        httpx.get(
            url,
            headers={
                "Host": "alpha.localhost",
                "Authorization": f"Bearer {world.unit_admin.token}",
            },
        ).status_code
        == 200
    )
    printable = world.admin.execute(CARDS, {"within": world.community, "n": 50})
    lines = nodes(printable.data["inServiceFeedbackCards"])[0]["printable"]["lines"]
    assert {"label": "公民身份号码"}.items() <= lines[1].items()


def _queries(client: GraphQLClient, query: str, variables: dict[str, Any]) -> int:
    result = client.execute(query, variables)
    assert result.status == 200, result.text
    assert "errors" not in result.body, result.text
    return result.sql_queries


def test_list_query_counts_do_not_grow(
    world: World, reported: dict[str, Any], local_card: Any
) -> None:
    for query in (REPORTS, REPORTERS, CARDS):
        small = _queries(world.admin, query, {"within": world.community, "n": 2})
        large = _queries(world.admin, query, {"within": world.community, "n": 12})
        assert small == large, query
    small = _queries(
        world.admin, MEMBERS.replace("first: 50", "first: 2"), {"within": world.community}
    )
    large = _queries(world.admin, MEMBERS, {"within": world.community})
    assert small == large

"""Re-employment over HTTP on alpha's host: the whole flow, typed errors, scope, query counts and
tenant isolation. Rows are committed (the server must see them), all under the module's own
streets (codes `reemp-…`), so the seeded orgs and members are left alone."""

import base64
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from backend.access.models import Role
from backend.access.services import role_grant
from backend.accounts.models import User
from backend.accounts.services import user_create
from backend.positions.models import PositionKind
from backend.reemployment.checks import WorkerData
from backend.reemployment.services import archive_register, status_change
from backend.reemployment.trainings import TrainingData, training_add
from tenants.context import in_district
from tests.conftest import global_id
from tests.reemployment import support
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient, Response
from tests.support.seed import PASSWORD

pytestmark = pytest.mark.usefixtures("db")

TODAY = date.today()
D0 = TODAY - timedelta(days=300)
ERRORS = "errors { field code message }"
ARCHIVE_FIELDS = """id name gender birthDate idNumber phone isMember status statusSince
  registeredOn formerEmployer closedOn closeReason
  community { id name } station { id name } member { id name }
  history { fromStatus toStatus changedOn employer post ledByName ledBy { id name } }
  trainings { course provider startedOn endedOn hours result }
  ledPeople { changedOn employer archive { id name } }"""
REGISTER = (
    "mutation($input: RegisterEmploymentArchiveInput!) { registerEmploymentArchive(input: $input)"
    " { archive { " + ARCHIVE_FIELDS + " } " + ERRORS + " } }"
)
CHANGE = (
    "mutation($input: ChangeEmploymentStatusInput!) { changeEmploymentStatus(input: $input)"
    " { archive { " + ARCHIVE_FIELDS + " } " + ERRORS + " } }"
)
CLOSE = (
    "mutation($input: CloseEmploymentArchiveInput!) { closeEmploymentArchive(input: $input)"
    " { archive { id status closedOn closeReason } " + ERRORS + " } }"
)
UPDATE = (
    "mutation($input: UpdateEmploymentArchiveInput!) { updateEmploymentArchive(input: $input)"
    " { archive { id phone note station { id } } " + ERRORS + " } }"
)
ADD_TRAINING = (
    "mutation($input: AddTrainingRecordInput!) { addTrainingRecord(input: $input)"
    " { training { id course hours result archive { id } } " + ERRORS + " } }"
)
UPDATE_TRAINING = (
    "mutation($input: UpdateTrainingRecordInput!) { updateTrainingRecord(input: $input)"
    " { training { id result endedOn } " + ERRORS + " } }"
)
ARCHIVE = "query($id: ID!) { employmentArchive(id: $id) { " + ARCHIVE_FIELDS + " } }"
ARCHIVES = """query($within: ID, $status: EmploymentStatus, $station: ID, $isMember: Boolean,
  $search: String, $idNumber: String, $n: Int) {
  employmentArchives(within: $within, status: $status, station: $station, isMember: $isMember,
    search: $search, idNumber: $idNumber, first: $n) {
    totalCount edges { node { id name status isMember } } } }"""
RANKING = """query($within: ID, $period: ReemploymentPeriod) {
  doubleLeadRanking(within: $within, period: $period) {
    rank selfReemployed ledCount id name community { name } member { name }
    ledPeople { archive { name } } } }"""


def gid(type_name: str, pk: int) -> str:
    return global_id(type_name, "alpha", pk)


def pk_of(value: str) -> int:
    return int(base64.b64decode(value).decode().rsplit(".", 1)[1])


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


def errors_of(result: Response, field: str) -> set[tuple[str, str]]:
    payload = result.data[field]
    assert all(e["message"] for e in payload["errors"])
    return {(e["field"], e["code"]) for e in payload["errors"]}


@pytest.fixture(scope="module")
def world(django_db_blocker: Any) -> dict[str, Any]:
    """Two streets of our own: s1 with communities c1 (station) and c1b, s2 with c2; an employed
    laid-off member (the leader) in c1, another laid-off member, a member home in c1b."""
    with django_db_blocker.unblock(), in_district("alpha"):
        s1, s2 = support.street(), support.street()
        c1, c1b, c2 = support.community(s1), support.community(s1, "乙社区"), support.community(s2)
        branch = support.compound(c1)
        station = support.station(c1)
        home = support.station(c1b, kind=PositionKind.MEMBER_HOME)
        leader_member = support.member(branch, "带头党员")
        other_member = support.member(branch, "另一下岗党员")
        leader = archive_register(
            community=c1, registered_on=D0, member=leader_member, station=station
        )
        status_change(
            archive=leader,
            to_status="reemployed",
            changed_on=D0 + timedelta(days=10),
            employer="自办家政公司",
        )
        in_c2 = archive_register(
            community=c2,
            registered_on=D0,
            worker=WorkerData(name="二街职工", id_number=support.id_number()),
        )
        return {
            "s1": gid("PartyOrg", s1.pk),
            "s2": gid("PartyOrg", s2.pk),
            "c1": gid("PartyOrg", c1.pk),
            "c1_pk": c1.pk,
            "c2": gid("PartyOrg", c2.pk),
            "station": gid("Position", station.pk),
            "home": gid("Position", home.pk),
            "leader": gid("EmploymentArchive", leader.pk),
            "other_member": gid("Member", other_member.pk),
            "in_c2": gid("EmploymentArchive", in_c2.pk),
        }


@pytest.fixture(scope="module")
def clients(
    api_url: str, world: dict[str, Any], django_db_blocker: Any
) -> Iterator[dict[str, GraphQLClient]]:
    """An org admin of s2 and a viewer of c1."""
    grants = {"s2_admin": (Role.ORG_ADMIN, world["s2"]), "c1_viewer": (Role.VIEWER, world["c1"])}
    with django_db_blocker.unblock(), in_district("alpha"):
        from backend.orgs.models import PartyOrg

        users = {}
        for label, (role, org_gid) in grants.items():
            user = user_create(username=f"reemp-{label}-{uuid.uuid4().hex[:8]}", password=PASSWORD)
            role_grant(user=user, role=role, org=PartyOrg.objects.get(pk=pk_of(org_gid)))
            users[label] = user
    signed_in = {}
    for label, user in users.items():
        client = GraphQLClient(api_url, "alpha.localhost")
        signed_in[label] = client.as_user(client.login(user.username, PASSWORD))
    yield signed_in
    with django_db_blocker.unblock(), in_district("alpha"):
        User.objects.filter(pk__in=[u.pk for u in users.values()]).delete()


def test_register_train_and_lead_into_work(alpha: GraphQLClient, world: dict[str, Any]) -> None:
    number = support.id_number()
    registered = alpha.execute(
        REGISTER,
        {
            "input": {
                "communityId": world["c1"],
                "registeredOn": str(D0 + timedelta(days=20)),
                "name": "赵秀英",
                "idNumber": number,
                "phone": "13955556666",
                "stationId": world["station"],
                "formerEmployer": "第二棉纺厂",
            }
        },
    )
    payload = registered.data["registerEmploymentArchive"]
    assert payload["errors"] == []
    archive = payload["archive"]
    assert archive["isMember"] is False
    assert archive["member"] is None
    assert (archive["name"], archive["status"], archive["formerEmployer"]) == (
        "赵秀英",
        "LAID_OFF",
        "第二棉纺厂",
    )
    assert archive["idNumber"] == f"{number[:3]}***********{number[-4:]}"
    assert archive["phone"] == "139****6666"
    assert archive["station"]["id"] == world["station"]
    assert number not in registered.text
    assert "13955556666" not in registered.text
    assert archive["history"] == [
        {
            "fromStatus": None,
            "toStatus": "LAID_OFF",
            "changedOn": str(D0 + timedelta(days=20)),
            "employer": "",
            "post": "",
            "ledByName": "",
            "ledBy": None,
        }
    ]

    def change(status: str, days: int, **extra: Any) -> Response:
        return alpha.execute(
            CHANGE,
            {
                "input": {
                    "archiveId": archive["id"],
                    "status": status,
                    "changedOn": str(D0 + timedelta(days=days)),
                    **extra,
                }
            },
        )

    assert change("IN_TRAINING", 25).data["changeEmploymentStatus"]["errors"] == []
    trained = alpha.execute(
        ADD_TRAINING,
        {
            "input": {
                "archiveId": archive["id"],
                "course": "养老护理员",
                "provider": "街道市民学校",
                "startedOn": str(D0 + timedelta(days=25)),
                "endedOn": str(D0 + timedelta(days=55)),
                "hours": "72.5",
                "result": "CERTIFICATE",
            }
        },
    ).data["addTrainingRecord"]
    assert trained["errors"] == []
    assert trained["training"]["hours"] == "72.5"
    led = change(
        "REEMPLOYED", 60, employer="自办家政公司", post="护理员", ledById=world["leader"]
    ).data["changeEmploymentStatus"]
    assert led["errors"] == []
    last = led["archive"]["history"][-1]
    assert (last["fromStatus"], last["toStatus"], last["ledByName"]) == (
        "IN_TRAINING",
        "REEMPLOYED",
        "带头党员",
    )
    assert last["ledBy"] == {"id": world["leader"], "name": "带头党员"}
    assert led["archive"]["trainings"][0]["result"] == "CERTIFICATE"

    leader = alpha.execute(ARCHIVE, {"id": world["leader"]}).data["employmentArchive"]
    assert leader["isMember"] is True
    assert leader["member"]["name"] == "带头党员"
    assert {p["archive"]["id"] for p in leader["ledPeople"]} >= {archive["id"]}
    ranking = alpha.execute(RANKING, {"within": world["s1"]}).data["doubleLeadRanking"]
    top = ranking[0]
    assert (top["rank"], top["id"], top["selfReemployed"]) == (1, world["leader"], True)
    assert top["ledCount"] >= 1
    period = {"start": str(TODAY - timedelta(days=1)), "end": str(TODAY)}
    assert (
        alpha.execute(RANKING, {"within": world["s1"], "period": period}).data["doubleLeadRanking"]
        == []
    )
    refused = alpha.execute(
        RANKING, {"within": world["s1"], "period": {"start": str(TODAY), "end": str(D0)}}
    )
    assert refused.body["errors"][0]["message"] == "Argument 'period': end is before start."

    updated = alpha.execute(
        UPDATE, {"input": {"id": archive["id"], "phone": "13811112222", "stationId": None}}
    ).data["updateEmploymentArchive"]
    assert updated["errors"] == []
    assert (updated["archive"]["phone"], updated["archive"]["station"]) == ("138****2222", None)
    closed = alpha.execute(
        CLOSE, {"input": {"id": archive["id"], "closedOn": str(TODAY), "reason": "RETIRED"}}
    ).data["closeEmploymentArchive"]
    assert closed["errors"] == []
    assert closed["archive"]["status"] == "EXITED"
    assert closed["archive"]["closeReason"] == "RETIRED"


def test_filters(alpha: GraphQLClient, world: dict[str, Any]) -> None:
    def listed(**variables: Any) -> set[str]:
        result = alpha.execute(ARCHIVES, {"within": world["s1"], "n": 100, **variables})
        return {node["id"] for node in nodes(result.data["employmentArchives"])}

    everything = listed()
    assert world["leader"] in everything
    assert world["in_c2"] not in everything
    assert world["leader"] in listed(isMember=True)
    assert world["leader"] not in listed(isMember=False)
    assert world["leader"] in listed(status="REEMPLOYED")
    assert world["leader"] not in listed(status="LAID_OFF")
    assert world["leader"] in listed(station=world["station"])
    assert listed(station=world["home"]) == set()
    assert listed(search="带头") == {world["leader"]}
    assert listed(within=world["s2"], idNumber="150101196805041234") == set()


def test_typed_errors(alpha: GraphQLClient, world: dict[str, Any]) -> None:
    def register(**fields: Any) -> set[tuple[str, str]]:
        variables = {"communityId": world["c1"], "registeredOn": str(D0), **fields}
        return errors_of(alpha.execute(REGISTER, {"input": variables}), "registerEmploymentArchive")

    assert register(name="钱", idNumber="123") == {("idNumber", "ID_FORMAT")}
    assert register() == {("memberId", "REQUIRED")}
    assert register(memberId=world["other_member"], phone="13900000000") == {
        ("memberId", "NOT_ALLOWED")  # a member's phone is on the member's record
    }
    assert register(memberId=world["other_member"], stationId=world["home"]) == {
        ("stationId", "WRONG_KIND")
    }
    assert register(memberId=global_id("Member", "beta", 1)) == {("memberId", "NOT_FOUND")}
    assert register(communityId=world["s1"], memberId=world["other_member"]) == {
        ("communityId", "INVALID_ORG_KIND")
    }
    change = alpha.execute(
        CHANGE,
        {"input": {"archiveId": world["leader"], "status": "IN_TRAINING", "changedOn": str(TODAY)}},
    )
    assert errors_of(change, "changeEmploymentStatus") == {("status", "INVALID_TRANSITION")}
    foreign = alpha.execute(
        CLOSE,
        {
            "input": {
                "id": global_id("EmploymentArchive", "beta", pk_of(world["leader"])),
                "closedOn": str(TODAY),
                "reason": "OTHER",
            }
        },
    )
    assert errors_of(foreign, "closeEmploymentArchive") == {("id", "NOT_FOUND")}
    training = alpha.execute(
        UPDATE_TRAINING, {"input": {"id": global_id("TrainingRecord", "alpha", 10**9)}}
    )
    assert errors_of(training, "updateTrainingRecord") == {("id", "NOT_FOUND")}


def test_scope(clients: dict[str, GraphQLClient], world: dict[str, Any]) -> None:
    outsider, viewer = clients["s2_admin"], clients["c1_viewer"]
    assert (
        nodes(outsider.execute(ARCHIVES, {"within": world["s1"]}).data["employmentArchives"]) == []
    )
    assert outsider.execute(ARCHIVE, {"id": world["leader"]}).data["employmentArchive"] is None
    mine = {n["id"] for n in nodes(outsider.execute(ARCHIVES, {}).data["employmentArchives"])}
    assert world["in_c2"] in mine
    assert world["leader"] not in mine
    assert outsider.execute(RANKING, {}).data["doubleLeadRanking"] == []
    change = {"archiveId": world["leader"], "status": "LAID_OFF", "changedOn": str(TODAY)}
    assert errors_of(outsider.execute(CHANGE, {"input": change}), "changeEmploymentStatus") == {
        ("archiveId", "NOT_FOUND")
    }
    # A worker in s2 cannot name a leader the s2 admin cannot see.
    led = {
        "archiveId": world["in_c2"],
        "status": "REEMPLOYED",
        "changedOn": str(TODAY),
        "employer": "某厂",
        "ledById": world["leader"],
    }
    assert errors_of(outsider.execute(CHANGE, {"input": led}), "changeEmploymentStatus") == {
        ("ledById", "NOT_FOUND")
    }

    seen = viewer.execute(ARCHIVE, {"id": world["leader"]}).data["employmentArchive"]
    assert seen["name"] == "带头党员"
    assert errors_of(viewer.execute(CHANGE, {"input": change}), "changeEmploymentStatus") == {
        ("archiveId", "FORBIDDEN")
    }
    training = {
        "archiveId": world["leader"],
        "course": "电工",
        "provider": "市民学校",
        "startedOn": str(TODAY),
        "hours": "8",
    }
    assert errors_of(viewer.execute(ADD_TRAINING, {"input": training}), "addTrainingRecord") == {
        ("archiveId", "FORBIDDEN")
    }
    register = {
        "communityId": world["c1"],
        "registeredOn": str(TODAY),
        "memberId": world["other_member"],
    }
    assert errors_of(
        viewer.execute(REGISTER, {"input": register}), "registerEmploymentArchive"
    ) == {("communityId", "FORBIDDEN")}


def test_a_leader_outside_the_readers_scope_shows_by_name_only(
    alpha: GraphQLClient, clients: dict[str, GraphQLClient], world: dict[str, Any]
) -> None:
    """The district admin records that the c1 leader led the s2 worker into work: the s2 admin
    sees the worker's history with the leader's name but not the leader's archive; the leader's
    own archive lists the worker for whoever sees both."""
    led = {
        "archiveId": world["in_c2"],
        "status": "REEMPLOYED",
        "changedOn": str(TODAY),
        "employer": "自办家政公司",
        "ledById": world["leader"],
    }
    assert alpha.execute(CHANGE, {"input": led}).data["changeEmploymentStatus"]["errors"] == []
    history = (
        clients["s2_admin"]
        .execute(ARCHIVE, {"id": world["in_c2"]})
        .data["employmentArchive"]["history"]
    )
    assert (history[-1]["ledByName"], history[-1]["ledBy"]) == ("带头党员", None)
    leader = alpha.execute(ARCHIVE, {"id": world["leader"]}).data["employmentArchive"]
    assert world["in_c2"] in {p["archive"]["id"] for p in leader["ledPeople"]}
    seen_by_viewer = clients["c1_viewer"].execute(ARCHIVE, {"id": world["leader"]})
    led_people = seen_by_viewer.data["employmentArchive"]["ledPeople"]
    assert world["in_c2"] not in {p["archive"]["id"] for p in led_people}


def test_another_district_sees_nothing(beta: GraphQLClient, world: dict[str, Any]) -> None:
    for within in (world["s1"], global_id("PartyOrg", "beta", pk_of(world["s1"]))):
        result = beta.execute(ARCHIVES, {"within": within})
        assert "带头党员" not in result.text
    result = beta.execute(ARCHIVE, {"id": world["leader"]})
    assert result.data["employmentArchive"] is None
    assert "带头党员" not in beta.execute(RANKING, {}).text


PAGE = """query($within: ID!, $n: Int!) { employmentArchives(within: $within, first: $n) {
  totalCount edges { node { id name gender birthDate idNumber phone isMember status
    community { name } station { name } member { name org { name } }
    history { toStatus fromStatus ledBy { name } archive { name } }
    trainings { course } ledPeople { archive { name } } } } } }"""


def test_a_page_of_archives_runs_a_fixed_number_of_queries(
    alpha: GraphQLClient, world: dict[str, Any], django_db_blocker: Any
) -> None:
    with django_db_blocker.unblock(), in_district("alpha"):
        street = support.street()
        community = support.community(street)
        branch = support.compound(community)
        station = support.station(community)
        # Registered last, so listed first: every page holds a leader with people led.
        leader = archive_register(
            community=community,
            registered_on=D0 + timedelta(days=1),
            member=support.member(branch, "计数带头人"),
            station=station,
        )
        status_change(
            archive=leader, to_status="flexible", changed_on=D0 + timedelta(days=1), employer="摊位"
        )
        for index in range(12):
            if index % 2:
                person: dict[str, Any] = {"member": support.member(branch, f"计数党员{index}")}
            else:
                person = {
                    "worker": WorkerData(name=f"计数职工{index}", id_number=support.id_number())
                }
            archive = archive_register(
                community=community, registered_on=D0, station=station, **person
            )
            training_add(
                archive=archive,
                data=TrainingData(
                    course="电工",
                    provider="市民学校",
                    started_on=D0,
                    ended_on=D0 + timedelta(days=5),
                    hours=Decimal(20),
                    result="completed",
                ),
            )
            status_change(
                archive=archive,
                to_status="reemployed",
                changed_on=D0 + timedelta(days=9),
                employer="物业公司",
                led_by=leader,
            )
    within = gid("PartyOrg", street.pk)
    small = alpha.execute(PAGE, {"within": within, "n": 2})
    large = alpha.execute(PAGE, {"within": within, "n": 13})
    assert len(large.data["employmentArchives"]["edges"]) == 13
    assert large.data["employmentArchives"]["totalCount"] == 13
    assert small.sql_queries == large.sql_queries
    names = {n["name"] for n in nodes(large.data["employmentArchives"])}
    assert {"计数党员1", "计数职工0", "计数带头人"} <= names
    ranking = alpha.execute(RANKING, {"within": within})
    (entry,) = ranking.data["doubleLeadRanking"]
    assert (entry["rank"], entry["name"], entry["ledCount"]) == (1, "计数带头人", 12)
    assert len(entry["ledPeople"]) == 12


def test_the_ranking_runs_a_fixed_number_of_queries(
    alpha: GraphQLClient, django_db_blocker: Any
) -> None:
    def ranking_with_leaders(count: int) -> Response:
        with django_db_blocker.unblock(), in_district("alpha"):
            community = support.community(support.street())
            branch = support.compound(community)
            for index in range(count):
                leader = archive_register(
                    community=community,
                    registered_on=D0,
                    member=support.member(branch, f"排行党员{index}"),
                )
                status_change(archive=leader, to_status="reemployed", changed_on=D0, employer="厂")
                worker = archive_register(
                    community=community,
                    registered_on=D0,
                    worker=WorkerData(name=f"排行职工{index}", id_number=support.id_number()),
                )
                status_change(
                    archive=worker,
                    to_status="reemployed",
                    changed_on=D0 + timedelta(days=1),
                    employer="厂",
                    led_by=leader,
                )
        return alpha.execute(RANKING, {"within": gid("PartyOrg", community.pk)})

    one, many = ranking_with_leaders(1), ranking_with_leaders(8)
    assert [e["rank"] for e in many.data["doubleLeadRanking"]] == list(range(1, 9))
    assert all(e["ledCount"] == 1 for e in many.data["doubleLeadRanking"])
    assert one.sql_queries == many.sql_queries

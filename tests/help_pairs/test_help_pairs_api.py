"""Help pairs over HTTP: register, pair, log visits, close; the gap list, last visits and the
"not visited in N days" filter; typed errors, the reader's scope and constant query counts."""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from tenants.context import in_district
from tests.conftest import global_id
from tests.help_pairs.world import World, build_world
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient, Response
from tests.support.seed import PASSWORD

pytestmark = pytest.mark.usefixtures("db")

PHONE = "13812340042"
ERRORS = "errors { field code message }"
REGISTER = (
    "mutation($input: RegisterHouseholdInput!) { registerHousehold(input: $input)"
    " { household { id headName kind address phone size hasActivePair community { name } } "
    + ERRORS
    + " } }"
)
CLOSE = (
    "mutation($input: CloseHouseholdInput!) { closeHousehold(input: $input)"
    " { household { id closedOn hasActivePair } " + ERRORS + " } }"
)
PAIR = (
    "mutation($input: PairHouseholdInput!) { pairHousehold(input: $input)"
    " { pair { id startOn endReason member { name } household { headName } } " + ERRORS + " } }"
)
UNPAIR = (
    "mutation($input: UnpairHouseholdInput!) { unpairHousehold(input: $input)"
    " { pair { id endOn endReason } " + ERRORS + " } }"
)
LOG = (
    "mutation($input: LogHelpVisitInput!) { logHelpVisit(input: $input)"
    " { visit { id visitedOn kind hours amount pair { lastVisitedOn } } " + ERRORS + " } }"
)
HOUSEHOLDS = """query($within: ID, $kind: HouseholdKind, $gap: Boolean!, $open: Boolean, $n: Int) {
  households(within: $within, kind: $kind, withoutActivePair: $gap, open: $open, first: $n) {
    totalCount edges { node { id headName kind phone hasActivePair community { name }
      pairs(first: 5) { edges { node { startOn endOn member { name } lastVisitedOn } } }
} } } }"""
PAIRS = """query($within: ID, $active: Boolean, $days: Int, $n: Int) {
  helpPairs(within: $within, active: $active, notVisitedInDays: $days, first: $n) {
    totalCount edges { node { id startOn endOn endReason lastVisitedOn
      member { name org { name } } household { headName phone community { name } }
      visits(first: 3) { edges { node { visitedOn kind amount } } }
} } } }"""
VISITS = """query($within: ID, $since: Date, $until: Date, $n: Int) {
  helpVisits(within: $within, since: $since, until: $until, first: $n) {
    totalCount edges { node { visitedOn kind hours amount note
      pair { member { name } household { headName } } } } } }"""


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
        yield build_world("hpa")


@pytest.fixture(scope="module")
def users(api_url: str, world: World) -> dict[str, GraphQLClient]:
    clients = {}
    for label, username in world.usernames.items():
        client = GraphQLClient(api_url, "alpha.localhost")
        clients[label] = client.as_user(client.login(username, PASSWORD))
    return clients


def register(client: GraphQLClient, community_pk: int, **fields: Any) -> Response:
    values = {
        "communityId": gid("PartyOrg", community_pk),
        "headName": "王大妈",
        "kind": "LONELY_ELDERLY",
        "address": "幸福小区3幢2单元",
        "registeredOn": "2024-01-05",
        "phone": PHONE,
        "size": 1,
        "situation": "独居，行动不便",
    }
    values.update(fields)
    return client.execute(REGISTER, {"input": values})


def pair(client: GraphQLClient, household: str, member_pk: int, start: str) -> Response:
    return client.execute(
        PAIR,
        {
            "input": {
                "householdId": household,
                "memberId": gid("Member", member_pk),
                "startOn": start,
            }
        },
    )


def log(client: GraphQLClient, pair_id: str, visited: str, **fields: Any) -> Response:
    return client.execute(
        LOG, {"input": {"pairId": pair_id, "visitedOn": visited, "kind": "VISIT", **fields}}
    )


def test_help_pair_flow(alpha: GraphQLClient, world: World) -> None:
    created = payload(register(alpha, world.community.pk), "registerHousehold")
    household = created["household"]
    assert household["phone"] == "138****0042"
    assert household["hasActivePair"] is False
    assert PHONE not in register(alpha, world.community.pk, headName="钱阿姨").text

    paired = payload(
        pair(alpha, household["id"], world.members[0].pk, "2024-02-01"), "pairHousehold"
    )
    pair_id = paired["pair"]["id"]
    assert paired["pair"]["endReason"] is None
    assert codes(
        pair(alpha, household["id"], world.members[0].pk, "2024-03-01"), "pairHousehold"
    ) == {("memberId", "ALREADY_PAIRED")}
    second = payload(
        pair(alpha, household["id"], world.members[1].pk, "2024-02-01"), "pairHousehold"
    )

    money = payload(
        log(alpha, pair_id, "2024-03-01", kind="MONEY", amount="300.50", hours="1.5"),
        "logHelpVisit",
    )
    assert money["visit"]["amount"] == "300.50"
    assert money["visit"]["pair"]["lastVisitedOn"] == "2024-03-01"
    log(alpha, pair_id, "2024-05-20", kind="SERVICE", hours="2")
    assert codes(log(alpha, pair_id, "2024-01-01"), "logHelpVisit") == {
        ("visitedOn", "OUTSIDE_PAIR")
    }
    assert codes(log(alpha, pair_id, "2024-04-01", kind="MONEY"), "logHelpVisit") == {
        ("amount", "REQUIRED")
    }

    ended = alpha.execute(
        UNPAIR,
        {"input": {"id": second["pair"]["id"], "endOn": "2024-06-30", "endReason": "REASSIGNED"}},
    )
    assert payload(ended, "unpairHousehold")["pair"]["endReason"] == "REASSIGNED"

    within = gid("PartyOrg", world.street.pk)
    pairs = payload(alpha.execute(PAIRS, {"within": within, "active": True}), "helpPairs")
    mine = next(n for n in nodes(pairs) if n["id"] == pair_id)
    assert mine["lastVisitedOn"] == "2024-05-20"
    assert [v["visitedOn"] for v in nodes(mine["visits"])] == ["2024-05-20", "2024-03-01"]
    assert mine["household"]["phone"] == "138****0042"

    stale = payload(alpha.execute(PAIRS, {"within": within, "days": 30}), "helpPairs")
    assert pair_id in {n["id"] for n in nodes(stale)}  # last visit in May 2024
    log(alpha, pair_id, (date.today() - timedelta(days=3)).isoformat())
    stale = payload(alpha.execute(PAIRS, {"within": within, "days": 30}), "helpPairs")
    assert pair_id not in {n["id"] for n in nodes(stale)}

    visits = payload(
        alpha.execute(VISITS, {"within": within, "since": "2024-01-01", "until": "2024-12-31"}),
        "helpVisits",
    )
    assert [(v["visitedOn"], v["kind"]) for v in nodes(visits)] == [
        ("2024-05-20", "SERVICE"),
        ("2024-03-01", "MONEY"),
    ]

    closed = alpha.execute(
        CLOSE, {"input": {"id": household["id"], "closedOn": date.today().isoformat()}}
    )
    body = payload(closed, "closeHousehold")["household"]
    assert body["hasActivePair"] is False
    again = alpha.execute(
        CLOSE, {"input": {"id": household["id"], "closedOn": date.today().isoformat()}}
    )
    assert codes(again, "closeHousehold") == {("id", "ALREADY_CLOSED")}
    active = payload(alpha.execute(PAIRS, {"within": within, "active": True}), "helpPairs")
    assert pair_id not in {n["id"] for n in nodes(active)}  # closing ended it


def test_gap_list(alpha: GraphQLClient, world: World) -> None:
    within = gid("PartyOrg", world.other_community.pk)
    alone = payload(
        register(alpha, world.other_community.pk, headName="孙奶奶", kind="MILITARY_FAMILY"),
        "registerHousehold",
    )["household"]
    helped = payload(
        register(alpha, world.other_community.pk, headName="周师傅", kind="HARDSHIP_WORKER"),
        "registerHousehold",
    )["household"]
    pair(alpha, helped["id"], world.members[2].pk, "2024-02-01")
    gaps = payload(alpha.execute(HOUSEHOLDS, {"within": within, "gap": True}), "households")
    assert [n["id"] for n in nodes(gaps)] == [alone["id"]]
    by_kind = payload(
        alpha.execute(HOUSEHOLDS, {"within": within, "gap": False, "kind": "HARDSHIP_WORKER"}),
        "households",
    )
    assert [n["headName"] for n in nodes(by_kind)] == ["周师傅"]
    assert nodes(by_kind)[0]["hasActivePair"] is True


def test_bad_input_is_typed(alpha: GraphQLClient, world: World) -> None:
    result = register(
        alpha,
        world.branch.pk,
        headName="",
        address="3幢2单元301室",
        phone="123",
        size=0,
        registeredOn="2099-01-01",
    )
    assert codes(result, "registerHousehold") == {
        ("communityId", "INVALID_ORG_KIND"),
        ("headName", "REQUIRED"),
        ("address", "TOO_PRECISE"),
        ("phone", "INVALID"),
        ("size", "INVALID"),
        ("registeredOn", "IN_FUTURE"),
    }
    assert payload(result, "registerHousehold")["household"] is None
    unknown = pair(alpha, global_id("Household", "beta", 1), world.members[0].pk, "2024-02-01")
    assert codes(unknown, "pairHousehold") == {("householdId", "NOT_FOUND")}


def test_scope(alpha: GraphQLClient, users: dict[str, GraphQLClient], world: World) -> None:
    household = payload(
        register(alpha, world.community.pk, headName="吴大爷"), "registerHousehold"
    )["household"]
    paired = payload(
        pair(alpha, household["id"], world.members[3].pk, "2024-02-01"), "pairHousehold"
    )
    within = gid("PartyOrg", world.street.pk)
    other = users["other_admin"]
    for query, field, variables in (
        (HOUSEHOLDS, "households", {"within": within, "gap": False}),
        (HOUSEHOLDS, "households", {"gap": False}),
        (PAIRS, "helpPairs", {"within": within}),
        (VISITS, "helpVisits", {"within": within}),
    ):
        assert payload(other.execute(query, variables), field)["totalCount"] == 0
    assert codes(
        pair(other, household["id"], world.members[4].pk, "2024-02-01"), "pairHousehold"
    ) == {("householdId", "NOT_FOUND")}
    assert codes(log(other, paired["pair"]["id"], "2024-03-01"), "logHelpVisit") == {
        ("pairId", "NOT_FOUND")
    }
    assert codes(register(other, world.community.pk), "registerHousehold") == {
        ("communityId", "NOT_FOUND")
    }
    viewer = users["viewer"]
    seen = payload(viewer.execute(HOUSEHOLDS, {"within": within, "gap": False}), "households")
    assert household["id"] in {n["id"] for n in nodes(seen)}
    assert codes(log(viewer, paired["pair"]["id"], "2024-03-01"), "logHelpVisit") == {
        ("pairId", "FORBIDDEN")
    }
    assert codes(register(viewer, world.community.pk), "registerHousehold") == {
        ("communityId", "FORBIDDEN")
    }


def test_list_query_counts_do_not_grow_with_the_page(alpha: GraphQLClient, world: World) -> None:
    for index in range(11):
        household = payload(
            register(alpha, world.community.pk, headName=f"计数户{index}", kind="OTHER"),
            "registerHousehold",
        )["household"]
        for member in world.members[5:7]:
            paired = payload(pair(alpha, household["id"], member.pk, "2024-02-01"), "pairHousehold")
            log(alpha, paired["pair"]["id"], "2024-03-01")
            log(alpha, paired["pair"]["id"], "2024-04-01", kind="MATERIAL", amount="80")
    within = gid("PartyOrg", world.community.pk)

    def count(query: str, field: str, variables: dict[str, Any]) -> int:
        small = alpha.execute(query, {**variables, "n": 2})
        large = alpha.execute(query, {**variables, "n": 12})
        assert len(payload(large, field)["edges"]) > len(payload(small, field)["edges"]) == 2
        assert small.sql_queries == large.sql_queries
        return small.sql_queries

    assert count(HOUSEHOLDS, "households", {"within": within, "gap": False, "kind": "OTHER"}) <= 14
    assert count(PAIRS, "helpPairs", {"within": within, "active": True}) <= 14
    assert count(VISITS, "helpVisits", {"within": within}) <= 14

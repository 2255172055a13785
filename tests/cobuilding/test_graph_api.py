"""The co-building graph over HTTP on a generated graph of known shape (tests/cobuilding/world.py):
components, degrees, neighbours per hop, the cycle guard, balances, the gap list, filters, scope
and the number of SQL statements."""

from collections import Counter
from typing import Any

import pytest

from tests.cobuilding.world import World, build_world_in_alpha, sign_in
from tests.conftest import global_id
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient

pytestmark = pytest.mark.usefixtures("db")

NODE = "id kind name orgKind unitKind communityName streetName hops"
GRAPH = (
    "query($within: ID, $types: [CoBuildingEdgeType!], $on: Date, $since: Date, $until: Date) {"
    " coBuildingGraph(within: $within, types: $types, activeOn: $on, since: $since,"
    f" until: $until) {{ truncated nodes {{ {NODE} }} edges {{ id type source target startsOn"
    " endsOn hoursForward hoursBack weight } } }"
)
NEIGHBOURS = (
    "query($node: ID!, $hops: Int!, $types: [CoBuildingEdgeType!], $on: Date) {"
    " coBuildingNeighbours(node: $node, hops: $hops, types: $types, activeOn: $on) {"
    f" nodes {{ {NODE} }} edges {{ id type source target }} }} }}"
)
COMPONENTS = (
    "query($within: ID, $on: Date) { coBuildingComponents(within: $within, activeOn: $on)"
    " { size nodes { id name } } }"
)
ISOLATED = (
    "query($within: ID, $on: Date) { isolatedCommunities(within: $within, activeOn: $on)"
    " { id name kind orgKind } }"
)
RANKING = (
    "query($within: ID, $on: Date, $by: CoBuildingRankBy!, $first: Int!) {"
    " coBuildingRanking(within: $within, activeOn: $on, by: $by, first: $first) {"
    " node { id name } degree hoursGiven hoursReceived balance onlyReceives } }"
)
ON = "2025-06-01"


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> World:
    with django_db_blocker.unblock():
        return build_world_in_alpha()


def _labels(world: World) -> dict[str, str]:
    """Global ID → the world's label (C1, U2, …)."""
    found = {world.gid(obj): label for label, obj in world.orgs.items()}
    return found | {world.gid(obj): label for label, obj in world.units.items()}


def _graph(client: GraphQLClient, world: World, **variables: Any) -> dict[str, Any]:
    variables = {"within": world.gid(world.graph_street), "on": ON} | variables
    return dict(client.execute(GRAPH, variables).data["coBuildingGraph"])


def _edge_set(world: World, graph: dict[str, Any]) -> set[tuple[str, str, str]]:
    labels = _labels(world)
    return {(e["type"], labels[e["source"]], labels[e["target"]]) for e in graph["edges"]}


def test_street_graph_has_the_known_edges_and_nodes(alpha: GraphQLClient, world: World) -> None:
    graph = _graph(alpha, world)
    assert graph["truncated"] is False
    assert _edge_set(world, graph) == {
        ("PAIR", "C1", "C2"),
        ("PAIR", "C2", "C3"),
        ("PAIR", "C3", "C1"),
        ("PAIR", "C3", "U1"),
        ("PAIR", "U5", "C5"),
        ("COUNCIL", "U2", "C4"),
        ("COUNCIL", "U3", "C4"),
        ("COUNCIL", "U4", "C4"),
    }
    labels = _labels(world)
    nodes = {labels[n["id"]]: n for n in graph["nodes"]}
    assert set(nodes) == {"C1", "C2", "C3", "C4", "C5", "U1", "U2", "U3", "U4", "U5"}
    assert (nodes["C1"]["kind"], nodes["C1"]["orgKind"]) == ("ORG", "COMMUNITY_COMMITTEE")
    assert (nodes["U1"]["kind"], nodes["U1"]["unitKind"]) == ("UNIT", "RESIDENT_UNIT")
    assert nodes["U1"]["communityName"] == world.orgs["C3"].name
    assert nodes["U1"]["streetName"] == world.graph_street.name
    c1_c2 = next(e for e in graph["edges"] if e["id"] == world.gid(world.pairs["C1-C2"]))
    assert (c1_c2["hoursForward"], c1_c2["hoursBack"], c1_c2["weight"]) == ("5.0", "1.5", "6.5")


def test_filters_by_type_and_period(alpha: GraphQLClient, world: World) -> None:
    pairs = _edge_set(world, _graph(alpha, world, types=["PAIR"]))
    assert [t for t, _, _ in pairs] == ["PAIR"] * 5
    councils = _edge_set(world, _graph(alpha, world, types=["COUNCIL"]))
    assert councils == {("COUNCIL", u, "C4") for u in ("U2", "U3", "U4")}
    # Over 2024 the expired pair and the member who left in 2025 are alive.
    year = _edge_set(world, _graph(alpha, world, on=None, since="2024-06-01", until="2024-12-31"))
    assert year == {("PAIR", "C6", "U6")} | {("COUNCIL", x, "C4") for x in ("U2", "U3", "U4", "C6")}
    # Before the ended pair ended it was an edge.
    early = _edge_set(world, _graph(alpha, world, on="2025-02-01", types=["PAIR"]))
    assert ("PAIR", "C5", "U6") in early


def test_components_largest_first(alpha: GraphQLClient, world: World) -> None:
    data = alpha.execute(COMPONENTS, {"within": world.gid(world.graph_street), "on": ON}).data
    labels = _labels(world)
    found = [
        (c["size"], {labels[n["id"]] for n in c["nodes"]}) for c in data["coBuildingComponents"]
    ]
    assert found == [
        (4, {"C1", "C2", "C3", "U1"}),
        (4, {"C4", "U2", "U3", "U4"}),
        (2, {"C5", "U5"}),
    ] or found == [
        (4, {"C4", "U2", "U3", "U4"}),
        (4, {"C1", "C2", "C3", "U1"}),
        (2, {"C5", "U5"}),
    ]


def test_isolated_communities(alpha: GraphQLClient, world: World) -> None:
    data = alpha.execute(ISOLATED, {"within": world.gid(world.graph_street), "on": ON}).data
    labels = _labels(world)
    assert [labels[n["id"]] for n in data["isolatedCommunities"]] == ["C4", "C6"]
    # In 2024 C6 had its pair, and every other community none.
    early = alpha.execute(
        ISOLATED, {"within": world.gid(world.graph_street), "on": "2024-06-01"}
    ).data
    assert [labels[n["id"]] for n in early["isolatedCommunities"]] == [
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
    ]


def test_neighbours_by_hop_with_the_cycle_guard(alpha: GraphQLClient, world: World) -> None:
    labels = _labels(world)

    def hops(node: str, n: int, **extra: Any) -> dict[str, int]:
        variables = {"node": world.node(node), "hops": n, "on": ON} | extra
        result = alpha.execute(NEIGHBOURS, variables).data["coBuildingNeighbours"]
        return {labels.get(x["id"], x["name"]): x["hops"] for x in result["nodes"]}

    # C1 also pairs with OC (another street) and C2 with NC (no covering org): the district
    # admin sees them.
    assert hops("C1", 1) == {"C1": 0, "C2": 1, "C3": 1, "OC": 1}
    assert hops("C1", 2) == {"C1": 0, "C2": 1, "C3": 1, "OC": 1, "U1": 2, "NC": 2}
    # The triangle C1–C2–C3 does not send the walk round again.
    assert hops("C1", 3) == hops("C1", 2)
    assert hops("U2", 1) == {"U2": 0, "C4": 1}
    assert hops("U2", 2) == {"U2": 0, "C4": 1, "U3": 2, "U4": 2}
    assert hops("U2", 2, types=["PAIR"]) == {"U2": 0}
    result = alpha.execute(NEIGHBOURS, {"node": world.node("U1"), "hops": 1, "on": ON}).data
    edges = {
        (labels[e["source"]], labels[e["target"]]) for e in result["coBuildingNeighbours"]["edges"]
    }
    assert edges == {("C3", "U1")}


def test_hops_out_of_range_is_an_error(alpha: GraphQLClient, world: World) -> None:
    result = alpha.execute(NEIGHBOURS, {"node": world.node("C1"), "hops": 4, "on": ON})
    assert "hops" in result.body["errors"][0]["message"]


def test_degree_and_balance_rankings(alpha: GraphQLClient, world: World) -> None:
    labels = _labels(world)

    def rank(by: str) -> list[dict[str, Any]]:
        variables = {"within": world.gid(world.graph_street), "on": ON, "by": by, "first": 20}
        return list(alpha.execute(RANKING, variables).data["coBuildingRanking"])

    degrees = {labels[r["node"]["id"]]: r["degree"] for r in rank("DEGREE")}
    assert degrees == {
        "C1": 2,
        "C2": 2,
        "C3": 3,
        "U1": 1,
        "C4": 3,
        "U2": 1,
        "U3": 1,
        "U4": 1,
        "C5": 1,
        "U5": 1,
    }
    assert Counter(degrees.values()) == {1: 6, 2: 2, 3: 2}
    balance = rank("BALANCE")
    assert [(labels[r["node"]["id"]], r["balance"]) for r in balance[:3]] == [
        ("U1", "4.0"),
        ("C1", "3.5"),
        ("U5", "2.0"),
    ]
    assert [(labels[r["node"]["id"]], r["balance"]) for r in balance[-3:]] == [
        ("C5", "-2.0"),
        ("C2", "-3.5"),
        ("C3", "-4.0"),
    ]
    only = {labels[r["node"]["id"]] for r in balance if r["onlyReceives"]}
    assert only == {"C3", "C5"}
    given = rank("SERVICE_GIVEN")
    assert [(labels[r["node"]["id"]], r["hoursGiven"]) for r in given[:2]] == [
        ("C1", "5.0"),
        ("U1", "4.0"),
    ]
    received = rank("SERVICE_RECEIVED")
    assert (labels[received[0]["node"]["id"]], received[0]["hoursReceived"]) == ("C2", "5.0")


def test_a_street_viewer_sees_the_street_subgraph_only(api_url: str, world: World) -> None:
    viewer = sign_in(api_url, world.usernames["graph_viewer"])
    labels = _labels(world)
    whole = viewer.execute(GRAPH, {"on": ON}).data["coBuildingGraph"]
    assert {labels.get(n["id"], "?") for n in whole["nodes"]} == {
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
        "U1",
        "U2",
        "U3",
        "U4",
        "U5",
    }
    hops = viewer.execute(NEIGHBOURS, {"node": world.node("C1"), "hops": 2, "on": ON}).data
    assert {labels[n["id"]] for n in hops["coBuildingNeighbours"]["nodes"]} == {
        "C1",
        "C2",
        "C3",
        "U1",
    }
    # Another street's admin sees none of it, and not the start node either.
    other = sign_in(api_url, world.usernames["other_admin"])
    theirs = other.execute(GRAPH, {"within": world.gid(world.graph_street), "on": ON}).data
    assert theirs["coBuildingGraph"] == {"truncated": False, "nodes": [], "edges": []}
    assert (
        other.execute(NEIGHBOURS, {"node": world.node("C1"), "hops": 1, "on": ON}).data[
            "coBuildingNeighbours"
        ]
        is None
    )
    own = other.execute(NEIGHBOURS, {"node": world.node("OC"), "hops": 1, "on": ON}).data
    assert {labels[n["id"]] for n in own["coBuildingNeighbours"]["nodes"]} == {"OC"}
    isolated = other.execute(ISOLATED, {"within": world.gid(world.graph_street), "on": ON}).data
    assert isolated["isolatedCommunities"] == []


def test_graph_statement_count_is_constant(
    alpha: GraphQLClient, world: World, seeded: dict[str, Any]
) -> None:
    street = _graph_counted(alpha, {"within": world.gid(world.graph_street), "on": ON})
    root = global_id("PartyOrg", "alpha", seeded["alpha"].org_pks["root"])
    district = _graph_counted(alpha, {"within": root, "on": ON})
    assert street.sql_queries == district.sql_queries
    assert len(district.data["coBuildingGraph"]["edges"]) > len(
        street.data["coBuildingGraph"]["edges"]
    )


def _graph_counted(client: GraphQLClient, variables: dict[str, Any]) -> Any:
    return client.execute(GRAPH, variables)

"""The canary matrix's cases for 共驻共建 (tests/api/test_tenant_isolation.py); isolation_seed.py
seeds the pair they name."""

from collections.abc import Callable
from typing import Any

from tests.support.isolation import ERRORS, Case, Values, empty, node_found, not_found, null

Check = Callable[[dict[str, Any], dict[str, Any]], None]

PAIR = (
    "id aName bName aOrg { id name } bUnit { id name } campaign { code } theme { code }"
    " startsOn endsOn status hoursAToB hoursBToA commitments { text }"
    " serviceRecords { description hours }"
)
PAIRS_DOC = (
    "query($within: ID, $party: ID, $campaign: ID, $theme: ID) { coBuildingPairs("
    "within: $within, party: $party, campaign: $campaign, theme: $theme, first: 100)"
    f" {{ totalCount edges {{ node {{ {PAIR} }} }} }} }}"
)
NODE = "id name kind communityName streetName hops"
GRAPH_BODY = f"truncated nodes {{ {NODE} }} edges {{ id type source target weight }}"
GRAPH_DOC = f"query($within: ID) {{ coBuildingGraph(within: $within) {{ {GRAPH_BODY} }} }}"
NEIGHBOURS_DOC = (
    f"query($node: ID!) {{ coBuildingNeighbours(node: $node, hops: 2) {{ {GRAPH_BODY} }} }}"
)
COMPONENTS_DOC = (
    f"query($within: ID) {{ coBuildingComponents(within: $within) {{ size nodes {{ {NODE} }} }} }}"
)
ISOLATED_DOC = f"query($within: ID) {{ isolatedCommunities(within: $within) {{ {NODE} }} }}"
RANKING_DOC = (
    "query($within: ID) { coBuildingRanking(within: $within, by: DEGREE, first: 50)"
    f" {{ node {{ {NODE} }} degree hoursGiven hoursReceived balance }} }}"
)
NODE_DOC = (
    "query($id: ID!) { node(id: $id) { id ... on CoBuildingPair {"
    f" {PAIR} }} ... on CoBuildingCommitment {{ side text }}"
    " ... on CoBuildingServiceRecord { description hours } } }"
)


def _mutation(name: str, input_type: str, entity: str, body: str) -> str:
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input)"
        f" {{ {entity} {{ {body} }} {ERRORS} }} }}"
    )


CREATE_DOC = _mutation("createPair", "CreatePairInput", "pair", PAIR)
UPDATE_DOC = _mutation("updatePair", "UpdatePairInput", "pair", PAIR)
RENEW_DOC = _mutation("renewPair", "RenewPairInput", "pair", PAIR)
END_DOC = _mutation("endPair", "EndPairInput", "pair", PAIR)
SERVE_DOC = _mutation(
    "recordPairService", "RecordPairServiceInput", "serviceRecord", "id description hours"
)


def _pairs_found(data: dict[str, Any], _v: dict[str, Any]) -> None:
    names = [e["node"]["aName"] for e in data["coBuildingPairs"]["edges"]]
    assert any("CANARYALPHA" in n for n in names), names


def _no_nodes(name: str) -> Check:
    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        assert data[name] == {"truncated": False, "nodes": [], "edges": []}, data

    return check


def _graph_found(name: str) -> Check:
    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        names = [n["name"] for n in data[name]["nodes"]]
        assert any("CANARYALPHA" in n for n in names), names
        assert data[name]["edges"], data

    return check


def _empty_list(name: str) -> Check:
    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        assert data[name] == [], data

    return check


def _components_found(data: dict[str, Any], _v: dict[str, Any]) -> None:
    names = [n["name"] for c in data["coBuildingComponents"] for n in c["nodes"]]
    assert any("CANARYALPHA" in n for n in names), names


def _ranking_found(data: dict[str, Any], _v: dict[str, Any]) -> None:
    names = [r["node"]["name"] for r in data["coBuildingRanking"]]
    assert any("CANARYALPHA" in n for n in names), names


def _pairs_case(arg: str, value: Callable[[Values], str]) -> Case:
    return Case(
        "coBuildingPairs",
        PAIRS_DOC,
        lambda f, o: {arg: value(f)},
        empty("coBuildingPairs"),
        _pairs_found if arg in ("within", "party") else None,
    )


def _graph_case(root: str, doc: str, expect: Check, control: Check | None) -> Case:
    return Case(root, doc, lambda f, o: {"within": f.org("s1")}, expect, control)


def _create(field: str) -> Case:
    def variables(f: Values, o: Values) -> dict[str, Any]:
        fields = {
            "aId": o.org("s1-c1"),
            "bId": o.org("s2"),
            "startsOn": "2020-01-01",
            "endsOn": "2020-12-31",
        }
        fields[field] = {"aId": f.org("s1-c1"), "bId": f.unit()}.get(field) or f.obj("Campaign")
        return {"input": fields}

    return Case("createPair", CREATE_DOC, variables, not_found("createPair", "pair", field))


def _on_own_pair(root: str, doc: str, field: str, extra: dict[str, Any]) -> Case:
    """alpha's own pair, with beta's ID in `field`."""
    payload = {"updatePair": "pair", "renewPair": "pair"}[root]

    def variables(f: Values, o: Values) -> dict[str, Any]:
        return {"input": {"id": o.obj("CoBuildingPair"), **extra, field: f.obj("Campaign")}}

    return Case(root, doc, variables, not_found(root, payload, field))


def _node_case(type_name: str) -> Case:
    return Case("node", NODE_DOC, lambda f, o: {"id": f.obj(type_name)}, null("node"), node_found)


CASES: dict[str, Case] = {
    **{
        f"node/{type_name}": _node_case(type_name)
        for type_name in ("CoBuildingPair", "CoBuildingCommitment", "CoBuildingServiceRecord")
    },
    "coBuildingPairs/within": _pairs_case("within", lambda v: v.org("s1")),
    "coBuildingPairs/party": _pairs_case("party", lambda v: v.org("s1-c1")),
    "coBuildingPairs/partyUnit": _pairs_case("party", lambda v: v.unit()),
    # The matrix holds no theme of beta's: its campaign's ID stands in (any foreign ID must read
    # as unknown).
    "coBuildingPairs/campaign": _pairs_case("campaign", lambda v: v.obj("Campaign")),
    "coBuildingPairs/theme": _pairs_case("theme", lambda v: v.obj("Campaign")),
    "coBuildingGraph/within": _graph_case(
        "coBuildingGraph", GRAPH_DOC, _no_nodes("coBuildingGraph"), _graph_found("coBuildingGraph")
    ),
    "coBuildingNeighbours/node": Case(
        "coBuildingNeighbours",
        NEIGHBOURS_DOC,
        lambda f, o: {"node": f.org("s1-c1")},
        null("coBuildingNeighbours"),
        _graph_found("coBuildingNeighbours"),
    ),
    "coBuildingNeighbours/unit": Case(
        "coBuildingNeighbours",
        NEIGHBOURS_DOC,
        lambda f, o: {"node": f.unit()},
        null("coBuildingNeighbours"),
        _graph_found("coBuildingNeighbours"),
    ),
    "coBuildingComponents/within": _graph_case(
        "coBuildingComponents",
        COMPONENTS_DOC,
        _empty_list("coBuildingComponents"),
        _components_found,
    ),
    "isolatedCommunities/within": _graph_case(
        "isolatedCommunities", ISOLATED_DOC, _empty_list("isolatedCommunities"), None
    ),
    "coBuildingRanking/within": _graph_case(
        "coBuildingRanking", RANKING_DOC, _empty_list("coBuildingRanking"), _ranking_found
    ),
    "createPair/aId": _create("aId"),
    "createPair/bId": _create("bId"),
    "createPair/campaignId": _create("campaignId"),
    "createPair/themeId": _create("themeId"),
    "updatePair/id": Case(
        "updatePair",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": f.obj("CoBuildingPair"), "endsOn": "2035-01-01"}},
        not_found("updatePair", "pair", "id"),
    ),
    "updatePair/campaignId": _on_own_pair("updatePair", UPDATE_DOC, "campaignId", {}),
    "updatePair/themeId": _on_own_pair("updatePair", UPDATE_DOC, "themeId", {}),
    "renewPair/id": Case(
        "renewPair",
        RENEW_DOC,
        lambda f, o: {"input": {"id": f.obj("CoBuildingPair"), "endsOn": "2040-01-01"}},
        not_found("renewPair", "pair", "id"),
    ),
    "renewPair/campaignId": _on_own_pair(
        "renewPair", RENEW_DOC, "campaignId", {"endsOn": "2040-01-01"}
    ),
    "renewPair/themeId": _on_own_pair("renewPair", RENEW_DOC, "themeId", {"endsOn": "2040-01-01"}),
    "endPair/id": Case(
        "endPair",
        END_DOC,
        lambda f, o: {
            "input": {"id": f.obj("CoBuildingPair"), "endedOn": "2025-01-01", "reason": "隔离"}
        },
        not_found("endPair", "pair", "id"),
    ),
    "recordPairService/pairId": Case(
        "recordPairService",
        SERVE_DOC,
        lambda f, o: {
            "input": {
                "pairId": f.obj("CoBuildingPair"),
                "servedOn": "2025-01-01",
                "direction": "A_TO_B",
                "description": "隔离测试",
                "hours": "1",
            }
        },
        not_found("recordPairService", "serviceRecord", "pairId"),
    ),
}

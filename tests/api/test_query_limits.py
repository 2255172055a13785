"""Query limits over HTTP: cost, aliases and depth counted through fragments, batches and
multi-operation documents, each refused before any SQL of the operation runs.

A refused operation answers with no `data`, one error with a stable `extensions.code`, and
`extensions.sqlQueries == 0`; each refusal has a control just under the limit that does run.
"""

import time
import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import global_id
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.district_rows import district_counts
from tests.support.graphql_client import GraphQLClient, Response
from tests.support.seed import SeededDistrict

pytestmark = pytest.mark.usefixtures("db")

MAX_COST = 10_000  # the default of GRAPHQL_MAX_COST; the test server runs with the defaults


def _refused(response: Response, code: str) -> dict[str, Any]:
    """The operation was refused with `code` before anything ran; returns the error."""
    assert response.status == 200, response.text[:300]
    assert response.body.get("data") is None, response.text[:300]
    errors = response.body["errors"]
    assert [e.get("extensions", {}).get("code") for e in errors] == [code], errors
    assert response.sql_queries == 0
    assert "CANARY" not in response.text
    return dict(errors[0])


def _post(client: GraphQLClient, body: Any) -> httpx.Response:
    return httpx.post(
        f"{client.base_url}/graphql/",
        json=body,
        headers={"Host": client.host, "Authorization": f"Bearer {client.token}"},
        timeout=30,
    )


def _as_response(raw: httpx.Response) -> Response:
    return Response(status=raw.status_code, body=raw.json(), text=raw.text)


# --- cost -------------------------------------------------------------------------------------

ORGS_WITH_CHILDREN = """query($n: Int, $m: Int) { orgs(first: $n) { edges { node {
  name children(first: $m) { edges { node { name } } } } } } }"""


def test_page_of_100_orgs_with_100_children_each_is_refused(alpha: GraphQLClient) -> None:
    """1 + 100 × (edges + node + name + children(1 + 100 × (edges + node + name)))."""
    error = _refused(alpha.execute(ORGS_WITH_CHILDREN, {"n": 100, "m": 100}), "COST_LIMIT")
    assert error["extensions"] == {"code": "COST_LIMIT", "cost": 30_401, "maxCost": MAX_COST}
    assert "30401" in error["message"]
    assert str(MAX_COST) in error["message"]


def test_the_same_query_with_small_pages_runs(alpha: GraphQLClient) -> None:
    """The control: the cost comes from the variables' page sizes, not from the document."""
    response = alpha.execute(ORGS_WITH_CHILDREN, {"n": 5, "m": 5})
    assert len(response.data["orgs"]["edges"]) == 5
    assert response.sql_queries > 0


def test_literal_page_sizes_count_too(alpha: GraphQLClient) -> None:
    query = "{ orgs(first: 100) { edges { node { children(first: 100) { totalCount } } } } }"
    error = _refused(alpha.execute(query), "COST_LIMIT")
    assert error["extensions"]["cost"] == 1 + 100 * (1 + 1 + (1 + 100 * 1))


def test_a_variables_default_value_counts(alpha: GraphQLClient) -> None:
    query = """query($n: Int = 100) { orgs(first: $n) { edges { node {
      children(first: $n) { edges { node { name } } } } } } }"""
    assert _refused(alpha.execute(query), "COST_LIMIT")["extensions"]["cost"] == 30_301


def test_an_omitted_page_size_counts_as_the_default_20(alpha: GraphQLClient) -> None:
    """children without first/last holds 20 nodes, so costs 1 + 20 × 7 per org."""
    query = """{ orgs(first: 100) { edges { node { children {
      edges { node { name code kind depth endDate } } } } } } }"""
    error = _refused(alpha.execute(query), "COST_LIMIT")
    assert error["extensions"]["cost"] == 1 + 100 * (1 + 1 + (1 + 20 * 7))


def test_an_oversized_page_counts_as_the_cap(alpha: GraphQLClient) -> None:
    """first: 99999999 is refused by the cap as well; for the cost it counts as 100."""
    query = """{ orgs(first: 99999999) { edges { node {
      children(first: 99999999) { edges { node { name } } } } } } }"""
    response = alpha.execute(query)
    assert response.body.get("data") is None
    costs = [e["extensions"].get("cost") for e in response.body["errors"]]
    assert costs == [30_301], response.body["errors"]
    assert response.sql_queries == 0


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            """{ orgs(first: 100) { edges { node { ...Kids } } } }
            fragment Kids on PartyOrg { children(first: 100) { edges { node { name } } } }""",
            id="named-fragment",
        ),
        pytest.param(
            """{ orgs(first: 100) { edges { node {
              ... on PartyOrg { children(first: 100) { edges { node { name } } } } } } } }""",
            id="inline-fragment",
        ),
        pytest.param(
            """{ orgs(first: 100) { ...Page } }
            fragment Page on PartyOrgCursorConnection { edges { node { ...Kids } } }
            fragment Kids on PartyOrg { children(first: 100) { ...Names } }
            fragment Names on PartyOrgCursorConnection { edges { node { name } } }""",
            id="nested-fragments",
        ),
    ],
)
def test_fragments_are_expanded(alpha: GraphQLClient, query: str) -> None:
    assert _refused(alpha.execute(query), "COST_LIMIT")["extensions"]["cost"] == 30_301


def test_a_fragment_costs_once_per_spread(
    alpha: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    """Kids costs 501: spread under one org it runs; under 20 (aliased) orgs it is refused."""
    fragment = (
        "fragment Kids on PartyOrg { children(first: 100) { edges { node { name code kind } } } }"
    )
    variables = {"id": global_id("PartyOrg", "alpha", seeded["alpha"].org_pks["root"])}
    once = alpha.execute(f"query($id: ID!) {{ org(id: $id) {{ ...Kids }} }} {fragment}", variables)
    assert once.data["org"]["children"]["edges"]
    spreads = " ".join(f"o{i}: org(id: $id) {{ ...Kids }}" for i in range(20))
    twenty = alpha.execute(f"query($id: ID!) {{ {spreads} }} {fragment}", variables)
    assert _refused(twenty, "COST_LIMIT")["extensions"]["cost"] == 20 * (1 + 501)


def test_fragment_spread_chains_are_measured_in_linear_time(alpha: GraphQLClient) -> None:
    """F0 spreads F1 twice, F1 spreads F2 twice, …: 2^60 fields. Counting by walking every spread
    (as strawberry's depth and alias limiters do) would take longer than the universe's age."""
    chain = "".join(f"fragment F{i} on PartyOrg {{ ...F{i + 1} ...F{i + 1} }}\n" for i in range(60))
    query = "{ district { rootOrg { ...F0 } } }\n" + chain + "fragment F60 on PartyOrg { name }"
    started = time.monotonic()
    error = _refused(alpha.execute(query), "COST_LIMIT")
    assert time.monotonic() - started < 5
    assert error["extensions"]["cost"] == 2**53 - 1  # saturated, not a 19-digit float


def test_validation_is_cached_per_page_size_not_per_document(alpha: GraphQLClient) -> None:
    """Validation results are cached by query text; the limits part by the variables' numbers and
    list lengths, so a cached pass never lets a bigger page through, nor a cached refusal stop a
    smaller one."""
    for _ in range(2):
        assert len(alpha.execute(ORGS_WITH_CHILDREN, {"n": 5, "m": 5}).data["orgs"]["edges"]) == 5
        refused = alpha.execute(ORGS_WITH_CHILDREN, {"n": 100, "m": 100})
        assert _refused(refused, "COST_LIMIT")["extensions"]["cost"] == 30_401
        after = alpha.execute(ORGS_WITH_CHILDREN, {"n": 5, "m": 4})
        assert len(after.data["orgs"]["edges"]) == 5


def test_nodes_costs_once_per_id(alpha: GraphQLClient, seeded: dict[str, SeededDistrict]) -> None:
    """nodes(ids:) multiplies its selection (302) by the number of ids."""
    query = """query($ids: [ID!]!) { nodes(ids: $ids) { id
      ... on PartyOrg { children(first: 100) { edges { node { name } } } } } }"""
    root = global_id("PartyOrg", "alpha", seeded["alpha"].org_pks["root"])
    thirty = alpha.execute(query, {"ids": [root] * 30})
    assert len(thirty.data["nodes"]) == 30
    error = _refused(alpha.execute(query, {"ids": [root] * 40}), "COST_LIMIT")
    assert error["extensions"]["cost"] == 1 + 40 * 302


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            """{ members(first: 100) { totalCount edges { node {
              id name idNumber org { name ancestors { name kind } } } } } }""",
            id="100-members-with-org-and-ancestors",
        ),
        pytest.param(
            """{ orgs(first: 100) { totalCount edges { node {
              id code name kind depth establishedOn endDate parent { id name } ancestors { id name }
              memberCounts { total inService mobile laidOff retired community }
              children(first: 10) { totalCount edges { node { id name } } } } } } }""",
            id="100-orgs-each-with-10-children",
        ),
    ],
)
def test_large_legitimate_pages_run(alpha: GraphQLClient, query: str) -> None:
    response = alpha.execute(query)
    assert response.body.get("errors") is None, response.body.get("errors")
    assert response.sql_queries > 0


# --- aliases and depth through fragments ------------------------------------------------------

ALIASED = "fragment Names on PartyOrg { a1: name a2: name }"


def test_aliases_in_a_fragment_count_once_per_spread(alpha: GraphQLClient) -> None:
    spreads = " ".join(["...Names"] * 50)
    error = _refused(
        alpha.execute(f"{{ district {{ rootOrg {{ {spreads} }} }} }} {ALIASED}"), "ALIAS_LIMIT"
    )
    assert error["extensions"]["aliases"] == 100
    assert error["message"] == "100 aliases found. Allowed: 30"


def test_a_fragment_with_aliases_spread_once_runs(alpha: GraphQLClient) -> None:
    response = alpha.execute(f"{{ district {{ rootOrg {{ ...Names }} }} }} {ALIASED}")
    root = response.data["district"]["rootOrg"]
    assert root["a1"] == root["a2"] == "CANARYALPHA区委"


def test_aliases_through_nested_fragments(alpha: GraphQLClient) -> None:
    """Outer spreads Inner 4 times, the query spreads Outer 4 times: 16 × 2 aliases."""
    query = f"""{{ district {{ rootOrg {{ ...Outer ...Outer ...Outer ...Outer }} }} }}
    fragment Outer on PartyOrg {{ ...Names ...Names ...Names ...Names }} {ALIASED}"""
    assert _refused(alpha.execute(query), "ALIAS_LIMIT")["extensions"]["aliases"] == 32


def _parent_chain(levels: int) -> str:
    """district > rootOrg > `levels` × parent, each level in a fragment of its own."""
    chain = "".join(
        f"fragment P{i} on PartyOrg {{ name parent {{ ...P{i + 1} }} }}\n" for i in range(levels)
    )
    return (
        "{ district { rootOrg { ...P0 } } }\n" + chain + f"fragment P{levels} on PartyOrg {{ id }}"
    )


def test_depth_counts_through_fragments(alpha: GraphQLClient) -> None:
    error = _refused(alpha.execute(_parent_chain(11)), "DEPTH_LIMIT")
    assert error["message"] == "'anonymous' exceeds maximum operation depth of 12"
    assert error["extensions"]["depth"] == 13


def test_depth_of_12_through_fragments_runs(alpha: GraphQLClient) -> None:
    response = alpha.execute(_parent_chain(10))
    assert response.data["district"]["rootOrg"]["parent"] is None


# --- batches and multi-operation documents ----------------------------------------------------


def _create_org(seeded: dict[str, SeededDistrict]) -> dict[str, Any]:
    return {
        "query": "mutation($input: CreatePartyOrgInput!) { createPartyOrg(input: $input)"
        " { org { id } errors { code } } }",
        "variables": {
            "input": {
                "code": f"batch-{uuid.uuid4().hex[:8]}",
                "name": "批量党工委",
                "kind": "STREET_WORKING_COMMITTEE",
                "parentId": global_id("PartyOrg", "alpha", seeded["alpha"].org_pks["root"]),
            }
        },
    }


def test_a_batch_is_refused_before_anything_runs(
    alpha: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    before = district_counts("alpha")
    raw = _post(alpha, [_create_org(seeded), _create_org(seeded), {"query": "{ me { username } }"}])
    assert raw.status_code == 400, raw.text[:300]
    assert "Batching is not enabled" in raw.text
    assert district_counts("alpha") == before


def test_the_same_mutation_alone_does_run(
    alpha: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    """The control for the batch: one of its operations, sent on its own, writes a row."""
    before = district_counts("alpha")
    raw = _post(alpha, _create_org(seeded))
    assert _as_response(raw).data["createPartyOrg"]["errors"] == []
    assert district_counts("alpha")["orgs"] == before["orgs"] + 1


MULTI = """query Read { district { code } }
mutation Write($input: CreatePartyOrgInput!) { createPartyOrg(input: $input) { org { id } } }"""


def test_several_operations_without_an_operation_name_are_refused(
    alpha: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    before = district_counts("alpha")
    body = {"query": MULTI, "variables": _create_org(seeded)["variables"]}
    error = _refused(_as_response(_post(alpha, body)), "OPERATION_NAME_REQUIRED")
    assert "operation name" in error["message"]
    assert district_counts("alpha") == before


def test_an_operation_name_picks_one_operation(
    alpha: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    before = district_counts("alpha")
    body = {"query": MULTI, "variables": {}, "operationName": "Read"}
    assert _as_response(_post(alpha, body)).data == {"district": {"code": "alpha"}}
    assert district_counts("alpha") == before


def test_only_the_named_operation_is_measured(alpha: GraphQLClient) -> None:
    """A costly operation beside the one that runs does not refuse it; named, it is refused."""
    document = """query Small { district { code } }
    query Big { orgs(first: 100) { edges { node { children(first: 100) { totalCount } } } } }"""
    small = _post(alpha, {"query": document, "operationName": "Small"})
    assert _as_response(small).data == {"district": {"code": "alpha"}}
    big = _post(alpha, {"query": document, "operationName": "Big"})
    _refused(_as_response(big), "COST_LIMIT")


def test_the_municipal_api_has_the_same_limits(platform: GraphQLClient) -> None:
    fragment = "fragment Codes on DistrictSummary { c1: code c2: code }"
    once = platform.execute(f"{{ districts {{ ...Codes }} }} {fragment}")
    assert {d["c1"] for d in once.data["districts"]} >= {"alpha", "beta"}
    spreads = " ".join(["...Codes"] * 16)
    error = _refused(platform.execute(f"{{ districts {{ {spreads} }} }} {fragment}"), "ALIAS_LIMIT")
    assert error["extensions"]["aliases"] == 32

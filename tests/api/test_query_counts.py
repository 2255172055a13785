"""The number of SQL statements a read runs must not grow with the page size or the tree depth.

`Response.sql_queries` counts the statements the GraphQL operation ran (authentication excluded).
"""

import uuid

import pytest

from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.units.services import UnitData, unit_create
from tenants.context import in_district
from tests.conftest import global_id

# The marker makes pytest-django create the test database (without a test that uses it, the
# session fixtures would seed and serve the development database).
pytestmark = pytest.mark.django_db

# sqlQueries also counts the `SET search_path` django-tenants issues before each statement, so
# this is about four real statements.
MAX_QUERIES = 8
# org(id) { descendants } also reloads the deferred `path` and `depth` of the org one query each
# (the optimizer fetched only id and name): two more statements, but the same for any org.
MAX_DESCENDANTS_QUERIES = 10

ORG_PAGE = """query($n: Int!) { orgs(first: $n) { edges { node {
  id name kind parent { name } ancestors { name } memberCounts { total inService }
  %s } } } }"""
ORG_CHILDREN = "children(first: 5) { edges { node { name memberCounts { total } } } }"

MEMBER_PAGE = """query($n: Int!) { members(first: $n) { totalCount edges { node {
  name idNumber org { name ancestors { name } } workUnit { name } residenceCommunity { name }
} } } }"""

UNIT_PAGE = """query($n: Int!, $search: String!) { units(first: $n, search: $search) {
  totalCount edges { node { name coveringOrg { name kind parent { name } } } } } }"""

NODES = """query($ids: [ID!]!) { nodes(ids: $ids) { id ... on PartyOrg {
  name parent { name } ancestors { name } memberCounts { total } } } }"""

DESCENDANTS = """query($id: ID!) { org(id: $id) { name descendants(maxDepth: 2) {
  totalCount edges { node { name } } } } }"""


@pytest.fixture(scope="module")
def covered_units(django_db_setup, django_db_blocker) -> str:
    """Five committed units, each covered by a different org; returns their shared name prefix."""
    prefix = f"计数单位{uuid.uuid4().hex[:6]}"
    with django_db_blocker.unblock(), in_district("alpha"):
        root = PartyOrg.objects.get(parent__isnull=True)
        street = org_create(
            code=f"qc-{uuid.uuid4().hex[:8]}",
            name="计数街道",
            kind="street_working_committee",
            parent=root,
        )
        for index in range(5):
            unit_org = org_create(
                code=f"qc-{uuid.uuid4().hex[:8]}",
                name=f"计数党支部{index}",
                kind="unit_org",
                parent=street,
            )
            unit_create(
                data=UnitData(
                    name=f"{prefix}-{index}",
                    kind="non_public_enterprise",
                    employee_count=20,
                    party_member_count=5,
                    party_org_status="own",
                    covering_org=unit_org,
                )
            )
    return prefix


def _count(client, query: str, variables: dict) -> tuple[int, dict]:
    result = client.execute(query, variables)
    assert result.status == 200, result.text
    return result.sql_queries, result.data


def test_org_page_without_nested_connections_is_constant(alpha, seeded):
    small, small_data = _count(alpha, ORG_PAGE % "", {"n": 2})
    large, large_data = _count(alpha, ORG_PAGE % "", {"n": 8})
    assert len(small_data["orgs"]["edges"]) == 2
    assert len(large_data["orgs"]["edges"]) == 8
    # The nested fields really were resolved (not all empty).
    assert any(edge["node"]["ancestors"] for edge in large_data["orgs"]["edges"])
    assert large == small
    assert large <= MAX_QUERIES


def test_org_page_with_children_is_constant(alpha, seeded):
    small, small_data = _count(alpha, ORG_PAGE % ORG_CHILDREN, {"n": 2})
    large, large_data = _count(alpha, ORG_PAGE % ORG_CHILDREN, {"n": 8})
    assert len(large_data["orgs"]["edges"]) == 8
    assert any(edge["node"]["children"]["edges"] for edge in small_data["orgs"]["edges"])
    assert large == small
    assert large <= MAX_QUERIES


@pytest.mark.xfail(
    strict=True,
    reason="KNOWN LIMITATION, documented on the field: PartyOrg.descendants is a filtered "
    "connection per org and runs its own subtree query (and COUNT(*) for totalCount) for each "
    "org of a page; it is meant for a single org (org(id:) { descendants })",
)
def test_org_page_with_descendants_is_constant(alpha, seeded):
    query = ORG_PAGE % "descendants(maxDepth: 1) { totalCount edges { node { name } } }"
    small, _ = _count(alpha, query, {"n": 2})
    large, _ = _count(alpha, query, {"n": 8})
    assert large == small


def test_member_page_is_constant(alpha, seeded):
    small, small_data = _count(alpha, MEMBER_PAGE, {"n": 2})
    large, large_data = _count(alpha, MEMBER_PAGE, {"n": 5})
    assert len(small_data["members"]["edges"]) == 2
    assert len(large_data["members"]["edges"]) == 5
    nodes = [edge["node"] for edge in large_data["members"]["edges"]]
    assert any(node["workUnit"] for node in nodes)
    assert any(node["residenceCommunity"] for node in nodes)
    assert all(node["org"]["ancestors"] for node in nodes)
    assert large == small
    assert large <= MAX_QUERIES


def test_unit_page_with_covering_org_is_constant(alpha, covered_units):
    small, small_data = _count(alpha, UNIT_PAGE, {"n": 1, "search": covered_units})
    large, large_data = _count(alpha, UNIT_PAGE, {"n": 5, "search": covered_units})
    assert large_data["units"]["totalCount"] == 5
    assert len(small_data["units"]["edges"]) == 1
    covering = {edge["node"]["coveringOrg"]["name"] for edge in large_data["units"]["edges"]}
    assert len(covering) == 5
    assert large == small
    assert large <= MAX_QUERIES


def test_nodes_is_constant_in_the_number_of_ids(alpha, seeded):
    pks = list(seeded["alpha"].org_pks.values())
    ids = [global_id("PartyOrg", "alpha", pk) for pk in pks]
    # Not the root first: it has no parent, which would save the parent query for one id only.
    one, one_data = _count(alpha, NODES, {"ids": ids[1:2]})
    six, six_data = _count(alpha, NODES, {"ids": ids[1:7]})
    assert len(one_data["nodes"]) == 1
    assert [node["id"] for node in six_data["nodes"]] == ids[1:7]
    assert six == one
    assert six <= MAX_QUERIES


def test_descendants_is_constant_in_the_depth_of_the_org(alpha, seeded):
    street, street_data = _count(
        alpha, DESCENDANTS, {"id": global_id("PartyOrg", "alpha", seeded["alpha"].org_pks["s1"])}
    )
    root, root_data = _count(
        alpha,
        DESCENDANTS,
        {"id": global_id("PartyOrg", "alpha", seeded["alpha"].org_pks["root"])},
    )
    assert street_data["org"]["descendants"]["edges"]
    assert (
        root_data["org"]["descendants"]["totalCount"]
        > street_data["org"]["descendants"]["totalCount"]
    )
    assert root == street
    assert root <= MAX_DESCENDANTS_QUERIES

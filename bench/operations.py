"""The benchmarked read operations, as GraphQL documents for our API.

The floor (bench/floor.py) and the peer (bench/peer/requests.py) answer the same questions with the
same fields for the same rows (bench/targets.py).
"""

from typing import Any

from strawberry.relay import to_base64

from bench.targets import Targets

ORG_FIELDS = "id code name kind depth"
COUNT_FIELDS = "total inService mobile laidOff retired community"

SUBTREE_PAGE = f"""
query SubtreePage($within: ID!, $first: Int!) {{
  orgs(within: $within, first: $first) {{
    edges {{ node {{ {ORG_FIELDS} memberCounts {{ {COUNT_FIELDS} }} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}"""

CHILDREN = f"""
query Children($id: ID!, $first: Int!) {{
  org(id: $id) {{
    id name
    children(first: $first) {{ edges {{ node {{ {ORG_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }}
  }}
}}"""

ANCESTORS = f"""
query Breadcrumb($id: ID!) {{
  org(id: $id) {{ {ORG_FIELDS} ancestors {{ {ORG_FIELDS} }} }}
}}"""

MEMBERS_PAGE = """
query MembersPage($category: MemberCategory!, $search: String!, $first: Int!) {
  members(category: $category, search: $search, first: $first) {
    edges { node { id name gender birthDate joinedOn category org { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

NODE = """
query Node($id: ID!) {
  node(id: $id) { ... on Member { id name gender birthDate joinedOn category org { id name } } }
}"""

NODES = """
query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Member { id name gender birthDate joinedOn category } }
}"""

GRAPH_FIELDS = """
    nodes { id kind name orgKind unitKind communityName streetName hops }
    edges { id type source target startsOn endsOn hoursForward hoursBack }
    truncated"""

COBUILDING_GRAPH = f"""
query CoBuildingGraph {{
  coBuildingGraph {{ {GRAPH_FIELDS} }}
}}"""

COBUILDING_NEIGHBOURS = f"""
query CoBuildingNeighbours($node: ID!) {{
  coBuildingNeighbours(node: $node, hops: 2) {{ {GRAPH_FIELDS} }}
}}"""

# The platform host's municipal comparison of one metric (issue 7), read from the totals each
# district published to the public table: every district's figure, its rank, the total.
MUNICIPAL_METRIC = """
query MunicipalMetric($metric: String!, $period: String!) {
  municipalMetric(metric: $metric, period: $period) {
    metric { code nameZh unitSymbol scale }
    breakdown
    period { label start end }
    districts { code name reported suppressed numerator denominator value rank asOf computedAt }
    total { reportingDistricts suppressed numerator denominator value asOf computedAt }
    threshold
  }
}"""


def municipal_bodies(period_label: str) -> dict[str, dict[str, Any]]:
    """Operation name -> GraphQL request body for the platform host (an analyst's token)."""
    return {
        "municipal_metric": {
            "query": MUNICIPAL_METRIC,
            "variables": {"metric": "participation_rate", "period": period_label},
        }
    }


def our_bodies(t: Targets) -> dict[str, dict[str, Any]]:
    """Operation name -> GraphQL request body for our district endpoint."""

    def gid(pk: int, type_name: str = "PartyOrg") -> str:
        return to_base64(type_name, f"{t.district_code}.{pk}")

    return {
        "subtree_page": {
            "query": SUBTREE_PAGE,
            "variables": {"within": gid(t.street_pk), "first": t.page_size},
        },
        "children": {
            "query": CHILDREN,
            "variables": {"id": gid(t.community_pk), "first": t.page_size},
        },
        "ancestors": {"query": ANCESTORS, "variables": {"id": gid(t.leaf_pk)}},
        "members_page": {
            "query": MEMBERS_PAGE,
            "variables": {
                "category": t.category.upper(),
                "search": t.search,
                "first": t.page_size,
            },
        },
        "node": {"query": NODE, "variables": {"id": gid(t.member_pk, "Member")}},
        # The co-building network: a frontend draws the whole district's, and a community's
        # neighbourhood two hops out (no floor or peer: there is no like-for-like to compare).
        "cobuilding_graph": {"query": COBUILDING_GRAPH, "variables": {}},
        "cobuilding_neighbours": {
            "query": COBUILDING_NEIGHBOURS,
            "variables": {"node": gid(t.community_pk)},
        },
        "nodes": {"query": NODES, "variables": {"ids": [gid(pk, "Member") for pk in t.member_pks]}},
    }

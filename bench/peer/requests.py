"""The benchmarked read operations, as GraphQL requests for the PostGraphile peer (server.js).

Each document asks PostGraphile for the same fields about the same rows (bench/targets.py) as
bench/operations.py asks our API, and aliases PostGraphile's field names to ours (`id: nodeId`,
`children: orgsPartyorgsByParentId`, `org: orgsPartyorgByOrgId`, ...), so the two answers have
the same shape. What still differs by design: IDs are PostGraphile node IDs, and enum-like
columns (kind, gender, category) are the stored lower-case strings where ours are GraphQL enums.

The root fields and computed columns come from bench/peer/functions.sql.
"""

import base64
import json
from typing import Any

from bench.targets import Targets

# PostGraphile 4's node ID: base64 of the compact JSON array [<identifier>, <primary key>], where
# the identifier is the table's name pluralised ("orgs_partyorgs", not the GraphQL type name
# "OrgsPartyorg") and a bigint key is a JSON number: ["orgs_partyorgs",113].
ORG_NODE = "orgs_partyorgs"
MEMBER_NODE = "members_members"

ORG_FIELDS = "id: nodeId code name kind depth"
COUNT_FIELDS = "total inService mobile laidOff retired community"
MEMBER_FIELDS = "id: nodeId name gender birthDate joinedOn category"

SUBTREE_PAGE = f"""
query SubtreePage($within: BigInt!, $first: Int!) {{
  orgs: orgsWithin(within: $within, first: $first) {{
    edges {{ node {{ {ORG_FIELDS} memberCounts {{ {COUNT_FIELDS} }} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}"""

CHILDREN = f"""
query Children($id: ID!, $first: Int!) {{
  org: orgsPartyorg(nodeId: $id) {{
    id: nodeId name
    children: orgsPartyorgsByParentId(first: $first, orderBy: [CODE_ASC]) {{
      edges {{ node {{ {ORG_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }}
    }}
  }}
}}"""

ANCESTORS = f"""
query Breadcrumb($id: ID!) {{
  org: orgsPartyorg(nodeId: $id) {{ {ORG_FIELDS} ancestors: ancestorsList {{ {ORG_FIELDS} }} }}
}}"""

MEMBERS_PAGE = f"""
query MembersPage($category: String!, $search: String!, $first: Int!) {{
  members: membersSearch(category: $category, search: $search, first: $first) {{
    edges {{ node {{ {MEMBER_FIELDS} org: orgsPartyorgByOrgId {{ id: nodeId name }} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}"""

NODE = f"""
query Node($id: ID!) {{
  node(nodeId: $id) {{
    ... on MembersMember {{ {MEMBER_FIELDS} org: orgsPartyorgByOrgId {{ id: nodeId name }} }}
  }}
}}"""

NODES = f"""
query Nodes($ids: [BigInt!]!) {{
  nodes: membersByIdsList(ids: $ids) {{ {MEMBER_FIELDS} }}
}}"""


def node_id(identifier: str, pk: int) -> str:
    """PostGraphile's nodeId of a row, as it generates them."""
    return base64.b64encode(json.dumps([identifier, pk], separators=(",", ":")).encode()).decode()


def peer_bodies(t: Targets) -> dict[str, dict[str, Any]]:
    """Operation name -> GraphQL request body for the PostGraphile peer.

    The root connections take primary keys where ours take global IDs: PostGraphile passes
    function arguments to SQL as they are and cannot decode a nodeId inside one. Lookups of a
    single row (`org`, `node`) do take nodeIds, as ours take global IDs. BigInt values are sent
    as strings, PostGraphile's BigInt scalar.

    `nodes` (100 members by ID): PostGraphile 4 has no `nodes` field. The body calls
    members_by_ids(ids bigint[]) (functions.sql), which loads the 100 rows in one statement in
    the order asked, as our `nodes` does (one `id IN (...)` query). 100 aliased
    `node(nodeId:)` lookups (aliased_nodes_body) would be the schema-only way, but PostGraphile 4
    does not batch root fields: that is 100 SQL statements per request, a cost of the client's
    choice of document rather than of the server, and ours refuses more than 30 aliases anyway.
    """
    return {
        "subtree_page": {
            "query": SUBTREE_PAGE,
            "variables": {"within": str(t.street_pk), "first": t.page_size},
        },
        "children": {
            "query": CHILDREN,
            "variables": {"id": node_id(ORG_NODE, t.community_pk), "first": t.page_size},
        },
        "ancestors": {"query": ANCESTORS, "variables": {"id": node_id(ORG_NODE, t.leaf_pk)}},
        "members_page": {
            "query": MEMBERS_PAGE,
            "variables": {"category": t.category, "search": t.search, "first": t.page_size},
        },
        "node": {"query": NODE, "variables": {"id": node_id(MEMBER_NODE, t.member_pk)}},
        "nodes": {"query": NODES, "variables": {"ids": [str(pk) for pk in t.member_pks]}},
    }


def aliased_nodes_body(t: Targets) -> dict[str, Any]:
    """The `nodes` batch as one aliased `node(nodeId:)` per member (n0 ... n99): not part of
    peer_bodies (see there), for measuring what that document costs PostGraphile 4."""
    count = len(t.member_pks)
    params = ", ".join(f"$n{i}: ID!" for i in range(count))
    lookups = "\n".join(
        f"  n{i}: node(nodeId: $n{i}) {{ ... on MembersMember {{ {MEMBER_FIELDS} }} }}"
        for i in range(count)
    )
    return {
        "query": f"query AliasedNodes({params}) {{\n{lookups}\n}}",
        "variables": {f"n{i}": node_id(MEMBER_NODE, pk) for i, pk in enumerate(t.member_pks)},
    }

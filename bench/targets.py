"""The rows every benchmarked operation is asked about, picked once per run from the data.

Our API, the SQL floor and PostGraphile all receive the same primary keys, each in its own ID
format, so the three answer the same question about the same rows.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Targets:
    schema: str  # the district's PostgreSQL schema
    district_code: str  # our global IDs are "<district_code>.<pk>"
    street_pk: int  # a street working committee: the subtree page lists its subtree
    community_pk: int  # a community committee with children: the children operation
    leaf_pk: int  # an org at the deepest level: the breadcrumb operation
    member_pk: int  # the node lookup
    member_pks: tuple[int, ...]  # 100 members: the batch of nodes
    category: str  # the members page filter, a MemberCategory value (e.g. "in_service")
    search: str  # part of a name, e.g. a surname
    page_size: int = 100

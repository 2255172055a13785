"""The co-building graph (共驻共建网络): orgs and units joined by pairs and council memberships.

Everything is built from a few set-based statements: one for the edges (pairs and council
memberships alive in the period whose both ends the reader may see), one for the nodes' details;
neighbours add one recursive CTE (with PostgreSQL's CYCLE clause as the cycle guard). Components
use networkx. A node is visible when the reader may read its anchor org (an org's own path, a
unit's covering org's path; units no org covers are for unrestricted readers only); an edge is
shown only when both its ends are visible, so nothing outside the reader's scope appears, not
even anonymously.

The SQL is assembled from this module's fixed fragments only; every value is a query parameter
(hence the S608 exemptions)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import networkx as nx
from django.db import connection

from backend.orgs.models import PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS

PAIR, COUNCIL = "PAIR", "COUNCIL"
ALL_TYPES = frozenset({PAIR, COUNCIL})
ORG, UNIT = "O", "U"
MAX_EDGES = 20_000
NodeKey = tuple[str, int]


@dataclass(frozen=True)
class GraphScope:
    """Whose graph: `read_paths` None = the whole district; `within_path` a subtree (None or the
    root's path = the whole district, including units no org covers)."""

    read_paths: tuple[str, ...] | None = None
    within_path: str | None = None
    within_is_root: bool = False


@dataclass(frozen=True)
class Period:
    """Edges alive on some day of [since, until] (since == until: active on that day)."""

    since: date
    until: date


@dataclass(frozen=True)
class Edge:
    type: str
    pk: int
    source: NodeKey
    target: NodeKey
    starts_on: date
    ends_on: date | None
    # Hours the source gave the target, and back (pairs; 0 for council memberships).
    hours_forward: Decimal
    hours_back: Decimal


@dataclass(frozen=True)
class Node:
    key: NodeKey
    name: str
    org_kind: str | None
    unit_kind: str | None
    community: tuple[int, str, str] | None  # (pk, name, path)
    street: tuple[int, str, str] | None


@dataclass
class Graph:
    nodes: dict[NodeKey, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    truncated: bool = False
    hops: dict[NodeKey, int] = field(default_factory=dict)


def _org_condition(scope: GraphScope, alias: str, params: dict[str, Any]) -> str:
    conditions = ["TRUE"]
    if scope.read_paths is not None:
        params["read_paths"] = list(scope.read_paths)
        conditions.append(f"{alias}.path <@ ANY(%(read_paths)s::ltree[])")
    if scope.within_path is not None and not scope.within_is_root:
        params["within_path"] = scope.within_path
        conditions.append(f"{alias}.path <@ %(within_path)s::ltree")
    return " AND ".join(conditions)


def _visible_ctes(scope: GraphScope, params: dict[str, Any], only: bool) -> str:
    """vis_org and vis_unit: the node ids the reader sees (restricted to the `only_*` id arrays
    when `only`)."""
    org_only = " AND o.id = ANY(%(only_orgs)s)" if only else ""
    unit_only = " AND u.id = ANY(%(only_units)s)" if only else ""
    return f"""
    vis_org AS (
        SELECT o.id FROM orgs_partyorg o WHERE {_org_condition(scope, "o", params)}{org_only}
    ),
    vis_unit AS (
        SELECT u.id FROM units_unit u LEFT JOIN orgs_partyorg o ON o.id = u.covering_org_id
        WHERE {_org_condition(scope, "o", params)}{unit_only}
    )"""  # noqa: S608


def _edge_sql(types: frozenset[str], params: dict[str, Any]) -> str:
    """All edges alive in the period (both ends still to be checked for visibility)."""
    parts = []
    if PAIR in types:
        parts.append("""
        SELECT 'PAIR' AS type, p.id AS pk,
            CASE WHEN p.a_org_id IS NULL THEN 'U' ELSE 'O' END AS s_kind,
            COALESCE(p.a_org_id, p.a_unit_id) AS s_id,
            CASE WHEN p.b_org_id IS NULL THEN 'U' ELSE 'O' END AS t_kind,
            COALESCE(p.b_org_id, p.b_unit_id) AS t_id,
            p.starts_on, COALESCE(p.ended_on, p.ends_on) AS ends_on,
            COALESCE(h.forward, 0.0) AS forward, COALESCE(h.back, 0.0) AS back
        FROM cobuilding_cobuildingpair p
        LEFT JOIN LATERAL (
            SELECT SUM(r.hours) FILTER (WHERE r.direction = 'a_to_b') AS forward,
                   SUM(r.hours) FILTER (WHERE r.direction = 'b_to_a') AS back
            FROM cobuilding_servicerecord r WHERE r.pair_id = p.id
        ) h ON TRUE
        WHERE p.starts_on <= %(until)s AND COALESCE(p.ended_on, p.ends_on) >= %(since)s""")
    if COUNCIL in types:
        # Member ↔ host org; a host listed as its own member is no edge.
        parts.append("""
        SELECT 'COUNCIL', m.id,
            CASE WHEN m.org_id IS NULL THEN 'U' ELSE 'O' END, COALESCE(m.org_id, m.unit_id),
            'O', c.host_org_id,
            m.joined_on, LEAST(m.left_on, c.dissolved_on), 0.0, 0.0
        FROM councils_councilmembership m JOIN councils_council c ON c.id = m.council_id
        -- A membership runs up to, not including, the day it is left (councils.models).
        WHERE m.joined_on <= %(until)s AND (m.left_on IS NULL OR m.left_on > %(since)s)
            AND (c.dissolved_on IS NULL OR c.dissolved_on > %(since)s)
            AND COALESCE(c.established_on, %(until)s) <= %(until)s
            AND m.org_id IS DISTINCT FROM c.host_org_id""")
    if not parts:
        parts.append(
            "SELECT NULL::text, NULL::bigint, NULL::text, NULL::bigint, NULL::text,"
            " NULL::bigint, NULL::date, NULL::date, 0, 0 WHERE FALSE"
        )
    return " UNION ALL ".join(parts)


def _visible_edges_sql(
    scope: GraphScope, period: Period, types: frozenset[str], params: dict[str, Any], only: bool
) -> str:
    params.update(since=period.since, until=period.until)
    return f"""
    WITH {_visible_ctes(scope, params, only)},
    edges(type, pk, s_kind, s_id, t_kind, t_id, starts_on, ends_on, forward, back) AS (
        {_edge_sql(types, params)})
    SELECT e.* FROM edges e
    WHERE CASE WHEN e.s_kind = 'O' THEN e.s_id IN (SELECT id FROM vis_org)
               ELSE e.s_id IN (SELECT id FROM vis_unit) END
      AND CASE WHEN e.t_kind = 'O' THEN e.t_id IN (SELECT id FROM vis_org)
               ELSE e.t_id IN (SELECT id FROM vis_unit) END"""  # noqa: S608


def _edges(sql: str, params: dict[str, Any], max_edges: int) -> tuple[list[Edge], bool]:
    params["limit"] = max_edges + 1
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY 1, 2 LIMIT %(limit)s", params)
        rows = cursor.fetchall()
    edges = [
        Edge(
            type=row[0],
            pk=row[1],
            source=(row[2], row[3]),
            target=(row[4], row[5]),
            starts_on=row[6],
            ends_on=row[7],
            hours_forward=Decimal(row[8]),
            hours_back=Decimal(row[9]),
        )
        for row in rows
    ]
    return edges[:max_edges], len(edges) > max_edges


_ANCESTOR = """
    LEFT JOIN LATERAL (
        SELECT a.id, a.name, a.path::text FROM orgs_partyorg a
        WHERE a.id = ANY(string_to_array(ltree2text({path}), '.')::bigint[]) AND a.kind = ANY({kinds})
        ORDER BY a.depth DESC LIMIT 1
    ) {alias} ON TRUE"""


def node_details(keys: set[NodeKey]) -> dict[NodeKey, Node]:
    """Names, kinds and the community and street each node lies in, in one statement (a path's
    labels are the ancestors' primary keys)."""
    org_ids = [pk for kind, pk in keys if kind == ORG]
    unit_ids = [pk for kind, pk in keys if kind == UNIT]
    if not keys:
        return {}
    communities = "%(community_kinds)s"
    streets = "%(street_kinds)s"
    sql = f"""
    SELECT 'O', o.id, o.name, o.kind, NULL, com.id, com.name, com.path, st.id, st.name, st.path
    FROM orgs_partyorg o
    {_ANCESTOR.format(path="o.path", kinds=communities, alias="com")}
    {_ANCESTOR.format(path="o.path", kinds=streets, alias="st")}
    WHERE o.id = ANY(%(orgs)s)
    UNION ALL
    SELECT 'U', u.id, u.name, NULL, u.kind, com.id, com.name, com.path, st.id, st.name, st.path
    FROM units_unit u LEFT JOIN orgs_partyorg o ON o.id = u.covering_org_id
    {_ANCESTOR.format(path="o.path", kinds=communities, alias="com")}
    {_ANCESTOR.format(path="o.path", kinds=streets, alias="st")}
    WHERE u.id = ANY(%(units)s)"""  # noqa: S608
    params: dict[str, Any] = {
        "orgs": org_ids,
        "units": unit_ids,
        "community_kinds": sorted(COMMUNITY_KINDS),
        "street_kinds": [PartyOrgKind.STREET_WORKING_COMMITTEE.value],
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        (row[0], row[1]): Node(
            key=(row[0], row[1]),
            name=row[2],
            org_kind=row[3],
            unit_kind=row[4],
            community=(row[5], row[6], row[7]) if row[5] is not None else None,
            street=(row[8], row[9], row[10]) if row[8] is not None else None,
        )
        for row in rows
    }


def build_graph(
    scope: GraphScope, period: Period, types: frozenset[str], *, max_edges: int = MAX_EDGES
) -> Graph:
    """The (sub)graph the reader sees: edges alive in the period, their end nodes. Above
    `max_edges` edges the first ones (by type and id) come back with `truncated` set."""
    params: dict[str, Any] = {}
    sql = _visible_edges_sql(scope, period, types, params, only=False)
    edges, truncated = _edges(sql, params, max_edges)
    keys = {e.source for e in edges} | {e.target for e in edges}
    return Graph(nodes=node_details(keys), edges=edges, truncated=truncated)


def _node_visible(scope: GraphScope, key: NodeKey) -> bool:
    params: dict[str, Any] = {"only_orgs": [], "only_units": []}
    params["only_orgs" if key[0] == ORG else "only_units"] = [key[1]]
    sql = (
        f"WITH {_visible_ctes(scope, params, only=True)} SELECT id FROM vis_org UNION ALL"  # noqa: S608
        " SELECT id FROM vis_unit"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


def neighbours(
    scope: GraphScope,
    period: Period,
    types: frozenset[str],
    start: NodeKey,
    hops: int,
    *,
    max_edges: int = MAX_EDGES,
) -> Graph | None:
    """The nodes within `hops` of `start` with their distance, and the edges among them; None
    when the reader cannot see `start`. A recursive CTE walks the visible edges; the CYCLE clause
    stops a walk from entering a node already on its path."""
    if not _node_visible(scope, start):
        return None
    params: dict[str, Any] = {"start_kind": start[0], "start_id": start[1], "hops": hops}
    edge_sql = _visible_edges_sql(scope, period, types, params, only=False)
    sql = f"""
    WITH RECURSIVE visible AS ({edge_sql}),
    links AS (
        SELECT s_kind AS k1, s_id AS i1, t_kind AS k2, t_id AS i2 FROM visible
        UNION SELECT t_kind, t_id, s_kind, s_id FROM visible
    ),
    walk(kind, id, hop) AS (
        SELECT %(start_kind)s::text, %(start_id)s::bigint, 0
        UNION ALL
        SELECT l.k2, l.i2, w.hop + 1 FROM walk w JOIN links l ON l.k1 = w.kind AND l.i1 = w.id
        WHERE w.hop < %(hops)s
    ) CYCLE kind, id SET is_cycle USING visited
    SELECT kind, id, MIN(hop) FROM walk WHERE NOT is_cycle GROUP BY kind, id"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        reached = {(row[0], row[1]): row[2] for row in cursor.fetchall()}
    among: dict[str, Any] = {
        "only_orgs": [pk for kind, pk in reached if kind == ORG],
        "only_units": [pk for kind, pk in reached if kind == UNIT],
    }
    edges, truncated = _edges(
        _visible_edges_sql(scope, period, types, among, only=True), among, max_edges
    )
    return Graph(nodes=node_details(set(reached)), edges=edges, truncated=truncated, hops=reached)


def components(built: Graph) -> list[list[NodeKey]]:
    """Connected components, largest first (ties: by the smallest node key)."""
    g: nx.Graph[NodeKey] = nx.Graph()
    g.add_nodes_from(built.nodes)
    g.add_edges_from((e.source, e.target) for e in built.edges)
    found = [sorted(c) for c in nx.connected_components(g)]
    return sorted(found, key=lambda c: (-len(c), c[0]))


def isolated_communities(scope: GraphScope, on: date) -> list[NodeKey]:
    """Communities (COMMUNITY_KINDS orgs, not dissolved on `on`) with no pair active on `on`."""
    params: dict[str, Any] = {"on": on, "community_kinds": sorted(COMMUNITY_KINDS)}
    sql = f"""
    SELECT o.id FROM orgs_partyorg o
    WHERE {_org_condition(scope, "o", params)} AND o.kind = ANY(%(community_kinds)s)
      AND (o.end_date IS NULL OR o.end_date >= %(on)s)
      AND NOT EXISTS (
        SELECT 1 FROM cobuilding_cobuildingpair p
        WHERE (p.a_org_id = o.id OR p.b_org_id = o.id)
          AND p.starts_on <= %(on)s AND COALESCE(p.ended_on, p.ends_on) >= %(on)s)
    ORDER BY o.path"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(ORG, row[0]) for row in cursor.fetchall()]


@dataclass(frozen=True)
class NodeStats:
    key: NodeKey
    degree: int
    hours_given: Decimal
    hours_received: Decimal

    @property
    def balance(self) -> Decimal:
        return self.hours_given - self.hours_received


def node_stats(built: Graph) -> dict[NodeKey, NodeStats]:
    degree: dict[NodeKey, int] = defaultdict(int)
    given: dict[NodeKey, Decimal] = defaultdict(Decimal)
    received: dict[NodeKey, Decimal] = defaultdict(Decimal)
    for edge in built.edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
        given[edge.source] += edge.hours_forward
        received[edge.target] += edge.hours_forward
        given[edge.target] += edge.hours_back
        received[edge.source] += edge.hours_back
    return {key: NodeStats(key, degree[key], given[key], received[key]) for key in built.nodes}


RANK_KEYS = {
    "DEGREE": lambda s: s.degree,
    "SERVICE_GIVEN": lambda s: s.hours_given,
    "SERVICE_RECEIVED": lambda s: s.hours_received,
    "BALANCE": lambda s: s.balance,
}


def ranking(built: Graph, by: str, first: int) -> list[NodeStats]:
    """The top `first` nodes by the measure, descending; ties by name then key."""
    measure = RANK_KEYS[by]
    stats = node_stats(built)
    ordered = sorted(stats.values(), key=lambda s: (-measure(s), built.nodes[s.key].name, s.key))
    return ordered[:first]

"""GraphQL for the co-building graph: the (sub)graph, neighbours, components, the communities
without a pair, and rankings. Plain lists, not connections: a frontend draws the whole answer.

Scope: a node is visible when its anchor org is readable (see graph.py); an edge is shown only
when both ends are visible, so a viewer of one street gets that street's induced subgraph and
nothing outside it, not even as an anonymous node."""

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of
from backend.cobuilding import graph
from backend.common.graphql.node import node_pk
from backend.common.graphql.permissions import IsDistrictUser
from backend.orgs.graphql import org_scope
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.units.models import Unit, UnitKind
from tenants.context import current_scope_code
from tenants.global_ids import encode_node_id

MAX_HOPS = 3
MAX_RANKING = 500


@strawberry.enum(name="CoBuildingNodeKind")
class NodeKind(Enum):
    ORG = graph.ORG
    UNIT = graph.UNIT


@strawberry.enum(name="CoBuildingEdgeType", description="PAIR: 共建对子; COUNCIL: 三会一站成员.")
class EdgeType(Enum):
    PAIR = graph.PAIR
    COUNCIL = graph.COUNCIL


@strawberry.enum(name="CoBuildingRankBy")
class RankBy(Enum):
    DEGREE = "DEGREE"
    SERVICE_GIVEN = "SERVICE_GIVEN"
    SERVICE_RECEIVED = "SERVICE_RECEIVED"
    BALANCE = "BALANCE"


def _gid(type_name: str, pk: int, scope: str) -> relay.GlobalID:
    # `scope` is the district's code, read once per answer: reading it from the connection for
    # each of a whole district's ~35,000 IDs cost a third of the request.
    return relay.GlobalID(type_name, encode_node_id(pk, scope=scope))


def _node_gid(key: graph.NodeKey, scope: str) -> relay.GlobalID:
    return _gid("PartyOrg" if key[0] == graph.ORG else "Unit", key[1], scope)


@strawberry.type(name="CoBuildingGraphNode", description="An org or a unit in the graph.")
class GraphNode:
    id: relay.GlobalID = strawberry.field(description="The PartyOrg's or Unit's ID.")
    kind: NodeKind
    name: str
    org_kind: PartyOrgKind | None
    unit_kind: UnitKind | None
    community_id: relay.GlobalID | None = strawberry.field(
        description="The community it lies in (a unit: its covering org's), if you may see it."
    )
    community_name: str | None
    street_id: relay.GlobalID | None
    street_name: str | None
    hops: int | None = strawberry.field(description="Distance from the start (neighbours only).")


@strawberry.type(name="CoBuildingGraphEdge")
class GraphEdge:
    id: relay.GlobalID = strawberry.field(
        description="The CoBuildingPair's ID, or the CouncilMembership's for a COUNCIL edge."
    )
    type: EdgeType
    source: relay.GlobalID = strawberry.field(description="PAIR: 甲方; COUNCIL: the member.")
    target: relay.GlobalID = strawberry.field(description="PAIR: 乙方; COUNCIL: the host org.")
    starts_on: date
    ends_on: date | None = strawberry.field(description="Last day (ended/left), if any.")
    hours_forward: Decimal = strawberry.field(description="Hours source served target.")
    hours_back: Decimal = strawberry.field(description="Hours target served source.")
    weight: Decimal = strawberry.field(description="Service hours both ways (PAIR), else 0.")


@strawberry.type(name="CoBuildingGraph")
class GraphResult:
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = strawberry.field(
        description=f"More than {graph.MAX_EDGES} edges matched: only the first ones are here."
    )


@strawberry.type(name="CoBuildingComponent")
class Component:
    size: int
    nodes: list[GraphNode]


@strawberry.type(name="CoBuildingRankingEntry")
class RankingEntry:
    node: GraphNode
    degree: int = strawberry.field(description="Edges of the node (pairs and councils).")
    hours_given: Decimal
    hours_received: Decimal
    balance: Decimal = strawberry.field(description="hoursGiven − hoursReceived")
    only_receives: bool = strawberry.field(description="Received service but gave none.")


def _visible_ref(
    info: Info, ref: tuple[int, str, str] | None, scope: str
) -> tuple[relay.GlobalID | None, str | None]:
    if ref is None or not access_of(info).can_read(ref[2]):
        return None, None
    return _gid("PartyOrg", ref[0], scope), ref[1]


def _graph_node(info: Info, node: graph.Node, scope: str, hops: int | None = None) -> GraphNode:
    community_id, community_name = _visible_ref(info, node.community, scope)
    street_id, street_name = _visible_ref(info, node.street, scope)
    return GraphNode(
        id=_node_gid(node.key, scope),
        kind=NodeKind(node.key[0]),
        name=node.name,
        org_kind=PartyOrgKind(node.org_kind) if node.org_kind else None,
        unit_kind=UnitKind(node.unit_kind) if node.unit_kind else None,
        community_id=community_id,
        community_name=community_name,
        street_id=street_id,
        street_name=street_name,
        hops=hops,
    )


def _graph_edge(edge: graph.Edge, scope: str) -> GraphEdge:
    type_name = "CoBuildingPair" if edge.type == graph.PAIR else "CouncilMembership"
    return GraphEdge(
        id=_gid(type_name, edge.pk, scope),
        type=EdgeType(edge.type),
        source=_node_gid(edge.source, scope),
        target=_node_gid(edge.target, scope),
        starts_on=edge.starts_on,
        ends_on=edge.ends_on,
        hours_forward=edge.hours_forward,
        hours_back=edge.hours_back,
        weight=edge.hours_forward + edge.hours_back,
    )


def _result(info: Info, built: graph.Graph) -> GraphResult:
    scope = current_scope_code()
    return GraphResult(
        nodes=[
            _graph_node(info, n, scope, built.hops.get(k)) for k, n in sorted(built.nodes.items())
        ],
        edges=[_graph_edge(e, scope) for e in built.edges],
        truncated=built.truncated,
    )


def _scope(info: Info, within: relay.GlobalID | None) -> graph.GraphScope:
    org = org_scope(within)
    return graph.GraphScope(
        read_paths=access_of(info).read_paths,
        within_path=str(org.path) if org is not None else None,
        within_is_root=org is not None and org.pk is not None and org.parent_id is None,
    )


def _period(active_on: date | None, since: date | None, until: date | None) -> graph.Period:
    if since is None and until is None:
        day = active_on or date.today()
        return graph.Period(day, day)
    if active_on is not None:
        raise GraphQLError("Give either activeOn or since/until, not both.")
    period = graph.Period(since or date.min, until or date.max)
    if period.until < period.since:
        raise GraphQLError("until must not be before since.")
    return period


def _types(types: list[EdgeType] | None) -> frozenset[str]:
    return graph.ALL_TYPES if types is None else frozenset(t.value for t in types)


Within = Annotated[
    relay.GlobalID | None,
    strawberry.argument(description="A street or the district root (default: the district)."),
]
Types = Annotated[
    list[EdgeType] | None, strawberry.argument(description="Edge types (default: all).")
]
ActiveOn = Annotated[
    date | None, strawberry.argument(description="Edges alive that day (default: today).")
]
Since = Annotated[
    date | None, strawberry.argument(description="With until: edges alive on any day between.")
]
Until = Annotated[date | None, strawberry.argument(description="See since.")]


@strawberry.type
class GraphQuery:
    @strawberry.field(
        permission_classes=[IsDistrictUser],
        description="共驻共建网络: nodes and edges of a street or the district, in a few SQL"
        " statements; capped (see truncated).",
    )
    def co_building_graph(
        self,
        info: Info,
        within: Within = None,
        types: Types = None,
        active_on: ActiveOn = None,
        since: Since = None,
        until: Until = None,
    ) -> GraphResult:
        built = graph.build_graph(
            _scope(info, within), _period(active_on, since, until), _types(types)
        )
        return _result(info, built)

    @strawberry.field(
        permission_classes=[IsDistrictUser],
        description="The nodes within `hops` (1–3) of an org or unit, with their distance, and the"
        " edges among them; null if you cannot see the node.",
    )
    def co_building_neighbours(
        self,
        info: Info,
        node: relay.GlobalID,
        hops: int = 1,
        types: Types = None,
        active_on: ActiveOn = None,
        since: Since = None,
        until: Until = None,
    ) -> GraphResult | None:
        if not 1 <= hops <= MAX_HOPS:
            raise GraphQLError(f"hops must be between 1 and {MAX_HOPS}.")
        period = _period(active_on, since, until)
        model: type[PartyOrg] | type[Unit] = Unit if node.type_name == "Unit" else PartyOrg
        pk = node_pk(node, model)
        if pk is None:
            return None
        kind = graph.UNIT if model is Unit else graph.ORG
        built = graph.neighbours(_scope(info, None), period, _types(types), (kind, pk), hops)
        return _result(info, built) if built is not None else None

    @strawberry.field(
        permission_classes=[IsDistrictUser],
        description="Connected components of the (sub)graph, largest first.",
    )
    def co_building_components(
        self,
        info: Info,
        within: Within = None,
        types: Types = None,
        active_on: ActiveOn = None,
        since: Since = None,
        until: Until = None,
        first: Annotated[int, strawberry.argument(description="At most this many.")] = 100,
    ) -> list[Component]:
        built = graph.build_graph(
            _scope(info, within), _period(active_on, since, until), _types(types)
        )
        found = graph.components(built)[: max(first, 0)]
        scope = current_scope_code()
        return [
            Component(
                size=len(keys), nodes=[_graph_node(info, built.nodes[k], scope) for k in keys]
            )
            for keys in found
        ]

    @strawberry.field(
        permission_classes=[IsDistrictUser],
        description="The gap list: communities with no pair active that day, in tree order.",
    )
    def isolated_communities(
        self, info: Info, within: Within = None, active_on: ActiveOn = None
    ) -> list[GraphNode]:
        keys = graph.isolated_communities(_scope(info, within), active_on or date.today())
        nodes = graph.node_details(set(keys))
        scope = current_scope_code()
        return [_graph_node(info, nodes[k], scope) for k in keys]

    @strawberry.field(
        permission_classes=[IsDistrictUser],
        description="Nodes ranked by degree or service hours (given, received, balance).",
    )
    def co_building_ranking(
        self,
        info: Info,
        by: RankBy,
        within: Within = None,
        types: Types = None,
        active_on: ActiveOn = None,
        first: int = 20,
    ) -> list[RankingEntry]:
        if not 1 <= first <= MAX_RANKING:
            raise GraphQLError(f"first must be between 1 and {MAX_RANKING}.")
        built = graph.build_graph(
            _scope(info, within), _period(active_on, None, None), _types(types)
        )
        scope = current_scope_code()
        return [
            RankingEntry(
                node=_graph_node(info, built.nodes[s.key], scope),
                degree=s.degree,
                hours_given=s.hours_given,
                hours_received=s.hours_received,
                balance=s.balance,
                only_receives=s.hours_received > 0 and s.hours_given == 0,
            )
            for s in graph.ranking(built, by.value, first)
        ]

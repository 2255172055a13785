"""GraphQL for this app: QUERIES and MUTATIONS list its root types; api.schema merges them."""

from backend.cobuilding.graphql_graph import GraphQuery
from backend.cobuilding.graphql_pairs import PairsMutation, PairsQuery

QUERIES: tuple[type, ...] = (PairsQuery, GraphQuery)
MUTATIONS: tuple[type, ...] = (PairsMutation,)

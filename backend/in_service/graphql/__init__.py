"""GraphQL for this app: QUERIES and MUTATIONS list its root types; api.schema merges them."""

from backend.in_service.graphql.mutations import InServiceMutation
from backend.in_service.graphql.queries import InServiceQuery

QUERIES: tuple[type, ...] = (InServiceQuery,)
MUTATIONS: tuple[type, ...] = (InServiceMutation,)

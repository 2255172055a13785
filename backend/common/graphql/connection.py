from typing import Any

import strawberry
from django.conf import settings
from strawberry import relay
from strawberry_django.relay import DjangoCursorConnection


@strawberry.type(name="Connection", description="A cursor-paginated page of nodes (at most 100).")
class PageConnection(DjangoCursorConnection[relay.NodeType]):
    """Keyset (cursor) pagination with a default page size, so no request reads a whole table."""

    @classmethod
    def resolve_connection(cls, nodes: Any, *, info: Any, **kwargs: Any) -> Any:
        if kwargs.get("first") is None and kwargs.get("last") is None:
            kwargs["first"] = settings.GRAPHQL_DEFAULT_PAGE_SIZE
        kwargs["max_results"] = settings.GRAPHQL_MAX_PAGE_SIZE
        return super().resolve_connection(nodes, info=info, **kwargs)

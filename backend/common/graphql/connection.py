"""Cursor connections with a default page size.

strawberry-django prefetches nested connections only for its own DjangoCursorConnection class
(it checks the class by identity), so the default page size is a field extension, not a subclass.
"""

from typing import Any

import strawberry_django
from django.conf import settings
from strawberry.extensions.field_extension import FieldExtension, SyncExtensionResolver
from strawberry.types import Info
from strawberry_django.relay import DjangoCursorConnection

__all__ = ["DjangoCursorConnection", "page_connection"]


class DefaultPageSize(FieldExtension):
    """Without `first` or `last`, a page holds GRAPHQL_DEFAULT_PAGE_SIZE nodes, never a table.
    An oversized page is refused here, before the resolver (and its scope lookup) touches SQL."""

    def resolve(self, next_: SyncExtensionResolver, source: Any, info: Info, **kwargs: Any) -> Any:
        for argument in ("first", "last"):
            size = kwargs.get(argument)
            if size is not None and size > settings.GRAPHQL_MAX_PAGE_SIZE:
                raise ValueError(
                    f"Argument '{argument}' cannot be higher than {settings.GRAPHQL_MAX_PAGE_SIZE}."
                )
        if kwargs.get("first") is None and kwargs.get("last") is None:
            kwargs["first"] = settings.GRAPHQL_DEFAULT_PAGE_SIZE
        return next_(source, info, **kwargs)


class RecountPrefetchedPage(FieldExtension):
    """For a prefetched nested connection, strawberry-django counts the rows left after the
    `after`/`before` cursor. A page past the first recounts the whole relation instead (one
    COUNT, only when totalCount is asked for)."""

    def apply(self, field: Any) -> None:
        self.relation_name: str = field.django_name

    def resolve(self, next_: SyncExtensionResolver, source: Any, info: Info, **kwargs: Any) -> Any:
        result = next_(source, info, **kwargs)
        if (kwargs.get("after") or kwargs.get("before")) and isinstance(
            result, DjangoCursorConnection
        ):
            relation = source._meta.get_field(self.relation_name)
            result.total_count_qs = relation.related_model._default_manager.filter(
                **{relation.field.name: source}
            )
        return result


def page_connection(
    graphql_type: Any = None, *, nested_relation: bool = False, **kwargs: Any
) -> Any:
    """strawberry_django.connection, capped at GRAPHQL_MAX_PAGE_SIZE, with a default page size.
    `nested_relation` marks a reverse relation (e.g. children) that the optimizer prefetches."""
    field = strawberry_django.connection(
        graphql_type, max_results=settings.GRAPHQL_MAX_PAGE_SIZE, **kwargs
    )
    # The last extension runs first: these must see the arguments before the connection does.
    if nested_relation:
        field.extensions.append(RecountPrefetchedPage())
    field.extensions.append(DefaultPageSize())
    return field

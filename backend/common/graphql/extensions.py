import logging
import re
import uuid
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import connection
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.relay.types import GlobalIDValueError
from strawberry_django.optimizer import DjangoOptimizerExtension

logger = logging.getLogger("dangjian.graphql")

# Exceptions whose text we wrote ourselves and which carry no personal data.
_PUBLIC_VALUE_ERROR_PREFIXES = ("Argument ", "Invalid cursor", "Node not found")


class SqlQueryCounter(SchemaExtension):
    """Reports `extensions.sqlQueries`: the tests and the benchmark assert on it."""

    def on_operation(self) -> Iterator[None]:
        self.count = 0

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            # django-tenants' schema switch before each statement is not a query of ours.
            if not sql.startswith("SET search_path"):
                self.count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            yield

    def get_results(self) -> dict[str, Any]:
        return {"sqlQueries": getattr(self, "count", 0)}


def _is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError | GlobalIDValueError):
        return False
    if type(original) is ValueError:
        return not str(original).startswith(_PUBLIC_VALUE_ERROR_PREFIXES)
    return not getattr(original, "extensions", None)


_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


def _without_suggestions(error: GraphQLError) -> GraphQLError:
    """Drop graphql-core's "Did you mean 'orgs'?" hints: with introspection off, they would still
    spell out the schema to a prober."""
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions,
    )


class MaskUnexpectedErrors(MaskErrors):
    """An unexpected exception reaches the client as a generic message with a request id; its
    text (which might hold personal data) goes only to the server log."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected, error_message="Internal server error.")

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        return processed if settings.DEBUG else [_without_suggestions(e) for e in processed]

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = uuid.uuid4().hex
        logger.error("GraphQL error %s", request_id, exc_info=error.original_error)
        return GraphQLError(
            f"Internal server error (request {request_id}).",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": "INTERNAL_ERROR", "requestId": request_id},
        )


class QuerySetOptimizer(DjangoOptimizerExtension):
    """strawberry-django's optimizer without its per-field `resolve` hook.

    That hook wraps every field of every object (graphql-core middleware), only to optimize the
    querysets that custom resolvers return; strawberry-django's fields already optimize their own
    querysets in get_queryset when the optimizer is active. Measured on a page of 100 orgs: the
    hook was about a third of the request (bench/results.md).
    """

    resolve = SchemaExtension.resolve  # type: ignore[assignment]

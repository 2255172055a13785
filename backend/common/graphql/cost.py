"""Query limits checked during validation, before any resolver (and so any SQL) runs.

One rule measures the operation that is about to run — its cost, its aliases and its depth — with
fragments (named and inline) expanded as often as they are spread:

- **cost**: each field costs 1; a connection field (one with `first`/`last` arguments) costs 1 plus
  its selection's cost times the page size it asks for (`first`/`last`, variables resolved, default
  GRAPHQL_DEFAULT_PAGE_SIZE, at most GRAPHQL_MAX_PAGE_SIZE); a field with an `ids` list (`nodes`)
  multiplies by the number of ids. Over GRAPHQL_MAX_COST is refused with `COST_LIMIT`.
- **aliases**: over GRAPHQL_MAX_ALIASES, counting a fragment's aliases once per spread (`ALIAS_LIMIT`).
- **depth**: over GRAPHQL_MAX_DEPTH nested selections, through fragments (`DEPTH_LIMIT`).

It replaces strawberry's QueryDepthLimiter and MaxAliasesLimiter: those walk every spread of
every fragment again, so a chain of fragments each spreading the next twice takes time exponential
in its length (40 lines of query pin a worker for hours). Here each fragment is measured once per
operation and its measure reused at every spread, so the time is linear in the document.

A document with several operations needs an `operationName` (`OPERATION_NAME_REQUIRED`); only the
operation that will run is measured.
"""

import logging
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
    type_from_ast,
    validate,
    value_from_ast_untyped,
)
from graphql.language import SKIP, VisitorAction
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

__all__ = ["Measure", "QueryLimits", "QueryLimitsRule", "measure_operation"]

logger = logging.getLogger("dangjian.graphql.cost")

# Costs saturate here: an integer a JSON client reads exactly, far above any sensible limit.
_CEILING = 2**53 - 1
_PAGE_ARGUMENTS = ("first", "last")


@dataclass(frozen=True)
class Measure:
    cost: int = 0
    aliases: int = 0
    depth: int = 0

    def __add__(self, other: "Measure") -> "Measure":
        return Measure(
            cost=min(self.cost + other.cost, _CEILING),
            aliases=min(self.aliases + other.aliases, _CEILING),
            depth=max(self.depth, other.depth),
        )


_NOTHING = Measure()


class _Measurer:
    """Measures one operation; fragments are measured once and their measure reused."""

    def __init__(
        self,
        context: ValidationContext,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = context.schema
        self.fragments: dict[str, FragmentDefinitionNode] = {
            d.name.value: d
            for d in context.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        self.operation = operation
        self.variables = _with_defaults(operation, variables)
        self.default_page = int(settings.GRAPHQL_DEFAULT_PAGE_SIZE)
        self.max_page = int(settings.GRAPHQL_MAX_PAGE_SIZE)
        self.done: dict[str, Measure] = {}
        self.in_progress: set[str] = set()

    def measure(self) -> Measure:
        root = self.schema.get_root_type(self.operation.operation)
        return self.selection_set(root, self.operation.selection_set)

    def selection_set(
        self, parent: GraphQLNamedType | None, selection_set: SelectionSetNode
    ) -> Measure:
        total = _NOTHING
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = type_from_ast(self.schema, condition) if condition else parent
                total += self.selection_set(inner, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
        return total

    def fragment(self, name: str) -> Measure:
        if name in self.done:
            return self.done[name]
        definition = self.fragments.get(name)
        # Unknown fragments and cycles are reported by graphql-core's own rules.
        if definition is None or name in self.in_progress:
            return _NOTHING
        self.in_progress.add(name)
        condition = type_from_ast(self.schema, definition.type_condition)
        measure = self.selection_set(condition, definition.selection_set)
        self.in_progress.discard(name)
        self.done[name] = measure
        return measure

    def field(self, parent: GraphQLNamedType | None, node: FieldNode) -> Measure:
        name = node.name.value
        introspection = name.startswith("__")
        definition = None
        if not introspection and isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(name)
        inner = _NOTHING
        if node.selection_set is not None:
            child = get_named_type(definition.type) if definition is not None else None
            inner = self.selection_set(child, node.selection_set)
        multiplier = self.multiplier(definition, node)
        return Measure(
            cost=min(1 + multiplier * inner.cost, _CEILING),
            aliases=inner.aliases + (1 if node.alias else 0),
            # As strawberry's QueryDepthLimiter: introspection does not count, leaves are depth 0.
            depth=0 if introspection or node.selection_set is None else 1 + inner.depth,
        )

    def multiplier(self, definition: GraphQLField | None, node: FieldNode) -> int:
        if definition is None:
            return 1
        if any(argument in definition.args for argument in _PAGE_ARGUMENTS):
            sizes = [
                size
                for argument in _PAGE_ARGUMENTS
                if (size := _as_int(self.argument(node, argument))) is not None
            ]
            page = min(sizes) if sizes else self.default_page
            return max(0, min(page, self.max_page))
        if "ids" in definition.args:
            ids = self.argument(node, "ids")
            if isinstance(ids, list):
                return len(ids)
            return 0 if ids is None else 1  # a single value is coerced to a list of one
        return 1

    def argument(self, node: FieldNode, name: str) -> Any:
        for argument in node.arguments or ():
            if argument.name.value == name:
                return value_from_ast_untyped(argument.value, dict(self.variables))
        return None


def _with_defaults(
    operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> dict[str, Any]:
    values = dict(variables)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    return values


def _as_int(value: Any) -> int | None:
    """A page size as graphql-core would coerce it; anything else is refused there later."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(min(max(value, -_CEILING), _CEILING))
    return None


def measure_operation(
    context: ValidationContext,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None = None,
) -> Measure:
    return _Measurer(context, operation, variables or {}).measure()


class QueryLimitsRule(ValidationRule):
    """The validation rule. `QueryLimits` binds it to a request's variables and operation name;
    used on its own, variables count as absent (page sizes from literals and defaults)."""

    variables: Mapping[str, Any] = {}
    operation_name: str | None = None

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.operations = [
            d for d in context.document.definitions if isinstance(d, OperationDefinitionNode)
        ]

    def enter_document(self, *_args: Any) -> VisitorAction:
        if self.operation_name is None and len(self.operations) > 1:
            self.report_error(
                GraphQLError(
                    "Must provide operation name if query contains multiple operations.",
                    extensions={"code": "OPERATION_NAME_REQUIRED"},
                )
            )
            return SKIP
        return None

    def enter_operation_definition(
        self, node: OperationDefinitionNode, *_args: Any
    ) -> VisitorAction:
        # graphql-core's own visitor has checked the nesting through fragments by now.
        name = node.name.value if node.name else None
        if self.operation_name is None or name == self.operation_name:
            self._check(node)
        return SKIP

    def enter_fragment_definition(self, *_args: Any) -> VisitorAction:
        return SKIP  # measured where spread

    def _check(self, operation: OperationDefinitionNode) -> None:
        label = operation.name.value if operation.name else "anonymous"
        try:
            measure = measure_operation(self.context, operation, self.variables)
        except RecursionError:
            self.report_error(
                GraphQLError(
                    f"'{label}' is nested too deeply.",
                    operation,
                    extensions={"code": "DEPTH_LIMIT"},
                )
            )
            return
        logger.debug(
            "operation %s: cost %d, aliases %d, depth %d",
            label,
            measure.cost,
            measure.aliases,
            measure.depth,
        )
        max_depth = int(settings.GRAPHQL_MAX_DEPTH)
        if measure.depth > max_depth:
            self.report_error(
                GraphQLError(
                    f"'{label}' exceeds maximum operation depth of {max_depth}",
                    operation,
                    extensions={"code": "DEPTH_LIMIT", "depth": measure.depth},
                )
            )
        max_aliases = int(settings.GRAPHQL_MAX_ALIASES)
        if measure.aliases > max_aliases:
            self.report_error(
                GraphQLError(
                    f"{measure.aliases} aliases found. Allowed: {max_aliases}",
                    operation,
                    extensions={"code": "ALIAS_LIMIT", "aliases": measure.aliases},
                )
            )
        max_cost = int(settings.GRAPHQL_MAX_COST)
        if measure.cost > max_cost:
            self.report_error(
                GraphQLError(
                    f"Query cost {measure.cost} exceeds the maximum of {max_cost}: ask for"
                    " smaller pages (first/last) or fewer nested connections.",
                    operation,
                    extensions={"code": "COST_LIMIT", "cost": measure.cost, "maxCost": max_cost},
                )
            )


class QueryLimits(SchemaExtension):
    """Validates the request: graphql-core's rules (with the request's extra rules), then
    QueryLimitsRule bound to its variables and operation name (a validation rule alone sees
    neither).

    Both results are cached per query text, so a frontend's handful of documents is validated
    once per worker: the rules' visit cost about a tenth of a 100-row page (bench/results.md).
    The limits depend on variables only through numbers and list lengths, so their cache key
    keeps just those (`_cost_shape`); cursors and names do not split it.
    """

    def on_operation(self) -> Iterator[None]:
        # Read before parsing: afterwards strawberry answers with the first operation's name
        # when none was given, and a document of several operations needs one given.
        self.operation_name = self.execution_context.operation_name
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.pre_execution_errors is None:
            schema, query = context.schema._schema, context.query
            document = _Parsed(context.graphql_document)
            # Cached by query text; a document handed over without its text is validated afresh.
            rule_errors = _rule_errors if query else _rule_errors.__wrapped__
            limit_errors = _limit_errors if query else _limit_errors.__wrapped__
            errors = rule_errors(schema, query, document, tuple(context.validation_rules))
            if not errors:
                errors = limit_errors(
                    schema,
                    query,
                    document,
                    self.operation_name,
                    _cost_shape(context.variables or {}),
                )
            context.pre_execution_errors = list(errors)
        yield


_VALIDATION_CACHE_SIZE = 256


class _Parsed:
    """The parse of the cache key's query text, carried along but left out of the key: the text
    already determines it, and hashing or comparing a DocumentNode walks the whole tree."""

    __slots__ = ("document",)

    def __init__(self, document: DocumentNode) -> None:
        self.document = document

    def __hash__(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Parsed)


@lru_cache(maxsize=_VALIDATION_CACHE_SIZE)
def _rule_errors(
    schema: GraphQLSchema, query: str, parsed: _Parsed, rules: tuple[type, ...]
) -> tuple[GraphQLError, ...]:
    return tuple(validate_document(schema, parsed.document, rules))


@lru_cache(maxsize=_VALIDATION_CACHE_SIZE)
def _limit_errors(
    schema: GraphQLSchema,
    query: str,
    parsed: _Parsed,
    operation_name: str | None,
    shape: Hashable,
) -> tuple[GraphQLError, ...]:
    bound = type(
        "BoundQueryLimitsRule",
        (QueryLimitsRule,),
        {"variables": _thaw(shape), "operation_name": operation_name},
    )
    return tuple(validate(schema, parsed.document, [bound]))


def _cost_shape(value: Any) -> Hashable:
    """What of the variables a cost can depend on: numbers, booleans, list lengths."""
    if isinstance(value, Mapping):
        return ("map", tuple(sorted((str(k), _cost_shape(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("list", tuple(_cost_shape(v) for v in value))
    if isinstance(value, bool | int | float) or value is None:
        return value
    return ""


def _thaw(shape: Hashable) -> Any:
    if isinstance(shape, tuple) and len(shape) == 2 and shape[0] == "map":
        return {key: _thaw(value) for key, value in shape[1]}
    if isinstance(shape, tuple) and len(shape) == 2 and shape[0] == "list":
        return [_thaw(value) for value in shape[1]]
    return shape

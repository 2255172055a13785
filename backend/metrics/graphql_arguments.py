"""Checking a metrics query's arguments: a bad one is a GraphQL error with a stable code and the
argument's name, raised before any SQL runs."""

from graphql import GraphQLError

from backend.common.validation import ValidationFailed
from backend.metrics.definitions import BY_CODE, MetricDefinition
from backend.metrics.periods import Period

MAX_TREND = 36


def argument_error(argument: str, code: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, "argument": argument})


def period_argument(label: str, argument: str = "period") -> Period:
    try:
        return Period.parse(label, field=argument)
    except ValidationFailed as exc:
        raise argument_error(argument, "INVALID_PERIOD", exc.errors[0].message) from None


def metric_argument(code: str, argument: str = "metric") -> MetricDefinition:
    definition = BY_CODE.get(code)
    if definition is None:
        raise argument_error(argument, "UNKNOWN_METRIC", f"没有代码为 {code[:40]!r} 的指标。")
    return definition


def breakdown_argument(definition: MetricDefinition, breakdown: str | None) -> str:
    """'' (the total) for None; otherwise one of the metric's breakdowns."""
    if breakdown is None or breakdown == "":
        return ""
    if breakdown not in definition.breakdowns:
        raise argument_error(
            "breakdown",
            "UNKNOWN_BREAKDOWN",
            f"指标 {definition.code} 没有分类 {breakdown[:40]!r}。",
        )
    return breakdown


def count_argument(value: int, argument: str, maximum: int = MAX_TREND) -> int:
    if not 1 <= value <= maximum:
        raise argument_error(argument, "OUT_OF_RANGE", f"{argument} 须在 1 到 {maximum} 之间。")
    return value

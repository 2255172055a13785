"""The GraphQL face of backend.metrics.definitions: what a metric means, for the district API and
the municipal API alike (both schemas expose `metricDefinitions`)."""

from typing import Self

import strawberry

from backend.metrics.definitions import DEFINITIONS, MetricDefinition, MetricUnit
from backend.metrics.periods import PeriodKind

MetricUnitEnum = strawberry.enum(
    MetricUnit,
    name="MetricUnit",
    description="指标单位: percent is 0–100; the others are ratios of a sum to a count.",
)
PeriodKindEnum = strawberry.enum(PeriodKind, name="PeriodKind", description="统计期间类型")


@strawberry.type(
    name="MetricDefinition",
    description="指标定义: what a metric counts, how its value is formed and where it is counted.",
)
class MetricDefinitionType:
    code: str = strawberry.field(description="Stable code, e.g. org_coverage.")
    name_zh: str
    name_en: str
    numerator: str = strawberry.field(description="What the numerator counts (Chinese).")
    denominator: str = strawberry.field(description="What the denominator counts (Chinese).")
    unit: MetricUnitEnum  # type: ignore[valid-type]
    unit_symbol: str = strawberry.field(description='e.g. "%" or "小时/人".')
    scale: int = strawberry.field(
        description="value = numerator × scale ÷ denominator (100 for percentages, else 1)."
    )
    formula: str
    attributed_at: str = strawberry.field(
        description="Where a counted person or unit is attributed in the org tree."
    )
    breakdowns: list[str] = strawberry.field(
        description="Sub-populations besides the total (e.g. member categories); they partition it."
    )

    @classmethod
    def of(cls, definition: MetricDefinition) -> Self:
        return cls(
            code=definition.code,
            name_zh=definition.name_zh,
            name_en=definition.name_en,
            numerator=definition.numerator,
            denominator=definition.denominator,
            unit=definition.unit,
            unit_symbol=definition.unit_symbol,
            scale=definition.scale,
            formula=definition.formula,
            attributed_at=definition.attributed_at,
            breakdowns=list(definition.breakdowns),
        )


def metric_definitions() -> list[MetricDefinitionType]:
    """Every metric, in the order of backend.metrics.definitions."""
    return [MetricDefinitionType.of(definition) for definition in DEFINITIONS]

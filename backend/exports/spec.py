"""What an export kind declares, and what it is handed when it runs.

A kind (backend/exports/kinds/*.py) names its columns (Chinese headers, one value function each)
and a queryset of the rows the requester may read, in the order the file lists them. The runner
(backend.exports.run) streams that queryset into a writer (backend.exports.writers)."""

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import QuerySet

from backend.access.scopes import Access
from backend.orgs.models import PartyOrg

# What a column's value function returns; the writers turn it into a cell.
Value = str | int | float | Decimal | bool | date | datetime | time | None


class ExportKindCode(enum.StrEnum):
    MEMBERS = "members"
    UNITS = "units"
    ORG_TREE = "org_tree"
    ACTIVITIES = "activities"
    METRIC_TABLE = "metric_table"


class ExportFormat(enum.StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


@dataclass(frozen=True)
class ExportColumn:
    header: str
    value: Callable[[Any], Value]
    width: int = 16


@dataclass(frozen=True)
class ExportFilters:
    """The optional conditions; each kind accepts only its own (services checks that)."""

    category: str | None = None  # MEMBERS: 党员类别
    start: date | None = None  # ACTIVITIES: 活动日期 from
    end: date | None = None  # ACTIVITIES: 活动日期 until (included)
    metric: str | None = None  # METRIC_TABLE: the metric's code (required there)
    period: str | None = None  # METRIC_TABLE: 2026, 2026-Q4, 2026-11 (required there)
    breakdown: str | None = None  # METRIC_TABLE: one of the metric's breakdowns

    def as_json(self) -> dict[str, Any]:
        raw = {
            "category": self.category,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "metric": self.metric,
            "period": self.period,
            "breakdown": self.breakdown,
        }
        return {key: value for key, value in raw.items() if value is not None}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "ExportFilters":
        return cls(
            category=raw.get("category"),
            start=date.fromisoformat(raw["start"]) if raw.get("start") else None,
            end=date.fromisoformat(raw["end"]) if raw.get("end") else None,
            metric=raw.get("metric"),
            period=raw.get("period"),
            breakdown=raw.get("breakdown"),
        )


@dataclass(frozen=True)
class ExportScope:
    """One export run: whose access, which subtree (None: all the requester may read), whether
    personal data goes out in full, and the kind's conditions."""

    access: Access
    within: PartyOrg | None
    unmask: bool = False
    filters: ExportFilters = field(default_factory=ExportFilters)

    def readable(self, org: PartyOrg | None) -> bool:
        """A referenced org (a residence community, a unit's locality) the requester may see."""
        return org is not None and self.access.can_read(str(org.path))


class ExportKind(Protocol):
    code: ExportKindCode
    label: str  # "党员名册": the file's name and its sheet's title
    filters: frozenset[str]  # the ExportFilters fields this kind accepts
    has_personal_data: bool  # unmask applies

    def columns(self, scope: ExportScope) -> tuple[ExportColumn, ...]: ...

    def rows(self, scope: ExportScope) -> QuerySet[Any]:
        """The rows, already narrowed to what scope.access may read, in file order."""
        ...

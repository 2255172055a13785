"""Reporting periods: calendar months, quarters and years, named as people write them
("2026-11", "2026-Q4", "2026")."""

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta

from backend.common.validation import FieldError, ValidationFailed


class PeriodKind(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}
_LABEL = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    kind: PeriodKind
    start: date

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> "Period":
        first_month = (day.month - 1) // _MONTHS[kind] * _MONTHS[kind] + 1
        return cls(kind, date(day.year, first_month, 1))

    @classmethod
    def parse(cls, label: str, *, field: str = "period") -> "Period":
        match = _LABEL.match(label.strip())
        if match is None or (match["month"] and not 1 <= int(match["month"]) <= 12):
            raise ValidationFailed(
                [FieldError(field, "INVALID", "期间格式应为 2026、2026-Q4 或 2026-11。")]
            )
        year = int(match["year"])
        if match["month"]:
            return cls(PeriodKind.MONTH, date(year, int(match["month"]), 1))
        if match["quarter"]:
            return cls(PeriodKind.QUARTER, date(year, (int(match["quarter"]) - 1) * 3 + 1, 1))
        return cls(PeriodKind.YEAR, date(year, 1, 1))

    @property
    def end(self) -> date:
        """The last day, included."""
        return _add_months(self.start, _MONTHS[self.kind]) - timedelta(days=1)

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def as_of(self, today: date) -> date:
        """The day counted up to: the period's last day, or today while the period runs."""
        return min(self.end, today)

    def previous(self, count: int = 1) -> "Period":
        return Period(self.kind, _add_months(self.start, -count * _MONTHS[self.kind]))

    def has_started(self, today: date) -> bool:
        return self.start <= today


def current_periods(today: date) -> list[Period]:
    """The periods the nightly run recomputes: this month, this quarter, this year."""
    return [Period.containing(kind, today) for kind in PeriodKind]


def months_back(today: date, count: int) -> list[Period]:
    """The last `count` months up to and including this one, oldest first."""
    this_month = Period.containing(PeriodKind.MONTH, today)
    return [this_month.previous(n) for n in range(count - 1, -1, -1)]

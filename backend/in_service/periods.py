"""Half-years (for reporting) and feedback periods (1, 3, 6 or 12 months), with their labels.

Labels: a half-year is "2026H2"; a feedback period of 1 month is "2026-07", of 3 months
"2026Q3", of 6 months "2026H2", of 12 months "2026".
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

_HALF_YEAR = re.compile(r"^(\d{4})H([12])$")
_PATTERNS = {
    1: re.compile(r"^(\d{4})-(\d{2})$"),
    3: re.compile(r"^(\d{4})Q([1-4])$"),
    6: _HALF_YEAR,
    12: re.compile(r"^(\d{4})$"),
}


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


def half_year_of(day: date) -> str:
    return f"{day.year}H{1 if day.month <= 6 else 2}"


def half_year_valid(label: str) -> bool:
    return bool(_HALF_YEAR.match(label))


def _month_end(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def _label(year: int, first_month: int, months: int) -> str:
    index = (first_month - 1) // months + 1
    return {
        1: f"{year}-{first_month:02d}",
        3: f"{year}Q{index}",
        6: f"{year}H{index}",
        12: f"{year}",
    }[months]


def _build(year: int, index: int, months: int) -> Period:
    first_month = (index - 1) * months + 1
    last_month = first_month + months - 1
    return Period(
        label=_label(year, first_month, months),
        start=date(year, first_month, 1),
        end=_month_end(year, last_month),
    )


def period_containing(day: date, months: int) -> Period:
    return _build(day.year, (day.month - 1) // months + 1, months)


def period_before(period: Period, months: int) -> Period:
    return period_containing(period.start - timedelta(days=1), months)


def parse_period(label: str, months: int) -> Period | None:
    """The period a label names under the configured length, or None if it names none."""
    match = _PATTERNS[months].match(label.strip())
    if match is None:
        return None
    year = int(match.group(1))
    if year < 1900:
        return None
    if months == 12:
        return _build(year, 1, months)
    index = int(match.group(2))
    if months == 1 and not 1 <= index <= 12:
        return None
    return _build(year, index, months)

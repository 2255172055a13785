"""Checks shared by dated records (periods that start and end)."""

from datetime import date

from django.contrib.postgres.fields import DateRangeField
from django.db.models import F, Func, Value

from backend.common.validation import FieldError


class DateSpan(Func):
    """A record's period as a daterange, for exclusion constraints that refuse overlaps: `[]`
    counts the end day in, `[)` leaves it out (a member may rejoin on the day they left). A null
    end runs on."""

    function = "DATERANGE"
    output_field = DateRangeField()

    def __init__(self, start: str, end: str, bounds: str = "[]") -> None:
        super().__init__(F(start), F(end), Value(bounds))


def not_in_future(field: str, day: date) -> list[FieldError]:
    """IN_FUTURE when `day` is after today (a record of what happened cannot be dated ahead)."""
    if day > date.today():
        return [FieldError(field, "IN_FUTURE", "日期不能晚于今天。")]
    return []

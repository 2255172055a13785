"""Checks shared by dated records (periods that start and end)."""

from datetime import date

from backend.common.validation import FieldError


def not_in_future(field: str, day: date) -> list[FieldError]:
    """IN_FUTURE when `day` is after today (a record of what happened cannot be dated ahead)."""
    if day > date.today():
        return [FieldError(field, "IN_FUTURE", "日期不能晚于今天。")]
    return []

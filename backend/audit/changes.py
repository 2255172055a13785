"""Before/after of the fields a write changed, as JSON, with personal data masked.

A service takes a `snapshot` of the fields it may change before and after the write and passes
`field_changes(before, after)` to audit_record. An ID number or phone is snapshotted as `Masked`:
compared by its keyed hash (so a changed number whose masked form happens to read the same is
still recorded as a change) and shown only in its stored masked form, never as ciphertext or plain
text. `scrub` is the last line of defence: any citizen ID number or phone number left in a text
is masked before an entry is written.
"""

import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from backend.common.masking import mask_id_number, mask_phone
from backend.members.id_numbers import InvalidIdNumber, parse_id_number

__all__ = ["Masked", "field_changes", "json_value", "scrub", "snapshot"]


@dataclass(frozen=True)
class Masked:
    """A personal-data value as an audit entry may hold it."""

    shown: str  # the stored masked form, e.g. 110***********1234
    identity: str  # compares values without revealing them (the keyed hash)


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """{field: value} of `obj`'s attributes (use attnames such as parent_id for references)."""
    return {name: getattr(obj, name) for name in fields}


def _identity(value: Any) -> Any:
    return ("masked", value.identity) if isinstance(value, Masked) else json_value(value)


def json_value(value: Any) -> Any:
    """`value` as JSON: dates as ISO 8601, enums by value, Masked as its masked form."""
    if isinstance(value, Masked):
        return value.shown
    if isinstance(value, enum.Enum):
        return json_value(value.value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_value(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def field_changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value differs.

    `before=None` is a creation: fields left empty (None or "") are not listed. `after=None` is a
    deletion: every field that had a value is listed with null after."""
    names = list((after or before or {}).keys())
    changed: dict[str, list[Any]] = {}
    for name in names:
        old = before.get(name) if before is not None else None
        new = after.get(name) if after is not None else None
        if before is None and new in (None, ""):
            continue
        if after is None and old in (None, ""):
            continue
        if _identity(old) != _identity(new):
            changed[name] = [json_value(old), json_value(new)]
    return changed


# Eighteen characters that could be a citizen ID number, not part of a longer run.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
# Mainland mobile numbers, and landlines written with an area code.
_PHONE = re.compile(r"(?<![0-9])(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?![0-9])")


def _mask_id_number_match(match: re.Match[str]) -> str:
    candidate = match.group(1)
    try:
        parse_id_number(candidate)
    except InvalidIdNumber:
        return candidate
    return mask_id_number(candidate.upper())


def scrub_text(text: str) -> str:
    """`text` with every valid citizen ID number and every phone number masked."""
    if not any(char.isdigit() for char in text):
        return text
    text = _ID_NUMBER.sub(_mask_id_number_match, text)
    return _PHONE.sub(lambda match: mask_phone(match.group(1)), text)


def scrub(value: Any) -> Any:
    """A JSON value with scrub_text applied to every string in it (keys included)."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, list):
        return [scrub(item) for item in value]
    if isinstance(value, dict):
        return {scrub_text(str(key)): scrub(item) for key, item in value.items()}
    return value

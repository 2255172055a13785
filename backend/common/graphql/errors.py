"""Typed errors in mutation payloads: a frontend shows `message` beside `field`, and can branch on
`code` without parsing text."""

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

from backend.common.validation import FieldError, ValidationFailed


@strawberry.type(
    description="A problem with the input, reported in the payload, not as an exception."
)
class UserError:
    field: str | None = strawberry.field(description="The input field at fault (camelCase).")
    code: str = strawberry.field(description="A stable machine-readable code, e.g. ID_CHECKSUM.")
    message: str = strawberry.field(description="A message for the user, in Chinese.")


def user_errors(exc: ValidationFailed) -> list[UserError]:
    return [UserError(field=e.field, code=e.code, message=e.message) for e in exc.errors]


def not_found(field: str, what: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, "NOT_FOUND", f"找不到该{what}。")])


P = TypeVar("P")


def mutation_payload(payload_type: type[P], field: str, action: Callable[[], Any]) -> P:
    """Run a service call; its validation errors become the payload's `errors`, with `field` null."""
    try:
        return payload_type(**{field: action(), "errors": []})
    except ValidationFailed as exc:
        return payload_type(**{field: None, "errors": user_errors(exc)})

"""Database constraints as the last line: a write that a concurrent request made invalid after
the service's checks fails on a constraint, and is reported like the checked error."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction

from backend.common.validation import FieldError, ValidationFailed


def violated_constraint(exc: IntegrityError) -> str:
    """The name of the constraint PostgreSQL reports the write broke ("" if none)."""
    return getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or ""


@contextmanager
def constraint_errors(mapping: dict[str, FieldError]) -> Iterator[None]:
    """Runs the block in a savepoint; a broken constraint named in `mapping` raises its error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        name = violated_constraint(exc)
        if name in mapping:
            raise ValidationFailed([mapping[name]]) from None
        raise

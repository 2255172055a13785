"""Domain validation errors: services raise them, the API turns them into typed payload errors."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str


class ValidationFailed(Exception):
    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    @classmethod
    def single(cls, field: str, code: str, message: str) -> "ValidationFailed":
        return cls([FieldError(field, code, message)])


def raise_if(errors: list[FieldError]) -> None:
    """Raises the errors found, if any: the service's checks report everything at once."""
    if errors:
        raise ValidationFailed(errors)

"""Model types whose plain column fields resolve as cheaply as graphql-core allows.

strawberry-django marks every field of a model type as non-basic, so each value of each row goes
through strawberry's full resolver path: an Info object, argument handling, extensions and
strawberry-django's get_result. For a column that is neither a relation nor computed, that path
ends in getattr anyway. `model_type` makes such fields strawberry "basic" fields (getattr, no
Info); relations, resolvers and fields with extensions keep the full path, and the optimizer
still sees every field (it reads the type's definition, not the resolvers). Measured in
bench/results.md.
"""

from typing import Any

import strawberry_django
from strawberry_django.fields.field import StrawberryDjangoField


class ColumnField(StrawberryDjangoField):
    @property
    def is_basic_field(self) -> bool:
        return (
            self.base_resolver is None
            and not self.is_relation
            and not self.extensions
            and not self.permission_classes
            and self.django_name is not None
        )

    def get_result(self, source: Any, info: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if info is None:  # strawberry's basic-field path (see is_basic_field)
            return getattr(source, self.django_name or self.python_name)
        return super().get_result(source, info, args, kwargs)


def model_type(model: Any, **options: Any) -> Any:
    """strawberry_django.type with ColumnField as the field class."""
    return strawberry_django.type(model, field_cls=ColumnField, **options)

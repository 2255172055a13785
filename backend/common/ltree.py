"""PostgreSQL `ltree` as a Django field, with the two lookups the org tree needs."""

from typing import Any

from django.db import models
from django.db.models import Lookup


class LtreeField(models.Field):
    description = "PostgreSQL ltree label path"

    def db_type(self, connection: Any) -> str:
        return "ltree"

    def to_python(self, value: Any) -> str | None:
        return None if value is None else str(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        return self.to_python(value)

    def get_prep_value(self, value: Any) -> str | None:
        return self.to_python(value)


class _LtreeOperator(Lookup):
    operator = ""

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} {self.operator} {rhs}::ltree", (*lhs_params, *rhs_params)


@LtreeField.register_lookup
class DescendantOf(_LtreeOperator):
    """path <@ value: the node itself and everything below it."""

    lookup_name = "descendant_of"
    operator = "<@"


@LtreeField.register_lookup
class AncestorOf(_LtreeOperator):
    """path @> value: the node itself and everything above it."""

    lookup_name = "ancestor_of"
    operator = "@>"


class EqualsAny(Lookup):
    """lhs = ANY(rhs), rhs an array (e.g. an ArraySubquery).

    For "members in a subtree", `org_id = ANY(ARRAY(SELECT id … WHERE path <@ …))` makes PostgreSQL
    collect the subtree's org ids first (GiST) and then fetch their members by the org_id index; a
    join or IN is planned as a hash join over every member of the district, 30 ms per org at
    72,000 members (bench/results.md).
    """

    lookup_name = "equals_any"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)

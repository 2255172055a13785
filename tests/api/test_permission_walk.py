"""A walk over both GraphQL schemas, in-process: every root field says who may call it, and every
object type that can carry district data says how it is narrowed to the reader's scope.

- Root fields (Query, Mutation): a non-empty `permission_classes`. `AllowAny` counts: it is the
  explicit "deliberately public" rule (permissions.AllowAny), an empty list is "forgotten".
- Model-backed types (strawberry_django, i.e. with `__strawberry_django_definition__`): a
  `get_queryset` classmethod of their own, which strawberry-django applies to connections, nested
  relations (the optimizer prefetches through it) and DistrictNode applies to `node`/`nodes`; or
  an entry in UNSCOPED_MODEL_TYPES saying why none is needed.
- Plain output types: a narrow wrapper name pattern (WRAPPER), or an entry in PLAIN_TYPES.

When a test fails it prints the offending names; fix the type, or add an entry with its reason.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import strawberry
from strawberry import relay
from strawberry.permission import BasePermission
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from backend.api.schema import district_schema, platform_schema
from backend.common.graphql.errors import UserError
from backend.common.graphql.permissions import AllowAny, HasWriteScope

SCHEMAS: dict[str, strawberry.Schema] = {"district": district_schema, "platform": platform_schema}

# Model-backed types with no get_queryset of their own, one line of reason each.
UNSCOPED_MODEL_TYPES: dict[str, str] = {
    "User": "only ever the caller themselves (me, login's payload); nothing lists or looks up users",
    "AuditEntry": "only through auditEntries, which IsDistrictAdmin restricts to district-wide "
    "readers; not a Relay node, so node(id:) cannot reach it",
}

# Plain (not model-backed) output types that carry district data, one line of reason each.
PLAIN_TYPES: dict[str, str] = {
    "DownloadLink": "a link minted for the caller only, bound to their user id and this "
    "district's schema; no rows",
    "District": "the host's own district; rootOrg passes through visible_org (null out of scope)",
    "MemberCounts": "numbers for a PartyOrg that PartyOrgType.get_queryset already let through",
    "DistrictSummary": "platform-only per-district totals, no personal data, IsMunicipalReader",
    "MetricDefinition": "static text from backend/metrics/definitions.py, the same for everyone",
    "MetricPeriod": "a period's label and dates, no data",
    "MunicipalDistrictFigure": "platform-only district totals with small counts suppressed, "
    "IsMunicipalReader",
    "MunicipalMetricTotal": "the municipal sum over districts, suppressed when small",
    "MunicipalMetric": "wraps MunicipalDistrictFigure and MunicipalMetricTotal",
    "InServicePrintableCard": "built from an InServiceFeedbackCard its get_queryset let through;"
    " ID number masked",
    "InServiceCardLine": "a line of an InServicePrintableCard",
    "InServiceFeedbackSettings": "the district's feedback period length; no personal data",
    "CarriedRelationChange": "history inside an IncomingRelationTransfer payload, which"
    " get_queryset restricts to the recipient's district admins",
    "TransferDistrict": "code and name of the platform's other districts"
    " (tenants.exchange.district_directory); no district data",
    "CoBuildingGraph": "nodes/edges from cobuilding.graph; only nodes whose anchor org is"
    " readable, edges with both ends visible",
    "CoBuildingGraphNode": "an org/unit the reader may read (cobuilding.graph); community/street"
    " only when readable",
    "CoBuildingGraphEdge": "a pair or council membership whose both ends the reader may read",
    "CoBuildingComponent": "components of the scoped co-building graph",
    "CoBuildingRankingEntry": "per-node counts over the scoped co-building graph",
    "ActivityParticipationByCategory": "per-category counts for an org subtree the reader may"
    " read (load_org), or the district for district-wide readers; no personal data",
}

# District mutations a read-only token may call (no HasWriteScope), one line of reason each.
READ_ONLY_MUTATIONS: dict[str, str] = {}

# Wrappers hold no rows of their own: what they carry is typed by types this walk checks in their
# own right (a payload's `org` is a PartyOrg, an edge's `node` a Member, …). Exempt by name, kept
# narrow: relay's generated <Type>CursorConnection / <Type>CursorEdge and PageInfo, this project's
# <Mutation>Payload convention, and UserError. Each exemption is also checked against what the
# type really is (WRAPPER_ORIGINS), so a model type named "…Payload" is not waved through.
WRAPPER = re.compile(
    r"^(?:[A-Z][A-Za-z]*(?:CursorConnection|CursorEdge|Payload)|PageInfo|UserError)$"
)


@dataclass(frozen=True)
class ObjectType:
    schema: str
    name: str
    definition: StrawberryObjectDefinition

    @property
    def origin(self) -> type:
        return self.definition.origin

    @property
    def is_model_type(self) -> bool:
        return hasattr(self.origin, "__strawberry_django_definition__")

    @property
    def has_own_get_queryset(self) -> bool:
        """Defined on the type itself as a classmethod: not inherited, not strawberry-django's."""
        return isinstance(vars(self.origin).get("get_queryset"), classmethod)

    def __str__(self) -> str:
        return f"{self.schema}:{self.name}"


def root_names(schema: strawberry.Schema) -> set[str]:
    core = schema._schema
    roots = (core.query_type, core.mutation_type, core.subscription_type)
    return {root.name for root in roots if root is not None}


def object_types(*, include_roots: bool = False) -> Iterator[ObjectType]:
    """Every output object type of both schemas (no inputs, interfaces, enums or scalars)."""
    for schema_name, schema in SCHEMAS.items():
        roots = root_names(schema)
        for name in sorted(schema._schema.type_map):
            if name.startswith("__") or (name in roots and not include_roots):
                continue
            definition = schema.get_type_by_name(name)
            if not isinstance(definition, StrawberryObjectDefinition):
                continue
            if definition.is_input or definition.is_interface:
                continue
            yield ObjectType(schema_name, name, definition)


def root_fields(schema_name: str, root: str) -> Iterator[tuple[str, StrawberryField]]:
    definition = SCHEMAS[schema_name].get_type_by_name(root)
    if definition is None:
        return
    assert isinstance(definition, StrawberryObjectDefinition)
    converter = SCHEMAS[schema_name].config.name_converter
    for field in definition.fields:
        yield f"{schema_name}:{root}.{converter.get_graphql_name(field)}", field


def all_root_fields() -> Iterator[tuple[str, StrawberryField]]:
    for schema_name, schema in SCHEMAS.items():
        for root in sorted(root_names(schema)):
            yield from root_fields(schema_name, root)


def report(problem: str, names: list[str]) -> str:
    text = f"{problem}:\n  " + "\n  ".join(names)
    print(text)
    return text


def wrapper_is_what_its_name_says(item: ObjectType) -> bool:
    origin = item.origin
    if item.is_model_type:
        return False
    if item.name.endswith("CursorConnection"):
        return issubclass(origin, relay.Connection)
    if item.name.endswith("CursorEdge"):
        return issubclass(origin, relay.Edge)
    if item.name == "PageInfo":
        return origin is relay.PageInfo
    if item.name == "UserError":
        return origin is UserError
    return origin.__name__.endswith("Payload")


# --- root fields ------------------------------------------------------------------------------


def test_every_root_field_names_its_permission_rule() -> None:
    missing = [name for name, field in all_root_fields() if not field.permission_classes]
    assert not missing, report("Root fields without permission_classes", missing)


def test_permission_rules_are_permission_classes() -> None:
    wrong = [
        f"{name}: {rule!r}"
        for name, field in all_root_fields()
        for rule in field.permission_classes
        if not (isinstance(rule, type) and issubclass(rule, BasePermission))
    ]
    assert not wrong, report("Permission rules that are not BasePermission classes", wrong)


def test_every_district_mutation_needs_a_credential_that_may_write() -> None:
    """A read-only token reaches no district mutation, except the deliberately public ones."""
    unguarded = [
        name
        for name, field in root_fields("district", "Mutation")
        if AllowAny not in field.permission_classes
        and HasWriteScope not in field.permission_classes
        and name.rsplit(".", 1)[1] not in READ_ONLY_MUTATIONS
    ]
    assert not unguarded, report("District mutations without HasWriteScope", unguarded)


def test_the_walk_sees_the_root_fields() -> None:
    names = {name for name, _ in all_root_fields()}
    assert {
        "district:Query.orgs",
        "district:Query.node",
        "district:Mutation.createMember",
        "platform:Query.me",
        "platform:Mutation.login",
    } <= names


# --- object types -----------------------------------------------------------------------------


def test_every_model_type_has_a_scoping_rule() -> None:
    unscoped = sorted(
        {
            str(item)
            for item in object_types()
            if item.is_model_type
            and not item.has_own_get_queryset
            and item.name not in UNSCOPED_MODEL_TYPES
        }
    )
    assert not unscoped, report(
        "Model-backed types with neither their own get_queryset nor an UNSCOPED_MODEL_TYPES entry",
        unscoped,
    )


def test_every_plain_type_is_a_wrapper_or_listed() -> None:
    unexplained = sorted(
        {
            str(item)
            for item in object_types()
            if not item.is_model_type
            and not WRAPPER.fullmatch(item.name)
            and item.name not in PLAIN_TYPES
        }
    )
    assert not unexplained, report(
        "Plain output types that are not wrappers and have no PLAIN_TYPES entry", unexplained
    )


def test_wrapper_names_are_not_borrowed() -> None:
    impostors = sorted(
        {
            f"{item} ({item.origin.__module__}.{item.origin.__qualname__})"
            for item in object_types()
            if WRAPPER.fullmatch(item.name) and not wrapper_is_what_its_name_says(item)
        }
    )
    assert not impostors, report("Types named like wrappers that are not wrappers", impostors)


def test_allow_lists_are_not_stale() -> None:
    by_name: dict[str, list[ObjectType]] = {}
    for item in object_types():
        by_name.setdefault(item.name, []).append(item)
    mutations = {
        name.rsplit(".", 1)[1]: field for name, field in root_fields("district", "Mutation")
    }
    stale = [
        f"READ_ONLY_MUTATIONS[{name!r}]: "
        + ("not a district mutation" if name not in mutations else "has HasWriteScope")
        for name in READ_ONLY_MUTATIONS
        if name not in mutations or HasWriteScope in mutations[name].permission_classes
    ]
    stale += [
        f"{table}[{name!r}]: not in any schema"
        for table, names in (
            ("UNSCOPED_MODEL_TYPES", UNSCOPED_MODEL_TYPES),
            ("PLAIN_TYPES", PLAIN_TYPES),
        )
        for name in names
        if name not in by_name
    ]
    for name in UNSCOPED_MODEL_TYPES:
        for item in by_name.get(name, []):
            if not item.is_model_type:
                stale.append(f"UNSCOPED_MODEL_TYPES[{name!r}]: {item} is not model-backed")
            elif item.has_own_get_queryset:
                stale.append(f"UNSCOPED_MODEL_TYPES[{name!r}]: {item} has its own get_queryset")
    for name in PLAIN_TYPES:
        stale += [
            f"PLAIN_TYPES[{name!r}]: {item} is model-backed"
            for item in by_name.get(name, [])
            if item.is_model_type
        ]
    assert not stale, report("Allow-list entries to remove", stale)


@pytest.mark.parametrize("name", ["PartyOrg", "Unit", "Member", "ApiToken"])
def test_the_walk_sees_the_scoped_types(name: str) -> None:
    """Guards the walk itself: the district's scoped types are found, and found scoped."""
    found = [item for item in object_types() if item.name == name]
    assert [(item.schema, item.is_model_type, item.has_own_get_queryset) for item in found] == [
        ("district", True, True)
    ]

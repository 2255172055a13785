"""The two GraphQL schemas. This module only composes the apps' Query/Mutation types."""

import strawberry
from django.conf import settings
from strawberry import relay
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry_django.optimizer import DjangoOptimizerExtension

from backend.accounts.graphql import AccountsMutation, AccountsQuery, PlatformAccountsQuery
from backend.common.graphql.extensions import MaskUnexpectedErrors, SqlQueryCounter
from backend.common.graphql.permissions import IsDistrictUser
from backend.members.graphql import MembersMutation, MembersQuery
from backend.orgs.graphql import OrgsMutation, OrgsQuery
from backend.units.graphql import UnitsMutation, UnitsQuery
from tenants.graphql import DistrictQuery, MunicipalQuery


@strawberry.type
class NodeQuery:
    node: relay.Node | None = relay.node(permission_classes=[IsDistrictUser])
    nodes: list[relay.Node | None] = relay.node(permission_classes=[IsDistrictUser])


def _extensions() -> list:
    from graphql.validation import NoSchemaIntrospectionCustomRule

    # Factories, not instances: each request gets fresh extension state.
    extensions: list = [
        lambda: QueryDepthLimiter(max_depth=settings.GRAPHQL_MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=settings.GRAPHQL_MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=settings.GRAPHQL_MAX_TOKENS),
        DjangoOptimizerExtension,
        MaskUnexpectedErrors,
    ]
    if not settings.DEBUG:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    if settings.GRAPHQL_REPORT_SQL_QUERIES:
        extensions.append(SqlQueryCounter)
    return extensions


_config = StrawberryConfig(relay_max_results=settings.GRAPHQL_MAX_PAGE_SIZE)

DistrictQueryRoot = merge_types(
    "Query", (NodeQuery, AccountsQuery, DistrictQuery, OrgsQuery, UnitsQuery, MembersQuery)
)
DistrictMutationRoot = merge_types(
    "Mutation", (AccountsMutation, OrgsMutation, UnitsMutation, MembersMutation)
)
district_schema = strawberry.Schema(
    query=DistrictQueryRoot,
    mutation=DistrictMutationRoot,
    extensions=_extensions(),
    config=_config,
)

PlatformQueryRoot = merge_types("Query", (PlatformAccountsQuery, MunicipalQuery))
PlatformMutationRoot = merge_types("Mutation", (AccountsMutation,))
platform_schema = strawberry.Schema(
    query=PlatformQueryRoot,
    mutation=PlatformMutationRoot,
    extensions=_extensions(),
    config=_config,
)

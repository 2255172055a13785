"""The two GraphQL schemas. This module only composes the apps' Query/Mutation types."""

import strawberry
from django.conf import settings
from strawberry import relay
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from backend.accounts.graphql import (
    AccountsMutation,
    AccountsQuery,
    PlatformAccountsMutation,
    PlatformAccountsQuery,
)
from backend.accounts.tokens_graphql import TokensMutation, TokensQuery
from backend.activities import graphql as activities_graphql
from backend.audit.graphql import AuditQuery
from backend.campaigns import graphql as campaigns_graphql
from backend.cobuilding import graphql as cobuilding_graphql
from backend.common.graphql.cost import QueryLimits
from backend.common.graphql.extensions import (
    MaskUnexpectedErrors,
    QuerySetOptimizer,
    SqlQueryCounter,
)
from backend.common.graphql.permissions import IsDistrictUser
from backend.councils import graphql as councils_graphql
from backend.exports import graphql as exports_graphql
from backend.help_pairs import graphql as help_pairs_graphql
from backend.imports import graphql as imports_graphql
from backend.in_service import graphql as in_service_graphql
from backend.members.graphql import MembersMutation, MembersQuery, UnmaskMutation
from backend.metrics import graphql as metrics_graphql
from backend.mobile import graphql as mobile_graphql
from backend.orgs.graphql import OrgsMutation, OrgsQuery
from backend.positions import graphql as positions_graphql
from backend.public_affairs import graphql as public_affairs_graphql
from backend.reemployment import graphql as reemployment_graphql
from backend.retirees import graphql as retirees_graphql
from backend.secondments import graphql as secondments_graphql
from backend.transfers import graphql as transfers_graphql
from backend.units.graphql import UnitsMutation, UnitsQuery
from tenants.graphql import DistrictQuery, MunicipalQuery, PlatformMutation


@strawberry.type
class NodeQuery:
    node: relay.Node | None = relay.node(permission_classes=[IsDistrictUser])
    nodes: list[relay.Node | None] = relay.node(permission_classes=[IsDistrictUser])


def _extensions() -> list:
    from graphql.validation import NoSchemaIntrospectionCustomRule

    # Factories, not instances: each request gets fresh extension state. QueryLimits checks depth,
    # aliases and cost in one linear pass (strawberry's depth and alias limiters are exponential
    # in chains of fragment spreads).
    extensions: list = [
        QueryLimits,
        lambda: MaxTokensLimiter(max_token_count=settings.GRAPHQL_MAX_TOKENS),
        # After MaxTokensLimiter, whose token limit is part of the parse (and of the cache key).
        lambda: ParserCache(maxsize=256),
        QuerySetOptimizer,
        MaskUnexpectedErrors,
    ]
    if not settings.DEBUG:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    if settings.GRAPHQL_REPORT_SQL_QUERIES:
        extensions.append(SqlQueryCounter)
    return extensions


# The member-work apps (one per category of member, and their shared positions and campaigns).
_MEMBER_WORK = (
    positions_graphql,
    campaigns_graphql,
    in_service_graphql,
    mobile_graphql,
    reemployment_graphql,
    retirees_graphql,
    help_pairs_graphql,
    secondments_graphql,
    transfers_graphql,
)
# The horizontal ties: councils, co-building pairs and their graph, activities, associations.
_HORIZONTAL = (councils_graphql, cobuilding_graphql, activities_graphql, public_affairs_graphql)
_APPS = (*_MEMBER_WORK, *_HORIZONTAL, metrics_graphql, imports_graphql, exports_graphql)

# No batching_config: a JSON array of operations is refused with 400 before any of them runs.
_config = StrawberryConfig(relay_max_results=settings.GRAPHQL_MAX_PAGE_SIZE)

DistrictQueryRoot = merge_types(
    "Query",
    (
        NodeQuery,
        AccountsQuery,
        TokensQuery,
        DistrictQuery,
        OrgsQuery,
        UnitsQuery,
        MembersQuery,
        *(query for app in _APPS for query in app.QUERIES),
        AuditQuery,
    ),
)
DistrictMutationRoot = merge_types(
    "Mutation",
    (
        AccountsMutation,
        TokensMutation,
        OrgsMutation,
        UnitsMutation,
        MembersMutation,
        UnmaskMutation,
        *(mutation for app in _APPS for mutation in app.MUTATIONS),
    ),
)
district_schema = strawberry.Schema(
    query=DistrictQueryRoot,
    mutation=DistrictMutationRoot,
    extensions=_extensions(),
    config=_config,
)

PlatformQueryRoot = merge_types("Query", (PlatformAccountsQuery, MunicipalQuery))
PlatformMutationRoot = merge_types(
    "Mutation", (AccountsMutation, PlatformAccountsMutation, PlatformMutation)
)
platform_schema = strawberry.Schema(
    query=PlatformQueryRoot,
    mutation=PlatformMutationRoot,
    extensions=_extensions(),
    config=_config,
)

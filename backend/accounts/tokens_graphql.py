"""Access tokens through the API: list your own, create application tokens, revoke."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay
from strawberry.types import Info

from backend.accounts import services
from backend.accounts.models import ApiToken, TokenScope
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload, user_errors
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode, node_pk
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.common.validation import ValidationFailed

strawberry.enum(TokenScope, name="TokenScope", description="What a token may do")
strawberry.enum(ApiToken.Kind, name="ApiTokenKind", description="令牌类型")


@model_type(ApiToken, name="ApiToken", description="访问令牌 (the key itself is never shown again)")
class ApiTokenType(DistrictNode):
    name: str
    kind: ApiToken.Kind
    key_prefix: str = strawberry_django.field(description="The first characters, to recognise it.")
    scopes: list[TokenScope]
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def get_queryset(cls, queryset: QuerySet[ApiToken], info: Info, **kwargs: Any) -> Any:
        # Everyone sees only their own tokens, also through `node`.
        user = info.context.request.user
        return queryset.filter(user=user) if user.is_authenticated else queryset.none()


@strawberry.type
class ApiTokenPayload:
    token: ApiTokenType | None
    errors: list[UserError]


@strawberry.type
class CreateApiTokenPayload:
    token: ApiTokenType | None
    key: str | None = strawberry.field(description="The plain key: shown in this answer only.")
    errors: list[UserError]


@strawberry.input
class CreateApiTokenInput:
    name: str
    scopes: list[TokenScope]
    expires_in_days: int = 90


@strawberry.type
class TokensQuery:
    @page_connection(
        DjangoCursorConnection[ApiTokenType],
        permission_classes=[IsDistrictUser],
        description="Your own tokens, newest first, revoked ones included.",
    )
    def api_tokens(self, info: Info) -> Iterable[ApiTokenType]:
        return ApiToken.objects.order_by("-created_at", "-id")  # type: ignore[return-value]


@strawberry.type
class TokensMutation:
    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def create_api_token(self, info: Info, input: CreateApiTokenInput) -> CreateApiTokenPayload:
        try:
            issued = services.application_token_create(
                user=info.context.request.user,
                name=input.name,
                scopes=[scope.value for scope in input.scopes],
                expires_in_days=input.expires_in_days,
            )
        except ValidationFailed as exc:
            return CreateApiTokenPayload(token=None, key=None, errors=user_errors(exc))
        return CreateApiTokenPayload(
            token=issued.token,  # type: ignore[arg-type]
            key=issued.key,
            errors=[],
        )

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def revoke_api_token(self, info: Info, id: relay.GlobalID) -> ApiTokenPayload:
        pk = node_pk(id, ApiToken)
        return mutation_payload(
            ApiTokenPayload,
            "token",
            lambda: services.token_revoke(user=info.context.request.user, token_id=pk or 0),
        )

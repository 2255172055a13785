from datetime import datetime
from typing import cast

import strawberry
import strawberry_django
from django.contrib.auth import login as session_login
from django.middleware.csrf import get_token
from strawberry.types import Info

from backend.accounts import services
from backend.accounts.models import PlatformRole, User
from backend.common.graphql.errors import UserError, mutation_payload, user_errors
from backend.common.graphql.fields import model_type
from backend.common.graphql.permissions import (
    AllowAny,
    IsDistrictUser,
    IsPlatformOperator,
    IsPlatformUser,
)
from backend.common.validation import ValidationFailed

strawberry.enum(PlatformRole, name="PlatformRole", description="平台角色")


@model_type(User, name="User", description="账号")
class UserType:
    username: str
    display_name: str


@strawberry.type
class LoginPayload:
    token: str | None = strawberry.field(
        description="Send as `Authorization: Bearer <token>`; null when useSession is true."
    )
    expires_at: datetime | None
    csrf_token: str | None = strawberry.field(
        description="With useSession: send as the X-CSRFToken header on later POSTs."
    )
    user: UserType | None
    errors: list[UserError]


def _login(info: Info, username: str, password: str, use_session: bool) -> LoginPayload:
    request = info.context.request
    try:
        user = services.login_with_password(request=request, username=username, password=password)
    except ValidationFailed as exc:
        return LoginPayload(
            token=None, expires_at=None, csrf_token=None, user=None, errors=user_errors(exc)
        )
    if use_session:
        session_login(request, user)
        return LoginPayload(
            token=None,
            expires_at=None,
            csrf_token=get_token(request),
            user=cast(UserType, user),
            errors=[],
        )
    issued = services.token_issue(user=user, name="login")
    return LoginPayload(
        token=issued.key,
        expires_at=issued.token.expires_at,
        csrf_token=None,
        user=cast(UserType, user),
        errors=[],
    )


@strawberry.type
class AccountsMutation:
    @strawberry.mutation(
        permission_classes=[AllowAny],
        description="Sign in with the account of this host's district (or of the platform).",
    )
    def login(
        self, info: Info, username: str, password: str, use_session: bool = False
    ) -> LoginPayload:
        return _login(info, username, password, use_session)


@strawberry.type
class AccountsQuery:
    @strawberry_django.field(permission_classes=[IsDistrictUser])
    def me(self, info: Info) -> UserType:
        return info.context.request.user


@strawberry.type
class PlatformAccountsQuery:
    @strawberry_django.field(permission_classes=[IsPlatformUser], name="me")
    def platform_me(self, info: Info) -> UserType:
        return info.context.request.user


@strawberry.input
class CreatePlatformUserInput:
    username: str
    password: str
    role: PlatformRole
    display_name: str = ""


@strawberry.type
class PlatformUserPayload:
    user: UserType | None
    errors: list[UserError]


@strawberry.type
class PlatformAccountsMutation:
    @strawberry.mutation(
        permission_classes=[IsPlatformOperator],
        description="Create a municipal analyst or platform operator account.",
    )
    def create_platform_user(self, input: CreatePlatformUserInput) -> PlatformUserPayload:
        return mutation_payload(
            PlatformUserPayload,
            "user",
            lambda: services.platform_user_create(
                username=input.username,
                password=input.password,
                display_name=input.display_name,
                role=input.role,
            ),
        )

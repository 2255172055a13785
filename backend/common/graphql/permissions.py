"""Who may call a root field. Roles and scopes (access-control issue) extend these classes."""

from typing import Any, NoReturn

from graphql import GraphQLError
from strawberry.permission import BasePermission
from strawberry.types import Info

from tenants.context import current_district


class _Authenticated(BasePermission):
    message = "Authentication required."
    error_extensions = {"code": "UNAUTHENTICATED"}

    def _user_ok(self, info: Info) -> bool:
        user = info.context.request.user
        return bool(user and user.is_authenticated and user.is_active)

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if self._user_ok(info):
            return True
        info.context.response.status_code = 401
        return False


def _refuse_unauthenticated(info: Info) -> NoReturn:
    """Role checks answer "who are you?" before "you may not": 401 and UNAUTHENTICATED."""
    info.context.response.status_code = 401
    raise GraphQLError(_Authenticated.message, extensions=dict(_Authenticated.error_extensions))


class IsDistrictUser(_Authenticated):
    """A signed-in user of the district whose host this is (users exist per schema)."""

    def _user_ok(self, info: Info) -> bool:
        return current_district() is not None and super()._user_ok(info)


class _RoleRequired(_Authenticated):
    """A role check on top of a sign-in check: 401 for nobody, 403 for someone without the role.
    Combine with the class that says where the user must be signed in (district or platform)."""

    message = "Your role does not allow this."
    error_extensions = {"code": "FORBIDDEN"}

    def _role_ok(self, info: Info) -> bool:
        raise NotImplementedError

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if not self._user_ok(info):
            _refuse_unauthenticated(info)
        if self._role_ok(info):
            return True
        info.context.response.status_code = 403
        return False


class IsDistrictAdmin(_RoleRequired, IsDistrictUser):
    """A signed-in district user holding the district-admin role (the whole district)."""

    message = "Signed-in district administrators only."

    def _role_ok(self, info: Info) -> bool:
        from backend.access.scopes import access_for_request

        return access_for_request(info.context.request).is_district_admin


class HasWriteScope(BasePermission):
    """The credential may write: a session may, a token needs the `write` scope."""

    message = "This token may only read."
    error_extensions = {"code": "FORBIDDEN_SCOPE"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if "write" in getattr(info.context.request, "auth_scopes", frozenset()):
            return True
        info.context.response.status_code = 403
        return False


# Every district mutation: signed in on this district's host, with a credential that may write.
DISTRICT_WRITE = [IsDistrictUser, HasWriteScope]


class IsPlatformUser(_Authenticated):
    """A signed-in platform or municipal account on the platform host."""

    def _user_ok(self, info: Info) -> bool:
        return current_district() is None and super()._user_ok(info)


class _PlatformRoleRequired(_RoleRequired, IsPlatformUser):
    roles: frozenset[str] = frozenset()
    message = "Your platform role does not allow this."

    def _role_ok(self, info: Info) -> bool:
        return info.context.request.user.platform_role in self.roles


class IsMunicipalReader(_PlatformRoleRequired):
    """Municipal analysts and platform operators: aggregates across districts, no personal data."""

    roles = frozenset({"municipal_analyst", "platform_operator"})


class IsPlatformOperator(_PlatformRoleRequired):
    """Platform operators: provision districts and manage platform accounts."""

    roles = frozenset({"platform_operator"})


class AllowAny(BasePermission):
    """Named explicitly so a schema walk can tell "deliberately public" from "forgotten"."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return True

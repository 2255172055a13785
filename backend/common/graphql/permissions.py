"""Who may call a root field. Roles and scopes (access-control issue) extend these classes."""

from typing import Any

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


class IsDistrictUser(_Authenticated):
    """A signed-in user of the district whose host this is (users exist per schema)."""

    def _user_ok(self, info: Info) -> bool:
        return current_district() is not None and super()._user_ok(info)


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


class AllowAny(BasePermission):
    """Named explicitly so a schema walk can tell "deliberately public" from "forgotten"."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return True

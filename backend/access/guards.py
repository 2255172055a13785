"""Write checks for mutations: the object must be visible to the user (else it does not exist for
them) and inside the subtree of one of their admin grants."""

from strawberry.types import Info

from backend.access.scopes import Access, access_for_request
from backend.common.graphql.errors import not_found
from backend.common.validation import ValidationFailed


def access_of(info: Info) -> Access:
    return access_for_request(info.context.request)


def forbidden(field: str) -> ValidationFailed:
    return ValidationFailed.single(field, "FORBIDDEN", "您无权修改该范围内的数据。")


def check_readable(info: Info, path: str | None, *, field: str, what: str) -> None:
    access = access_of(info)
    if path is None:
        if access.is_district_admin:
            return
        raise not_found(field, what)
    if not access.can_read(path):
        raise not_found(field, what)


def check_writable(info: Info, path: str | None, *, field: str, what: str) -> None:
    """`path` None stands for district-wide data (a root org, a unit no org covers): admins only,
    and for anyone else FORBIDDEN rather than NOT_FOUND, since nothing was named that they
    could not see."""
    access = access_of(info)
    if access.is_district_admin:
        return
    if path is None:
        raise forbidden(field)
    check_readable(info, path, field=field, what=what)
    if not access.can_write(path):
        raise forbidden(field)

"""What the signed-in user may see and change, worked out once per request from their grants."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from backend.access.models import Role, RoleGrant


@dataclass(frozen=True)
class Access:
    """`None` paths mean the whole district; an empty tuple means nothing at all."""

    read_paths: tuple[str, ...] | None
    write_paths: tuple[str, ...] | None
    unmask_paths: tuple[str, ...] | None = ()

    @property
    def is_district_admin(self) -> bool:
        return self.write_paths is None

    def can_read(self, path: str) -> bool:
        return _within(path, self.read_paths)

    def can_write(self, path: str) -> bool:
        return _within(path, self.write_paths)

    def can_unmask(self, path: str) -> bool:
        return _within(path, self.unmask_paths)

    def read_filter(self, path_field: str) -> Q:
        """A Q that keeps rows whose `path_field` lies in a readable subtree."""
        return _subtree_filter(path_field, self.read_paths)

    def write_filter(self, path_field: str) -> Q:
        return _subtree_filter(path_field, self.write_paths)


NO_ACCESS = Access(read_paths=(), write_paths=())


def _within(path: str, roots: tuple[str, ...] | None) -> bool:
    if roots is None:
        return True
    return any(path == root or path.startswith(root + ".") for root in roots)


def _subtree_filter(path_field: str, roots: tuple[str, ...] | None) -> Q:
    if roots is None:
        return Q()
    if not roots:
        return Q(pk__in=[])
    query = Q()
    for root in roots:
        query |= Q(**{f"{path_field}__descendant_of": root})
    return query


def _outermost(paths: set[str]) -> tuple[str, ...]:
    """Drop subtrees already covered by another grant, so filters stay short."""
    ordered = sorted(paths, key=lambda p: p.count("."))
    kept: list[str] = []
    for path in ordered:
        if not _within(path, tuple(kept)):
            kept.append(path)
    return tuple(sorted(kept))


def access_for_user(user: Any) -> Access:
    if not getattr(user, "is_authenticated", False):
        return NO_ACCESS
    grants = list(
        RoleGrant.objects.filter(user=user).values_list("role", "org__path", "may_unmask")
    )
    unmask: tuple[str, ...] | None = _outermost({path for _, path, may in grants if may and path})
    if any(role == Role.DISTRICT_ADMIN and may for role, _, may in grants):
        unmask = None
    if any(role == Role.DISTRICT_ADMIN for role, _, _ in grants):
        return Access(read_paths=None, write_paths=None, unmask_paths=unmask)
    read = {path for _, path, _ in grants if path}
    write = {path for role, path, _ in grants if path and role == Role.ORG_ADMIN}
    return Access(read_paths=_outermost(read), write_paths=_outermost(write), unmask_paths=unmask)


def access_for_request(request: HttpRequest) -> Access:
    cached = getattr(request, "_dangjian_access", None)
    if cached is None:
        cached = access_for_user(request.user)
        request._dangjian_access = cached  # type: ignore[attr-defined]
    return cached

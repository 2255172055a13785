"""Relations (parent, org, work unit …) outside the reader's scope resolve to null.

Objects loaded through a type's get_queryset are already scoped and carry the `in_reader_scope`
annotation; anything else (an object a mutation just wrote, and the relations read off it) is
checked here, at the cost of at most one query for that object."""

from typing import Any

from django.db.models import QuerySet, Value
from strawberry.extensions.field_extension import FieldExtension, SyncExtensionResolver
from strawberry.types import Info

from backend.access.scopes import access_for_request
from backend.members.models import Member
from backend.orgs.models import PartyOrg

SCOPED_MARK = "in_reader_scope"


def mark_scoped(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.annotate(**{SCOPED_MARK: Value(True)})


def _scope_path(obj: Any) -> str | None:
    """The path that decides whether `obj` is visible; None means district-wide data."""
    if isinstance(obj, PartyOrg):
        return obj.path
    if isinstance(obj, Member):
        return obj.org.path
    covering = getattr(obj, "covering_org", None)
    return covering.path if covering is not None else None


class ScopedRelation(FieldExtension):
    """An org, a member (by their org) or an object with a `covering_org`, or null when the reader
    may not see it."""

    def resolve(self, next_: SyncExtensionResolver, source: Any, info: Info, **kwargs: Any) -> Any:
        related = next_(source, info, **kwargs)
        if related is None or getattr(related, SCOPED_MARK, False):
            return related
        access = access_for_request(info.context.request)
        if access.is_district_admin:  # sees everything: no need to load the anchoring org
            return related
        path = _scope_path(related)  # None: district-wide data, for district admins only
        return related if path is not None and access.can_read(path) else None

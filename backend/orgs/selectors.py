"""Reads of the org tree; each is one indexed statement over `path`."""

from collections.abc import Iterable
from functools import cache
from typing import cast

from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import F, Field, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import JSONObject

from backend.orgs.models import PartyOrg

ORG_COLUMNS = (
    "id",
    "code",
    "name",
    "kind",
    "parent_id",
    "path",
    "depth",
    "established_on",
    "end_date",
    "created_at",
    "updated_at",
)


def org_list(
    *, kinds: Iterable[str] | None = None, within: PartyOrg | None = None, search: str | None = None
) -> QuerySet[PartyOrg]:
    qs = PartyOrg.objects.all()
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    if within is not None:
        qs = qs.filter(path__descendant_of=within.path)
    if search:
        qs = qs.filter(name__icontains=search.strip())
    return qs.order_by("path")


def org_descendants(
    org: PartyOrg, *, kinds: Iterable[str] | None = None, max_depth: int | None = None
) -> QuerySet[PartyOrg]:
    qs = org_list(kinds=kinds, within=org).exclude(pk=org.pk)
    if max_depth is not None:
        qs = qs.filter(depth__lte=depth_of(org) + max_depth)
    return qs


def depth_of(org: PartyOrg) -> int:
    """The depth read off the path, so a page that did not load `depth` needs no extra query."""
    return org.path.count(".") + 1


def org_ancestors(org: PartyOrg) -> QuerySet[PartyOrg]:
    """From the root down to the parent: the breadcrumb."""
    return PartyOrg.objects.filter(path__ancestor_of=org.path).exclude(pk=org.pk).order_by("depth")


# Built once: the optimizer asks for it on every request, and Django copies an expression
# before binding it to a query, so the cached one is never changed.
@cache
def ancestors_json_subquery() -> Subquery:
    """Each org's ancestors as one JSON array column, so a page of orgs needs no extra query."""
    rows = (
        PartyOrg.objects.filter(path__ancestor_of=OuterRef("path"))
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .annotate(_one=Value(1))
        .values("_one")
        .annotate(rows=JSONBAgg(JSONObject(**{c: F(c) for c in ORG_COLUMNS}), order_by=F("depth")))
        .values("rows")
    )
    return Subquery(rows)


def orgs_from_json(rows: list[dict] | None) -> list[PartyOrg]:
    fields = [cast(Field, PartyOrg._meta.get_field(c)) for c in ORG_COLUMNS]
    return [
        PartyOrg.from_db(
            "default",
            list(ORG_COLUMNS),
            [f.to_python(row[c]) for f, c in zip(fields, ORG_COLUMNS, strict=True)],
        )
        for row in rows or []
    ]

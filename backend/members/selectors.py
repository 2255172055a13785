from functools import cache
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import JSONObject

from backend.common.ltree import EqualsAny
from backend.members.models import Member, MemberCategory
from backend.members.personal_data import id_number_hash
from backend.orgs.models import PartyOrg


def member_list(
    *,
    category: str | None = None,
    within: PartyOrg | None = None,
    search: str | None = None,
    id_number: str | None = None,
) -> QuerySet[Member]:
    qs = Member.objects.all()
    if category:
        qs = qs.filter(category=category)
    if within is not None:
        qs = qs.filter(_in_subtree(within.path))
    if search:
        qs = qs.filter(name__icontains=search.strip())
    if id_number:  # an exact match, by keyed hash of the normalised number
        qs = qs.filter(id_number_hash=id_number_hash(id_number))
    return qs.order_by("name", "id")


def _counts_by_category() -> JSONObject:
    # COUNT(category) (never null), not COUNT(id): with only org_id and category read, PostgreSQL
    # answers from the (org_id, category) index without visiting the table: 5× faster on a page
    # of 100 orgs. (Django refuses COUNT(*) with a filter.)
    per_category = {
        category: Count("category", filter=Q(category=category))
        for category in MemberCategory.values
    }
    return JSONObject(total=Count("category"), **per_category)


def _in_subtree(path: Any) -> EqualsAny:
    """The member's org lies in the subtree at `path` (see EqualsAny for why not a join)."""
    subtree_ids = ArraySubquery(
        PartyOrg.objects.filter(path__descendant_of=path).order_by().values("id")
    )
    return EqualsAny(F("org_id"), subtree_ids)


# Built once: the optimizer asks for it on every request, and Django copies an expression
# before binding it to a query, so the cached one is never changed.
@cache
def subtree_member_counts_subquery() -> Subquery:
    """Members whose organisational relation is in each org's subtree, by category, as JSON."""
    rows = (
        Member.objects.filter(_in_subtree(OuterRef(OuterRef("path"))))
        .order_by()
        .annotate(_one=Value(1))
        .values("_one")
        .annotate(counts=_counts_by_category())
        .values("counts")
    )
    return Subquery(rows)


def subtree_member_counts(org: PartyOrg) -> dict[str, int]:
    counts = Member.objects.filter(_in_subtree(org.path)).aggregate(counts=_counts_by_category())[
        "counts"
    ]
    return dict(counts)

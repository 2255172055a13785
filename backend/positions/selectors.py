"""Reads of 阵地."""

from django.db.models import QuerySet

from backend.orgs.models import PartyOrg
from backend.positions.models import Position


def position_list(
    *,
    within: PartyOrg | None = None,
    community: PartyOrg | None = None,
    kind: str | None = None,
    meets_standard: bool | None = None,
    is_open: bool | None = None,
) -> QuerySet[Position]:
    qs = Position.objects.all()
    if within is not None:
        qs = qs.filter(community__path__descendant_of=within.path)
    if community is not None:
        # By id: an unknown community (org_scope's placeholder, never saved) matches nothing.
        qs = qs.filter(community_id=community.pk) if community.pk else qs.none()
    if kind:
        qs = qs.filter(kind=kind)
    if meets_standard is not None:
        qs = qs.filter(meets_standard=meets_standard)
    if is_open is not None:
        qs = qs.filter(closed_on__isnull=is_open)
    return qs.order_by("community_id", "kind", "id")

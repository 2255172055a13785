"""Scope rules for this app's records: which org anchors each."""

from django.db.models import Q

from backend.access.scopes import Access
from backend.retirees.models import BuildingRole
from backend.retirees.selectors import building_anchor_within


def building_role_read_filter(access: Access) -> Q:
    """Roles anchored (building group, else community) in a subtree the reader may see."""
    if access.read_paths is None:
        return Q()
    query = Q(pk__in=[])
    for root in access.read_paths:
        query |= building_anchor_within(root)
    return query


def building_role_anchor_path(role: BuildingRole) -> str:
    anchor = role.building_group if role.building_group_id else role.community
    assert anchor is not None
    return str(anchor.path)

"""Which kind of Party organisation may sit under which (the 三级纵向 structure)."""

from backend.orgs.models import PartyOrgKind as K

_BRANCH_LEVEL_UNDER_COMMUNITY = frozenset(
    {
        K.COMPOUND_BRANCH,
        K.PARTY_GROUP,
        K.BUILDING_GROUP,
        K.TEMPORARY_BRANCH,
        K.UNIT_ORG,
        K.JOINT_BRANCH,
    }
)

ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    K.DISTRICT_COMMITTEE: frozenset(
        {K.STREET_WORKING_COMMITTEE, K.UNIT_ORG, K.JOINT_BRANCH, K.TEMPORARY_BRANCH}
    ),
    K.STREET_WORKING_COMMITTEE: frozenset(
        {
            K.COMMUNITY_COMMITTEE,
            K.COMMUNITY_GENERAL_BRANCH,
            K.UNIT_ORG,
            K.JOINT_BRANCH,
            K.TEMPORARY_BRANCH,
        }
    ),
    K.COMMUNITY_COMMITTEE: _BRANCH_LEVEL_UNDER_COMMUNITY,
    K.COMMUNITY_GENERAL_BRANCH: _BRANCH_LEVEL_UNDER_COMMUNITY,
    K.COMPOUND_BRANCH: frozenset({K.PARTY_GROUP, K.BUILDING_GROUP}),
    K.TEMPORARY_BRANCH: frozenset({K.PARTY_GROUP}),
    K.UNIT_ORG: frozenset({K.UNIT_ORG, K.PARTY_GROUP}),
    K.JOINT_BRANCH: frozenset({K.PARTY_GROUP}),
    K.PARTY_GROUP: frozenset(),
    K.BUILDING_GROUP: frozenset(),
}

COMMUNITY_KINDS = frozenset({K.COMMUNITY_COMMITTEE, K.COMMUNITY_GENERAL_BRANCH})
# 党小组 are subdivisions of a branch: a member's organisational relation is never held there.
HOLDS_NO_MEMBERS = frozenset({K.PARTY_GROUP, K.BUILDING_GROUP})


def may_contain(parent_kind: str, child_kind: str) -> bool:
    return child_kind in ALLOWED_CHILDREN.get(parent_kind, frozenset())

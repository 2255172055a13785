"""Which kind of Party organisation may cover a unit, by how the unit's organisation was set up,
and which may be the unit's locality (属地)."""

from backend.orgs.models import PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS
from backend.units.models import PartyOrgStatus

COVERING_ORG_KINDS: dict[str, frozenset[str]] = {
    PartyOrgStatus.OWN: frozenset({PartyOrgKind.UNIT_ORG}),
    PartyOrgStatus.JOINT: frozenset({PartyOrgKind.JOINT_BRANCH}),
}
# 党章: a unit with three or more full members sets up its own basic organisation.
MIN_MEMBERS_FOR_OWN_ORG = 3
# 属地: a unit sits in the area of a street, or more precisely of a community.
LOCALITY_KINDS = frozenset({PartyOrgKind.STREET_WORKING_COMMITTEE, *COMMUNITY_KINDS})

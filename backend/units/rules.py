"""Which kind of Party organisation may cover a unit, by how the unit's organisation was set up."""

from backend.orgs.models import PartyOrgKind
from backend.units.models import PartyOrgStatus

COVERING_ORG_KINDS: dict[str, frozenset[str]] = {
    PartyOrgStatus.OWN: frozenset({PartyOrgKind.UNIT_ORG}),
    PartyOrgStatus.JOINT: frozenset({PartyOrgKind.JOINT_BRANCH}),
}
# 党章: a unit with three or more full members sets up its own basic organisation.
MIN_MEMBERS_FOR_OWN_ORG = 3

"""Which org may host which kind of council, and which kinds hang under a parent."""

from backend.councils.models import CouncilKind as C
from backend.orgs.models import PartyOrgKind as K
from backend.orgs.rules import COMMUNITY_KINDS

HOST_KINDS: dict[str, frozenset[str]] = {
    C.DISTRICT_GUIDANCE_COMMITTEE: frozenset({K.DISTRICT_COMMITTEE}),
    C.STREET_COORDINATION_COMMITTEE: frozenset({K.STREET_WORKING_COMMITTEE}),
    C.COMMUNITY_JOINT_MEETING: COMMUNITY_KINDS,
    C.LIAISON_STATION: COMMUNITY_KINDS,
    C.RESEARCH_SOCIETY: frozenset({K.DISTRICT_COMMITTEE}),
    C.RESEARCH_SOCIETY_BRANCH: frozenset({K.STREET_WORKING_COMMITTEE}),
}

# The kind of parent a council of each kind needs; kinds not listed have no parent.
PARENT_KIND: dict[str, str] = {C.RESEARCH_SOCIETY_BRANCH: C.RESEARCH_SOCIETY}


def host_label(kind: str) -> str:
    return "或".join(sorted(K(k).label for k in HOST_KINDS[kind]))

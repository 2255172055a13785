"""Facts: see backend.metrics.facts.

Both metrics count communities (社区党委, 社区党总支) that exist in the period — established by
as_of (or of unknown date) and not ended before the period's first day — each once, at the
community itself."""

from backend.metrics.facts.common import COMMUNITY_KINDS

_COMMUNITIES = """
SELECT c.id AS org_id, ''::text AS breakdown,
       CASE WHEN EXISTS ({covered}) THEN 1 ELSE 0 END AS numerator,
       1 AS denominator
FROM orgs_partyorg c
WHERE c.kind IN {kinds}
  AND (c.established_on IS NULL OR c.established_on <= %(as_of)s)
  AND (c.end_date IS NULL OR c.end_date >= %(start)s)
"""

# 共建: the community org itself is a side of a pair in force on at least one day of
# [start, as_of] (a pair runs from starts_on to ended_on if ended early, else to ends_on, both
# days included). A pair between a unit and another org does not count for the unit's community.
_PAIRED = """
    SELECT 1 FROM cobuilding_cobuildingpair p
    WHERE (p.a_org_id = c.id OR p.b_org_id = c.id)
      AND p.starts_on <= %(as_of)s
      AND COALESCE(p.ended_on, p.ends_on) >= %(start)s
"""

# 阵地: a 党员标准活动室 that meets the standard (meets_standard) and is open on as_of: opened by
# then (or of unknown date) and not closed (closed_on is the first day it is no longer open).
_ROOM = """
    SELECT 1 FROM positions_position r
    WHERE r.community_id = c.id
      AND r.kind = 'activity_room'
      AND r.meets_standard
      AND (r.opened_on IS NULL OR r.opened_on <= %(as_of)s)
      AND (r.closed_on IS NULL OR r.closed_on > %(as_of)s)
"""

FACTS: dict[str, str] = {
    "cobuilding_coverage": _COMMUNITIES.format(covered=_PAIRED, kinds=COMMUNITY_KINDS),
    "position_coverage": _COMMUNITIES.format(covered=_ROOM, kinds=COMMUNITY_KINDS),
}

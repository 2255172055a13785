"""Facts: see backend.metrics.facts.

The units in scope are the 两新组织: non-public enterprises and social organisations, each counted
once (breakdown: its kind) at its locality (属地), else at the org covering it, else at the
district committee; a unit registered after as_of (by its creation day, district time) is not
counted yet. A unit's Party-organisation status has no history: the current one is counted."""

from django.conf import settings

from backend.metrics.facts.common import ROOT_ORG

_UNITS = """
SELECT COALESCE(u.locality_id, u.covering_org_id, {root}) AS org_id,
       u.kind::text AS breakdown,
       count(*) FILTER (WHERE {covered}) AS numerator,
       count(*) AS denominator
FROM units_unit u
WHERE u.kind IN ('non_public_enterprise', 'social_organisation')
  AND (u.created_at AT TIME ZONE '{tz}')::date <= %(as_of)s
GROUP BY 1, 2
"""

# 组织覆盖: the unit has its own Party organisation or is in a joint one.
_HAS_ORG = "u.party_org_status IN ('own', 'joint')"

# 工作覆盖: an organisation (own, joint, or attached to another), or a 党建指导员 or 联络员 serving
# on as_of (assignments run [start_date, end_date)).
_HAS_WORK = """(
    u.party_org_status IN ('own', 'joint', 'attached')
    OR EXISTS (
        SELECT 1 FROM units_unitassignment a
        WHERE a.unit_id = u.id
          AND a.role IN ('instructor', 'liaison')
          AND a.start_date <= %(as_of)s
          AND (a.end_date IS NULL OR a.end_date > %(as_of)s)
    )
)"""

FACTS: dict[str, str] = {
    "org_coverage": _UNITS.format(root=ROOT_ORG, covered=_HAS_ORG, tz=settings.TIME_ZONE),
    "work_coverage": _UNITS.format(root=ROOT_ORG, covered=_HAS_WORK, tz=settings.TIME_ZONE),
}

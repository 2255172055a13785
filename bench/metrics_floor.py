"""The floor for metric computation: every metric's numerator and denominator for every org of a
district and one period, summed over each org's subtree, written as one raw SQL script the way a
DBA would write it by hand, into a temporary table (`floor_metrics`).

It is written from the metrics' definitions (DOMAIN.md "Metrics", backend/metrics/definitions.py),
not from backend.metrics.facts: the members on the day counted are computed once into a temporary
table that every member metric reads, each input table is scanned once for all the metrics that
read it, the counts go per org into one facts table, and a single join on path ancestors rolls
them up. tests/bench/test_metrics_floor.py checks that it gives exactly the engine's figures
(every org, metric and breakdown), which is what makes it a fair floor.

Run it inside a transaction (the temporary tables are dropped at commit), in the district's
schema: `floor_run(cursor, period, today=...)`.
"""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from backend.metrics.definitions import DEFINITIONS
from backend.metrics.periods import Period

# The members of the district on as_of, at the org holding their relation that day: the org
# they left at their first relation change after as_of (none: their current org). A member
# whose first later change has no from-org arrived from elsewhere after as_of; one who joined
# the Party after as_of is not a member yet.
MEMBERS = """
CREATE TEMP TABLE floor_members ON COMMIT DROP AS
SELECT m.id, COALESCE(nxt.from_org_id, m.org_id) AS org_id, m.category, m.id_number_hash,
       m.residence_community_id
FROM members_member m
LEFT JOIN (
    SELECT DISTINCT ON (rc.member_id) rc.member_id, rc.from_org_id
    FROM transfers_relationchange rc
    WHERE rc.date > %(as_of)s AND NOT rc.carried AND rc.member_id IS NOT NULL
    ORDER BY rc.member_id, rc.date, rc.id
) nxt ON nxt.member_id = m.id
WHERE m.joined_on <= %(as_of)s
  AND (nxt.member_id IS NULL OR nxt.from_org_id IS NOT NULL)
"""

FACTS_TABLE = """
CREATE TEMP TABLE floor_facts (
    metric text NOT NULL, org_id bigint, breakdown text NOT NULL,
    numerator numeric NOT NULL, denominator numeric NOT NULL
) ON COMMIT DROP
"""

# 两新组织 registered by as_of (local date), at locality, else covering org, else the district
# committee, by kind; both coverages from one scan.
UNITS = """
INSERT INTO floor_facts
SELECT x.metric, COALESCE(u.locality_id, u.covering_org_id, root.id), u.kind,
       count(*) FILTER (WHERE x.covered), count(*)
FROM units_unit u
CROSS JOIN (SELECT min(id) AS id FROM orgs_partyorg WHERE parent_id IS NULL) root
LEFT JOIN (
    SELECT DISTINCT unit_id FROM units_unitassignment
    WHERE role IN ('instructor', 'liaison') AND start_date <= %(as_of)s
      AND (end_date IS NULL OR end_date > %(as_of)s)
) staffed ON staffed.unit_id = u.id
CROSS JOIN LATERAL (VALUES
    ('org_coverage', u.party_org_status IN ('own', 'joint')),
    ('work_coverage', u.party_org_status IN ('own', 'joint', 'attached')
                      OR staffed.unit_id IS NOT NULL)
) x(metric, covered)
WHERE u.kind IN ('non_public_enterprise', 'social_organisation')
  AND (u.created_at AT TIME ZONE %(tz)s)::date <= %(as_of)s
GROUP BY 1, 2, 3
"""

# Communities of the period, each at itself: paired on some day of [start, as_of]; a standard
# activity room open on as_of.
COMMUNITIES = """
INSERT INTO floor_facts
SELECT x.metric, c.id, '', x.covered::int, 1
FROM orgs_partyorg c
LEFT JOIN (
    SELECT a_org_id AS org_id FROM cobuilding_cobuildingpair
    WHERE starts_on <= %(as_of)s AND COALESCE(ended_on, ends_on) >= %(start)s
    UNION
    SELECT b_org_id FROM cobuilding_cobuildingpair
    WHERE starts_on <= %(as_of)s AND COALESCE(ended_on, ends_on) >= %(start)s
) paired ON paired.org_id = c.id
LEFT JOIN (
    SELECT DISTINCT community_id FROM positions_position
    WHERE kind = 'activity_room' AND meets_standard
      AND (opened_on IS NULL OR opened_on <= %(as_of)s)
      AND (closed_on IS NULL OR closed_on > %(as_of)s)
) room ON room.community_id = c.id
CROSS JOIN LATERAL (VALUES
    ('cobuilding_coverage', paired.org_id IS NOT NULL),
    ('position_coverage', room.community_id IS NOT NULL)
) x(metric, covered)
WHERE c.kind IN ('community_committee', 'community_general_branch')
  AND (c.established_on IS NULL OR c.established_on <= %(as_of)s)
  AND (c.end_date IS NULL OR c.end_date >= %(start)s)
"""

# Participation and service hours from one pass over the period's participation rows, plus the
# hours of in-service activity cards not already counted as a participation (nor of a cancelled
# activity); by member category at the member's org.
ACTIVITY = """
INSERT INTO floor_facts
WITH took_part AS (
    SELECT member_id, sum(hours) AS hours
    FROM activities_activityparticipation
    WHERE occurred_on BETWEEN %(start)s AND %(as_of)s
    GROUP BY member_id
), carded AS (
    SELECT r.member_id, sum(e.hours) AS hours
    FROM in_service_activityentry e
    JOIN in_service_reporter r ON r.id = e.reporter_id
    LEFT JOIN activities_activity a ON a.id = e.activity_id
    WHERE r.member_id IS NOT NULL
      AND e.occurred_on BETWEEN %(start)s AND %(as_of)s
      AND (e.activity_id IS NULL OR (a.cancelled_on IS NULL AND NOT EXISTS (
          SELECT 1 FROM activities_activityparticipation p
          WHERE p.activity_id = e.activity_id AND p.member_id = r.member_id)))
    GROUP BY r.member_id
), per_member AS (
    SELECT fm.org_id, fm.category, (t.member_id IS NOT NULL)::int AS took_part,
           COALESCE(t.hours, 0) + COALESCE(c.hours, 0) AS hours
    FROM floor_members fm
    LEFT JOIN took_part t ON t.member_id = fm.id
    LEFT JOIN carded c ON c.member_id = fm.id
)
SELECT x.metric, pm.org_id, pm.category, sum(x.numerator), count(*)
FROM per_member pm
CROSS JOIN LATERAL (VALUES
    ('participation_rate', pm.took_part::numeric),
    ('service_hours_per_member', pm.hours)
) x(metric, numerator)
GROUP BY 1, 2, 3
"""

# Registered mobile members, placed in a group or temporary branch on as_of.
MOBILE = """
INSERT INTO floor_facts
SELECT 'mobile_coverage', fm.org_id, '', count(placed.profile_id), count(*)
FROM floor_members fm
JOIN mobile_mobilememberprofile mp ON mp.member_id = fm.id
LEFT JOIN (
    SELECT DISTINCT profile_id FROM mobile_mobileassignment
    WHERE start_date <= %(as_of)s AND (end_date IS NULL OR end_date > %(as_of)s)
) placed ON placed.profile_id = mp.id
WHERE fm.category = 'mobile' AND mp.registered_on <= %(as_of)s
GROUP BY fm.org_id
"""

# Each member's employment archive open on as_of (the latest registered) with its status that
# day (its latest change by then; an archive without one has no status and is not counted).
ARCHIVES = """
CREATE TEMP TABLE floor_archives ON COMMIT DROP AS
SELECT oa.id, oa.member_id, fm.org_id, st.to_status
FROM (
    SELECT DISTINCT ON (member_id) id, member_id
    FROM reemployment_employmentarchive
    WHERE member_id IS NOT NULL AND registered_on <= %(as_of)s
      AND (closed_on IS NULL OR closed_on > %(as_of)s)
    ORDER BY member_id, registered_on DESC, id DESC
) oa
JOIN floor_members fm ON fm.id = oa.member_id
JOIN (
    SELECT DISTINCT ON (archive_id) archive_id, to_status
    FROM reemployment_employmentstatuschange
    WHERE changed_on <= %(as_of)s
    ORDER BY archive_id, changed_on DESC, id DESC
) st ON st.archive_id = oa.id
"""

REEMPLOYMENT = """
INSERT INTO floor_facts
SELECT 'reemployment_rate', org_id, '',
       count(*) FILTER (WHERE to_status IN ('reemployed', 'flexible')), count(*)
FROM floor_archives
GROUP BY org_id
"""

# 双带: each person led into work (their latest such change by as_of whose leader is a member
# of the district on as_of) at the leader's org; over the re-employed members at their org.
LED_INTO_WORK = """
INSERT INTO floor_facts
SELECT 'led_into_work', org_id, '', sum(led), sum(employed)
FROM (
    SELECT org_id, 0 AS led, 1 AS employed
    FROM floor_archives WHERE to_status IN ('reemployed', 'flexible')
    UNION ALL
    SELECT fm.org_id, 1, 0
    FROM (
        SELECT DISTINCT ON (person) person, leader_member_id
        FROM (
            SELECT COALESCE('m' || w.member_id::text, 'w' || w.id_number_hash) AS person,
                   l.member_id AS leader_member_id, c.changed_on, c.id
            FROM reemployment_employmentstatuschange c
            JOIN reemployment_employmentarchive w ON w.id = c.archive_id
            JOIN reemployment_employmentarchive l ON l.id = c.led_by_id
            WHERE c.to_status IN ('reemployed', 'flexible') AND c.changed_on <= %(as_of)s
              AND l.member_id IN (SELECT id FROM floor_members)
        ) changes
        ORDER BY person, changed_on DESC, id DESC
    ) led
    JOIN floor_members fm ON fm.id = led.leader_member_id
) parts
GROUP BY org_id
"""

# Every report valid on as_of (this half-year's, made by then, not cancelled by then; a local
# reporter who has left the district does not count) with the person it counts: our member (a
# local reporter's member, or the member with an outside reporter's ID number hash), else the
# hash.
VALID = """
CREATE TEMP TABLE floor_valid ON COMMIT DROP AS
SELECT COALESCE(who.member_id::text, r.id_number_hash) AS person, who.member_id,
       rp.community_id, rp.reporter_id, rp.reported_on, rp.id
FROM in_service_report rp
JOIN in_service_reporter r ON r.id = rp.reporter_id
LEFT JOIN members_member same ON r.kind <> 'local' AND same.id_number_hash = r.id_number_hash
CROSS JOIN LATERAL (
    SELECT CASE WHEN r.kind = 'local' THEN r.member_id ELSE same.id END AS member_id
) who
WHERE rp.half_year = %(half_year)s AND rp.reported_on <= %(as_of)s
  AND (rp.cancelled_on IS NULL OR rp.cancelled_on > %(as_of)s)
  AND (r.kind <> 'local' OR r.member_id IS NOT NULL)
"""

# Each person once, at the community of their first valid report.
REPORTED = """
CREATE TEMP TABLE floor_reported ON COMMIT DROP AS
SELECT DISTINCT ON (person) person, member_id, community_id
FROM floor_valid
ORDER BY person, reported_on, id
"""

# Reported people at their community, plus unreported in-service members at their residence.
REPORT_RATE = """
INSERT INTO floor_facts
SELECT 'report_rate', org_id, '', sum(reported), count(*)
FROM (
    SELECT community_id AS org_id, 1 AS reported FROM floor_reported
    UNION ALL
    SELECT fm.residence_community_id, 0
    FROM floor_members fm
    WHERE fm.category = 'in_service' AND fm.residence_community_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM floor_reported x WHERE x.member_id = fm.id)
) people
GROUP BY org_id
"""

# Reported people with a feedback card sent (to their work unit's org) in [start, as_of], local
# days, from a reporter row of a valid report.
FEEDBACK_RATE = """
INSERT INTO floor_facts
SELECT 'feedback_rate', x.community_id, '', count(fed.person), count(*)
FROM floor_reported x
LEFT JOIN (
    SELECT DISTINCT v.person
    FROM floor_valid v
    JOIN in_service_feedbackcard c ON c.reporter_id = v.reporter_id
    WHERE c.state IN ('sent', 'acknowledged')
      AND c.sent_at >= %(from_moment)s AND c.sent_at < %(until_moment)s
) fed ON fed.person = x.person
GROUP BY x.community_id
"""

# Each org with itself and every org above it, up the parent links.
ANCESTRY = """
CREATE TEMP TABLE floor_ancestry ON COMMIT DROP AS
WITH RECURSIVE up(org_id, ancestor_id) AS (
    SELECT id, id FROM orgs_partyorg
    UNION ALL
    SELECT up.org_id, o.parent_id
    FROM up JOIN orgs_partyorg o ON o.id = up.ancestor_id
    WHERE o.parent_id IS NOT NULL
)
SELECT org_id, ancestor_id FROM up
"""

# Per-org sums, then one join on the ancestors; every org of the period gets every metric and
# breakdown (0 ÷ 0, no value, where nothing is counted).
ROLL_UP = """
CREATE TEMP TABLE floor_metrics ON COMMIT DROP AS
WITH per_org AS (
    SELECT metric, org_id, breakdown, sum(numerator) AS numerator,
           sum(denominator) AS denominator
    FROM floor_facts GROUP BY 1, 2, 3
), rolled AS (
    SELECT p.metric, x.ancestor_id AS org_id,
           CASE WHEN GROUPING(p.breakdown) = 1 THEN '' ELSE p.breakdown END AS breakdown,
           sum(p.numerator) AS numerator, sum(p.denominator) AS denominator
    FROM per_org p
    JOIN floor_ancestry x ON x.org_id = p.org_id
    GROUP BY GROUPING SETS ((p.metric, x.ancestor_id, p.breakdown), (p.metric, x.ancestor_id))
    HAVING GROUPING(p.breakdown) = 1 OR p.breakdown <> ''
), keys AS (
    SELECT * FROM unnest(%(metrics)s::text[], %(breakdowns)s::text[], %(scales)s::int[])
        AS k(metric, breakdown, scale)
)
SELECT o.id AS org_id, k.metric, k.breakdown,
       COALESCE(r.numerator, 0) AS numerator, COALESCE(r.denominator, 0) AS denominator,
       CASE WHEN COALESCE(r.denominator, 0) > 0
            THEN round(r.numerator * k.scale / r.denominator, 4) END AS value
FROM orgs_partyorg o
CROSS JOIN keys k
LEFT JOIN rolled r ON r.metric = k.metric AND r.org_id = o.id AND r.breakdown = k.breakdown
WHERE (o.end_date IS NULL OR o.end_date >= %(start)s)
  AND (o.established_on IS NULL OR o.established_on <= %(as_of)s)
"""

SCRIPT: tuple[str, ...] = (
    # Short aggregate statements: compiling them would cost more than it saves.
    "SET LOCAL jit = off",
    MEMBERS,
    "ANALYZE floor_members",
    FACTS_TABLE,
    UNITS,
    COMMUNITIES,
    ACTIVITY,
    MOBILE,
    ARCHIVES,
    REEMPLOYMENT,
    LED_INTO_WORK,
    VALID,
    REPORTED,
    REPORT_RATE,
    FEEDBACK_RATE,
    ANCESTRY,
    "ANALYZE floor_facts, floor_ancestry",
    ROLL_UP,
)


def floor_parameters(period: Period, *, today: date) -> dict[str, Any]:
    as_of = period.as_of(today)
    zone = ZoneInfo(settings.TIME_ZONE)
    keys = [(d.code, key, d.scale) for d in DEFINITIONS for key in d.breakdown_keys]
    return {
        "start": period.start,
        "end": period.end,
        "as_of": as_of,
        "half_year": f"{as_of.year}H{1 if as_of.month <= 6 else 2}",
        "tz": settings.TIME_ZONE,
        # The district's local days [start, as_of] as moments.
        "from_moment": datetime.combine(period.start, time.min, zone),
        "until_moment": datetime.combine(as_of + timedelta(days=1), time.min, zone),
        "metrics": [metric for metric, _, _ in keys],
        "breakdowns": [breakdown for _, breakdown, _ in keys],
        "scales": [scale for _, _, scale in keys],
    }


def floor_run(cursor: Any, period: Period, *, today: date) -> int:
    """Run the script on a cursor in the district's schema, inside a transaction; returns the
    rows of floor_metrics (readable until the transaction ends)."""
    parameters = floor_parameters(period, today=today)
    for statement in SCRIPT:
        cursor.execute(statement, parameters if "%(" in statement else None)
    cursor.execute("SELECT count(*) FROM floor_metrics")
    return int(cursor.fetchone()[0])


__all__ = ["SCRIPT", "floor_parameters", "floor_run"]

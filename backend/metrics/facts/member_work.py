"""Facts of the member-attributed metrics (参与率, 人均服务时长, 流动党员纳管率, 再就业): each counts
members, once, at the org holding their organisational relation on as_of (`members_at`, the
shared roster of backend.metrics.facts.common.MEMBERS_AT).
See backend.metrics.facts for the contract."""

# Employed statuses of an employment archive (reemployment.models.EMPLOYED): 已再就业, 灵活就业.
_EMPLOYED = "('reemployed', 'flexible')"

# 参与率: members with at least one participation row dated in [start, as_of]. A cancelled
# activity has no participation rows (activities.services.activity_cancel deletes them), so
# the rows are read from the (occurred_on, member_id) index alone, without the activity.
_PARTICIPATION = """
WITH took_part AS (
    SELECT DISTINCT p.member_id
    FROM activities_activityparticipation p
    WHERE p.occurred_on BETWEEN %(start)s AND %(as_of)s
)
SELECT ma.org_id, ma.category AS breakdown,
       count(t.member_id) AS numerator, count(*) AS denominator
FROM members_at ma
LEFT JOIN took_part t ON t.member_id = ma.member_id
GROUP BY ma.org_id, ma.category
"""

# 人均服务时长: the hours of those participation rows, plus the hours an in-service member of
# this district wrote on a community activity registration card (in_service ActivityEntry, via
# their Reporter) dated in [start, as_of], unless the entry records their part in an activity
# that is already counted as a participation of theirs (or was cancelled).
_SERVICE_HOURS = """
WITH served AS (
    SELECT p.member_id, p.hours
    FROM activities_activityparticipation p
    WHERE p.occurred_on BETWEEN %(start)s AND %(as_of)s
    UNION ALL
    SELECT r.member_id, e.hours
    FROM in_service_activityentry e
    JOIN in_service_reporter r ON r.id = e.reporter_id
    LEFT JOIN activities_activity a ON a.id = e.activity_id
    WHERE r.member_id IS NOT NULL
      AND e.occurred_on BETWEEN %(start)s AND %(as_of)s
      AND (
        e.activity_id IS NULL
        OR (
            a.cancelled_on IS NULL
            AND NOT EXISTS (
                SELECT 1 FROM activities_activityparticipation p
                WHERE p.activity_id = e.activity_id AND p.member_id = r.member_id
            )
        )
      )
),
figures AS (
    SELECT ma.org_id, ma.category, s.hours, 0 AS members
    FROM served s
    JOIN members_at ma ON ma.member_id = s.member_id
    UNION ALL
    SELECT ma.org_id, ma.category, 0, 1 FROM members_at ma
)
SELECT f.org_id, f.category AS breakdown,
       sum(f.hours) AS numerator, sum(f.members) AS denominator
FROM figures f
GROUP BY f.org_id, f.category
"""

# 流动党员纳管率: mobile members (category mobile) of the district on as_of registered
# (MobileMemberProfile.registered_on) on or before it; placed = an assignment to a party group
# or temporary branch running on as_of ([start_date, end_date)).
_MOBILE_COVERAGE = """
SELECT ma.org_id, ''::text AS breakdown,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM mobile_mobileassignment x
           WHERE x.profile_id = mp.id
             AND x.start_date <= %(as_of)s
             AND (x.end_date IS NULL OR x.end_date > %(as_of)s)
       )) AS numerator,
       count(*) AS denominator
FROM members_at ma
JOIN mobile_mobilememberprofile mp ON mp.member_id = ma.member_id
WHERE ma.category = 'mobile' AND mp.registered_on <= %(as_of)s
GROUP BY ma.org_id
"""

# A member's employment archive open on as_of (registered on or before it, not closed by it;
# the latest registered if there were ever two) and its status that day, from the history.
_MEMBER_ARCHIVES = """
open_archives AS (
    SELECT DISTINCT ON (a.member_id) a.id, a.member_id
    FROM reemployment_employmentarchive a
    WHERE a.member_id IS NOT NULL
      AND a.registered_on <= %(as_of)s
      AND (a.closed_on IS NULL OR a.closed_on > %(as_of)s)
    ORDER BY a.member_id, a.registered_on DESC, a.id DESC
),
archive_status AS (
    SELECT ma.org_id, s.to_status
    FROM open_archives oa
    JOIN members_at ma ON ma.member_id = oa.member_id
    CROSS JOIN LATERAL (
        SELECT c.to_status
        FROM reemployment_employmentstatuschange c
        WHERE c.archive_id = oa.id AND c.changed_on <= %(as_of)s
        ORDER BY c.changed_on DESC, c.id DESC
        LIMIT 1
    ) s
)"""

# 下岗党员再就业率: members' open archives whose status on as_of is 已再就业 or 灵活就业.
_REEMPLOYMENT_RATE = f"""
WITH {_MEMBER_ARCHIVES}
SELECT st.org_id, ''::text AS breakdown,
       count(*) FILTER (WHERE st.to_status IN {_EMPLOYED}) AS numerator,
       count(*) AS denominator
FROM archive_status st
GROUP BY st.org_id
"""

# 人均带动就业 (双带): people (a member, or a non-member worker by ID number) whose change to
# re-employed on or before as_of names as leader the archive of a member of the district on
# as_of, counted once (their latest such change) at the leader's org; over the re-employed
# members (the numerator of reemployment_rate) at their own org.
_LED_INTO_WORK = f"""
WITH {_MEMBER_ARCHIVES},
led AS (
    SELECT DISTINCT ON (person) ma.org_id,
           COALESCE('m' || worker.member_id::text, 'w' || worker.id_number_hash) AS person
    FROM reemployment_employmentstatuschange c
    JOIN reemployment_employmentarchive worker ON worker.id = c.archive_id
    JOIN reemployment_employmentarchive leader ON leader.id = c.led_by_id
    JOIN members_at ma ON ma.member_id = leader.member_id
    WHERE c.led_by_id IS NOT NULL
      AND c.to_status IN {_EMPLOYED}
      AND c.changed_on <= %(as_of)s
    ORDER BY person, c.changed_on DESC, c.id DESC
),
figures AS (
    SELECT led.org_id, 1 AS numerator, 0 AS denominator FROM led
    UNION ALL
    SELECT st.org_id, 0, 1 FROM archive_status st WHERE st.to_status IN {_EMPLOYED}
)
SELECT f.org_id, ''::text AS breakdown,
       sum(f.numerator) AS numerator, sum(f.denominator) AS denominator
FROM figures f
GROUP BY f.org_id
"""

FACTS: dict[str, str] = {
    "participation_rate": _PARTICIPATION,
    "service_hours_per_member": _SERVICE_HOURS,
    "mobile_coverage": _MOBILE_COVERAGE,
    "reemployment_rate": _REEMPLOYMENT_RATE,
    "led_into_work": _LED_INTO_WORK,
}

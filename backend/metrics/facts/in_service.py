"""Facts of the in-service metrics (在职党员报到率, 报到反馈率): see backend.metrics.facts.

Both count people where they reported (the community of their report), not where their
organisational relation is.

A report is valid on as_of when it is for the half-year containing as_of (reports are made again
every half-year: a report's `half_year` is taken from its date, so a 2026H1 report no longer
counts on 1 July 2026), was made on or before as_of, and was not cancelled by then (a
cancellation on day d takes effect on d). A local reporter whose member has left the district
(`member` null) is not counted: the app no longer issues cards or records activities for them.

A person is counted once: a member of this district by their member row (whichever community
they report to), anyone else by the keyed hash of their ID number, which also matches a member
who arrived in the district after reporting here as someone from elsewhere. A person with valid
reports to two communities is counted at the one reported to first (then the lowest report id).
"""

from django.conf import settings

# The half-year label ("2026H1") of as_of, as Report.half_year writes it.
_HALF_YEAR_OF_AS_OF = (
    "to_char(%(as_of)s::date, 'YYYY') || "
    "CASE WHEN extract(month FROM %(as_of)s::date) <= 6 THEN 'H1' ELSE 'H2' END"
)

# The district's local day boundaries of [start, as_of], for timestamps (sent_at).
_TZ = settings.TIME_ZONE
_FROM_START = f"(%(start)s::date::timestamp AT TIME ZONE '{_TZ}')"
_AFTER_AS_OF = f"((%(as_of)s::date + 1)::timestamp AT TIME ZONE '{_TZ}')"

# Every report valid on as_of, with the person it counts: a member of ours by member id (a
# reporter from elsewhere who has since become a member of ours is matched by the keyed hash of
# the ID number), anyone else by that hash.
_VALID = f"""
SELECT COALESCE(member_id::text, id_number_hash) AS person, member_id,
       community_id, reporter_id, reported_on, id
FROM (
    SELECT CASE WHEN r.kind = 'local' THEN r.member_id
                ELSE (SELECT m.id FROM members_member m WHERE m.id_number_hash = r.id_number_hash)
           END AS member_id,
           r.id_number_hash, rp.community_id, rp.reporter_id, rp.reported_on, rp.id
    FROM in_service_report rp
    JOIN in_service_reporter r ON r.id = rp.reporter_id
    WHERE rp.half_year = {_HALF_YEAR_OF_AS_OF}
      AND rp.reported_on <= %(as_of)s
      AND (rp.cancelled_on IS NULL OR rp.cancelled_on > %(as_of)s)
      AND (r.kind <> 'local' OR r.member_id IS NOT NULL)
) v
"""

# Each person with a valid report on as_of, once, at the community of their first such report.
_REPORTED = """
SELECT DISTINCT ON (person) person, member_id, community_id
FROM valid_reports
ORDER BY person, reported_on, id
"""

# 报到率: numerator = people with a valid report, at that report's community; denominator = them
# plus the district's in-service members on as_of (MEMBERS_AT) without a valid report, at their
# residence community (one without a residence community here does not live in the district).
REPORT_RATE = """
WITH people AS (
    SELECT community_id AS org_id, 1 AS reported FROM reported
    UNION ALL
    SELECT m.residence_community_id, 0
    FROM members_at ma
    JOIN members_member m ON m.id = ma.member_id
    WHERE ma.category = 'in_service'
      AND m.residence_community_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM reported x WHERE x.member_id = m.id)
)
SELECT org_id, ''::text AS breakdown, sum(reported) AS numerator, count(*) AS denominator
FROM people
GROUP BY org_id
"""

# 报到反馈率: denominator = the report rate's numerator (same people, same community); numerator =
# those of them with a feedback card, of a reporter row with a valid report, that was sent to
# their work unit's Party organisation (state sent or acknowledged: delivered to an org of this
# district, dispatched to their district through the platform, or printed and handed over) on a
# day of [start, as_of] (the district's local date of `sent_at`).
FEEDBACK_RATE = f"""
WITH fed_back AS (
    SELECT DISTINCT v.person
    FROM valid_reports v
    WHERE EXISTS (
        SELECT 1 FROM in_service_feedbackcard c
        WHERE c.reporter_id = v.reporter_id
          AND c.state IN ('sent', 'acknowledged')
          AND c.sent_at >= {_FROM_START}
          AND c.sent_at < {_AFTER_AS_OF}
    )
)
SELECT x.community_id AS org_id, ''::text AS breakdown,
       count(f.person) AS numerator, count(*) AS denominator
FROM reported x
LEFT JOIN fed_back f ON f.person = x.person
GROUP BY x.community_id
"""

# Shared by both metrics, computed once per statement (backend.metrics.facts.SHARED).
SHARED: dict[str, str] = {"valid_reports": _VALID, "reported": _REPORTED}

FACTS: dict[str, str] = {
    "report_rate": REPORT_RATE,
    "feedback_rate": FEEDBACK_RATE,
}

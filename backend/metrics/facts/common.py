"""SQL fragments the facts share."""

# The district committee: where something is counted that belongs to no org below it.
ROOT_ORG = "(SELECT id FROM orgs_partyorg WHERE parent_id IS NULL ORDER BY id LIMIT 1)"

# Communities: the orgs the community metrics count.
COMMUNITY_KINDS = "('community_committee', 'community_general_branch')"

# 党内统计: each member of the district on %(as_of)s, once, at the org that held their
# organisational relation that day. A relation change on day d takes effect on d, so the org on
# as_of is the `from_org` of the first change after it (or the member's org if there is none);
# a member whose first change after as_of has no from_org arrived from another district later,
# and one who joined the Party after as_of is not counted yet. The first later change of every
# member is read in one pass (hashed against the members), not probed member by member.
MEMBERS_AT = """
SELECT m.id AS member_id, COALESCE(later.from_org_id, m.org_id) AS org_id, m.category
FROM members_member m
LEFT JOIN (
    SELECT DISTINCT ON (rc.member_id) rc.member_id, rc.from_org_id
    FROM transfers_relationchange rc
    WHERE rc.date > %(as_of)s AND NOT rc.carried
    ORDER BY rc.member_id, rc.date, rc.id
) later ON later.member_id = m.id
WHERE m.joined_on <= %(as_of)s
  AND NOT (later.member_id IS NOT NULL AND later.from_org_id IS NULL)
"""

-- What PostGraphile needs to serve our six benchmarked read operations from one district schema.
--
-- Apply with the district schema first on the search path (the harness does exactly this):
--   SET search_path TO <schema>, public;
--   \i bench/peer/functions.sql
-- Every statement is idempotent. Each function is plain STABLE SQL equivalent to our selectors
-- (backend/orgs/selectors.py, backend/members/selectors.py), neither faster nor slower on purpose:
--   * no STRICT, SECURITY DEFINER or SET clause, so PostgreSQL may inline the set-returning ones
--     into PostGraphile's statement, as it would for any well-written PostGraphile function;
--   * table names are unqualified and the ltree operators (<@, @>) live in public, so the session
--     must run with search_path `<schema>, public`: server.js sets that on every connection of
--     its pool, as django-tenants sets it for ours.

-- memberCounts: one composite per org, computed by one statement, like our JSON subquery.
DO $$
BEGIN
    CREATE TYPE member_counts AS (
        total integer,
        in_service integer,
        mobile integer,
        laid_off integer,
        retired integer,
        community integer
    );
EXCEPTION
    WHEN duplicate_object THEN NULL;  -- already there: keep it
END
$$;

-- orgs(within:): the org and everything below it, in tree order. A root query field
-- (orgsWithin) whose connection PostGraphile paginates with `first`.
CREATE OR REPLACE FUNCTION orgs_within(within bigint)
RETURNS SETOF orgs_partyorg
LANGUAGE sql STABLE
AS $$
    SELECT s.*
    FROM orgs_partyorg s
    WHERE s.path <@ (SELECT w.path FROM orgs_partyorg w WHERE w.id = orgs_within.within)
    ORDER BY s.path
$$;

-- OrgsPartyorg.memberCounts (computed column): members whose organisational relation lies in
-- this org's subtree, in total and per category (members.selectors._counts_by_category), with the
-- same SQL as ours and the floor's: ANY(ARRAY(subtree ids)) rather than a join (EqualsAny in
-- backend/common/ltree.py says why).
CREATE OR REPLACE FUNCTION orgs_partyorg_member_counts(o orgs_partyorg)
RETURNS member_counts
LANGUAGE sql STABLE
AS $$
    SELECT
        count(*)::integer,
        (count(*) FILTER (WHERE m.category = 'in_service'))::integer,
        (count(*) FILTER (WHERE m.category = 'mobile'))::integer,
        (count(*) FILTER (WHERE m.category = 'laid_off'))::integer,
        (count(*) FILTER (WHERE m.category = 'retired'))::integer,
        (count(*) FILTER (WHERE m.category = 'community'))::integer
    FROM members_member m
    WHERE m.org_id = ANY(ARRAY(SELECT s.id FROM orgs_partyorg s WHERE s.path <@ o.path))
$$;

-- OrgsPartyorg.ancestors (computed column): from the district committee down to the parent
-- (orgs.selectors.org_ancestors). A plain list, as ours is, not a connection.
CREATE OR REPLACE FUNCTION orgs_partyorg_ancestors(o orgs_partyorg)
RETURNS SETOF orgs_partyorg
LANGUAGE sql STABLE
AS $$
    SELECT a.*
    FROM orgs_partyorg a
    WHERE a.path @> o.path AND a.id <> o.id
    ORDER BY a.depth
$$;
COMMENT ON FUNCTION orgs_partyorg_ancestors(orgs_partyorg) IS E'@simpleCollections only';

-- members(category:, search:): a root query field (membersSearch) paginated with `first`.
-- The predicate is the one Django's icontains gives members.selectors.member_list: the search
-- trimmed, %, _ and \ escaped, then UPPER(name) LIKE UPPER('%...%'). `name ILIKE` would find the
-- same rows, but it is another operator with its own cost per row (about 10 % more on the
-- generated names), a difference of SQL rather than of server, so the peer uses ours.
CREATE OR REPLACE FUNCTION members_search(category text, search text)
RETURNS SETOF members_member
LANGUAGE sql STABLE
AS $$
    SELECT m.*
    FROM members_member m
    WHERE m.category = members_search.category
        AND upper(m.name::text) LIKE upper('%' || replace(replace(replace(
            btrim(members_search.search), '\', '\\'), '%', '\%'), '_', '\_') || '%')
    ORDER BY m.name, m.id
$$;

-- nodes(ids:): members by primary key, in the order asked, in one statement, as our `nodes`
-- loads them (one `id IN (...)` query, reordered to the input). Missing ids are left out
-- rather than returned as null. A plain list, not a connection.
CREATE OR REPLACE FUNCTION members_by_ids(ids bigint[])
RETURNS SETOF members_member
LANGUAGE sql STABLE
AS $$
    SELECT m.*
    FROM unnest(members_by_ids.ids) WITH ORDINALITY AS wanted (id, n)
    JOIN members_member m ON m.id = wanted.id
    ORDER BY wanted.n
$$;
COMMENT ON FUNCTION members_by_ids(bigint[]) IS E'@simpleCollections only';

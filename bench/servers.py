"""The three servers under test: our API (gunicorn, production settings, plus the floor view) and
PostGraphile, started as subprocesses and stopped again."""

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEER_DIR = ROOT / "bench" / "peer"


def _wait_for(
    url: str, process: subprocess.Popen[bytes], *, host: str, seconds: float = 60
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            request = urllib.request.Request(url, headers={"Host": host})  # noqa: S310 - loopback
            with urllib.request.urlopen(request, timeout=1):  # noqa: S310 - loopback
                return
        except urllib.error.HTTPError:
            return  # it answers: up
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up in {seconds} s")


@contextmanager
def _running(
    command: list[str], env: dict[str, str], url: str, host: str, cwd: Path
) -> Iterator[None]:
    process = subprocess.Popen(command, env=env, cwd=cwd)
    try:
        _wait_for(url, process, host=host)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def our_api(*, database_url: str, port: int, production_env: dict[str, str]) -> Iterator[None]:
    env = {
        **os.environ,
        **production_env,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PORT": str(port),
        "HOST": "127.0.0.1",
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        "python:backend.config.gunicorn",
        "backend.config.wsgi",
    ]
    with _running(command, env, f"http://127.0.0.1:{port}/healthz", "localhost", ROOT):
        yield


def peer_install() -> None:
    if not (PEER_DIR / "node_modules" / "postgraphile").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PEER_DIR, check=True
        )


@contextmanager
def peer(*, database_url: str, schema: str, port: int) -> Iterator[None]:
    peer_install()
    env = {
        **os.environ,
        "NODE_ENV": "production",
        "DATABASE_URL": database_url,
        "PEER_SCHEMA": schema,
        "PORT": str(port),
    }
    with _running(
        ["node", "server.js"], env, f"http://127.0.0.1:{port}/graphql", "localhost", PEER_DIR
    ):
        yield

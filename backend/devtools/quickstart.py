"""`make run`: migrate, provision the demo municipality once, start a Celery worker and the API
server, and print how to reach each district."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PORT = int(os.environ.get("PORT", "8000"))
DEMO_PASSWORD = os.environ.get("DANGJIAN_DEMO_PASSWORD", "Demo-pass-2024")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def start(*command: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(list(command), cwd=ROOT)


def wait_until_serving(server: subprocess.Popen[bytes], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/healthz", headers={"Host": "localhost"}
    )
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(request, timeout=1) as response:  # noqa: S310
                return bool(response.status == 200)
        except OSError:
            time.sleep(0.3)
    return False


def banner() -> str:
    query = '{"query":"{ district { name } orgs(first: 3) { edges { node { name kind memberCounts { total } } } } }"}'
    login = (
        '{"query":"mutation { login(username: \\"admin\\", password: \\"'
        + DEMO_PASSWORD
        + '\\") { token } }"}'
    )
    lines = ["", "dangjian is running.", ""]
    for code, name in (("yinzhou", "鄞州区"), ("haishu", "海曙区"), ("jiangbei", "江北区")):
        lines.append(
            f"  {name}: http://{code}.localhost:{PORT}/graphql/   (admin / {DEMO_PASSWORD})"
        )
    lines += [
        f"  Municipal API: http://localhost:{PORT}/graphql/   (operator / {DEMO_PASSWORD})",
        "",
        "One user per role (same password): in each district admin (区级管理员),",
        "street_admin (组织管理员 of the first street), community_viewer (只读, one community);",
        "on the platform host operator (平台运维) and analyst (市级分析员).",
        "",
        "Try it:",
        f"  TOKEN=$(curl -s http://yinzhou.localhost:{PORT}/graphql/ -H 'Content-Type: application/json' \\",
        f'    -d \'{login}\' | python3 -c \'import json,sys; print(json.load(sys.stdin)["data"]["login"]["token"])\')',
        f"  curl -s http://yinzhou.localhost:{PORT}/graphql/ -H 'Content-Type: application/json' \\",
        f"    -H \"Authorization: Bearer $TOKEN\" -d '{query}'",
        "",
        "Ctrl-C stops the server and the worker.",
    ]
    return "\n".join(lines)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
    manage("migrate_schemas", "--executor=multiprocessing", "--verbosity=0")
    manage("seed_demo", "--password", DEMO_PASSWORD)
    # The embedded beat runs the nightly schedule (the audit purge) in the demo too.
    worker = start(
        str(BIN / "celery"),
        "-A",
        "backend",
        "worker",
        "--beat",
        f"--schedule={ROOT / 'var' / 'celerybeat-schedule'}",
        "--loglevel=warning",
        "--concurrency=1",
    )
    server = start(
        str(BIN / "gunicorn"),
        "backend.config.wsgi",
        "--bind",
        f"0.0.0.0:{PORT}",
        "--workers",
        "2",
        "--log-level",
        "warning",
    )
    if not wait_until_serving(server):
        worker.terminate()
        sys.exit(f"The API server did not start (is port {PORT} free? set PORT=...).")
    print(banner(), flush=True)

    def stop(*_args: object) -> None:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            process.wait(timeout=20)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while server.poll() is None and worker.poll() is None:
        time.sleep(1)
    for process in (server, worker):
        if process.poll() is None:
            process.terminate()
    sys.exit("The API server or the worker stopped unexpectedly.")


if __name__ == "__main__":
    main()

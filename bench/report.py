"""The results table, printed and written to bench/results.md with the machine and versions."""

import datetime
import os
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path

from django.db import connection

from bench.load import LoadResult
from bench.measure import Results, Row

PEER_DIR = Path(__file__).with_name("peer")
TARGET_FLOOR_RATIO = 3.0


def _ms(result: LoadResult | None, attr: str) -> str:
    return f"{getattr(result, attr):.1f}" if result else "–"


def _rps(result: LoadResult | None) -> str:
    return f"{result.throughput:.0f}" if result else "–"


def _ratio(a: float | None, b: float | None) -> str:
    if not (a and b):
        return "–"
    return f"{a / b:.1f}×" if a / b >= 1 else f"{a / b:.2f}×"


def _row(row: Row) -> list[str]:
    ours, floor, peer = row.ours, row.floor, row.peer
    return [
        row.operation,
        str(row.clients),
        f"{_ms(ours, 'p50_ms')} / {_ms(ours, 'p95_ms')}",
        _rps(ours),
        f"{_ms(floor, 'p50_ms')} / {_ms(floor, 'p95_ms')}",
        _rps(floor),
        f"{_ms(peer, 'p50_ms')} / {_ms(peer, 'p95_ms')}",
        _rps(peer),
        _ratio(ours.p50_ms if ours else None, floor.p50_ms if floor else None),
        _ratio(ours.throughput if ours else None, peer.throughput if peer else None),
        f"{row.sql[0]} / {row.sql[1]}" if row.sql else "–",
        str(sum(r.failures for r in (ours, floor, peer) if r)),
    ]


HEADER = [
    "operation",
    "clients",
    "ours p50 / p95 ms",
    "ours req/s",
    "floor p50 / p95 ms",
    "floor req/s",
    "PostGraphile p50 / p95 ms",
    "PostGraphile req/s",
    "ours / floor (p50)",
    "ours / PostGraphile (req/s)",
    "SQL per request (page 10 / 100)",
    "failed",
]


def _table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _command(*args: str) -> str:
    """The first line a command prints (wrk -v exits 1 after printing its version)."""
    try:
        output = subprocess.run(args, capture_output=True, text=True, check=False).stdout
    except OSError:
        return "not found"
    return output.strip().splitlines()[0] if output.strip() else "not found"


def _machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg_version,) = cursor.fetchone()
    peer_version = "not installed"
    package = PEER_DIR / "node_modules" / "postgraphile" / "package.json"
    if package.exists():
        import json

        peer_version = json.loads(package.read_text())["version"]
    return [
        f"- Machine: {cpu}, {os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GiB, {platform.platform()}",
        f"- PostgreSQL {pg_version}; Python {platform.python_version()}; Django {version('django')};"
        f" strawberry-graphql {version('strawberry-graphql')};"
        f" strawberry-graphql-django {version('strawberry-graphql-django')};"
        f" django-tenants {version('django-tenants')}; gunicorn {version('gunicorn')}",
        f"- PostGraphile {peer_version} on Node {_command('node', '--version')};"
        f" load from {_command('wrk', '-v')}",
    ]


def render(results: Results, *, mode: str, size: str) -> str:
    rows = _table([_row(row) for row in results.rows], HEADER)
    once = _table([[name, value] for name, value in results.once], ["operation", "result"])
    data = ", ".join(f"{count:,} {label}" for label, count in results.district_rows.items())
    return "\n".join(
        [
            f"Mode {mode}: {results.district_count} districts of size {size}; the measured district"
            f" ({results.targets.district_code}) holds {data}. {results.seconds:g} s per measurement.",
            "",
            rows,
            "",
            once,
        ]
    )


def write(results: Results, path: Path, *, mode: str, size: str) -> None:
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            "# Benchmark results",
            "",
            f"Written by `make bench` ({mode} mode) on {today}.",
            "",
            *_machine(),
            "",
            render(results, mode=mode, size=size),
            "",
        ]
    )
    path.write_text(text)

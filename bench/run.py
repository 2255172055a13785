"""`make bench`: generate a city, serve it three ways, load each operation with wrk, report.

    python -m bench.run --mode short   # size S, 2 districts, 3 s per measurement (a few minutes)
    python -m bench.run --mode full    # size M, 16 districts, 10 s per measurement

The database (BENCH_DATABASE_URL, else DATABASE_URL's server with a database per mode) keeps its
generated districts between runs, so only the first run of a mode pays for generating them.
"""

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.database import (  # noqa: E402
    bench_database_url,
    database_ensure,
    production_env,
    statistics_ensure,
)


@dataclass(frozen=True)
class Mode:
    size: str
    districts: int
    seconds: float


MODES = {
    "short": Mode(size="S", districts=2, seconds=3),
    "full": Mode(size="M", districts=16, seconds=10),
}
OUR_PORT, PEER_PORT = 8071, 8072
CLIENTS = (1, 8)


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=sorted(MODES), default="short")
    parser.add_argument("--seconds", type=float, help="per measurement (default by mode)")
    parser.add_argument("--only", help="comma-separated operation names")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument(
        "--skip-seed", action="store_true", help="measure the districts already there"
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.md"))
    options = parser.parse_args()
    mode = MODES[options.mode]
    seconds = options.seconds or mode.seconds

    url = bench_database_url(f"dangjian_bench_{options.mode}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
    database_ensure(url)
    print(f"Benchmark database: {url}", file=sys.stderr)
    if not options.skip_seed:
        manage("migrate_schemas", "--executor=multiprocessing", "-v0")
        manage(
            "seed_city",
            "--size",
            mode.size,
            "--districts",
            str(mode.districts),
            "--seed",
            "2024",
            # The measured district also gets what the metrics count (bench/README.md).
            "--metric-inputs",
            "1",
        )

    started = time.perf_counter()
    statistics_ensure(url)
    print(f"VACUUM (ANALYZE) in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    import django

    django.setup()
    from bench.measure import measure_all
    from bench.report import render, write

    results = measure_all(
        database_url=url,
        production_env=production_env(),
        ports=(OUR_PORT, PEER_PORT),
        clients=CLIENTS,
        seconds=seconds,
        only=set(options.only.split(",")) if options.only else None,
        with_peer=not options.skip_peer,
    )
    print(render(results, mode=options.mode, size=mode.size))
    write(results, Path(options.output), mode=options.mode, size=mode.size)
    print(f"\nWritten to {options.output}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Runs every measurement: the loaded operations on three servers, and the one-off operations."""

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psycopg

from backend.demo.ties import ties_counts
from backend.metrics.periods import Period
from bench import admin_ops, city, import_bench, metrics_bench
from bench.floor import floor_bodies
from bench.load import Endpoint, LoadResult, run_wrk
from bench.operations import municipal_bodies, our_bodies
from bench.servers import our_api, peer
from bench.targets import Targets
from tenants.context import in_district
from tenants.models import District
from tenants.seeding import district_counts

PEER_SQL = Path(__file__).with_name("peer") / "functions.sql"
MUNICIPAL_QUERY = "{ districts { code name orgCount memberCount } }"
# Operations the issue lists whose features are not built yet, and the issue that builds them.
NOT_YET: dict[str, str] = {}


@dataclass
class Row:
    operation: str
    clients: int
    ours: LoadResult | None = None
    floor: LoadResult | None = None
    peer: LoadResult | None = None
    sql: tuple[int, int] | None = None  # statements at page size 10 and 100


@dataclass
class Results:
    targets: Targets
    district_rows: dict[str, int]
    district_count: int
    seconds: float
    rows: list[Row] = field(default_factory=list)
    once: list[tuple[str, str]] = field(default_factory=list)


def _district_rows(district: District) -> dict[str, int]:
    counts = district_counts(district)
    with in_district(district):
        ties = ties_counts()
    return {
        "orgs": counts.orgs,
        "units": counts.units,
        "members": counts.members,
        **ties,
        "activity participations": metrics_bench.participation_rows(district),
    }


def _apply_peer_functions(database_url: str, schema: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(f'SET search_path TO "{schema}", public')
        connection.execute(PEER_SQL.read_text())


def _load(
    rows: list[Row],
    operation: str,
    clients: tuple[int, ...],
    seconds: float,
    servers: dict[str, tuple[Endpoint, dict[str, Any]]],
) -> None:
    """Check each server's answer once, warm it up, then load it at each concurrency."""
    for endpoint, body in servers.values():
        endpoint.post(body)
        run_wrk(endpoint, body, clients=max(clients), seconds=1)
    for n in clients:
        row = Row(operation, n)
        for side, (endpoint, body) in servers.items():
            setattr(row, side, run_wrk(endpoint, body, clients=n, seconds=seconds))
        rows.append(row)
        print(_progress(row), flush=True)


def _progress(row: Row) -> str:
    parts = [f"{row.operation} c={row.clients}"]
    for side in ("ours", "floor", "peer"):
        result: LoadResult | None = getattr(row, side)
        if result:
            parts.append(f"{side} p50 {result.p50_ms:.1f} ms {result.throughput:.0f}/s")
    return "  ".join(parts)


def measure_all(
    *,
    database_url: str,
    production_env: dict[str, str],
    ports: tuple[int, int],
    clients: tuple[int, ...],
    seconds: float,
    only: set[str] | None,
    with_peer: bool,
) -> Results:
    districts = city.serving_districts()
    district = districts[0]
    t = city.pick_targets(district)
    results = Results(t, _district_rows(district), len(districts), seconds)
    token = city.district_token(district)
    host = f"{district.code}.localhost"
    sql = admin_ops.sql_queries(t, token, host)
    wanted: Callable[[str], bool] = lambda name: only is None or name in only  # noqa: E731

    our_port, peer_port = ports
    ours = Endpoint(f"http://127.0.0.1:{our_port}/graphql/", host, f"Bearer {token}")
    floor_url = f"http://127.0.0.1:{our_port}/bench/floor/"
    peer_bodies: dict[str, dict[str, Any]] = {}
    if with_peer:
        from bench.peer.requests import peer_bodies as make_peer_bodies

        _apply_peer_functions(database_url, t.schema)
        peer_bodies = make_peer_bodies(t)
    peer_endpoint = Endpoint(f"http://127.0.0.1:{peer_port}/graphql", "localhost")
    today = date.today()
    month = metrics_bench.this_month(today)
    if wanted("municipal_metric"):
        # Every district publishes this month's totals (a recompute where it has not yet).
        published = metrics_bench.districts_publish(districts, month)
        if published:
            results.once.append(
                (
                    f"recompute and publish {month.label} in {len(published)} districts",
                    f"{sum(published.values()):.1f} s (median "
                    f"{admin_ops.median(list(published.values())):.1f} s a district)",
                )
            )

    with our_api(database_url=database_url, port=our_port, production_env=production_env):
        with (
            peer(database_url=database_url, schema=t.schema, port=peer_port)
            if with_peer
            else nullcontext()
        ):
            floors = floor_bodies(t)
            for name, body in our_bodies(t).items():
                if not wanted(name):
                    continue
                servers = {"ours": (ours, body)}
                if name in floors:
                    servers["floor"] = (Endpoint(floor_url + name, host), floors[name])
                if name in peer_bodies:
                    servers["peer"] = (peer_endpoint, peer_bodies[name])
                before = len(results.rows)
                _load(results.rows, name, clients, seconds, servers)
                for row in results.rows[before:]:
                    row.sql = sql[name]
        if wanted("municipal_rollup"):
            analyst = Endpoint(
                f"http://127.0.0.1:{our_port}/graphql/",
                "localhost",
                f"Bearer {city.analyst_token()}",
            )
            schemas = {d.code: d.schema_name for d in districts}
            _load(
                results.rows,
                "municipal_rollup",
                clients,
                seconds,
                {
                    "ours": (analyst, {"query": MUNICIPAL_QUERY}),
                    "floor": (
                        Endpoint(f"http://127.0.0.1:{our_port}/bench/floor/municipal", "localhost"),
                        {"schemas": schemas},
                    ),
                },
            )
        for name, body in municipal_bodies(month.label).items():
            if wanted(name):
                analyst = Endpoint(
                    f"http://127.0.0.1:{our_port}/graphql/",
                    "localhost",
                    f"Bearer {city.analyst_token()}",
                )
                _load(results.rows, name, clients, seconds, {"ours": (analyst, body)})

    if wanted("provisioning"):
        times = admin_ops.provisioning_seconds()
        results.once.append(
            (
                "provisioning a district (clone template, host, admin)",
                f"median {admin_ops.median(times):.2f} s of {len(times)}, max {max(times):.2f} s",
            )
        )
    if wanted("migrate"):
        total = admin_ops.migrate_seconds()
        results.once.append(
            (
                f"migrate_schemas over {len(districts)} districts (+ template), nothing to apply",
                f"{total:.1f} s",
            )
        )
    if wanted("metric_computation"):
        results.once += _metric_computation(district, month, today)
    if wanted("import"):
        report = import_bench.measure()
        results.once.append(("import of 100,000 member rows (xlsx)", import_bench.summary(report)))
        results.once.append(
            ("export of those 100,000 members", import_bench.export_summary(report))
        )
    for name, reason in NOT_YET.items():
        results.once.append((name, f"not built yet: {reason}"))
    return results


def _metric_computation(district: District, month: Period, today: date) -> list[tuple[str, str]]:
    """Ours (the worker's job steps) against the floor (one SQL script), median of 3 each."""
    floor = metrics_bench.floor_timing(district, month, today=today)
    ours = metrics_bench.recompute_timing(district, month, today=today)
    ratio = ours.median / floor.median
    met = ours.median < 10 and ratio <= 1.5
    slowest = ", ".join(f"{label} {seconds:.2f} s" for label, seconds in ours.slowest(4))
    runs = " / ".join(f"{seconds:.2f}" for seconds in ours.runs)
    floor_runs = " / ".join(f"{seconds:.2f}" for seconds in floor.runs)
    return [
        (
            f"metric computation for a district: every metric for every org, {month.label}"
            " (the worker's job steps)",
            f"median {ours.median:.2f} s ({runs} s); slowest steps: {slowest}",
        ),
        (
            "… the same aggregates as one SQL script (bench/metrics_floor.py)",
            f"median {floor.median:.2f} s ({floor_runs} s); ours / floor {ratio:.2f}× "
            f"(target < 10 s and ≤ 1.5×: {'met' if met else 'missed'})",
        ),
    ]


__all__ = ["Results", "Row", "measure_all"]

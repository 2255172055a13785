"""Operations measured once rather than under load: provisioning, migrate_schemas, SQL counts."""

import dataclasses
import json
import statistics
import subprocess
import sys
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.operations import our_bodies
from bench.targets import Targets
from tenants.context import in_platform
from tenants.models import District, Domain
from tenants.provisioning import district_create, municipality_ensure

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def provisioning_seconds(runs: int = 3) -> list[float]:
    """district_create (schema cloned from the template, host, first admin), then dropped."""
    times = []
    with in_platform():
        municipality = municipality_ensure(code="benchprov", name="基准市")
        for n in range(runs):
            code = f"benchprov{n}"
            district_drop(code)
            result = district_create(
                municipality=municipality,
                code=code,
                name=f"基准{n}区",
                admin_username="admin",
                admin_password="Bench-pass-2024",  # noqa: S106
            )
            times.append(result.seconds)
            district_drop(code)
    return times


def district_drop(code: str) -> None:
    """Drop a district's schema, host and row (benchmark districts only)."""
    district = District.objects.filter(code=code).first()
    if district is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{district.schema_name}" CASCADE')
    Domain.objects.filter(tenant=district).delete()
    district.delete()


def migrate_seconds() -> float:
    """`migrate_schemas` over every schema with nothing to apply: what each deploy pays."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "--executor=multiprocessing", "-v0"],
        cwd=ROOT,
        check=True,
    )
    return time.perf_counter() - started


def sql_queries(t: Targets, token: str, host: str) -> dict[str, tuple[int, int]]:
    """Statements per request at page size 10 and 100 (without django-tenants' SET search_path)."""
    small = dataclasses.replace(t, page_size=10, member_pks=t.member_pks[:10])
    counts: dict[str, list[int]] = {}
    client = Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {token}")
    # A fresh token's first use records it (one UPDATE); that is not the operation's cost.
    client.post("/graphql/", json.dumps({"query": "{ me { username } }"}), "application/json")
    for targets in (small, t):
        for name, body in our_bodies(targets).items():
            with CaptureQueriesContext(connection) as captured:
                response = client.post(
                    "/graphql/", json.dumps(body), content_type="application/json"
                )
            if response.status_code != 200 or "errors" in response.json():
                raise RuntimeError(f"{name}: {response.content[:500]!r}")
            statements = [q for q in captured.captured_queries if not q["sql"].startswith("SET ")]
            counts.setdefault(name, []).append(len(statements))
    return {name: (pair[0], pair[1]) for name, pair in counts.items()}


def median(values: list[float]) -> float:
    return statistics.median(values)

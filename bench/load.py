"""Load generation with wrk (not our code): one body, fixed concurrency, latency percentiles."""

import json
import os
import subprocess
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LUA = Path(__file__).with_name("wrk.lua")


@dataclass(frozen=True)
class Endpoint:
    url: str
    host: str
    authorization: str = ""

    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """One request, to check the answer before timing it."""
        request = urllib.request.Request(  # noqa: S310 - loopback, http only
            self.url,
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "Host": self.host,
                **({"Authorization": self.authorization} if self.authorization else {}),
            },
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
            result: dict[str, Any] = json.loads(response.read())
        if result.get("errors"):
            raise RuntimeError(f"{self.url} answered with errors: {result['errors']}")
        return result


@dataclass(frozen=True)
class LoadResult:
    clients: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    failures: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(
    endpoint: Endpoint, body: dict[str, Any], *, clients: int, seconds: float
) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(body, file)
    try:
        env = {
            **os.environ,
            "WRK_BODY": file.name,
            "WRK_HOST": endpoint.host,
            "WRK_AUTH": endpoint.authorization,
        }
        # One wrk thread: on two cores, a second one would take CPU from the servers.
        command = ["wrk", "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "30s"]
        output = subprocess.run(
            [*command, "-s", str(LUA), endpoint.url],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(file.name)
    stats = json.loads(output.strip().splitlines()[-1])
    return LoadResult(
        clients=clients,
        requests=stats["requests"],
        seconds=stats["duration_us"] / 1e6,
        p50_ms=stats["p50_us"] / 1000,
        p95_ms=stats["p95_us"] / 1000,
        p99_ms=stats["p99_us"] / 1000,
        failures=stats["errors"] + stats["non_2xx"],
    )

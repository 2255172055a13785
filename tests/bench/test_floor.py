"""The benchmark's floor answers exactly what the API answers: the ratios compare like with like."""

import json
from typing import Any

import pytest
from django.db import connection

from bench.city import pick_targets
from bench.floor import STATEMENTS, floor_bodies
from bench.operations import our_bodies
from bench.targets import Targets
from tenants.context import in_district, in_platform
from tenants.models import District
from tests.support.graphql_client import GraphQLClient


def _without_cursors(value: Any) -> Any:
    """Cursors encode the same position differently (the API's own format vs the floor's)."""
    if isinstance(value, dict):
        return {k: _without_cursors(v) for k, v in value.items() if k != "endCursor"}
    if isinstance(value, list):
        return [_without_cursors(v) for v in value]
    return value


@pytest.fixture(scope="module")
def targets(django_db_setup: object, django_db_blocker: Any) -> Targets:
    with django_db_blocker.unblock(), in_platform():
        district = District.objects.get(code="alpha")
        return pick_targets(district)


@pytest.mark.parametrize("operation", sorted(STATEMENTS))
def test_floor_returns_what_the_api_returns(
    operation: str, targets: Targets, alpha: GraphQLClient, django_db_blocker: Any
) -> None:
    body = our_bodies(targets)[operation]
    ours = alpha.execute(body["query"], body["variables"]).data
    with django_db_blocker.unblock(), in_district("alpha"), connection.cursor() as cursor:
        cursor.execute(STATEMENTS[operation], floor_bodies(targets)[operation])
        (floor,) = cursor.fetchone()
    expected = _without_cursors(json.loads(floor)["data"])
    assert _without_cursors(ours) == expected, (ours, expected)
    assert ours  # a question about real rows, not an empty answer

"""Session fixtures: a test database with two districts (alpha, beta) and a platform account,
served by a real gunicorn. Tests talk to it over HTTP like a district frontend."""

import base64
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, cast

import pytest
from django.db import connection

from tenants.context import in_district, in_platform
from tenants.provisioning import district_create, municipality_ensure, platform_ensure
from tests.support.broker import remove_private_broker, use_private_broker
from tests.support.catalogs import (
    catalog_vacuum_start,
    catalog_vacuum_stop,
    catalogs_vacuum_if_bloated,
)
from tests.support.graphql_client import GraphQLClient
from tests.support.member_work import seed_member_work
from tests.support.seed import PASSWORD, SeededDistrict, seed_district
from tests.support.server import running_server
from tests.support.worker import worker  # noqa: F401 (a module-scoped fixture for worker tests)


@pytest.fixture(scope="session")
def django_db_setup(
    django_test_environment, django_db_blocker
) -> Iterator[dict[str, SeededDistrict]]:
    """Replaces pytest-django's: that one creates the test database only when a collected test
    asks for `db`, and the HTTP tests do not, so they would have seeded DATABASE_URL's database."""
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    from backend.accounts.services import platform_user_create

    broker = use_private_broker()
    with django_db_blocker.unblock():
        databases = setup_databases(verbosity=0, interactive=False, aliases={"default"})  # type: ignore[arg-type]
        assert connection.settings_dict["NAME"] == settings.DATABASES["default"]["TEST"]["NAME"]
        catalog_vacuum_start()
        platform_ensure()
        municipality = municipality_ensure(code="testcity", name="测试市")
        seeded = {}
        for code, region in (("alpha", "110101"), ("beta", "310101")):
            district_create(
                municipality=municipality,
                code=code,
                name=f"{code}区",
                admin_username="admin",
                admin_password=PASSWORD,
            )
            with in_district(code):
                base = seed_district(code, region)
                seeded[code] = replace(base, objects=seed_member_work(base))
        with in_platform():
            platform_user_create(username="operator", password=PASSWORD, role="platform_operator")
            platform_user_create(username="analyst", password=PASSWORD, role="municipal_analyst")
    yield seeded
    catalog_vacuum_stop()
    with django_db_blocker.unblock():
        cast(Any, connection).set_schema_to_public()
        teardown_databases(databases, verbosity=0)
    remove_private_broker(broker)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After every fixture of the test is torn down, so after the rollback that leaves the dead
    catalog rows and releases the locks a VACUUM would wait for."""
    result = yield
    catalogs_vacuum_if_bloated()
    return result


@pytest.fixture(scope="session")
def seeded(django_db_setup) -> dict[str, SeededDistrict]:
    return django_db_setup


@pytest.fixture(scope="session")
def api_url(django_db_setup) -> Iterator[str]:
    with running_server() as url:
        yield url


def _client(api_url: str, host: str, username: str = "admin") -> GraphQLClient:
    client = GraphQLClient(api_url, host)
    return client.as_user(client.login(username, PASSWORD))


@pytest.fixture(scope="session")
def alpha(api_url: str) -> GraphQLClient:
    return _client(api_url, "alpha.localhost")


@pytest.fixture(scope="session")
def beta(api_url: str) -> GraphQLClient:
    return _client(api_url, "beta.localhost")


@pytest.fixture(scope="session")
def platform(api_url: str) -> GraphQLClient:
    return _client(api_url, "localhost", "operator")


@pytest.fixture
def in_alpha(db) -> Iterator[None]:
    """Run an in-process test inside alpha's schema; pytest-django rolls it back afterwards."""
    with in_district("alpha"):
        yield
    cast(Any, connection).set_schema_to_public()


def global_id(type_name: str, district: str, pk: int) -> str:
    """A Relay global ID as the API would hand it out in `district`."""
    return base64.b64encode(f"{type_name}:{district}.{pk}".encode()).decode()

"""A `db` fixture for HTTP tests: committed data, no per-test transaction.

pytest-django creates the test database only if some collected test uses `db` (or the django_db
marker). The HTTP tests talk to gunicorn and need none of pytest-django's per-test transaction (the
server could not see writes made inside it), so without a test that asks for `db`, the session
fixtures in tests/conftest.py would seed and serve the *development* database named by
DATABASE_URL. Modules that import this `db` and use it (`pytestmark = usefixtures("db")`) make
pytest-django set up the test database, while their in-process reads and writes are committed
immediately, like the server's.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection


@pytest.fixture
def db(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        test_name = settings.DATABASES["default"]["TEST"]["NAME"]
        assert connection.settings_dict["NAME"] == test_name, (
            f"refusing to run against {connection.settings_dict['NAME']!r}, not the test database"
        )
        yield

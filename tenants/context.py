"""The one way to run code "in district X", and to ask which district a request is in."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from tenants.models import District


@contextmanager
def in_district(district: District | str) -> Iterator[District]:
    """Run the block with `district`'s schema on the search path (by instance or code)."""
    if isinstance(district, str):
        with schema_context(get_public_schema_name()):
            district = District.objects.serving().get(code=district)
    # tenant_context, not schema_context: it installs the District itself on the connection, so
    # current_district() and the global IDs know where they are.
    with tenant_context(district):
        yield district


@contextmanager
def in_platform() -> Iterator[None]:
    """Run the block against the public schema (municipalities, districts, platform accounts)."""
    with schema_context(get_public_schema_name()):
        yield


def current_district() -> District | None:
    """The district whose schema is active, or None on the platform host."""
    tenant = getattr(connection, "tenant", None)
    if not isinstance(tenant, District) or tenant.schema_name == get_public_schema_name():
        return None
    return tenant


def current_scope_code() -> str:
    """A short code naming the active schema; global IDs carry it so they never cross districts."""
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, District):
        return tenant.code
    return get_public_schema_name()


def current_schema_name() -> str:
    """The schema this connection works in (a district's, or public): for names that must be
    unique per schema, such as advisory-lock keys and signed download tokens."""
    return str(connection.schema_name)  # type: ignore[attr-defined]


# Connection parameters Django passes that are not libpq keywords.
_DJANGO_ONLY = ("cursor_factory", "context", "prepare_threshold")


def side_connection() -> psycopg.Connection[Any]:
    """A second, autocommitting connection to the same database and the current schema, for
    what must commit on its own while this connection's transaction is open (a long import's
    progress, a VACUUM). The caller closes it."""
    params: dict[str, Any] = connection.get_connection_params()
    for key in _DJANGO_ONLY:
        params.pop(key, None)
    side = psycopg.connect(**params, autocommit=True)
    side.execute("SELECT set_config('search_path', %s, false)", [current_schema_name()])
    return side

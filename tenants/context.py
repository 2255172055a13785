"""The one way to run code "in district X", and to ask which district a request is in."""

from collections.abc import Iterator
from contextlib import contextmanager

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

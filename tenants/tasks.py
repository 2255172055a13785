"""Celery task bases. tenant-schemas-celery stamps each message with the schema it was sent from
and switches to it before the task runs; these bases say which schemas a task may run in, so a
message that arrives without a district fails closed instead of running against public."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django_tenants.utils import get_public_schema_name
from tenant_schemas_celery.task import TenantTask

from tenants.models import District


class NoDistrictError(RuntimeError):
    """A district task was delivered without a district schema."""


def _is_district_schema(schema_name: str) -> bool:
    if schema_name == get_public_schema_name():
        return False
    return District.objects.filter(schema_name=schema_name, is_template=False).exists()


class DistrictTask(TenantTask):
    """Works on one district's data; refuses to run in public or in the template."""

    abstract = True
    schema_scope = "district"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        schema_name = connection.schema_name  # type: ignore[attr-defined]
        if not _is_district_schema(schema_name):
            raise NoDistrictError(f"{self.name} needs a district schema, got {schema_name!r}.")
        return super().__call__(*args, **kwargs)


class PlatformTask(TenantTask):
    """Runs in the public schema only (e.g. a dispatcher that fans out one task per district)."""

    abstract = True
    schema_scope = "platform"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        schema_name = connection.schema_name  # type: ignore[attr-defined]
        if schema_name != get_public_schema_name():
            raise NoDistrictError(f"{self.name} runs on the platform, got {schema_name!r}.")
        return super().__call__(*args, **kwargs)


class AnySchemaTask(TenantTask):
    """Housekeeping that applies to every schema alike, the public one included (e.g. the
    audit purge). It still runs in exactly the schema it was stamped with."""

    abstract = True
    schema_scope = "any"


def send_to_every_schema(
    task: TenantTask,
    *,
    include_platform: bool,
    kwargs: dict[str, Any] | None = None,
    before_sending: Callable[[list[str]], object] | None = None,
) -> list[str]:
    """Enqueue `task` once per serving district (and the public schema if asked), each message
    stamped with its schema, after the current transaction commits; returns the schemas.

    `before_sending(schemas)` runs first, with the very list sent to: a job that counts the
    copies as they report back learns how many to expect before any copy can report.
    The header, not the sender's schema, decides where each copy runs."""
    import functools

    from django.db import transaction

    schemas = [get_public_schema_name()] if include_platform else []
    schemas += list(District.objects.serving().values_list("schema_name", flat=True))
    if before_sending is not None:
        before_sending(schemas)
    for schema_name in schemas:
        transaction.on_commit(
            functools.partial(
                task.apply_async, kwargs=kwargs or {}, headers={"_schema_name": schema_name}
            )
        )
    return schemas

"""Provisioning: a new district is a clone of the template schema, not a replay of every migration."""

import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django_tenants.clone import CloneSchema
from django_tenants.utils import (
    get_public_schema_name,
    quote_schema_name,
    schema_context,
    schema_exists,
)

from backend.common.validation import FieldError, ValidationFailed
from tenants.database_roles import secure_schemas
from tenants.models import DISTRICT_CODE_PATTERN, District, Domain, Municipality

RESERVED_CODES = frozenset({"template", "public", "www", "api", "admin", "static", "platform"})


@dataclass(frozen=True)
class ProvisionedDistrict:
    district: District
    host: str
    admin_username: str
    seconds: float


def platform_ensure(*, host: str | None = None) -> District:
    """The public schema's own tenant row, so the platform host is routed to the municipal API."""
    platform, _ = District.objects.get_or_create(
        schema_name=get_public_schema_name(), defaults={"code": "platform", "name": "平台"}
    )
    Domain.objects.get_or_create(
        domain=host or settings.PLATFORM_HOST, defaults={"tenant": platform, "is_primary": True}
    )
    return platform


def municipality_ensure(*, code: str, name: str) -> Municipality:
    municipality, _ = Municipality.objects.get_or_create(code=code, defaults={"name": name})
    return municipality


def _template_is_current(schema_name: str) -> bool:
    with schema_context(schema_name):
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        return not executor.migration_plan(targets)


def template_schema_ensure() -> District:
    """Create and migrate the template schema if it is missing or behind the code's migrations."""
    schema_name = settings.DISTRICT_TEMPLATE_SCHEMA
    template, _ = District.objects.get_or_create(
        schema_name=schema_name,
        defaults={"code": "template", "name": "模板", "is_template": True},
    )
    if not schema_exists(schema_name):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    if not _template_is_current(schema_name):
        call_command("migrate_schemas", schema_name=schema_name, interactive=False, verbosity=0)
    return template


def _check_new_district(code: str, name: str, host: str) -> None:
    errors = []
    if not re.fullmatch(DISTRICT_CODE_PATTERN, code):
        errors.append(
            FieldError("code", "INVALID", "区代码须为 2–30 位小写字母或数字，以字母开头。")
        )
    elif code in RESERVED_CODES:
        errors.append(FieldError("code", "RESERVED", f"区代码 {code} 为保留字。"))
    elif District.objects.filter(code=code).exists() or schema_exists(f"district_{code}"):
        errors.append(FieldError("code", "DUPLICATE", f"区代码 {code} 已存在。"))
    if not name.strip():
        errors.append(FieldError("name", "REQUIRED", "请填写区名称。"))
    if Domain.objects.filter(domain=host).exists():
        errors.append(FieldError("host", "DUPLICATE", f"域名 {host} 已被使用。"))
    if errors:
        raise ValidationFailed(errors)


def district_create(
    *,
    municipality: Municipality,
    code: str,
    name: str,
    admin_username: str,
    admin_password: str,
    host: str | None = None,
) -> ProvisionedDistrict:
    """Create a district with its schema, host and first admin account, all or nothing."""
    from backend.access.models import Role
    from backend.access.services import role_grant
    from backend.accounts.services import user_create

    started = time.perf_counter()
    host = host or f"{code}.{settings.PLATFORM_HOST}"
    with schema_context(get_public_schema_name()):
        template = template_schema_ensure()
        _check_new_district(code, name, host)
        with transaction.atomic():
            district = District.objects.create(
                schema_name=f"district_{code}",
                code=code,
                name=name.strip(),
                municipality=municipality,
            )
            Domain.objects.create(domain=host, tenant=district, is_primary=True)
            CloneSchema().clone_schema(template.schema_name, district.schema_name, "DATA")
            _storage_options_copy(template.schema_name, district.schema_name)
            with schema_context(district.schema_name):
                admin = user_create(
                    username=admin_username, password=admin_password, is_district_admin=True
                )
                # The 组织部 administrator answers for the district's personal data.
                role_grant(user=admin, role=Role.DISTRICT_ADMIN, may_unmask=True)
            if settings.DATABASE_APP_ROLE:
                # In the same transaction: a role that cannot be secured leaves no district.
                secure_schemas(
                    app_role=settings.DATABASE_APP_ROLE,
                    audit_owner=settings.DATABASE_AUDIT_OWNER,
                    schemas=[district.schema_name],
                )
    return ProvisionedDistrict(
        district=district,
        host=host,
        admin_username=admin_username,
        seconds=time.perf_counter() - started,
    )


def _storage_options_copy(source: str, target: str) -> None:
    """The clone creates tables with CREATE TABLE … LIKE, which leaves storage parameters behind
    (e.g. metrics_metricsnapshot's fillfactor, set by its migration): copy them table by table."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, array_to_string(c.reloptions, ', ')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind = 'r' AND c.reloptions IS NOT NULL
            """,
            [source],
        )
        for table, options in cursor.fetchall():
            # Names and options come from the catalogue of our own template schema.
            cursor.execute(
                f"ALTER TABLE {quote_schema_name(target)}.{connection.ops.quote_name(table)}"
                f" SET ({options})"
            )

"""Two database roles: the migration owner, which creates and alters schemas, and the application
role, which `DATABASE_URL` names in production and which may only read and write rows.

`secure_schemas` is run by the migration owner (or a superuser) after migrations and after a
district is provisioned. It grants the application role row access to every table of the given
schemas, and hands the audit table and its guard function to a NOLOGIN role (`dangjian_audit`) the
application role is no member of: the application may add audit entries, read them and delete
expired ones (the nightly purge), but not update, truncate, disable or drop the triggers that
refuse changes to entries younger than 184 days, nor replace their function.
"""

from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name, schema_context
from psycopg import sql

from tenants.models import District

DEFAULT_AUDIT_OWNER = "dangjian_audit"
# Named in backend/audit/migrations/0001_initial.py (a test checks the table name).
AUDIT_TABLE = "audit_auditentry"
AUDIT_GUARD_FUNCTION = "audit_entry_guard"


class UnsafeApplicationRole(Exception):
    """The application role could bypass the audit guards (or row-level security)."""


def _run(statement: sql.Composable) -> None:
    raw = connection.connection
    assert raw is not None
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(raw))


def _fetchone(query: str, params: list[Any]) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        row = cursor.fetchone()
    assert row is not None
    return row


def all_schemas() -> list[str]:
    """public, the district template and every district's schema that exists."""
    with schema_context(get_public_schema_name()):
        names = [get_public_schema_name(), settings.DISTRICT_TEMPLATE_SCHEMA]
        names += District.objects.order_by("schema_name").values_list("schema_name", flat=True)
    unique = list(dict.fromkeys(names))
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [unique])
        existing = {row[0] for row in cursor.fetchall()}
    return [name for name in unique if name in existing]


def _check_app_role(app_role: str, audit_owner: str, schemas: list[str]) -> None:
    exists, is_super, bypasses_rls, is_runner = _fetchone(
        "SELECT count(*) > 0, coalesce(bool_or(rolsuper), false), "
        "coalesce(bool_or(rolbypassrls), false), %s = current_user "
        "FROM pg_roles WHERE rolname = %s",
        [app_role, app_role],
    )
    if not exists:
        raise UnsafeApplicationRole(f"Role {app_role!r} does not exist.")
    if is_super or bypasses_rls:
        raise UnsafeApplicationRole(
            f"Role {app_role!r} is a superuser or bypasses row-level security."
        )
    if is_runner:
        raise UnsafeApplicationRole(
            f"Role {app_role!r} is the role running this; run it as the migration owner."
        )
    (is_member,) = _fetchone("SELECT pg_has_role(%s, %s, 'MEMBER')", [app_role, audit_owner])
    if is_member:
        raise UnsafeApplicationRole(f"Role {app_role!r} is a member of {audit_owner!r}.")
    (owned,) = _fetchone(
        "SELECT array_agg(nspname ORDER BY nspname) FROM pg_namespace "
        "WHERE nspname = ANY(%s) AND pg_has_role(%s, nspowner, 'MEMBER')",
        [schemas, app_role],
    )
    if owned:
        # A schema's owner can drop it, and everything in it, whoever owns the objects.
        raise UnsafeApplicationRole(f"Role {app_role!r} owns schemas {', '.join(owned)}.")


def _ensure_audit_owner(audit_owner: str) -> None:
    (exists,) = _fetchone("SELECT count(*) > 0 FROM pg_roles WHERE rolname = %s", [audit_owner])
    if not exists:
        _run(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(audit_owner)))
    (is_super, is_member) = _fetchone(
        "SELECT rolsuper, pg_has_role(current_user, %s, 'MEMBER') "
        "FROM pg_roles WHERE rolname = current_user",
        [audit_owner],
    )
    if not is_super and not is_member:
        # A migration owner that is not a superuser must be able to SET ROLE to the new owner to
        # hand it the table, and keeps altering the table in later migrations through it.
        _run(sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(audit_owner)))
    if not is_super:
        # ... and the owner needs CREATE on a schema to be given a table in it: also on the
        # schemas this role creates later, where clone_schema hands it the new audit table.
        _run(
            sql.SQL("ALTER DEFAULT PRIVILEGES GRANT USAGE, CREATE ON SCHEMAS TO {}").format(
                sql.Identifier(audit_owner)
            )
        )


def _secure_schema(schema: str, app_role: str, audit_owner: str) -> None:
    app = sql.Identifier(app_role)
    owner = sql.Identifier(audit_owner)
    ns = sql.Identifier(schema)
    _run(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(ns, app))
    _run(
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(
            ns, app
        )
    )
    _run(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(ns, app))

    table = sql.Identifier(schema, AUDIT_TABLE)
    (table_oid,) = _fetchone("SELECT to_regclass(%s)", [table.as_string(connection.connection)])
    if table_oid is None:
        return
    # Needed by a non-superuser running ALTER ... OWNER; the owner never logs in.
    _run(sql.SQL("GRANT USAGE, CREATE ON SCHEMA {} TO {}").format(ns, owner))
    # Indexes and the identity sequence follow the table to its new owner.
    _run(sql.SQL("ALTER TABLE {} OWNER TO {}").format(table, owner))
    _run(sql.SQL("REVOKE ALL ON TABLE {} FROM PUBLIC, {}").format(table, app))
    # DELETE for the purge: the triggers refuse entries younger than 184 days, and only the
    # table's owner can drop or disable them.
    _run(sql.SQL("GRANT SELECT, INSERT, DELETE ON TABLE {} TO {}").format(table, app))

    function = sql.SQL("{}()").format(sql.Identifier(schema, AUDIT_GUARD_FUNCTION))
    (function_oid,) = _fetchone(
        "SELECT to_regprocedure(%s)", [function.as_string(connection.connection)]
    )
    if function_oid is not None:
        _run(sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(function, owner))


def secure_schemas(
    *,
    app_role: str,
    audit_owner: str = DEFAULT_AUDIT_OWNER,
    schemas: list[str] | None = None,
) -> list[str]:
    """Grant `app_role` row access in `schemas` (default: all) and give each audit table and its
    guard function to `audit_owner`. Idempotent; returns the schemas secured. Raises
    UnsafeApplicationRole, changing nothing, when `app_role` could get round the audit guards."""
    if not app_role or not audit_owner or app_role == audit_owner:
        raise UnsafeApplicationRole("Name an application role and a different audit owner.")
    with transaction.atomic():
        if schemas is None:
            schemas = all_schemas()
        # pg_has_role needs the owner to exist: create it, check, and roll back on refusal.
        _ensure_audit_owner(audit_owner)
        _check_app_role(app_role, audit_owner, schemas)
        for schema in schemas:
            _secure_schema(schema, app_role, audit_owner)
    return schemas

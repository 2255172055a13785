import dj_database_url

from backend.config.env import env, env_int

# DATABASE_URL is set by `make run` (embedded PostgreSQL) or by the operator.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/dangjian"),
        engine="django_tenants.postgresql_backend",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DATABASES["default"]["TEST"] = {"NAME": env("DATABASE_TEST_NAME", "dangjian_test")}

# The application role (production's DATABASE_URL user) when migrations and provisioning run as
# a separate owner role; empty (the zero-config demo) means one role does everything. Provisioning
# a district then grants this role row access to the new schema (tenants.database_roles).
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", "")
# The NOLOGIN role that owns the audit tables and their guard function; the app role is no member.
DATABASE_AUDIT_OWNER = env("DATABASE_AUDIT_OWNER", "dangjian_audit")

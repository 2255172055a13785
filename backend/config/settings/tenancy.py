"""django-tenants: which apps live in the public schema and which in every district's schema."""

from backend.config.env import env, env_int

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.postgres",
    "backend.accounts",
    "backend.audit",
    "backend.jobs",
    "strawberry_django",
    "backend.api",
]

TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "backend.accounts",
    "backend.audit",
    "backend.access",
    "backend.orgs",
    "backend.units",
    "backend.members",
    "backend.positions",
    "backend.campaigns",
    "backend.in_service",
    "backend.mobile",
    "backend.reemployment",
    "backend.retirees",
    "backend.help_pairs",
    "backend.secondments",
    "backend.transfers",
    "backend.councils",
    "backend.cobuilding",
    "backend.activities",
    "backend.public_affairs",
    "backend.jobs",
    "backend.metrics",
    "backend.files",
    "backend.imports",
    "backend.exports",
]

INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.District"
TENANT_DOMAIN_MODEL = "tenants.Domain"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

ROOT_URLCONF = "backend.config.urls_district"
PUBLIC_SCHEMA_URLCONF = "backend.config.urls_platform"

# The platform host serves the municipal API; each district is <code>.<PLATFORM_HOST>.
PLATFORM_HOST = env("DANGJIAN_PLATFORM_HOST", "localhost")
# New districts are cloned from this schema instead of replaying every migration.
DISTRICT_TEMPLATE_SCHEMA = "district_template"

TENANT_MULTIPROCESSING_MAX_PROCESSES = env_int("DANGJIAN_MIGRATION_PROCESSES", 4)

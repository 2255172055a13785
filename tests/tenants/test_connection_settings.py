from django.conf import settings


def test_search_path_is_set_before_every_statement() -> None:
    """TENANT_LIMIT_SET_CALLS would skip re-setting search_path on a reused connection; SECURITY.md
    keeps it off so a connection that served district A can never answer for B from A's schema."""
    assert getattr(settings, "TENANT_LIMIT_SET_CALLS", False) is False


def test_the_tenant_backend_and_router_are_in_place() -> None:
    assert settings.DATABASES["default"]["ENGINE"] == "django_tenants.postgresql_backend"
    assert "django_tenants.routers.TenantSyncRouter" in settings.DATABASE_ROUTERS
    assert settings.MIDDLEWARE[0] == "tenants.middleware.DistrictRoutingMiddleware"

"""Every PostgreSQL extension a district app's migration creates is created first by a shared
migration (tenants 0003), so upgrading many districts in parallel never races to create it."""

import importlib
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

CREATE_EXTENSION = re.compile(r"CREATE EXTENSION IF NOT EXISTS (\w+)")


def _created(folder: Path) -> set[str]:
    return {
        name
        for migration in folder.glob("[0-9]*.py")
        for name in CREATE_EXTENSION.findall(migration.read_text())
    }


def test_district_extensions_are_created_by_the_shared_migrations() -> None:
    district_only = [app for app in settings.TENANT_APPS if app not in settings.SHARED_APPS]
    wanted: set[str] = set()
    for app in district_only:
        config = next(c for c in apps.get_app_configs() if c.name == app)
        wanted |= _created(Path(config.path) / "migrations")
    assert wanted >= {"ltree", "pg_trgm", "btree_gist"}
    shared = set(importlib.import_module("tenants.migrations.0003_extensions").EXTENSIONS)
    assert wanted <= shared, f"create {sorted(wanted - shared)} in a tenants migration"

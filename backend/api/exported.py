"""The committed SDL files: review sees every API change, and a test fails when they are stale."""

from pathlib import Path

from django.conf import settings
from strawberry.printer import print_schema


def exported_schemas() -> dict[Path, str]:
    from backend.api.schema import district_schema, platform_schema

    return {
        settings.BASE_DIR / "schema.graphql": print_schema(district_schema) + "\n",
        settings.BASE_DIR / "municipal.graphql": print_schema(platform_schema) + "\n",
    }

"""Production settings plus the floor view's URL (bench/urls.py); nothing else differs."""

from backend.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
PUBLIC_SCHEMA_URLCONF = "bench.urls_platform"

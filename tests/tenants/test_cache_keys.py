"""Django's cache is keyed by district: the same logical key holds one value per schema."""

import importlib
import os
import uuid
from collections.abc import Iterator
from typing import Any, cast

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils.module_loading import import_string

from backend.config.settings import cache as cache_module
from backend.config.settings.cache import cache_settings
from tenants.context import in_district, in_platform

pytestmark = pytest.mark.django_db

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def _build(config: dict[str, Any], **overrides: Any) -> BaseCache:
    params = {**config, **overrides}
    backend = import_string(params.pop("BACKEND"))
    return cast(BaseCache, backend(params.pop("LOCATION"), params))


def _assert_keyed_by_district(store: BaseCache, key: str) -> None:
    with in_district("alpha"):
        store.set(key, "alpha's value")
    with in_district("beta"):
        assert store.get(key) is None
        store.set(key, "beta's value")
    with in_district("alpha"):
        assert store.get(key) == "alpha's value"
    with in_district("beta"):
        assert store.get(key) == "beta's value"
    with in_platform():
        assert store.get(key) is None
    with in_district("alpha"):
        store.delete(key)
    with in_district("beta"):
        assert store.get(key) == "beta's value"
        store.delete(key)


@pytest.fixture
def key() -> str:
    return f"greeting-{uuid.uuid4().hex}"


def test_the_configured_cache_keeps_one_value_per_district(key: str) -> None:
    _assert_keyed_by_district(cache, key)


def test_the_key_carries_the_schema_name(key: str) -> None:
    with in_district("alpha"):
        alpha_key = cache.make_key(key)
        schema = cast(Any, connection).schema_name
    with in_district("beta"):
        beta_key = cache.make_key(key)
    assert alpha_key != beta_key
    assert alpha_key.startswith(f"{schema}:")
    assert key in alpha_key


def test_configured_with_django_tenants_key_functions() -> None:
    default = settings.CACHES["default"]
    assert default["KEY_FUNCTION"] == "django_tenants.cache.make_key"
    assert default["REVERSE_KEY_FUNCTION"] == "django_tenants.cache.reverse_key"


def test_without_a_url_the_cache_is_in_process() -> None:
    config = cache_settings("")["default"]
    assert config["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert config["KEY_FUNCTION"] == "django_tenants.cache.make_key"


@pytest.mark.parametrize("url", ["redis://cache:6379/1", "rediss://:pw@cache:6380/0"])
def test_a_redis_url_gives_a_redis_cache_keyed_by_district(url: str) -> None:
    config = cache_settings(url)["default"]
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == url
    assert config["KEY_FUNCTION"] == "django_tenants.cache.make_key"
    assert config["REVERSE_KEY_FUNCTION"] == "django_tenants.cache.reverse_key"


def test_a_url_of_another_kind_fails_loudly() -> None:
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_settings("memcached://secret@cache:11211")


@pytest.fixture
def reload_cache_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.delenv("CACHE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    yield monkeypatch
    monkeypatch.undo()
    importlib.reload(cache_module)


@pytest.mark.parametrize(
    ("environment", "location"),
    [
        ({"REDIS_URL": "redis://r:6379/2"}, "redis://r:6379/2"),
        ({"CACHE_URL": "redis://c:6379/3", "REDIS_URL": "redis://r:6379/2"}, "redis://c:6379/3"),
        ({}, "dangjian"),
    ],
)
def test_the_url_comes_from_cache_url_then_redis_url(
    reload_cache_settings: pytest.MonkeyPatch, environment: dict[str, str], location: str
) -> None:
    for name, value in environment.items():
        reload_cache_settings.setenv(name, value)
    assert importlib.reload(cache_module).CACHES["default"]["LOCATION"] == location


def test_a_redis_cache_keeps_one_value_per_district(key: str) -> None:
    """The same check against a real Redis (the one CI starts), with the settings' Redis config."""
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_TEST_URL}")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    store = _build(cache_settings(REDIS_TEST_URL)["default"], KEY_PREFIX=prefix)
    _assert_keyed_by_district(store, key)
    with in_district("alpha"):
        store.set(key, 1)
        schema = cast(Any, connection).schema_name
    raw = redis.Redis.from_url(REDIS_TEST_URL)
    stored = [k.decode() for k in raw.scan_iter(f"*{prefix}*")]
    assert stored == [f"{schema}:{prefix}:1:{key}"]
    raw.delete(*stored)

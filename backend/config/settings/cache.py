"""The cache: Redis when CACHE_URL (or REDIS_URL) is set, else in-process memory.

Every key carries the active schema (django-tenants' make_key), so a value cached while serving one
district is never read while serving another, nor on the platform host.
"""

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from backend.config.env import env

__all__ = ["CACHES"]

_REDIS_SCHEMES = {"redis", "rediss", "unix"}
_TENANT_KEYS = {
    "KEY_FUNCTION": "django_tenants.cache.make_key",
    # Read by django-redis; Django's own backends ignore it.
    "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
}


def cache_settings(url: str) -> dict[str, dict[str, Any]]:
    """CACHES for a cache URL ("" for the in-process cache)."""
    if not url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "dangjian",
                **_TENANT_KEYS,
            }
        }
    scheme = urlsplit(url).scheme
    if scheme not in _REDIS_SCHEMES:
        raise ImproperlyConfigured(
            f"CACHE_URL must be a redis://, rediss:// or unix:// URL, not {scheme or 'no'} scheme."
        )
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "dangjian",
            **_TENANT_KEYS,
        }
    }


CACHES = cache_settings(env("CACHE_URL", "") or env("REDIS_URL", ""))

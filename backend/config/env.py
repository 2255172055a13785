"""Settings come from the environment through these helpers; a missing required value fails loudly."""

import os

from django.core.exceptions import ImproperlyConfigured

_REQUIRED = object()


def env(name: str, default: str | object = _REQUIRED) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _REQUIRED:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return str(default)
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = env(name, "1" if default else "0").strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = env(name, str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env(name, ",".join(default))
    return [item.strip() for item in raw.split(",") if item.strip()]

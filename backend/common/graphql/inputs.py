"""Helpers for UNSET-aware update inputs: an omitted field keeps its value, an explicit null clears."""

from typing import Any

import strawberry


def provided(input_obj: Any, mapping: dict[str, str]) -> dict[str, Any]:
    """{service_field: value} for the input fields the client actually sent."""
    return {
        target: getattr(input_obj, source)
        for source, target in mapping.items()
        if getattr(input_obj, source) is not strawberry.UNSET
    }

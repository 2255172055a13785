"""Read a district's rows in the test process, to prove an HTTP call wrote nothing there.

The session data is committed (the gunicorn workers must see it), so these helpers read it
directly; call them with the database unblocked (`django_db_blocker.unblock()`, or the `db`
fixture of tests.support.committed_db).
"""

import base64
import json
import re
from typing import Any

from django.apps import apps
from django.db import connection

from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.units.models import Unit
from tenants.context import in_district
from tenants.models import Dispatch
from tests.support.seed import SeededDistrict

MODELS: dict[str, Any] = {"orgs": PartyOrg, "units": Unit, "members": Member}
# The apps of the member work by category: every one of their tables is compared too.
MEMBER_WORK_APPS = (
    "positions",
    "campaigns",
    "in_service",
    "mobile",
    "reemployment",
    "retirees",
    "help_pairs",
    "secondments",
    "transfers",
    "councils",
    "cobuilding",
    "activities",
    "public_affairs",
    "jobs",
    "metrics",
    "imports",
)


def _models() -> dict[str, Any]:
    """orgs, units and members first (tests index them by name), then every other district table
    that holds work data, and the platform's dispatches between districts."""
    found = dict(MODELS)
    for model in apps.get_app_config("members").get_models():
        found.setdefault(model._meta.label_lower, model)
    for label in MEMBER_WORK_APPS:
        for model in apps.get_app_config(label).get_models():
            found[model._meta.label_lower] = model
    found["tenants.dispatch"] = Dispatch
    return found


# Wording that would tell a user that a value exists somewhere else. Lower-case; compared against
# the lower-cased response text.
LEAK_PHRASES = (
    "another district",
    "other district",
    "different district",
    "elsewhere",
    "其他区",
    "其它区",
    "别的区",
    "另一个区",
    "另一区",
    "外区",
    "他区",
    "已在",
    "跨区",
)


def district_counts(code: str) -> dict[str, int]:
    with in_district(code):
        return {name: model._default_manager.count() for name, model in _models().items()}


def district_rows(code: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every column of every row of the work tables (_models), in primary-key order."""
    with in_district(code):
        return {
            name: [
                tuple(row.values())
                for row in model._default_manager.order_by("pk").values(
                    *[f.attname for f in model._meta.concrete_fields]
                )
            ]
            for name, model in _models().items()
        }


def district_fingerprints(code: str) -> dict[str, str]:
    """Per work table (_models), a digest of every column of every row in primary-key order, all
    read by one statement: what district_rows compares, at a fraction of its cost."""
    quote = connection.ops.quote_name
    # Table and column names come from the models, never from input.
    parts = [
        f"SELECT '{name}', md5(coalesce(string_agg(t::text, ',' ORDER BY "  # noqa: S608
        f"t.{quote(model._meta.pk.column)}), '')) FROM {quote(model._meta.db_table)} t"
        for name, model in _models().items()
    ]
    with in_district(code), connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


def masked_id_number(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def leaks(text: str, other: SeededDistrict, *, allow: tuple[str, ...] = ()) -> list[str]:
    """What in `text` gives away `other` district's data or existence (empty if nothing).

    `allow`: strings the caller itself sent and expects echoed (removed before the check)."""
    for allowed in allow:
        text = text.replace(allowed, "")
    found = [secret for secret in other.secrets if secret in text]
    found += [
        f"masked {masked_id_number(n)}" for n in other.id_numbers if masked_id_number(n) in text
    ]
    lowered = text.lower()
    found += [phrase for phrase in LEAK_PHRASES if phrase in lowered]
    if re.search(rf"\b{re.escape(other.code)}\b", lowered):
        found.append(f"district code {other.code!r}")
    found += [f"global ID of {other.code}: {gid}" for gid in global_ids_of(text, other.code)]
    return found


def global_ids_of(text: str, district: str) -> list[str]:
    """The Relay IDs in a JSON response body that `district` handed out."""
    try:
        body = json.loads(text)
    except ValueError:
        return []
    found = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "id" and isinstance(item, str):
                    try:
                        decoded = base64.b64decode(item, validate=True).decode()
                    except ValueError:  # not base64, or not text
                        continue
                    if decoded.split(":", 1)[-1].startswith(f"{district}."):
                        found.append(decoded)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body)
    return found

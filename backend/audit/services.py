"""Writing the audit trail.

- `audit_record(...)` writes one entry in the current schema (a district's, or the public schema
  for the platform). Who and from where come from the request being served (audit.context) unless
  given. Call it inside the service's transaction for a successful write, so the entry and the
  change commit (or roll back) together.
- `@audited(action, target=...)` goes around a service, outside its @transaction.atomic: a
  ValidationFailed is recorded as `refused` with its error codes, any other exception as `failed`
  with the exception's class name (never its text, which may hold personal data); then the
  exception continues. The entry is written after the service's own transaction has rolled back,
  so it survives it.
- `audit_unmask(...)` records that someone was shown a plain ID number or phone.

Actions: login, login_failed, user.create, token.create, token.revoke, org.create, org.update,
org.move, unit.create, unit.update, member.create, member.update, personal_data.unmask,
personal_data.reencrypt; import and export when those features arrive.
"""

import contextlib
import functools
import ipaddress
import logging
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.http import HttpRequest

from backend.audit.changes import scrub, scrub_text
from backend.audit.context import current_request
from backend.audit.models import (
    REASON_MAX_LENGTH,
    USER_AGENT_MAX_LENGTH,
    AuditEntry,
    AuditResult,
)
from backend.common.validation import ValidationFailed

__all__ = ["audit_record", "audit_unmask", "audited", "client_ip"]

logger = logging.getLogger("dangjian.audit")

# (type name, primary key), or a model instance (its class name and pk).
Target = Model | tuple[str, int | None] | None

P = ParamSpec("P")
R = TypeVar("R")

# Set on an exception once an entry records it, so nested audited services record it once.
_RECORDED = "_dangjian_audit_recorded"


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the TCP peer, or with AUDIT_TRUSTED_PROXY_COUNT = N proxies in front,
    the address the outermost of them saw (N-th from the right of X-Forwarded-For). Entries to the
    left of that are whatever the client claimed, so they are never used."""
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = int(settings.AUDIT_TRUSTED_PROXY_COUNT)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def _target(target: Target) -> tuple[str, int | None]:
    if target is None:
        return "", None
    if isinstance(target, Model):
        return type(target).__name__, target.pk
    return target


def audit_record(
    *,
    action: str,
    target: Target = None,
    changes: dict[str, list[Any]] | None = None,
    detail: dict[str, Any] | None = None,
    result: str = AuditResult.OK,
    reason: str = "",
    request: HttpRequest | None = None,
    actor: Any = None,
    actor_username: str | None = None,
    default_actor: Any = None,
) -> AuditEntry:
    """Write one entry in the current schema.

    `actor` defaults to the request's signed-in user, else to `default_actor` (e.g. the user a
    sign-in issues a token to); `actor_username` names someone who is not (yet) signed in, e.g.
    the name typed in a failed sign-in. `changes` is {field: [before, after]} (see
    audit.changes.field_changes); ID numbers and phones anywhere in the entry's texts are masked
    before it is written."""
    if result not in AuditResult.values:
        raise ValueError(f"Unknown audit result {result!r}.")
    request = request if request is not None else current_request()
    if actor is None and actor_username is None:
        # A name given without an actor is someone not signed in (a failed sign-in): whoever the
        # request may be signed in as is not the one acting.
        user = getattr(request, "user", None) if request is not None else None
        actor = user if user is not None and user.is_authenticated else default_actor
    target_type, target_id = _target(target)
    username = actor_username if actor_username is not None else ""
    if actor is not None and actor_username is None:
        username = actor.get_username()
    meta = request.META if request is not None else {}
    entry = AuditEntry(
        actor_id=actor.pk if actor is not None else None,
        actor_username=scrub_text(username[:150]),
        ip_address=client_ip(request) if request is not None else None,
        user_agent=scrub_text(str(meta.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX_LENGTH]),
        action=action,
        target_type=target_type,
        target_id=target_id,
        changes=scrub(changes or {}),
        detail=scrub(detail or {}),
        result=result,
        reason=scrub_text(reason[:REASON_MAX_LENGTH]),
    )
    entry.save(force_insert=True)
    return entry


def audit_unmask(
    *,
    target: Target,
    fields: Sequence[str],
    purpose: str = "",
    result: str = AuditResult.OK,
    reason: str = "",
    request: HttpRequest | None = None,
    actor: Any = None,
) -> AuditEntry:
    """Record that plain personal data (`fields`, e.g. ["id_number"]) of `target` was shown, or,
    with result `refused` and a reason code, that someone asked and was not allowed. Call it
    before the value leaves the server, in the same transaction as the read."""
    return audit_record(
        action="personal_data.unmask",
        target=target,
        detail={"fields": sorted(fields), **({"purpose": purpose} if purpose else {})},
        result=result,
        reason=reason,
        request=request,
        actor=actor,
    )


def _error_codes(exc: ValidationFailed) -> str:
    codes = list(dict.fromkeys(error.code for error in exc.errors))
    return ",".join(codes)[:REASON_MAX_LENGTH]


def _record_outcome(action: str, target: Target, exc: BaseException) -> None:
    if getattr(exc, _RECORDED, False):
        return
    if connection.in_atomic_block and connection.needs_rollback:
        # An enclosing transaction is already doomed: whatever is written now rolls back with it.
        logger.warning("audit: %s not recorded, the enclosing transaction is rolling back", action)
        return
    if isinstance(exc, ValidationFailed):
        result, reason = AuditResult.REFUSED, _error_codes(exc)
        detail = {"errors": [{"field": e.field, "code": e.code} for e in exc.errors]}
    else:
        result, reason, detail = AuditResult.FAILED, type(exc).__name__, {}
    try:
        audit_record(action=action, target=target, result=result, reason=reason, detail=detail)
    except Exception:
        # Never hide the service's own exception behind a failure to record it.
        logger.exception("audit: could not record %s %s", result, action)
        return
    with contextlib.suppress(AttributeError):  # an exception type that takes no attributes
        setattr(exc, _RECORDED, True)


def audited(
    action: str, *, target: Callable[[dict[str, Any]], Target] | str | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Record a service's refusals and failures (see the module docstring). `target` names the
    keyword argument holding the object acted on, or maps the keyword arguments to it."""

    def target_of(kwargs: dict[str, Any]) -> Target:
        if target is None:
            return None
        if callable(target):
            return target(kwargs)
        value = kwargs.get(target)
        return value if isinstance(value, Model) else None

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return service(*args, **kwargs)
            except Exception as exc:
                _record_outcome(action, target_of(dict(kwargs)), exc)
                raise

        return wrapper

    return decorate

"""Delivery between districts through the platform: the only way data crosses a schema boundary.

A district sends a `Dispatch` (a feedback card, a relation transfer) to another district by code;
the recipient lists what was sent to it and answers (acknowledge, accept, refuse); the sender sees
the answer. The payload is built by the sending app and is all that crosses: the recipient never
reads the sender's schema, nor the sender the recipient's. Dispatches live in the public schema,
which is on every district's search path, so a send and the sender's own writes commit or roll
back together.

Every function works on behalf of the current district (tenants.context.current_district) and
refuses to touch a dispatch that district is not party to.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from backend.audit.context import request_context
from backend.common.validation import ValidationFailed
from tenants.context import current_district, in_district
from tenants.models import Dispatch, DispatchKind, DispatchState, District

ANSWERS = frozenset({DispatchState.ACKNOWLEDGED, DispatchState.ACCEPTED, DispatchState.REFUSED})


AnswerHandler = Callable[[Dispatch], None]
_answer_handlers: dict[str, AnswerHandler] = {}


def on_answer(kind: DispatchKind) -> Callable[[AnswerHandler], AnswerHandler]:
    """Register the sending app's handler for answers to `kind` (import it in AppConfig.ready).

    When the recipient answers, the platform runs the handler in the *sender's* district, in the
    same transaction as the answer: a transfer accepted in B leaves A in that commit, or neither
    happens. The handler sees only the dispatch, and runs without the recipient's request, so
    nothing it audits is attributed to a user of another district."""

    def register(handler: AnswerHandler) -> AnswerHandler:
        _answer_handlers[kind] = handler
        return handler

    return register


def _here() -> District:
    district = current_district()
    if district is None:
        raise RuntimeError("tenants.exchange works on behalf of a district: use in_district()")
    return district


def platform_district(code: str, *, field: str) -> District:
    """Another district of the platform by code; NOT_FOUND for an unknown code or this one."""
    here = _here()
    found = District.objects.serving().filter(code=code.strip()).exclude(pk=here.pk).first()
    if found is None:
        raise ValidationFailed.single(field, "NOT_FOUND", "平台上没有该区，或为本区。")
    return found


def district_directory() -> list[tuple[str, str]]:
    """(code, name) of every other district on the platform: what a sender may address."""
    here = _here()
    return list(
        District.objects.serving().exclude(pk=here.pk).order_by("code").values_list("code", "name")
    )


def dispatch_send(
    *, kind: DispatchKind, recipient: District, sender_ref: str, payload: dict[str, Any]
) -> Dispatch:
    """Deliver `payload` (JSON; personal data in it only as ciphertext, keyed hash or masked
    form) to `recipient`. Commits with the caller's transaction."""
    here = _here()
    if recipient.pk == here.pk:
        raise ValueError("a district does not dispatch to itself")
    return Dispatch.objects.create(
        kind=kind, sender=here, recipient=recipient, sender_ref=sender_ref, payload=payload
    )


def inbox(kind: DispatchKind, base: QuerySet[Dispatch] | None = None) -> QuerySet[Dispatch]:
    """What other districts sent to this one, newest first (`base`: a queryset to narrow, e.g. a
    GraphQL type's)."""
    base = Dispatch.objects.all() if base is None else base
    return base.filter(recipient=_here(), kind=kind).select_related("sender")


def sender_identity() -> tuple[str, str]:
    """This district's code and name, as a payload or a letter number names its sender."""
    here = _here()
    return here.code, here.name


def outbox(kind: DispatchKind) -> QuerySet[Dispatch]:
    """What this district sent, newest first."""
    return Dispatch.objects.filter(sender=_here(), kind=kind).select_related("recipient")


def _locked(dispatch_id: int, **side: Any) -> Dispatch:
    found = (
        Dispatch.objects.select_for_update()
        .select_related("sender", "recipient")
        .filter(pk=dispatch_id, **side)
        .first()
    )
    if found is None:
        raise ValidationFailed.single("id", "NOT_FOUND", "找不到该投递。")
    return found


@transaction.atomic
def dispatch_answer(
    *, dispatch_id: int, state: DispatchState, reply: dict[str, Any] | None = None
) -> Dispatch:
    """The recipient's answer (acknowledged, accepted or refused); a dispatch is answered once,
    and never after the sender withdrew it."""
    if state not in ANSWERS:
        raise ValueError(f"{state} is not an answer")
    dispatch = _locked(dispatch_id, recipient=_here())
    if dispatch.state != DispatchState.SENT:
        raise ValidationFailed.single(
            "id", "ALREADY_ANSWERED", f"该投递已{dispatch.get_state_display()}，不能再处理。"
        )
    dispatch.state = state
    dispatch.reply = reply or {}
    dispatch.answered_at = timezone.now()
    dispatch.save(update_fields=["state", "reply", "answered_at"])
    handler = _answer_handlers.get(dispatch.kind)
    if handler is not None:
        with request_context(None), in_district(dispatch.sender):
            handler(dispatch)
    return dispatch


@transaction.atomic
def dispatch_withdraw(*, dispatch_id: int, reason: str = "") -> Dispatch:
    """The sender takes back a dispatch the recipient has not answered yet."""
    dispatch = _locked(dispatch_id, sender=_here())
    if dispatch.state != DispatchState.SENT:
        raise ValidationFailed.single(
            "id", "ALREADY_ANSWERED", f"对方已{dispatch.get_state_display()}，不能撤回。"
        )
    dispatch.state = DispatchState.WITHDRAWN
    dispatch.reply = {"withdrawn_reason": reason}
    dispatch.answered_at = timezone.now()
    dispatch.save(update_fields=["state", "reply", "answered_at"])
    return dispatch


@transaction.atomic
def dispatch_payload_replace(*, dispatch_id: int, payload: dict[str, Any]) -> Dispatch:
    """The recipient replaces the payload of a dispatch it has answered, e.g. to drop the
    ciphertexts of a transfer once the member is on its own roll."""
    dispatch = _locked(dispatch_id, recipient=_here())
    dispatch.payload = payload
    dispatch.save(update_fields=["payload"])
    return dispatch

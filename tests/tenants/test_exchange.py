"""The platform's delivery between districts: a dispatch is visible to its two districts only, is
answered once by its recipient, and the sender's answer handler runs in the sender's schema in the
same transaction as the answer."""

from typing import Any

import pytest
from django.db import connection, transaction

from backend.audit.context import current_request
from backend.common.validation import ValidationFailed
from tenants import exchange
from tenants.context import current_district, in_district, in_platform
from tenants.exchange import (
    dispatch_answer,
    dispatch_send,
    dispatch_withdraw,
    district_directory,
    inbox,
    outbox,
    platform_district,
)
from tenants.models import Dispatch, DispatchKind, DispatchState

pytestmark = pytest.mark.django_db

KIND = DispatchKind.FEEDBACK_CARD


def _send_alpha_to_beta(payload: dict[str, Any] | None = None) -> Dispatch:
    with in_district("alpha"):
        return dispatch_send(
            kind=KIND,
            recipient=platform_district("beta", field="district"),
            sender_ref="ref-1",
            payload=payload or {"rating": "excellent"},
        )


def _codes(error: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [e.code for e in error.value.errors]


def test_only_other_serving_districts_are_addressable() -> None:
    with in_district("alpha"):
        codes = [code for code, _ in district_directory()]
        # Other tests may have provisioned districts of their own; never this one or the template.
        assert "beta" in codes
        assert "alpha" not in codes
        assert not {"public", "district_template"} & set(codes)
        for code in ("alpha", "nowhere", "public", ""):
            with pytest.raises(ValidationFailed) as error:
                platform_district(code, field="district")
            assert _codes(error) == ["NOT_FOUND"]


def test_exchange_refuses_to_work_outside_a_district() -> None:
    with in_platform(), pytest.raises(RuntimeError):
        inbox(KIND)


def test_a_dispatch_is_seen_by_its_two_districts_only() -> None:
    # Other tests' committed dispatches may be there too: look for this one.
    sent = _send_alpha_to_beta()
    with in_district("beta"):
        assert inbox(KIND).filter(pk=sent.pk).get() == sent
        assert not outbox(KIND).filter(pk=sent.pk).exists()
        assert not inbox(DispatchKind.RELATION_TRANSFER).filter(pk=sent.pk).exists()
    with in_district("alpha"):
        assert outbox(KIND).filter(pk=sent.pk).get() == sent
        assert not inbox(KIND).filter(pk=sent.pk).exists()


def test_only_the_recipient_answers_and_only_once() -> None:
    sent = _send_alpha_to_beta()
    with in_district("alpha"), pytest.raises(ValidationFailed) as error:
        dispatch_answer(dispatch_id=sent.pk, state=DispatchState.ACKNOWLEDGED)
    assert _codes(error) == ["NOT_FOUND"]
    with in_district("beta"):
        answered = dispatch_answer(dispatch_id=sent.pk, state=DispatchState.ACKNOWLEDGED)
        assert answered.state == DispatchState.ACKNOWLEDGED
        assert answered.answered_at
        with pytest.raises(ValidationFailed) as error:
            dispatch_answer(dispatch_id=sent.pk, state=DispatchState.REFUSED)
        assert _codes(error) == ["ALREADY_ANSWERED"]
        with pytest.raises(ValueError, match="not an answer"):
            dispatch_answer(dispatch_id=sent.pk, state=DispatchState.WITHDRAWN)


def test_only_the_sender_withdraws_and_not_after_an_answer() -> None:
    sent = _send_alpha_to_beta()
    with in_district("beta"), pytest.raises(ValidationFailed) as error:
        dispatch_withdraw(dispatch_id=sent.pk)
    assert _codes(error) == ["NOT_FOUND"]
    with in_district("alpha"):
        assert dispatch_withdraw(dispatch_id=sent.pk, reason="错发").state == "withdrawn"
    with in_district("beta"), pytest.raises(ValidationFailed) as error:
        dispatch_answer(dispatch_id=sent.pk, state=DispatchState.ACKNOWLEDGED)
    assert _codes(error) == ["ALREADY_ANSWERED"]


def test_the_answer_handler_runs_in_the_senders_district_without_the_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[str | None, str, bool]] = []

    def handler(dispatch: Dispatch) -> None:
        district = current_district()
        seen.append((district and district.code, dispatch.state, current_request() is None))

    monkeypatch.setitem(exchange._answer_handlers, KIND, handler)
    sent = _send_alpha_to_beta()
    with in_district("beta"):
        dispatch_answer(dispatch_id=sent.pk, state=DispatchState.ACCEPTED, reply={"ok": 1})
        assert current_district().code == "beta"  # type: ignore[union-attr]
    assert seen == [("alpha", "accepted", True)]


def test_a_failing_handler_undoes_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(dispatch: Dispatch) -> None:
        raise RuntimeError("sender could not apply the answer")

    monkeypatch.setitem(exchange._answer_handlers, KIND, handler)
    sent = _send_alpha_to_beta()
    with in_district("beta"), pytest.raises(RuntimeError), transaction.atomic():
        dispatch_answer(dispatch_id=sent.pk, state=DispatchState.ACCEPTED)
    sent.refresh_from_db()
    assert sent.state == DispatchState.SENT
    assert sent.answered_at is None
    assert connection.schema_name == "public"  # type: ignore[attr-defined]

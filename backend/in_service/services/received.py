"""Feedback cards other districts of the platform sent here: signing for one answers the dispatch
(tenants.exchange), and the sending district sees it acknowledged."""

from django.db import transaction

from backend.audit.services import audit_record, audited
from tenants.exchange import dispatch_answer
from tenants.models import Dispatch, DispatchState


@audited("in_service.platform_feedback.acknowledge")
@transaction.atomic
def platform_feedback_acknowledge(*, dispatch: Dispatch) -> Dispatch:
    # Nothing of ours goes back in the reply: the sender learns only that it was signed for.
    answered = dispatch_answer(dispatch_id=dispatch.pk, state=DispatchState.ACKNOWLEDGED)
    audit_record(
        action="in_service.platform_feedback.acknowledge",
        target=("Dispatch", answered.pk),
        detail={"from_district": answered.sender.code},
    )
    return answered

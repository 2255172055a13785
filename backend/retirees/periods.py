"""Checks shared by the dated records of this app (periods that start, end and must not overlap)."""

from datetime import date

from django.db.models import Q

from backend.common.periods import not_in_future
from backend.common.validation import FieldError
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS


def in_subtree(path: str, root: str) -> bool:
    return path == root or path.startswith(root + ".")


def community_of(org: PartyOrg) -> PartyOrg | None:
    """The nearest community (社区党委/总支) at or above `org`."""
    return (
        PartyOrg.objects.filter(path__ancestor_of=org.path, kind__in=COMMUNITY_KINDS)
        .order_by("-depth")
        .first()
    )


def end_errors(field: str, end: date, start: date, already_ended: bool) -> list[FieldError]:
    if already_ended:
        return [FieldError("id", "ALREADY_ENDED", "该记录已经结束。")]
    if end < start:
        return [FieldError(field, "END_BEFORE_START", "结束日期不能早于开始日期。")]
    return not_in_future(field, end)


def overlapping(start_field: str, end_field: str, start: date) -> Q:
    """Rows whose period meets an open-ended period beginning on `start`."""
    return Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": start})

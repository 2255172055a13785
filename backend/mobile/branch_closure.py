"""Closing a temporary branch (临时党支部撤销) and what happens to its members, in one transaction:

1. every assignment to the branch or its party groups that runs on the closing day ends that day
   (reason "branch closed");
2. optionally, those members are assigned to another party group or temporary branch from the
   same day;
3. members whose organisational relation is held by the branch itself move to `relation_to`
   (required when there are any) through transfers.services.relation_move, so the move has its
   history like any other;
4. the branch's end date (and that of its party groups, if later) becomes the closing day.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from backend.audit.services import audit_record, audited
from backend.common.validation import FieldError, ValidationFailed
from backend.members.models import Member
from backend.mobile.models import AssignmentEndReason, MobileAssignment, MobileMemberProfile
from backend.mobile.services import assignable_org_errors, assignment_create
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.services import org_update
from backend.transfers.services import receiving_org_errors, relation_move

RELATION_REASON = "temporary_branch_closed"
T = TypeVar("T")


@dataclass(frozen=True)
class BranchClosure:
    branch: PartyOrg
    ended: int
    reassigned: int
    relations_moved: int


def _as(field_name: str, action: Callable[[], T], keep: dict[str, str] | None = None) -> T:
    """Run a nested service; its errors are reported on this mutation's own input field."""
    try:
        return action()
    except ValidationFailed as exc:
        keep = keep or {}
        raise ValidationFailed(
            [FieldError(keep.get(e.field, field_name), e.code, e.message) for e in exc.errors]
        ) from None


def _in(org: PartyOrg, branch: PartyOrg) -> bool:
    return org.path == branch.path or str(org.path).startswith(f"{branch.path}.")


def _branch_errors(branch: PartyOrg, closed_on: date) -> list[FieldError]:
    if branch.kind != PartyOrgKind.TEMPORARY_BRANCH:
        return [FieldError("orgId", "INVALID_ORG_KIND", "只能撤销临时党支部。")]
    if closed_on > date.today():
        return [FieldError("closedOn", "IN_FUTURE", "撤销日期不能晚于今天。")]
    if branch.established_on is not None and closed_on < branch.established_on:
        return [FieldError("closedOn", "BEFORE_ESTABLISHED", "撤销日期不能早于成立日期。")]
    if branch.end_date is not None and closed_on > branch.end_date:
        return [FieldError("orgId", "BRANCH_CLOSED", f"该临时党支部已于 {branch.end_date} 撤销。")]
    return []


def _target_errors(
    branch: PartyOrg,
    closed_on: date,
    reassign_to: PartyOrg | None,
    relation_to: PartyOrg | None,
    holds_relations: bool,
) -> list[FieldError]:
    errors: list[FieldError] = []
    if reassign_to is not None:
        if _in(reassign_to, branch):
            errors.append(FieldError("reassignTo", "CLOSING", "不能编入正在撤销的组织。"))
        else:
            errors += assignable_org_errors(reassign_to, closed_on, "reassignTo")
    if relation_to is None:
        if holds_relations:
            errors.append(
                FieldError(
                    "relationTo",
                    "RELATION_TARGET_REQUIRED",
                    "该临时党支部有党员的组织关系，请选择转入的党组织。",
                )
            )
    elif _in(relation_to, branch):
        errors.append(FieldError("relationTo", "CLOSING", "不能转入正在撤销的组织。"))
    else:
        errors += receiving_org_errors(relation_to, field="relationTo")
    return errors


@audited("temporary_branch.close", target="branch")
@transaction.atomic
def temporary_branch_close(
    *,
    branch: PartyOrg,
    closed_on: date,
    reassign_to: PartyOrg | None = None,
    relation_to: PartyOrg | None = None,
) -> BranchClosure:
    branch = PartyOrg.objects.select_for_update().get(pk=branch.pk)
    errors = _branch_errors(branch, closed_on)
    if errors:
        raise ValidationFailed(errors)
    closing = PartyOrg.objects.filter(path__descendant_of=branch.path)
    assignments = MobileAssignment.objects.filter(org__in=closing)
    relation_members = list(Member.objects.filter(org=branch).order_by("pk"))
    errors = _target_errors(branch, closed_on, reassign_to, relation_to, bool(relation_members))
    if assignments.filter(start_date__gt=closed_on).exists():
        errors.append(
            FieldError(
                "closedOn", "ASSIGNMENTS_AFTER_CLOSING", "有党员在撤销日期之后才编入该支部。"
            )
        )
    if errors:
        raise ValidationFailed(errors)

    running = assignments.filter(Q(end_date__isnull=True) | Q(end_date__gt=closed_on))
    # Lock the members' profiles first: assignment writes for one member run one at a time.
    list(
        MobileMemberProfile.objects.select_for_update()
        .filter(assignments__in=running)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ended = list(running.select_for_update().select_related("profile").order_by("pk"))
    now = timezone.now()
    for assignment in ended:
        assignment.end_date, assignment.end_reason = closed_on, AssignmentEndReason.BRANCH_CLOSED
        assignment.updated_at = now  # bulk_update does not touch auto_now fields
    MobileAssignment.objects.bulk_update(ended, ["end_date", "end_reason", "updated_at"])

    reassigned = 0
    if reassign_to is not None:
        for assignment in ended:
            _as(
                "reassignTo",
                lambda a=assignment: assignment_create(  # type: ignore[misc]
                    profile=a.profile,
                    org=reassign_to,
                    start_date=closed_on,
                    note=f"{branch.name}撤销后调整"[:200],
                ),
            )
            reassigned += 1

    for member in relation_members:
        assert relation_to is not None  # checked above
        _as(
            "relationTo",
            lambda m=member: relation_move(  # type: ignore[misc]
                member=m,
                to_org=relation_to,
                reason=RELATION_REASON,
                on=closed_on,
                note=f"{branch.name}撤销",
            ),
            keep={"movedOn": "closedOn"},
        )

    for org in closing.order_by("-depth"):
        if org.end_date is None or org.end_date > closed_on:
            _as("closedOn", lambda o=org: org_update(org=o, end_date=closed_on))  # type: ignore[misc]
    branch.refresh_from_db()

    summary = BranchClosure(
        branch=branch,
        ended=len(ended),
        reassigned=reassigned,
        relations_moved=len(relation_members),
    )
    audit_record(
        action="temporary_branch.close",
        target=branch,
        detail={
            "closed_on": closed_on.isoformat(),
            "ended_assignments": [a.pk for a in ended],
            "reassigned_to": reassign_to.pk if reassign_to is not None else None,
            "relations_moved": [m.pk for m in relation_members],
            "relation_to": relation_to.pk if relation_to is not None else None,
        },
    )
    return summary

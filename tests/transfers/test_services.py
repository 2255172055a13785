"""组织关系转接 services, in-process (rolled back): within the district, outside the platform, and
between alpha and beta through the platform's dispatches."""

from datetime import date, timedelta
from typing import Any

import pytest

from backend.audit.models import AuditEntry
from backend.common.validation import ValidationFailed
from backend.members.models import Member
from backend.members.personal_data import id_number_hash
from backend.members.services import MemberData, member_create
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.transfers import exchange, selectors, services
from backend.transfers.models import (
    RelationChange,
    RelationTransfer,
    TransferReason,
    TransferScope,
    TransferState,
    TransferStatus,
)
from tenants.context import in_district
from tenants.models import Dispatch, DispatchState
from tests.transfers.helpers import Tree, build_tree, code, new_member, next_id_number

pytestmark = pytest.mark.usefixtures("in_alpha")

TODAY = date.today()
JOB = TransferReason.JOB_CHANGE


@pytest.fixture
def tree() -> Tree:
    return build_tree()


def _codes(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return {e.code for e in exc.value.errors}


def _beta_org() -> PartyOrg:
    root = PartyOrg.objects.get(parent__isnull=True)
    street = org_create(code=code(), name="接收街道", kind="street_working_committee", parent=root)
    return org_create(code=code(), name="接收社区", kind="community_committee", parent=street)


# --- within the district -------------------------------------------------------------------


def test_relation_move_moves_and_records(tree: Tree) -> None:
    member = new_member(tree.branch)
    change = services.relation_move(
        member=member, to_org=tree.other_branch, reason=JOB, on=TODAY, note="调往二街道"
    )
    member.refresh_from_db()
    assert member.org == tree.other_branch
    assert (change.from_org, change.to_org) == (tree.branch, tree.other_branch)
    assert (change.from_org_name, change.to_org_code) == (tree.branch.name, tree.other_branch.code)
    transfer = change.transfer
    assert transfer is not None
    assert (transfer.scope, transfer.status) == (TransferScope.WITHIN, TransferStatus.COMPLETED)
    assert transfer.letter_number.startswith(f"ALPHA-{TODAY.year}-")
    assert AuditEntry.objects.filter(action="relation.move", target_id=member.pk).exists()


def test_letter_numbers_count_up(tree: Tree) -> None:
    a, b = new_member(tree.branch), new_member(tree.branch)
    first = services.relation_move(member=a, to_org=tree.community, reason=JOB, on=TODAY)
    second = services.relation_move(member=b, to_org=tree.community, reason=JOB, on=TODAY)
    assert first.transfer
    assert second.transfer
    serial = int(first.transfer.letter_number.rsplit("-", 1)[1])
    assert second.transfer.letter_number.endswith(f"-{serial + 1:05d}")


@pytest.mark.parametrize(
    ("target", "overrides", "field", "error"),
    [
        ("group", {}, "toOrgId", "INVALID_ORG_KIND"),
        ("branch", {}, "toOrgId", "SAME_ORG"),
        ("other_branch", {"on": TODAY + timedelta(days=1)}, "movedOn", "IN_FUTURE"),
        ("other_branch", {"reason": "bogus"}, "reason", "INVALID"),
        ("other_branch", {"note": "长" * 501}, "note", "TOO_LONG"),
    ],
)
def test_relation_move_refuses_bad_input(
    tree: Tree, target: str, overrides: dict[str, Any], field: str, error: str
) -> None:
    member = new_member(tree.branch)
    kwargs: dict[str, Any] = {"reason": JOB, "on": TODAY, **overrides}
    with pytest.raises(ValidationFailed) as exc:
        services.relation_move(member=member, to_org=getattr(tree, target), **kwargs)
    assert (field, error) in {(e.field, e.code) for e in exc.value.errors}
    member.refresh_from_db()
    assert member.org == tree.branch
    assert not RelationChange.objects.filter(member=member).exists()
    assert not RelationTransfer.objects.filter(member=member).exists()


def test_relation_move_refuses_closed_org_and_dates_before_the_last_move(tree: Tree) -> None:
    member = new_member(tree.branch)
    services.relation_move(member=member, to_org=tree.community, reason=JOB, on=TODAY)
    with pytest.raises(ValidationFailed) as exc:
        services.relation_move(
            member=member, to_org=tree.branch, reason=JOB, on=TODAY - timedelta(days=3)
        )
    assert _codes(exc) == {"BEFORE_LAST_CHANGE"}
    closed = org_create(
        code=code(),
        name="已撤销临时支部",
        kind="temporary_branch",
        parent=tree.street,
        end_date=TODAY - timedelta(days=1),
    )
    with pytest.raises(ValidationFailed) as exc:
        services.relation_move(member=member, to_org=closed, reason=JOB, on=TODAY)
    assert _codes(exc) == {"ORG_CLOSED"}


def test_member_rules_apply_to_a_move(tree: Tree) -> None:
    """Moving through members.services: an in-service member's residence stays valid, etc."""
    member = new_member(tree.branch)
    services.relation_move(
        member=member,
        to_org=tree.other_branch,
        reason=TransferReason.TEMPORARY_BRANCH_CLOSED,
        on=TODAY,
    )
    assert AuditEntry.objects.filter(action="member.update", target_id=member.pk).exists()


def test_pending_transfer_is_accepted_by_the_receiving_org(tree: Tree) -> None:
    member = new_member(tree.branch)
    transfer = services.relation_transfer_request(
        member=member, to_org=tree.other_branch, reason=TransferReason.RELOCATION, on=TODAY
    )
    assert transfer.status == TransferStatus.PENDING
    assert transfer.valid_until == TODAY + timedelta(days=90)
    member.refresh_from_db()
    assert member.org == tree.branch  # nothing moves until the receiving org accepts
    # While it is pending, the member cannot be transferred again.
    for attempt in (
        lambda: services.relation_move(member=member, to_org=tree.community, reason=JOB, on=TODAY),
        lambda: services.relation_transfer_request(
            member=member, to_org=tree.community, reason=JOB, on=TODAY
        ),
        lambda: services.transfer_out_outside(member=member, org_name="外省", reason=JOB, on=TODAY),
        lambda: exchange.transfer_out_between(
            member=member, district_code="beta", reason=JOB, on=TODAY
        ),
    ):
        with pytest.raises(ValidationFailed) as exc:
            attempt()
        assert "TRANSFER_PENDING" in _codes(exc)
    services.relation_transfer_accept(transfer=transfer)
    transfer.refresh_from_db()
    member.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED
    assert member.org == tree.other_branch
    change = RelationChange.objects.get(member=member)
    assert change.transfer == transfer
    with pytest.raises(ValidationFailed) as exc:
        services.relation_transfer_accept(transfer=transfer)
    assert _codes(exc) == {"NOT_PENDING"}


def test_refused_and_withdrawn_transfers_leave_the_member(tree: Tree) -> None:
    member = new_member(tree.branch)
    transfer = services.relation_transfer_request(
        member=member, to_org=tree.other_branch, reason=JOB, on=TODAY
    )
    with pytest.raises(ValidationFailed) as exc:
        services.relation_transfer_refuse(transfer=transfer, reason="  ")
    assert _codes(exc) == {"REQUIRED"}
    services.relation_transfer_refuse(transfer=transfer, reason="非本支部辖区")
    transfer.refresh_from_db()
    assert (transfer.status, transfer.refused_reason) == (TransferStatus.REFUSED, "非本支部辖区")
    again = services.relation_transfer_request(
        member=member, to_org=tree.other_branch, reason=JOB, on=TODAY
    )
    services.relation_transfer_withdraw(transfer=again, reason="填错了")
    again.refresh_from_db()
    assert again.status == TransferStatus.WITHDRAWN
    member.refresh_from_db()
    assert member.org == tree.branch
    assert not RelationChange.objects.filter(member=member).exists()


def test_expired_transfer_cannot_be_accepted(tree: Tree) -> None:
    member = new_member(tree.branch)
    transfer = services.relation_transfer_request(
        member=member,
        to_org=tree.other_branch,
        reason=JOB,
        on=TODAY - timedelta(days=10),
        valid_days=5,
    )
    assert transfer.effective_status() == TransferState.EXPIRED
    with pytest.raises(ValidationFailed) as exc:
        services.relation_transfer_accept(transfer=transfer)
    assert _codes(exc) == {"EXPIRED"}
    # The sender may still withdraw it, to send a new one.
    services.relation_transfer_withdraw(transfer=transfer)


# --- outside the platform ------------------------------------------------------------------


def test_transfer_out_outside_removes_the_member_and_keeps_the_record(tree: Tree) -> None:
    member = new_member(tree.branch, name="外转党员")
    services.relation_move(member=member, to_org=tree.other_branch, reason=JOB, on=TODAY)
    hash_ = member.id_number_hash
    transfer = services.transfer_out_outside(
        member=member,
        org_name="某省某市某党支部",
        reason=TransferReason.RELOCATION,
        on=TODAY,
        letter_number="外-2026-7",
    )
    assert not Member.objects.filter(pk=member.pk).exists()
    transfer.refresh_from_db()
    assert transfer.member is None
    assert (transfer.member_name, transfer.member_id_number_hash) == ("外转党员", hash_)
    assert (transfer.to_org_name, transfer.status) == ("某省某市某党支部", TransferStatus.COMPLETED)
    assert transfer.letter_number == "外-2026-7"
    # The within-district move before it keeps its snapshot too.
    assert RelationTransfer.objects.filter(member_id_number_hash=hash_).count() == 2


def test_transfer_out_outside_needs_an_org_name(tree: Tree) -> None:
    member = new_member(tree.branch)
    with pytest.raises(ValidationFailed) as exc:
        services.transfer_out_outside(member=member, org_name=" ", reason=JOB, on=TODAY)
    assert _codes(exc) == {"REQUIRED"}
    assert Member.objects.filter(pk=member.pk).exists()


def _outside_data(org: PartyOrg, id_number: str) -> MemberData:
    return MemberData(
        name="外来党员",
        id_number=id_number,
        education="college",
        joined_on=date(2001, 7, 1),
        status="full",
        category="community",
        org=org,
    )


def test_receive_from_outside_creates_the_member_with_history(tree: Tree) -> None:
    transfer = services.receive_from_outside(
        data=_outside_data(tree.branch, next_id_number()),
        from_org_name="外省某支部",
        letter_number="外省-001",
        reason=TransferReason.RELOCATION,
        on=TODAY,
    )
    assert transfer.member is not None
    assert (transfer.scope, transfer.direction) == (TransferScope.OUTSIDE, "in")
    change = RelationChange.objects.get(member=transfer.member)
    assert (change.from_org_name, change.to_org) == ("外省某支部", tree.branch)


def test_receive_from_outside_refuses_a_duplicate_and_writes_nothing(tree: Tree) -> None:
    existing = new_member(tree.branch)
    before = RelationTransfer.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.receive_from_outside(
            data=_outside_data(tree.branch, existing.id_number),
            from_org_name="外省某支部",
            letter_number="外省-002",
            reason=JOB,
            on=TODAY,
        )
    assert _codes(exc) == {"DUPLICATE"}
    assert RelationTransfer.objects.count() == before
    with pytest.raises(ValidationFailed) as exc:
        services.receive_from_outside(
            data=_outside_data(tree.group, next_id_number()),
            from_org_name="",
            letter_number="",
            reason=JOB,
            on=TODAY,
        )
    assert _codes(exc) == {"REQUIRED", "INVALID_ORG_KIND"}


def test_deleting_a_member_keeps_transfers_and_drops_history(tree: Tree) -> None:
    member = new_member(tree.branch)
    change = services.relation_move(member=member, to_org=tree.other_branch, reason=JOB, on=TODAY)
    member.delete()
    assert not RelationChange.objects.filter(pk=change.pk).exists()
    assert change.transfer is not None
    kept = RelationTransfer.objects.get(pk=change.transfer.pk)
    assert kept.member is None
    assert kept.member_name == "转接党员"


# --- between districts ---------------------------------------------------------------------


def _send(member: Member, **kwargs: Any) -> RelationTransfer:
    values: dict[str, Any] = {"district_code": "beta", "reason": JOB, "on": TODAY, **kwargs}
    return exchange.transfer_out_between(member=member, **values)


def test_cross_district_accept_moves_the_member(tree: Tree) -> None:
    member = new_member(tree.branch, name="跨区党员")
    services.relation_move(member=member, to_org=tree.other_branch, reason=JOB, on=TODAY)
    hash_ = member.id_number_hash
    transfer = _send(member, requested_org_code="beta-s1-c1", note="随迁")
    dispatch = Dispatch.objects.get(pk=transfer.dispatch_id or 0)
    person = dispatch.payload["member"]
    assert person["id_number_encrypted"] == member.id_number_encrypted
    assert "id_number" not in person
    assert member.id_number not in str(dispatch.payload)
    assert dispatch.payload["history"][0]["to_org_name"] == tree.other_branch.name
    with in_district("beta"):
        assert exchange.incoming_transfers().filter(pk=dispatch.pk).exists()
        org = _beta_org()
        received = exchange.accept_incoming(dispatch_id=dispatch.pk, to_org=org)
        arrived = Member.objects.get(id_number_hash=hash_)
        assert received.member == arrived
        assert arrived.org == org
        assert arrived.phone == "13900001111"
        history = list(RelationChange.objects.filter(member=arrived).order_by("date", "id"))
        assert [c.carried for c in history] == [True, False]
        assert history[0].to_org_name == tree.other_branch.name
        assert history[1].from_district_name == "alpha区"
        assert history[1].to_org == org
    assert not Member.objects.filter(id_number_hash=hash_).exists()
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED
    assert transfer.to_org_name == org.name
    assert transfer.member is None
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.ACCEPTED
    assert "id_number_encrypted" not in dispatch.payload["member"]
    assert "phone_encrypted" not in dispatch.payload["member"]


def test_cross_district_refuse_leaves_alpha_unchanged(tree: Tree) -> None:
    member = new_member(tree.branch)
    transfer = _send(member)
    with in_district("beta"):
        with pytest.raises(ValidationFailed) as exc:
            exchange.refuse_incoming(dispatch_id=transfer.dispatch_id or 0, reason="")
        assert _codes(exc) == {"REQUIRED"}
        refused = exchange.refuse_incoming(
            dispatch_id=transfer.dispatch_id or 0, reason="查无此单位"
        )
        assert refused.member is None
        assert refused.status == TransferStatus.REFUSED
        assert not Member.objects.filter(id_number_hash=member.id_number_hash).exists()
    transfer.refresh_from_db()
    assert (transfer.status, transfer.refused_reason) == (TransferStatus.REFUSED, "查无此单位")
    member.refresh_from_db()
    assert member.org == tree.branch


def test_cross_district_duplicate_changes_nothing(tree: Tree) -> None:
    member = new_member(tree.branch)
    transfer = _send(member)
    with in_district("beta"):
        org = _beta_org()
        member_create(data=_outside_data(org, member.id_number))
        changes_before = RelationChange.objects.count()
        with pytest.raises(ValidationFailed) as exc:
            exchange.accept_incoming(dispatch_id=transfer.dispatch_id or 0, to_org=org)
        assert _codes(exc) == {"DUPLICATE"}
        assert Member.objects.filter(id_number_hash=member.id_number_hash).count() == 1
        assert RelationChange.objects.count() == changes_before
        assert not RelationTransfer.objects.filter(dispatch_id=transfer.dispatch_id).exists()
    assert Member.objects.filter(pk=member.pk).exists()
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING
    assert Dispatch.objects.get(pk=transfer.dispatch_id or 0).state == DispatchState.SENT


def test_cross_district_withdraw_and_expiry(tree: Tree) -> None:
    member = new_member(tree.branch)
    transfer = _send(member)
    services.relation_transfer_withdraw(transfer=transfer, reason="对方不接收")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.WITHDRAWN
    with in_district("beta"):
        with pytest.raises(ValidationFailed) as exc:
            exchange.accept_incoming(dispatch_id=transfer.dispatch_id or 0, to_org=_beta_org())
        assert _codes(exc) == {"WITHDRAWN"}
    late = _send(member, on=TODAY - timedelta(days=20), valid_days=10)
    with in_district("beta"):
        with pytest.raises(ValidationFailed) as exc:
            exchange.accept_incoming(dispatch_id=late.dispatch_id or 0, to_org=_beta_org())
        assert _codes(exc) == {"EXPIRED"}
    assert late.effective_status() == TransferState.EXPIRED


@pytest.mark.parametrize(
    ("district_code", "error"), [("", "REQUIRED"), ("alpha", "NOT_FOUND"), ("nowhere", "NOT_FOUND")]
)
def test_cross_district_needs_another_district(tree: Tree, district_code: str, error: str) -> None:
    member = new_member(tree.branch)
    with pytest.raises(ValidationFailed) as exc:
        _send(member, district_code=district_code)
    assert _codes(exc) == {error}
    assert not Dispatch.objects.filter(
        payload__member__id_number_hash=member.id_number_hash
    ).exists()


def test_only_the_recipient_sees_an_incoming_transfer(tree: Tree) -> None:
    member = new_member(tree.branch)
    transfer = _send(member)
    assert not exchange.incoming_transfers().filter(pk=transfer.dispatch_id or 0).exists()
    with pytest.raises(ValidationFailed) as exc:
        exchange.accept_incoming(dispatch_id=transfer.dispatch_id or 0, to_org=tree.community)
    assert _codes(exc) == {"NOT_FOUND"}
    assert id_number_hash(member.id_number) == member.id_number_hash


def test_list_filters_by_shown_status_and_subtree(tree: Tree) -> None:
    fresh = services.relation_transfer_request(
        member=new_member(tree.branch), to_org=tree.other_branch, reason=JOB, on=TODAY
    )
    old = services.relation_transfer_request(
        member=new_member(tree.branch),
        to_org=tree.other_branch,
        reason=JOB,
        on=TODAY - timedelta(days=10),
        valid_days=5,
    )
    pending = set(selectors.transfer_list(state=TransferState.PENDING, within=tree.street))
    expired = set(selectors.transfer_list(state=TransferState.EXPIRED, within=tree.street))
    assert (fresh in pending, old in pending) == (True, False)
    assert (fresh in expired, old in expired) == (False, True)
    # Both orgs count for `within`: the receiving street sees them too; others do not.
    assert set(selectors.transfer_list(within=tree.other_street)) == {fresh, old}
    assert set(selectors.transfer_list(search=old.letter_number)) == {old}
    assert not selectors.transfer_list(within=tree.group).exists()

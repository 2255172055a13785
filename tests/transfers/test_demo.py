"""The transfers demo on a generated tiny district, and between two of them."""

import random
from datetime import date

import pytest

from backend.demo.generator import SIZES, generate_district
from backend.members.models import Member
from backend.orgs.rules import HOLDS_NO_MEMBERS
from backend.transfers import demo
from backend.transfers.models import (
    RelationChange,
    RelationTransfer,
    TransferScope,
    TransferStatus,
)
from tenants.context import in_district
from tenants.models import Dispatch, DispatchKind, DispatchState, Municipality
from tenants.provisioning import district_create

pytestmark = pytest.mark.django_db

TODAY = date.today()


def _district(code: str, region: str, seed: int) -> str:
    district_create(
        municipality=Municipality.objects.get(code="testcity"),
        code=code,
        name=f"{code}区",
        admin_username="admin",
        admin_password="Demo-test-2024",
    )
    with in_district(code):
        generate_district(
            seed=seed, size=SIZES["tiny"], district_name=f"{code}区", region_code=region
        )
    return code


def test_populate_writes_a_consistent_history() -> None:
    code = _district("xferdemo", "330212", 7)
    with in_district(code):
        members_before = Member.objects.count()
        created = demo.populate(random.Random(5), TODAY)
        assert created["relation_transfers"] == RelationTransfer.objects.count() > 0
        assert created["relation_changes"] == RelationChange.objects.count() > 0
        assert created["relation_transfers_pending"] >= 1
        assert Member.objects.count() == members_before
        for change in RelationChange.objects.select_related("member", "to_org", "transfer"):
            assert change.to_org is not None
            assert change.to_org.kind not in HOLDS_NO_MEMBERS
            assert change.date <= TODAY
            assert change.transfer is not None
            assert change.transfer.status == TransferStatus.COMPLETED
        # Each moved member's org is where their last move took them.
        for member in Member.objects.filter(relation_changes__isnull=False).distinct():
            last = RelationChange.objects.filter(member=member).order_by("-date", "-id").first()
            assert last is not None
            assert member.org_id == last.to_org_id
        letters = list(RelationTransfer.objects.values_list("letter_number", flat=True))
        assert len(set(letters)) == len(letters)
        pending = RelationTransfer.objects.filter(status=TransferStatus.PENDING)
        assert all(t.member is not None and t.member.org_id == t.from_org_id for t in pending)


def test_populate_between_two_districts() -> None:
    sender = _district("xfersend", "330212", 7)
    recipient = _district("xferrecv", "330106", 8)
    created = demo.populate_between(random.Random(3), TODAY, sender, recipient)
    assert created["relation_transfers_between_sent"] == 5
    assert created["relation_transfers_between_accepted"] == 3
    assert created["relation_transfers_between_refused"] == 1
    states = list(
        Dispatch.objects.filter(
            kind=DispatchKind.RELATION_TRANSFER, sender__code=sender
        ).values_list("state", flat=True)
    )
    assert sorted(states) == sorted(
        [DispatchState.ACCEPTED] * 3 + [DispatchState.REFUSED, DispatchState.SENT]
    )
    with in_district(sender):
        out = RelationTransfer.objects.filter(scope=TransferScope.BETWEEN)
        assert out.filter(status=TransferStatus.ACCEPTED, member__isnull=True).count() == 3
        accepted_hashes = set(
            out.filter(status=TransferStatus.ACCEPTED).values_list(
                "member_id_number_hash", flat=True
            )
        )
        assert not Member.objects.filter(id_number_hash__in=accepted_hashes).exists()
    with in_district(recipient):
        assert Member.objects.filter(id_number_hash__in=accepted_hashes).count() == 3
        assert RelationTransfer.objects.filter(direction="in").count() == 4

"""Orgs and members of this app's tests: a street of its own under the district root, members
with ID numbers of region 130101 that no other test uses."""

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.services import MemberData, member_create
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create

REGION = "130101"
_serial = itertools.count()


def next_id_number() -> str:
    """A fresh checksum-valid number (unique within the test session)."""
    n = next(_serial)
    return make_id_number(REGION, date(1960, 1, 1) + timedelta(days=n), 100 + n % 800)


def code() -> str:
    return f"xfer-{uuid.uuid4().hex[:10]}"


@dataclass(frozen=True)
class Tree:
    street: PartyOrg
    community: PartyOrg
    branch: PartyOrg
    group: PartyOrg
    other_street: PartyOrg
    other_community: PartyOrg
    other_branch: PartyOrg


def build_tree() -> Tree:
    """Two streets of this app's own, each with a community and a branch (in the current district)."""
    root = PartyOrg.objects.get(parent__isnull=True)
    street = org_create(code=code(), name="转接街道", kind="street_working_committee", parent=root)
    community = org_create(code=code(), name="转接社区", kind="community_committee", parent=street)
    branch = org_create(code=code(), name="转接小区支部", kind="compound_branch", parent=community)
    group = org_create(code=code(), name="转接党小组", kind="party_group", parent=branch)
    other_street = org_create(
        code=code(), name="转接二街道", kind="street_working_committee", parent=root
    )
    other_community = org_create(
        code=code(), name="转接二社区", kind="community_committee", parent=other_street
    )
    other_branch = org_create(
        code=code(), name="转接二小区支部", kind="compound_branch", parent=other_community
    )
    return Tree(street, community, branch, group, other_street, other_community, other_branch)


def new_member(org: PartyOrg, *, name: str = "转接党员", phone: str = "13900001111") -> Member:
    return member_create(
        data=MemberData(
            name=name,
            id_number=next_id_number(),
            education="bachelor",
            joined_on=date(1990, 7, 1),
            status="full",
            category="community",
            org=org,
            phone=phone,
        )
    )

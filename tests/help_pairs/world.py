"""A small committed world for the help-pair tests: a street of its own under alpha's root, two
communities, members of several categories and two scoped users."""

import itertools
import uuid
from dataclasses import dataclass
from datetime import date

from backend.access.models import Role
from backend.access.services import role_grant
from backend.accounts.services import user_create
from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.services import MemberData, member_create
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from tests.support.seed import PASSWORD

REGION = "210101"
# The retiree tests count from 1 in the same region; these from 500.
_sequence = itertools.count(500)


def code(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def member(name: str, org: PartyOrg, category: str) -> Member:
    seq = next(_sequence)
    born = date(1960 + seq % 20, 1 + seq % 12, 1 + seq % 28)
    return member_create(
        data=MemberData(
            name=name,
            id_number=make_id_number(REGION, born, seq % 1000),
            education="college",
            joined_on=date(2010, 7, 1),
            status="full",
            category=category,
            org=org,
        )
    )


@dataclass
class World:
    street: PartyOrg
    community: PartyOrg
    other_community: PartyOrg
    branch: PartyOrg
    members: list[Member]
    usernames: dict[str, str]


def build_world(prefix: str) -> World:
    root = PartyOrg.objects.get(parent__isnull=True)
    street = org_create(
        code=code(prefix), name="帮扶街道", kind="street_working_committee", parent=root
    )
    community = org_create(
        code=code(prefix), name="帮扶社区", kind="community_committee", parent=street
    )
    other_community = org_create(
        code=code(prefix), name="另一社区", kind="community_committee", parent=street
    )
    branch = org_create(
        code=code(prefix), name="帮扶支部", kind="compound_branch", parent=community
    )
    other_street = org_create(
        code=code(prefix), name="别处街道", kind="street_working_committee", parent=root
    )
    categories = ("retired", "in_service", "community", "laid_off", "mobile")
    members = [member(f"帮扶党员{i}", branch, categories[i % 5]) for i in range(10)]
    usernames = {}
    for label, role, scope in (
        ("other_admin", Role.ORG_ADMIN, other_street),
        ("viewer", Role.VIEWER, community),
    ):
        user = user_create(username=f"{prefix}-{label}-{uuid.uuid4().hex[:6]}", password=PASSWORD)
        role_grant(user=user, role=role, org=scope)
        usernames[label] = user.username
    return World(street, community, other_community, branch, members, usernames)

"""A small committed world for the retired-members HTTP tests: a street of its own under alpha's
root, with communities, building groups, member homes, retired members and two scoped users."""

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
from backend.positions.models import Position, PositionKind
from tests.support.seed import PASSWORD

REGION = "210101"
_sequence = itertools.count(1)


def next_id_number(born: date | None = None) -> str:
    """Region 210101 is these tests' alone; the running sequence keeps numbers distinct within a
    run (help-pair tests count from 500)."""
    seq = next(_sequence)
    born = born or date(1950 + seq % 10, 1 + seq % 12, 1 + seq % 28)
    return make_id_number(REGION, born, seq % 1000)


def code(prefix: str = "ret") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def org(name: str, kind: str, parent: PartyOrg) -> PartyOrg:
    return org_create(code=code(), name=name, kind=kind, parent=parent)


def member(
    name: str, org_: PartyOrg, category: str = "retired", born: date | None = None
) -> Member:
    return member_create(
        data=MemberData(
            name=name,
            id_number=next_id_number(born),
            education="high_school",
            joined_on=date(2008, 7, 1),
            status="full",
            category=category,
            org=org_,
        )
    )


@dataclass
class World:
    street: PartyOrg
    community: PartyOrg
    other_community: PartyOrg
    compound: PartyOrg
    group1: PartyOrg
    group2: PartyOrg
    home: Position
    other_home: Position
    retired: list[Member]
    outsider: Member  # retired, of the other community
    in_service: Member
    other_street: PartyOrg
    usernames: dict[str, str]


def build_world(prefix: str) -> World:
    root = PartyOrg.objects.get(parent__isnull=True)
    street = org_create(
        code=code(prefix), name="离退街道", kind="street_working_committee", parent=root
    )
    community = org("离退社区", "community_committee", street)
    other_community = org("邻近社区", "community_general_branch", street)
    compound = org("幸福小区党支部", "compound_branch", community)
    group1 = org("幸福小区1幢门栋党小组", "building_group", compound)
    group2 = org("幸福小区2幢门栋党小组", "building_group", compound)
    other_branch = org("邻近小区党支部", "compound_branch", other_community)
    other_street = org_create(
        code=code(prefix), name="别的街道", kind="street_working_committee", parent=root
    )
    home = Position.objects.create(
        community=community,
        kind=PositionKind.MEMBER_HOME,
        name="离退社区党员之家",
        opened_on=date(2015, 1, 1),
    )
    other_home = Position.objects.create(
        community=other_community, kind=PositionKind.MEMBER_HOME, name="邻近社区党员之家"
    )
    retired = [member(f"老党员{i}", compound) for i in range(12)]
    outsider = member("外社区老党员", other_branch)
    in_service = member("在职党员甲", compound, category="in_service", born=date(1985, 5, 5))
    usernames = {}
    for label, role, scope in (
        ("other_admin", Role.ORG_ADMIN, other_street),
        ("viewer", Role.VIEWER, community),
        ("community_admin", Role.ORG_ADMIN, community),
    ):
        user = user_create(username=f"{prefix}-{label}-{uuid.uuid4().hex[:6]}", password=PASSWORD)
        role_grant(user=user, role=role, org=scope)
        usernames[label] = user.username
    return World(
        street=street,
        community=community,
        other_community=other_community,
        compound=compound,
        group1=group1,
        group2=group2,
        home=home,
        other_home=other_home,
        retired=retired,
        outsider=outsider,
        in_service=in_service,
        other_street=other_street,
        usernames=usernames,
    )

"""Test data of the in-service tests: a street of our own under a district's root, with two
communities, a unit with its Party organisation, and in-service members (ID numbers of region
120101, sequences from a counter so no two tests collide)."""

import itertools
import uuid
from dataclasses import dataclass
from datetime import date

from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.services import MemberData, member_create
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.units.models import Unit
from backend.units.services import UnitData, unit_create

REGION = "120101"
_sequence = itertools.count(start=int(uuid.uuid4().int % 400) * 2 + 1)


def new_id_number() -> str:
    """A valid ID number of our region that no other call in this process returns."""
    n = next(_sequence)
    born = date(1975 + n % 20, 1 + n % 12, 1 + n % 28)
    return make_id_number(REGION, born, 100 + (n // 420) % 900)


@dataclass
class Street:
    street: PartyOrg
    community: PartyOrg
    community2: PartyOrg
    unit_org: PartyOrg
    unit: Unit


def make_street(label: str = "") -> Street:
    """Call inside a district. A new street with unique codes."""
    tag = f"insvc-{uuid.uuid4().hex[:8]}"
    root = PartyOrg.objects.get(parent__isnull=True)
    street = org_create(
        code=tag, name=f"在职测试街道{label}", kind="street_working_committee", parent=root
    )
    community = org_create(
        code=f"{tag}-c1", name=f"在职测试一社区{label}", kind="community_committee", parent=street
    )
    community2 = org_create(
        code=f"{tag}-c2",
        name=f"在职测试二社区{label}",
        kind="community_general_branch",
        parent=street,
    )
    unit_org = org_create(
        code=f"{tag}-u1", name=f"在职测试公司党支部{label}", kind="unit_org", parent=street
    )
    unit = unit_create(
        data=UnitData(
            name=f"在职测试公司{tag}",
            kind="non_public_enterprise",
            employee_count=50,
            party_member_count=5,
            party_org_status="own",
            covering_org=unit_org,
        )
    )
    return Street(street, community, community2, unit_org, unit)


def make_member(
    s: Street,
    *,
    name: str = "在职党员",
    category: str = "in_service",
    residence: PartyOrg | None = None,
    with_residence: bool = True,
    id_number: str | None = None,
) -> Member:
    in_service = category == "in_service"
    return member_create(
        data=MemberData(
            name=name,
            id_number=id_number or new_id_number(),
            education="bachelor",
            joined_on=date(2015, 7, 1),
            status="full",
            category=category,
            org=s.unit_org,
            residence_community=(residence or s.community)
            if in_service and with_residence
            else None,
            work_unit=s.unit if in_service else None,
        )
    )

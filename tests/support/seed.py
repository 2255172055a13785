"""A small, hand-written district shape for the tests, with recognisable canary values."""

from dataclasses import dataclass, field
from datetime import date

from backend.members.id_numbers import make_id_number
from backend.members.services import MemberData, member_create
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.units.services import UnitData, unit_create

PASSWORD = "Test-pass-2024"


@dataclass(frozen=True)
class SeededDistrict:
    code: str
    canary: str
    id_numbers: tuple[str, ...]
    phones: tuple[str, ...]
    org_pks: dict[str, int]
    unit_pk: int
    member_pks: tuple[int, ...]
    # One object of each member-work type, by GraphQL type name (tests.support.isolation).
    objects: dict[str, int] = field(default_factory=dict)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Strings that must never appear in another district's responses."""
        return (self.canary, *self.id_numbers, *self.phones)


def seed_district(code: str, region: str) -> SeededDistrict:
    canary = f"CANARY{code.upper()}"
    root = org_create(
        code=f"{code}-root", name=f"{canary}区委", kind="district_committee", parent=None
    )
    street = org_create(
        code=f"{code}-s1", name=f"{canary}街道党工委", kind="street_working_committee", parent=root
    )
    street2 = org_create(
        code=f"{code}-s2",
        name=f"{canary}二街道党工委",
        kind="street_working_committee",
        parent=root,
    )
    community = org_create(
        code=f"{code}-s1-c1", name=f"{canary}社区党委", kind="community_committee", parent=street
    )
    compound = org_create(
        code=f"{code}-s1-c1-b1",
        name=f"{canary}小区党支部",
        kind="compound_branch",
        parent=community,
    )
    group = org_create(
        code=f"{code}-s1-c1-b1-g1", name=f"{canary}党小组", kind="party_group", parent=compound
    )
    temporary = org_create(
        code=f"{code}-s2-t1",
        name=f"{canary}临时党支部",
        kind="temporary_branch",
        parent=street2,
        end_date=date(2027, 6, 30),
    )
    unit_org = org_create(
        code=f"{code}-s1-u1", name=f"{canary}科技公司党支部", kind="unit_org", parent=street
    )
    unit = unit_create(
        data=UnitData(
            name=f"{canary}科技有限公司",
            kind="non_public_enterprise",
            employee_count=120,
            party_member_count=8,
            party_org_status="own",
            covering_org=unit_org,
        )
    )
    id_numbers, phones, member_pks = [], [], []
    categories = ["in_service", "mobile", "laid_off", "retired", "community"]
    for index, category in enumerate(categories):
        id_number = make_id_number(region, date(1970 + index, 3, 1 + index), 101 + 2 * index)
        phone = f"139{region[:4]}{index:04d}"
        member = member_create(
            data=MemberData(
                name=f"{canary}党员{index}",
                id_number=id_number,
                education="bachelor",
                joined_on=date(2000, 7, 1),
                status="full",
                category=category,
                org=compound if index % 2 == 0 else unit_org,
                phone=phone,
                residence_community=community if category == "in_service" else None,
                work_unit=unit if category == "in_service" else None,
            )
        )
        id_numbers.append(id_number)
        phones.append(phone)
        member_pks.append(member.pk)
    orgs: list[PartyOrg] = [root, street, street2, community, compound, group, temporary, unit_org]
    return SeededDistrict(
        code=code,
        canary=canary,
        id_numbers=tuple(id_numbers),
        phones=tuple(phones),
        org_pks={org.code.removeprefix(f"{code}-"): org.pk for org in orgs},
        unit_pk=unit.pk,
        member_pks=tuple(member_pks),
    )

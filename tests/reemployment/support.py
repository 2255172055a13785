"""Builders for the re-employment tests: an own street under the district root (code prefix
`reemp-`), communities, stations and laid-off members with region 150101 ID numbers."""

import itertools
import uuid
from datetime import date

from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.services import MemberData, member_create
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.positions.models import Position, PositionKind

REGION = "150101"
_sequence = itertools.count(1)


def code() -> str:
    return f"reemp-{uuid.uuid4().hex[:12]}"


def street() -> PartyOrg:
    root = PartyOrg.objects.get(parent__isnull=True)
    return org_create(
        code=code(), name="再就业测试街道", kind="street_working_committee", parent=root
    )


def community(parent: PartyOrg, name: str = "再就业测试社区") -> PartyOrg:
    return org_create(code=code(), name=name, kind="community_committee", parent=parent)


def compound(parent: PartyOrg) -> PartyOrg:
    return org_create(code=code(), name="小区党支部", kind="compound_branch", parent=parent)


def station(at: PartyOrg, kind: str = PositionKind.REEMPLOYMENT_STATION, **extra) -> Position:
    return Position.objects.create(community=at, kind=kind, name=f"{at.name}再就业服务站", **extra)


def id_number(born: date = date(1968, 5, 4)) -> str:
    """A fresh number: the sequence (and a varying day) keeps them distinct within a run, the
    random birth year keeps runs apart in the shared session database."""
    number = next(_sequence)
    year = 1960 + uuid.uuid4().int % 15
    return make_id_number(REGION, date(year, born.month, 1 + number % 28), 100 + number % 900)


def member(org: PartyOrg, name: str = "下岗党员", category: str = "laid_off") -> Member:
    return member_create(
        data=MemberData(
            name=name,
            id_number=id_number(),
            education="high_school",
            joined_on=date(1995, 7, 1),
            status="full",
            category=category,
            org=org,
            phone="13912345678",
        )
    )

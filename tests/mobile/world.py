"""A committed corner of alpha for the mobile and discovery tests: a street of our own (codes
`mob-…`) that no other test counts, members with ID numbers of region 140101, and users scoped
to it. Built once per module; every call builds a fresh corner (unique codes and numbers)."""

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from backend.access.models import Role
from backend.access.services import role_grant
from backend.accounts.services import user_create
from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.services import MemberData, member_create
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from tests.conftest import global_id
from tests.support.graphql_client import GraphQLClient
from tests.support.seed import PASSWORD

REGION = "140101"
_numbers = itertools.count(1)
ERRORS = "errors { field code message }"


def new_id_number() -> str:
    """A fresh valid ID number of region 140101 (birth dates walk from 1960, sequences 500+)."""
    n = next(_numbers) + uuid.uuid4().int % 5000 * 100
    born = date(1960, 1, 1) + timedelta(days=n % 6000)
    return make_id_number(REGION, born, 500 + n % 499)


def gid(type_name: str, pk: int) -> str:
    return global_id(type_name, "alpha", pk)


@dataclass
class World:
    prefix: str
    orgs: dict[str, PartyOrg] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)

    def org(self, key: str) -> str:
        return gid("PartyOrg", self.orgs[key].pk)

    def member(self, key: str) -> str:
        return gid("Member", self.members[key].pk)

    def client(self, api_url: str, who: str) -> GraphQLClient:
        client = GraphQLClient(api_url, "alpha.localhost")
        return client.as_user(client.login(self.usernames[who], PASSWORD))


def _org(world: World, key: str, kind: str, parent: PartyOrg | None, **extra: Any) -> None:
    world.orgs[key] = org_create(
        code=f"{world.prefix}-{key}", name=f"{world.prefix}{key}", kind=kind, parent=parent, **extra
    )


def add_member(world: World, key: str, category: str, org_key: str) -> Member:
    id_number = new_id_number()
    world.members[key] = member_create(
        data=MemberData(
            name=f"流动{key}",
            id_number=id_number,
            education="high_school",
            joined_on=date(2005, 7, 1),
            status="full",
            category=category,
            org=world.orgs[org_key],
        )
    )
    return world.members[key]


def build_world() -> World:
    """Call inside in_district("alpha") with the database unblocked."""
    world = World(prefix=f"mob-{uuid.uuid4().hex[:8]}")
    root = PartyOrg.objects.get(parent__isnull=True)
    _org(world, "street", "street_working_committee", root)
    _org(world, "other_street", "street_working_committee", root)
    street = world.orgs["street"]
    _org(world, "community", "community_committee", street)
    _org(world, "community2", "community_general_branch", street)
    _org(world, "compound", "compound_branch", world.orgs["community"])
    _org(world, "group", "party_group", world.orgs["compound"])
    _org(world, "group2", "party_group", world.orgs["compound"])
    _org(world, "outside_group", "party_group", world.orgs["community2"])
    _org(
        world,
        "temp",
        "temporary_branch",
        world.orgs["community"],
        established_on=date(2024, 3, 1),
        end_date=date(2028, 12, 31),
    )
    _org(world, "temp_group", "party_group", world.orgs["temp"])
    _org(
        world,
        "temp2",
        "temporary_branch",
        street,
        established_on=date(2024, 1, 1),
        end_date=date(2029, 6, 30),
    )
    _org(
        world,
        "old_temp",
        "temporary_branch",
        street,
        established_on=date(2023, 1, 1),
        end_date=date(2024, 12, 31),
    )
    _org(world, "other_community", "community_committee", world.orgs["other_street"])
    for key in ("m1", "m2", "m3", "m4", "m5"):
        add_member(world, key, "mobile", "compound")
    add_member(world, "in_branch", "mobile", "temp")
    add_member(world, "worker", "in_service", "compound")
    for who, role, org_key in (
        ("other_admin", Role.ORG_ADMIN, "other_street"),
        ("viewer", Role.VIEWER, "street"),
        ("street_admin", Role.ORG_ADMIN, "street"),
    ):
        user = user_create(username=f"{world.prefix}-{who}", password=PASSWORD)
        role_grant(user=user, role=role, org=world.orgs[org_key])
        world.usernames[who] = user.username
    return world

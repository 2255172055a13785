"""A small committed world in alpha for the activity and volunteer-team tests: a street of our
own with two communities and a unit with its Party organisation, a second street, members of
several categories, and signed-in users of each kind. ID numbers use region 330101."""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from backend.access.models import Role
from backend.access.services import role_grant
from backend.accounts.services import user_create
from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.services import MemberData, member_create
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.units.models import Unit
from backend.units.services import UnitData, unit_create
from tenants.context import in_district
from tests.conftest import global_id
from tests.support.graphql_client import GraphQLClient
from tests.support.seed import PASSWORD

REGION = "330101"
ERRORS = "errors { field code message }"


@dataclass
class World:
    prefix: str
    street: PartyOrg
    communities: list[PartyOrg]
    unit_org: PartyOrg
    unit: Unit
    bare_unit: Unit
    other_street: PartyOrg
    other_community: PartyOrg
    members: dict[str, Member] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)

    def gid(self, obj: object) -> str:
        return global_id(type(obj).__name__, "alpha", obj.pk)  # type: ignore[attr-defined]

    def member(self, key: str) -> str:
        return self.gid(self.members[key])


def _org(prefix: str, suffix: str, name: str, kind: str, parent: PartyOrg) -> PartyOrg:
    return org_create(code=f"{prefix}-{suffix}", name=name, kind=kind, parent=parent)


# (key, category, org key) of the world's members.
MEMBERS = (
    ("c1a", "community", "c1"),
    ("c1b", "community", "c1"),
    ("retired", "retired", "c2"),
    ("worker", "in_service", "unit_org"),
    ("outsider", "community", "other"),
)


def build_world(tag: str, born: date) -> World:
    """Call inside alpha. `born` keeps each module's ID numbers apart."""
    prefix = f"act-{uuid.uuid4().hex[:8]}"
    root = PartyOrg.objects.get(parent__isnull=True)
    street = _org(prefix, "s", f"{tag}街道党工委", "street_working_committee", root)
    communities = [
        _org(prefix, f"c{i}", f"{tag}第{i}社区党委", "community_committee", street) for i in (1, 2)
    ]
    unit_org = _org(prefix, "u", f"{tag}某公司党支部", "unit_org", street)
    unit = unit_create(
        data=UnitData(
            name=f"{tag}某公司{prefix}",
            kind="non_public_enterprise",
            employee_count=80,
            party_member_count=5,
            party_org_status="own",
            covering_org=unit_org,
        )
    )
    bare_unit = unit_create(
        data=UnitData(name=f"{tag}无党组织公司{prefix}", kind="non_public_enterprise")
    )
    other_street = _org(prefix, "o", f"{tag}另一街道党工委", "street_working_committee", root)
    other_community = _org(prefix, "oc", f"{tag}另一社区党委", "community_committee", other_street)
    world = World(
        prefix=prefix,
        street=street,
        communities=communities,
        unit_org=unit_org,
        unit=unit,
        bare_unit=bare_unit,
        other_street=other_street,
        other_community=other_community,
    )
    orgs = {"c1": communities[0], "c2": communities[1], "unit_org": unit_org}
    orgs["other"] = other_community
    for sequence, (key, category, org_key) in enumerate(MEMBERS, start=300):
        world.members[key] = member_create(
            data=MemberData(
                name=f"{tag}{key}",
                id_number=make_id_number(REGION, born, sequence),
                education="bachelor",
                joined_on=born + timedelta(days=365 * 25),
                status="full",
                category=category,
                org=orgs[org_key],
                work_unit=unit if category == "in_service" else None,
            )
        )
    profiles = {
        "street_admin": (Role.ORG_ADMIN, street),
        "street_viewer": (Role.VIEWER, street),
        "other_admin": (Role.ORG_ADMIN, other_street),
    }
    for label, (role, org) in profiles.items():
        user = user_create(username=f"{prefix}-{label}", password=PASSWORD)
        role_grant(user=user, role=role, org=org)
        world.usernames[label] = user.username
    return world


def build_world_in_alpha(tag: str, born: date) -> World:
    with in_district("alpha"):
        return build_world(tag, born)


def sign_in(api_url: str, username: str) -> GraphQLClient:
    client = GraphQLClient(api_url, "alpha.localhost")
    return client.as_user(client.login(username, PASSWORD))

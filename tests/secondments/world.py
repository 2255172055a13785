"""A small committed world in alpha for the secondment, position and campaign tests: two streets
of our own with communities, a district organ with its Party organisation and cadres, and
signed-in users of each kind. Codes carry a unique prefix; ID numbers use region 220101."""

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

REGION = "220101"
ERRORS = "errors { field code message }"


@dataclass
class World:
    prefix: str
    street: PartyOrg
    communities: list[PartyOrg]
    other_street: PartyOrg
    other_community: PartyOrg
    compound: PartyOrg
    organ_org: PartyOrg
    organ: Unit
    cadres: list[Member] = field(default_factory=list)
    retired: Member | None = None
    usernames: dict[str, str] = field(default_factory=dict)

    def gid(self, obj: object) -> str:
        return global_id(type(obj).__name__, "alpha", obj.pk)  # type: ignore[attr-defined]


def _org(prefix: str, suffix: str, name: str, kind: str, parent: PartyOrg) -> PartyOrg:
    return org_create(code=f"{prefix}-{suffix}", name=name, kind=kind, parent=parent)


def _member(name: str, born: date, sequence: int, category: str, org: PartyOrg, unit: Unit | None):
    return member_create(
        data=MemberData(
            name=name,
            id_number=make_id_number(REGION, born, sequence),
            education="bachelor",
            joined_on=born + timedelta(days=365 * 25),
            status="full",
            category=category,
            org=org,
            work_unit=unit,
        )
    )


def build_world(tag: str, born: date, cadres: int = 3) -> World:
    """Call inside alpha. `born` and the cadre count keep each module's ID numbers apart."""
    prefix = f"sec-{uuid.uuid4().hex[:8]}"
    root = PartyOrg.objects.get(parent__isnull=True)
    street = _org(prefix, "s", f"{tag}街道党工委", "street_working_committee", root)
    communities = [
        _org(prefix, f"c{i}", f"{tag}第{i}社区党委", "community_committee", street)
        for i in range(1, 4)
    ]
    compound = _org(prefix, "c1-b", f"{tag}小区党支部", "compound_branch", communities[0])
    other_street = _org(prefix, "o", f"{tag}另一街道党工委", "street_working_committee", root)
    other_community = _org(prefix, "oc", f"{tag}另一社区党委", "community_committee", other_street)
    organ_org = _org(prefix, "organ", f"{tag}区民政局机关党支部", "unit_org", root)
    organ = unit_create(
        data=UnitData(
            name=f"{tag}区民政局{prefix}",
            kind="organ",
            employee_count=60,
            party_member_count=30,
            party_org_status="own",
            covering_org=organ_org,
        )
    )
    world = World(
        prefix=prefix,
        street=street,
        communities=communities,
        other_street=other_street,
        other_community=other_community,
        compound=compound,
        organ_org=organ_org,
        organ=organ,
    )
    for index in range(cadres):
        world.cadres.append(
            _member(f"{tag}干部{index}", born, 100 + index, "in_service", organ_org, organ)
        )
    world.retired = _member(f"{tag}退休{cadres}", born, 100 + cadres, "retired", organ_org, None)
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


def build_world_in_alpha(tag: str, born: date, cadres: int = 3) -> World:
    with in_district("alpha"):
        return build_world(tag, born, cadres)


def sign_in(api_url: str, username: str) -> GraphQLClient:
    client = GraphQLClient(api_url, "alpha.localhost")
    return client.as_user(client.login(username, PASSWORD))

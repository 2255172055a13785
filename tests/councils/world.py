"""A small committed world in alpha for the 三会一站 tests: a street of our own with two
communities, a compound branch, a resident unit with its Party organisation, a district organ
under the root, another street, and signed-in users. No members: councils hold orgs and units."""

import uuid
from dataclasses import dataclass, field

from backend.access.models import Role
from backend.access.services import role_grant
from backend.accounts.services import user_create
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.units.models import Unit
from backend.units.services import UnitData, unit_create
from tenants.context import in_district
from tests.conftest import global_id
from tests.support.graphql_client import GraphQLClient
from tests.support.seed import PASSWORD

ERRORS = "errors { field code message }"


@dataclass
class World:
    prefix: str
    street: PartyOrg
    communities: list[PartyOrg]
    compound: PartyOrg
    unit_org: PartyOrg
    unit: Unit
    organ_org: PartyOrg
    organ: Unit
    other_street: PartyOrg
    other_community: PartyOrg
    usernames: dict[str, str] = field(default_factory=dict)

    def gid(self, obj: object) -> str:
        return global_id(type(obj).__name__, "alpha", obj.pk)  # type: ignore[attr-defined]


def _unit(name: str, kind: str, org: PartyOrg) -> Unit:
    return unit_create(
        data=UnitData(
            name=name,
            kind=kind,
            employee_count=80,
            party_member_count=12,
            party_org_status="own",
            covering_org=org,
        )
    )


def build_world(tag: str) -> World:
    """Call inside alpha; `tag` keeps names apart between modules."""
    prefix = f"cnl-{uuid.uuid4().hex[:8]}"
    root = PartyOrg.objects.get(parent__isnull=True)

    def org(suffix: str, name: str, kind: str, parent: PartyOrg) -> PartyOrg:
        return org_create(code=f"{prefix}-{suffix}", name=f"{tag}{name}", kind=kind, parent=parent)

    street = org("s", "街道党工委", "street_working_committee", root)
    communities = [
        org(f"c{i}", f"第{i}社区党委", "community_committee", street) for i in range(1, 7)
    ]
    unit_org = org("u", "燃气公司党委", "unit_org", street)
    organ_org = org("organ", "区民政局机关党支部", "unit_org", root)
    other_street = org("o", "另一街道党工委", "street_working_committee", root)
    world = World(
        prefix=prefix,
        street=street,
        communities=communities,
        compound=org("c1-b", "小区党支部", "compound_branch", communities[0]),
        unit_org=unit_org,
        unit=_unit(f"{tag}燃气公司{prefix}", "resident_unit", unit_org),
        organ_org=organ_org,
        organ=_unit(f"{tag}区民政局{prefix}", "organ", organ_org),
        other_street=other_street,
        other_community=org("oc", "另一社区党委", "community_committee", other_street),
    )
    profiles = {
        "street_admin": (Role.ORG_ADMIN, street),
        "street_viewer": (Role.VIEWER, street),
        "other_admin": (Role.ORG_ADMIN, other_street),
    }
    for label, (role, anchor) in profiles.items():
        user = user_create(username=f"{prefix}-{label}", password=PASSWORD)
        role_grant(user=user, role=role, org=anchor)
        world.usernames[label] = user.username
    return world


def build_world_in_alpha(tag: str) -> World:
    with in_district("alpha"):
        return build_world(tag)


def sign_in(api_url: str, username: str) -> GraphQLClient:
    client = GraphQLClient(api_url, "alpha.localhost")
    return client.as_user(client.login(username, PASSWORD))

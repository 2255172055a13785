"""A small committed (or rolled-back) world in alpha for the public-affairs tests: a street of our
own with communities, another street, a few members, and signed-in users. Codes carry a unique
prefix; ID numbers use region 340101."""

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
from tenants.context import in_district
from tests.conftest import global_id
from tests.support.seed import PASSWORD

REGION = "340101"
ERRORS = "errors { field code message }"


@dataclass
class World:
    prefix: str
    street: PartyOrg
    communities: list[PartyOrg]
    other_street: PartyOrg
    other_community: PartyOrg
    compound: PartyOrg
    members: list[Member] = field(default_factory=list)
    usernames: dict[str, str] = field(default_factory=dict)

    def gid(self, obj: object) -> str:
        return global_id(type(obj).__name__, "alpha", obj.pk)  # type: ignore[attr-defined]


def _org(prefix: str, suffix: str, name: str, kind: str, parent: PartyOrg) -> PartyOrg:
    return org_create(code=f"{prefix}-{suffix}", name=name, kind=kind, parent=parent)


def build_world(tag: str, born: date, members: int = 2) -> World:
    """Call inside alpha. `born` keeps each module's ID numbers apart."""
    prefix = f"pa-{uuid.uuid4().hex[:8]}"
    root = PartyOrg.objects.get(parent__isnull=True)
    street = _org(prefix, "s", f"{tag}街道党工委", "street_working_committee", root)
    communities = [
        _org(prefix, f"c{i}", f"{tag}第{i}社区党委", "community_committee", street)
        for i in range(1, 5)
    ]
    compound = _org(prefix, "c1-b", f"{tag}小区党支部", "compound_branch", communities[0])
    other_street = _org(prefix, "o", f"{tag}另一街道党工委", "street_working_committee", root)
    other_community = _org(prefix, "oc", f"{tag}另一社区党委", "community_committee", other_street)
    world = World(prefix, street, communities, other_street, other_community, compound)
    for index in range(members):
        world.members.append(
            member_create(
                data=MemberData(
                    name=f"{tag}居民党员{index}",
                    id_number=make_id_number(REGION, born, 100 + index),
                    education="bachelor",
                    joined_on=born + timedelta(days=365 * 25),
                    status="full",
                    category="community",
                    org=compound,
                )
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


def build_world_in_alpha(tag: str, born: date, members: int = 2) -> World:
    with in_district("alpha"):
        return build_world(tag, born, members)

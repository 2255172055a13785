"""A committed world in alpha for the co-building tests: a street holding a co-building graph of
known shape, a street for the mutation tests, another street, and signed-in users.

Street G ("graph") on ON = 2025-06-01:
- component A, with a cycle: pairs C1–C2, C2–C3, C3–C1 and C3–U1 (U1 covered by C3);
- component B, a council star: the council hosted by C4 with members U2, U3, U4;
- component C: the pair U5–C5;
- excluded: C6–U6 expired before ON; C5–U6 ended before ON; C1–OC (other street) and
  C2–NC (a unit no org covers) lie partly outside the street.
- isolated communities on ON: C4 (council ties only) and C6.
Service hours: C1→C2 5.0 and C2→C1 1.5 (on C1–C2); U1→C3 4.0 (on C3–U1); U5→C5 2.0."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from backend.access.models import Role
from backend.access.services import role_grant
from backend.accounts.services import user_create
from backend.cobuilding.models import CoBuildingPair, ServiceRecord
from backend.councils.models import Council, CouncilMembership
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.units.models import Unit
from tenants.context import in_district
from tests.conftest import global_id
from tests.support.graphql_client import GraphQLClient
from tests.support.seed import PASSWORD

ON = date(2025, 6, 1)
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
ERRORS = "errors { field code message }"


@dataclass
class World:
    prefix: str
    graph_street: PartyOrg
    street: PartyOrg
    other_street: PartyOrg
    orgs: dict[str, PartyOrg] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    pairs: dict[str, CoBuildingPair] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)

    def gid(self, obj: object) -> str:
        return global_id(type(obj).__name__, "alpha", obj.pk)  # type: ignore[attr-defined]

    def node(self, label: str) -> str:
        obj = self.orgs.get(label) or self.units[label]
        return self.gid(obj)


def _unit(prefix: str, name: str, covering: PartyOrg | None, kind: str = "resident_unit") -> Unit:
    return Unit.objects.create(
        name=f"{name}{prefix}",
        kind=kind,
        party_org_status="attached" if covering else "none",
        covering_org=covering,
    )


def _pair(a: PartyOrg | Unit, b: PartyOrg | Unit, starts: date, ends: date, **extra: object):
    sides: dict[str, object] = {}
    for prefix, side in (("a", a), ("b", b)):
        sides[f"{prefix}_org" if isinstance(side, PartyOrg) else f"{prefix}_unit"] = side
    return CoBuildingPair.objects.create(starts_on=starts, ends_on=ends, **sides, **extra)


def _service(pair: CoBuildingPair, direction: str, hours: str) -> None:
    ServiceRecord.objects.create(
        pair=pair, served_on=ON, direction=direction, description="共建服务", hours=Decimal(hours)
    )


def build_world() -> World:
    prefix = f"cob-{uuid.uuid4().hex[:8]}"
    root = PartyOrg.objects.get(parent__isnull=True)

    def org(suffix: str, name: str, kind: str, parent: PartyOrg) -> PartyOrg:
        return org_create(code=f"{prefix}-{suffix}", name=name, kind=kind, parent=parent)

    graph_street = org("g", f"共建图街道{prefix}", "street_working_committee", root)
    street = org("m", f"共建街道{prefix}", "street_working_committee", root)
    other_street = org("o", f"共建另一街道{prefix}", "street_working_committee", root)
    world = World(prefix, graph_street, street, other_street)
    for i in range(1, 7):
        world.orgs[f"C{i}"] = org(
            f"g{i}", f"图社区{i}{prefix}", "community_committee", graph_street
        )
    world.orgs["OC"] = org("oc", f"另一社区{prefix}", "community_committee", other_street)
    for i in (1, 2):
        world.orgs[f"M{i}"] = org(f"m{i}", f"共建社区{i}{prefix}", "community_committee", street)
    o = world.orgs
    covering: dict[str, PartyOrg | None] = {
        "U1": o["C3"],
        "U2": o["C4"],
        "U3": o["C4"],
        "U4": o["C4"],
        "U5": o["C5"],
    }
    covering |= {"U6": o["C6"], "MU": o["M1"], "OU": o["OC"], "NC": None}
    for label, cover in covering.items():
        world.units[label] = _unit(prefix, f"单位{label}", cover)
    u = world.units
    p = world.pairs
    p["C1-C2"] = _pair(o["C1"], o["C2"], *YEAR)
    p["C2-C3"] = _pair(o["C2"], o["C3"], *YEAR)
    p["C3-C1"] = _pair(o["C3"], o["C1"], *YEAR)
    p["C3-U1"] = _pair(o["C3"], u["U1"], *YEAR)
    p["U5-C5"] = _pair(u["U5"], o["C5"], *YEAR)
    p["C6-U6"] = _pair(o["C6"], u["U6"], date(2024, 1, 1), date(2024, 12, 31))
    p["C5-U6"] = _pair(
        o["C5"],
        u["U6"],
        date(2025, 1, 1),
        date(2025, 12, 31),
        ended_on=date(2025, 3, 1),
        end_reason="单位搬迁",
    )
    p["C1-OC"] = _pair(o["C1"], o["OC"], *YEAR)
    p["C2-NC"] = _pair(o["C2"], u["NC"], *YEAR)
    _service(p["C1-C2"], "a_to_b", "3.0")
    _service(p["C1-C2"], "a_to_b", "2.0")
    _service(p["C1-C2"], "b_to_a", "1.5")
    _service(p["C3-U1"], "b_to_a", "4.0")
    _service(p["U5-C5"], "a_to_b", "2.0")
    council = Council.objects.create(
        kind="community_joint_meeting",
        name=f"联席会{prefix}",
        host_org=o["C4"],
        established_on=date(2024, 1, 1),
    )
    for label in ("U2", "U3", "U4"):
        CouncilMembership.objects.create(council=council, unit=u[label], joined_on=date(2024, 3, 1))
    # Left before ON: no edge.
    CouncilMembership.objects.create(
        council=council, org=o["C6"], joined_on=date(2024, 3, 1), left_on=date(2025, 1, 31)
    )
    profiles = {
        "admin": (Role.ORG_ADMIN, street),
        "viewer": (Role.VIEWER, street),
        "other_admin": (Role.ORG_ADMIN, other_street),
        "graph_viewer": (Role.VIEWER, graph_street),
    }
    for label, (role, grant_org) in profiles.items():
        user = user_create(username=f"{prefix}-{label}", password=PASSWORD)
        role_grant(user=user, role=role, org=grant_org)
        world.usernames[label] = user.username
    return world


def build_world_in_alpha() -> World:
    with in_district("alpha"):
        return build_world()


def sign_in(api_url: str, username: str) -> GraphQLClient:
    client = GraphQLClient(api_url, "alpha.localhost")
    return client.as_user(client.login(username, PASSWORD))

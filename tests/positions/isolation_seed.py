"""One position in each seeded district, for the canary matrix (isolation_cases.py)."""

from backend.orgs.models import PartyOrg
from backend.positions.models import Position
from tests.support.seed import SeededDistrict


def seed(seeded: SeededDistrict) -> dict[str, int]:
    position = Position.objects.create(
        community=PartyOrg.objects.get(pk=seeded.org_pks["s1-c1"]),
        kind="activity_room",
        name=f"{seeded.canary}党员活动室",
        address=f"{seeded.canary}社区服务中心",
        area_m2=80,
        meets_standard=True,
    )
    return {"Position": position.pk}

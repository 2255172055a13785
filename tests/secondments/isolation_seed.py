"""One secondment in each seeded district, for the canary matrix: member 0 (in service) seconded
to s1-c1 under the district's own campaign (tests/campaigns/isolation_seed.py)."""

from datetime import date

from backend.campaigns.models import Campaign
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.secondments.models import Secondment
from backend.units.models import Unit
from tests.campaigns.isolation_seed import canary_campaign_code
from tests.support.seed import SeededDistrict


def seed(seeded: SeededDistrict) -> dict[str, int]:
    cadre = Member.objects.get(pk=seeded.member_pks[0])
    secondment = Secondment.objects.create(
        cadre=cadre,
        cadre_name=cadre.name,
        rank="科级",
        title=f"{seeded.canary}科长",
        home_unit=Unit.objects.get(pk=seeded.unit_pk),
        community=PartyOrg.objects.get(pk=seeded.org_pks["s1-c1"]),
        campaign=Campaign.objects.get(code=canary_campaign_code(seeded)),
        started_on=date(2025, 3, 1),
        planned_end_on=date(2030, 2, 28),
        tasks=f"{seeded.canary}蹲点任务",
    )
    return {"Secondment": secondment.pk}

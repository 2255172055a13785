"""One co-building pair (with a commitment and a service record) in each seeded district, for
the canary matrix (isolation_cases.py)."""

from datetime import date, timedelta
from decimal import Decimal

from backend.campaigns.models import CampaignTheme
from backend.cobuilding.models import CoBuildingPair, PairCommitment, ServiceRecord
from tests.support.seed import SeededDistrict


def seed(seeded: SeededDistrict) -> dict[str, int]:
    today = date.today()
    theme = CampaignTheme.objects.get(campaign__code="seven_hands", code="community_service")
    pair = CoBuildingPair.objects.create(
        a_org_id=seeded.org_pks["s1-c1"],
        b_unit_id=seeded.unit_pk,
        campaign=theme.campaign,
        theme=theme,
        starts_on=today - timedelta(days=100),
        ends_on=today + timedelta(days=265),
    )
    commitment = PairCommitment.objects.create(
        pair=pair, side="a", text=f"{seeded.canary}承诺", position=1
    )
    record = ServiceRecord.objects.create(
        pair=pair,
        served_on=today - timedelta(days=10),
        direction="b_to_a",
        description=f"{seeded.canary}服务",
        hours=Decimal("2.5"),
    )
    return {
        "CoBuildingPair": pair.pk,
        "CoBuildingCommitment": commitment.pk,
        "CoBuildingServiceRecord": record.pk,
    }

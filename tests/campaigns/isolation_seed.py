"""The district's own campaign in each seeded district, for the canary matrix: a child of
干部下基层, so the seeded secondment (tests/secondments/isolation_seed.py) belongs to it."""

from backend.campaigns.models import Campaign
from tests.support.seed import SeededDistrict


def canary_campaign_code(seeded: SeededDistrict) -> str:
    return f"{seeded.canary.lower()}_cadres"


def seed(seeded: SeededDistrict) -> dict[str, int]:
    campaign = Campaign.objects.create(
        code=canary_campaign_code(seeded),
        name=f"{seeded.canary}干部进社区",
        parent=Campaign.objects.get(code="cadres_to_grassroots"),
    )
    campaign.themes.create(code="canary", name=f"{seeded.canary}主题", position=1)
    return {"Campaign": campaign.pk}

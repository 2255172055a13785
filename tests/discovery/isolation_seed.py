"""One open 公开亮相 registration in each seeded district, for the canary matrix
(isolation_cases.py): a person not on the roll, named and numbered after the district."""

from datetime import date

from backend.members.id_numbers import make_id_number
from backend.members.registrations import PersonData, registration_create
from backend.orgs.models import PartyOrg
from tests.support.seed import SeededDistrict


def seed(seeded: SeededDistrict) -> dict[str, int]:
    region = seeded.id_numbers[0][:6]
    registration = registration_create(
        source="home_purchase",
        community=PartyOrg.objects.get(pk=seeded.org_pks["s1-c1"]),
        registered_on=date(2025, 3, 1),
        person=PersonData(
            name=f"{seeded.canary}亮相人员",
            # Sequence 151: neither the seeded members' (101–109) nor the ghosts' (701–709).
            id_number=make_id_number(region, date(1982, 5, 6), 151),
            phone=f"137{region[:4]}0151",
            relation_location=f"{seeded.canary}外地党支部",
        ),
        notes=f"{seeded.canary}备注",
    )
    return {"DiscoveryRegistration": registration.pk}

"""Help-pair records in each seeded district, for the canary matrix (isolation_cases.py): a
canary household in s1-c1 paired with member 0, and one visit; services write them, so they
follow the app's rules."""

from datetime import date
from decimal import Decimal

from backend.help_pairs.services import (
    HouseholdData,
    VisitData,
    household_register,
    pair_create,
    visit_log,
)
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from tests.support.seed import SeededDistrict

HELPER = 0  # tests/support/seed.py: member 0 is in service, in s1-c1-b1


def seed(seeded: SeededDistrict) -> dict[str, int]:
    region = seeded.id_numbers[0][:6]
    household = household_register(
        data=HouseholdData(
            community=PartyOrg.objects.get(pk=seeded.org_pks["s1-c1"]),
            head_name=f"{seeded.canary}户主",
            kind="military_family",
            address=f"{seeded.canary}小区3幢2单元",
            registered_on=date(2024, 1, 5),
            size=2,
            situation=f"{seeded.canary}烈属",
            phone=f"136{region[:4]}8888",
        )
    )
    pair = pair_create(
        household=household,
        member=Member.objects.get(pk=seeded.member_pks[HELPER]),
        start_on=date(2024, 2, 1),
    )
    visit = visit_log(
        pair=pair,
        data=VisitData(
            visited_on=date(2024, 3, 1),
            kind="money",
            hours=Decimal("1.0"),
            amount=Decimal("500.00"),
            note=f"{seeded.canary}春节慰问",
        ),
    )
    return {"Household": household.pk, "HelpPair": pair.pk, "HelpVisit": visit.pk}

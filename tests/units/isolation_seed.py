"""One 党建指导员 in each seeded district, for the canary matrix: assigned by street s1 to the
district's seeded unit (tests/support/seed.py)."""

from datetime import date

from backend.orgs.models import PartyOrg
from backend.units.models import UnitAssignment
from tests.support.seed import SeededDistrict


def seed(seeded: SeededDistrict) -> dict[str, int]:
    assignment = UnitAssignment.objects.create(
        unit_id=seeded.unit_pk,
        role="instructor",
        person_name=f"{seeded.canary}指导员",
        assigned_by=PartyOrg.objects.get(pk=seeded.org_pks["s1"]),
        start_date=date(2025, 3, 1),
        note=f"{seeded.canary}备注",
    )
    return {"UnitAssignment": assignment.pk}

"""A mobile-member profile and an assignment in each seeded district, for the canary matrix
(isolation_cases.py): the seeded mobile member (index 1), registered in s1-c1, in its party group."""

from datetime import date

from backend.members.models import Member
from backend.mobile.services import ProfileData, assignment_create, profile_create
from backend.orgs.models import PartyOrg
from tests.support.seed import SeededDistrict


def seed(seeded: SeededDistrict) -> dict[str, int]:
    profile = profile_create(
        member=Member.objects.get(pk=seeded.member_pks[1]),
        data=ProfileData(
            origin_place=f"{seeded.canary}流出地",
            origin_region_code="341200",
            relation_location="outside",
            relation_org_name=f"{seeded.canary}老家党支部",
            relation_place=f"{seeded.canary}老家",
            trade="construction",
            occupation=f"{seeded.canary}工种",
            community=PartyOrg.objects.get(pk=seeded.org_pks["s1-c1"]),
            registered_on=date(2025, 1, 1),
            contact_notes=f"{seeded.canary}联系方式",
        ),
    )
    assignment = assignment_create(
        profile=profile,
        org=PartyOrg.objects.get(pk=seeded.org_pks["s1-c1-b1-g1"]),
        start_date=date(2025, 2, 1),
        note=f"{seeded.canary}编组",
    )
    return {"MobileMemberProfile": profile.pk, "MobileAssignment": assignment.pk}
